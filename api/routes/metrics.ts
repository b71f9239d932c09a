import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiError, notFound } from '../errors';
import type { ApiMetrics } from '../metrics';
import { errorResponse, textBody } from '../route-schemas';

export interface MetricsRouteOptions {
  metrics: ApiMetrics;
  /** Off answers 404, as if the route did not exist. */
  enabled: boolean;
  /** When set, only `Authorization: Bearer <token>` is answered. */
  token?: string | undefined;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * GET /metrics: off on the API's public port unless METRICS_TOKEN is set (and then it needs the token);
 * server.ts also serves it on METRICS_PORT, which binds METRICS_HOST (loopback unless configured).
 */
export const metricsRoutes: FastifyPluginAsyncZod<MetricsRouteOptions> = async (app, options) => {
  const getMetricsSchema = {
    tags: ['Operations'],
    summary: 'Prometheus metrics',
    description:
      'Answered on this port only when METRICS_TOKEN is set, and then only with that token; METRICS_PORT ' +
      'serves the same on a separate listener.',
    response: {
      200: textBody('text/plain; version=0.0.4', 'Prometheus text format'),
      401: errorResponse('unauthorized: the metrics token is missing or wrong'),
      404: errorResponse('not_found: metrics are not served on this port'),
    },
  };
  app.get('/metrics', { schema: getMetricsSchema }, async (request, reply) => {
    if (!options.enabled) throw notFound('GET /metrics');
    if (options.token && !bearerMatches(request.headers.authorization, options.token)) {
      throw new ApiError(
        'unauthorized',
        'Send the metrics token as "Authorization: Bearer <METRICS_TOKEN>".',
      );
    }
    const text = await options.metrics.render();
    return reply.type(options.metrics.registry.contentType).header('cache-control', 'no-store').send(text);
  });
};
