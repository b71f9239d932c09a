import type { FastifyRequest } from 'fastify';
import type { Database } from '../db/client';
import { findKeyHolder, touchApiKey } from '../db/api-keys-repository';
import { ApiError } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    account: { id: string; name: string } | null;
  }
}

const bearer = /^Bearer\s+(\S{1,200})$/i;

/**
 * Every route but health needs `Authorization: Bearer <API key>`; the account it names scopes all data, and
 * its member's role decides what they may do (api/permissions.ts). A revoked or expired key is not found.
 * `onFailure` hears of each request refused, for the per-address limit (api/rate-limit.ts).
 */
export function createAuthenticate(db: Database, onFailure: (request: FastifyRequest) => void = () => {}) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const match = bearer.exec(request.headers.authorization ?? '');
    const holder = match?.[1] ? await findKeyHolder(db, match[1]) : null;
    if (!holder) {
      onFailure(request);
      throw new ApiError('unauthorized', 'Send a valid API key as "Authorization: Bearer <key>".');
    }
    request.account = holder.account;
    request.member = holder.member;
    request.memberKey = holder.key;
    // "Last used" is kept to the minute, so most requests skip this write entirely.
    if (!holder.key.lastUsedAt || Date.now() - holder.key.lastUsedAt.getTime() > 60_000)
      await touchApiKey(db, holder.key.id);
  };
}

export function accountOf(request: FastifyRequest): { id: string; name: string } {
  if (!request.account)
    throw new ApiError('unauthorized', 'Send a valid API key as "Authorization: Bearer <key>".');
  return request.account;
}
