import { timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { ApiError, notFound } from '../errors';
import type { ApiMetrics } from '../metrics';

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
export const metricsRoutes: FastifyPluginAsync<MetricsRouteOptions> = async (app, options) => {
  app.get('/metrics', async (request, reply) => {
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
