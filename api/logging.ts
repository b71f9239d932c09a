// The API's log: pino's JSON lines as Fastify writes them, with the request id on every line, the account,
// member, integration and sync a request is about added as soon as they are known, and secrets kept out.
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { redactPaths, REDACTED, scrubSecrets } from '../config/logging';
import type { Env } from '../config/env';

/** Fastify's `logger` option for the API process. */
export function apiLoggerOptions(level: Env['LOG_LEVEL']): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: redactPaths, censor: REDACTED },
    // Every finished line passes the scrubber, so a secret inside a message or an error text is caught too.
    hooks: { streamWrite: scrubSecrets },
  };
}

/** Which id a route's `:id` is, by the route's path. */
function idsOf(url: string | undefined, params: unknown): Record<string, string> {
  const id = (params as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string' || !url) return {};
  if (url.startsWith('/v1/integrations/:id')) return { integrationId: id };
  if (url.startsWith('/v1/syncs/:id')) return { syncId: id };
  return {};
}

/**
 * Adds the ids a request is about to every later line it logs (its "request completed" line included), and
 * returns the request id as `x-request-id`, so a caller's report can be found in the log.
 */
export function addRequestLogContext(app: FastifyInstance): void {
  app.addHook('preHandler', async (request, reply) => {
    const bindings = {
      ...(request.account ? { accountId: request.account.id } : {}),
      ...(request.member ? { memberId: request.member.id } : {}),
      ...idsOf(request.routeOptions.url, request.params),
    };
    if (Object.keys(bindings).length === 0) return;
    const child = request.log.child(bindings);
    request.log = child;
    reply.log = child;
  });
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
}
