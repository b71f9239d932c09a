import type { FastifyRequest } from 'fastify';
import type { Database } from '../db/client';
import { findAccountByApiKey } from '../db/accounts-repository';
import { ApiError } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    account: { id: string; name: string } | null;
  }
}

const bearer = /^Bearer\s+(\S{1,200})$/i;

/**
 * Every route but health needs `Authorization: Bearer <API key>`; the account it names scopes all data.
 * `onFailure` hears of each request refused, for the per-address limit (api/rate-limit.ts).
 */
export function createAuthenticate(db: Database, onFailure: (request: FastifyRequest) => void = () => {}) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const match = bearer.exec(request.headers.authorization ?? '');
    const account = match?.[1] ? await findAccountByApiKey(db, match[1]) : null;
    if (!account) {
      onFailure(request);
      throw new ApiError('unauthorized', 'Send a valid API key as "Authorization: Bearer <key>".');
    }
    request.account = account;
  };
}

export function accountOf(request: FastifyRequest): { id: string; name: string } {
  if (!request.account)
    throw new ApiError('unauthorized', 'Send a valid API key as "Authorization: Bearer <key>".');
  return request.account;
}
