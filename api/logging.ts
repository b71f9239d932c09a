// The API's log: pino's JSON lines as Fastify writes them, with the request id on every line, the account,
// member, integration and sync a request is about added as soon as they are known, and secrets kept out.
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { loggableError, logFields, redactPaths, REDACTED, scrubSecrets } from '../config/logging';
import type { Env } from '../config/env';

/** Fastify's `logger` option for the API process. */
export function apiLoggerOptions(level: Env['LOG_LEVEL']): FastifyServerOptions['logger'] {
  return {
    level,
    // The shape config/logging.ts describes: level as a word and ISO time, as the worker writes them.
    formatters: { level: (label) => ({ level: label }) },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    redact: { paths: redactPaths, censor: REDACTED },
    // pino's own serializer copies every field of an error, a database error's bound values included.
    serializers: { err: (error: unknown) => loggableError(error) },
    // Every finished line passes the scrubber, so a secret inside a message or an error text is caught too.
    hooks: { streamWrite: scrubSecrets },
  };
}

/** A caller's own request id, kept short and printable: it is only a hint for finding its lines. */
function clientRequestIdOf(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const printable = value
    .slice(0, 512)
    .replace(/[^\x21-\x7e]/g, '')
    .slice(0, 128);
  return printable === '' ? undefined : printable;
}

/** Which id a route's `:id` is, by the route's path. */
function idsOf(url: string | undefined, params: unknown): Record<string, string> {
  const id = (params as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string' || !url) return {};
  if (url.startsWith('/v1/integrations/:id')) return { [logFields.integrationId]: id };
  if (url.startsWith('/v1/syncs/:id')) return { [logFields.syncId]: id };
  return {};
}

/**
 * Adds the ids a request is about to every later line it logs (its "request completed" line included), and
 * returns the request id as `x-request-id`, so a caller's report can be found in the log. A caller's own
 * `x-request-id` is logged as `clientRequestId`, never used as the id.
 */
export function addRequestLogContext(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const clientRequestId = clientRequestIdOf(request.headers['x-request-id']);
    if (clientRequestId === undefined) return;
    const child = request.log.child({ clientRequestId });
    request.log = child;
    reply.log = child;
  });
  app.addHook('preHandler', async (request, reply) => {
    const bindings = {
      ...(request.account ? { [logFields.accountId]: request.account.id } : {}),
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
