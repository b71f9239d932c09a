import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Config } from '../config/env';
import type { Database } from '../db/client';
import { createAuthenticate } from './auth';
import { errorHandler, notFound } from './errors';
import { addRequestLogContext } from './logging';
import { createApiMetrics, type ApiMetrics } from './metrics';
import { trackRoutes } from './openapi';
import { createRateLimiter } from './rate-limit';
import { alertRoutes } from './routes/alerts';
import { budgetRoutes } from './routes/budget';
import { changeRoutes } from './routes/changes';
import { docsRoutes } from './routes/docs';
import { haloRoutes } from './routes/halo';
import { healthRoutes } from './routes/health';
import { integrationRoutes } from './routes/integrations';
import { metricsRoutes } from './routes/metrics';
import { recordRoutes } from './routes/records';
import { syncRoutes } from './routes/syncs';
import { webRoutes } from './routes/web';
import { webhookRoutes } from './routes/webhooks';
import { createSchedules } from './schedules';
import { createSyncService } from './sync-service';

export interface AppDeps {
  config: Config;
  db: Database;
  temporal: Client;
  encryptionKey: Buffer;
  logger?: FastifyServerOptions['logger'];
  /** server.ts passes its own to serve it on METRICS_PORT too; otherwise one is made per app. */
  metrics?: ApiMetrics;
}

/** Builds the API without listening, so tests can use inject() and server.ts can listen. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    // A Halo setup body is five short strings; nothing we accept comes close to 64 KiB.
    bodyLimit: 64 * 1024,
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
  });
  trackRoutes(app);
  addRequestLogContext(app);
  const metrics = deps.metrics ?? createApiMetrics(deps.db);
  metrics.instrument(app);
  app.decorateRequest('account', null);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request) => {
    throw notFound(`${request.method} ${request.url.split('?')[0]}`);
  });

  const syncs = createSyncService(deps);
  const schedules = createSchedules(deps);
  await app.register(healthRoutes, { deps });
  const metricsToken = deps.config.METRICS_TOKEN;
  await app.register(metricsRoutes, { metrics, enabled: metricsToken !== undefined, token: metricsToken });
  await app.register(docsRoutes);
  await app.register(webRoutes);
  await app.register(
    async (v1) => {
      v1.addHook('onRequest', createAuthenticate(deps.db));
      v1.addHook(
        'onRequest',
        createRateLimiter({ limit: deps.config.API_RATE_LIMIT_PER_MINUTE, windowMs: 60_000 }),
      );
      await v1.register(integrationRoutes, { deps, syncs, schedules });
      await v1.register(haloRoutes, { deps });
      await v1.register(syncRoutes, { deps, syncs });
      await v1.register(recordRoutes, { deps });
      await v1.register(budgetRoutes, { deps });
      await v1.register(changeRoutes, { deps });
      await v1.register(webhookRoutes, { deps });
      await v1.register(alertRoutes, { deps });
    },
    { prefix: '/v1' },
  );
  return app;
}
