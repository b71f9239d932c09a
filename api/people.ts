// What a request knows about its caller beyond the account: the member and the key they signed in with.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { KeyHolder } from '../db/api-keys-repository';
import { ApiError } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    member: KeyHolder['member'] | null;
    memberKey: KeyHolder['key'] | null;
  }
}

export function decorateCaller(app: FastifyInstance): void {
  app.decorateRequest('member', null);
  app.decorateRequest('memberKey', null);
}

/** The member and key of an authenticated request; every /v1 route has them after api/auth.ts. */
export function callerOf(request: FastifyRequest): {
  member: KeyHolder['member'];
  key: KeyHolder['key'];
} {
  if (!request.member || !request.memberKey)
    throw new ApiError('unauthorized', 'Send a valid API key as "Authorization: Bearer <key>".');
  return { member: request.member, key: request.memberKey };
}
