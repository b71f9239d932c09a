import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Config } from '../config/env';
import type { Database } from '../db/client';
import { createAuthenticate } from './auth';
import { errorHandler, notFound } from './errors';
import { createRateLimiter } from './rate-limit';
import { budgetRoutes } from './routes/budget';
import { healthRoutes } from './routes/health';
import { integrationRoutes } from './routes/integrations';
import { recordRoutes } from './routes/records';
import { syncRoutes } from './routes/syncs';
import { createSchedules } from './schedules';
import { createSyncService } from './sync-service';

export interface AppDeps {
  config: Config;
  db: Database;
  temporal: Client;
  encryptionKey: Buffer;
  logger?: FastifyServerOptions['logger'];
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
  app.decorateRequest('account', null);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request) => {
    throw notFound(`${request.method} ${request.url.split('?')[0]}`);
  });

  const syncs = createSyncService(deps);
  const schedules = createSchedules(deps);
  await app.register(healthRoutes, { deps });
  await app.register(
    async (v1) => {
      v1.addHook('onRequest', createAuthenticate(deps.db));
      v1.addHook(
        'onRequest',
        createRateLimiter({ limit: deps.config.API_RATE_LIMIT_PER_MINUTE, windowMs: 60_000 }),
      );
      await v1.register(integrationRoutes, { deps, syncs, schedules });
      await v1.register(syncRoutes, { deps, syncs });
      await v1.register(recordRoutes, { deps });
      await v1.register(budgetRoutes, { deps });
    },
    { prefix: '/v1' },
  );
  return app;
}
