import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { decorateAudit } from './audit';
import type { AppDeps } from './deps';
import { createAuthenticate } from './auth';
import { errorHandler, notFound } from './errors';
import { logFields } from '../config/logging';
import { addRequestLogContext } from './logging';
import { createApiMetrics } from './metrics';
import { createRateLimiter, createUnauthenticatedLimiter } from './rate-limit';
import { decorateCaller } from './people';
import { authorize } from './permissions';
import { completeRouteSchemas } from './route-docs';
import { alertRoutes } from './routes/alerts';
import { budgetRoutes } from './routes/budget';
import { changeRoutes } from './routes/changes';
import { docsRoutes, registerOpenApi } from './routes/docs';
import { haloRoutes } from './routes/halo';
import { healthRoutes } from './routes/health';
import { integrationRoutes } from './routes/integrations';
import { lifecycleRoutes } from './routes/lifecycle';
import { metricsRoutes } from './routes/metrics';
import { peopleRoutes } from './routes/people';
import { recordRoutes } from './routes/records';
import { syncRoutes } from './routes/syncs';
import { webRoutes } from './routes/web';
import { webhookRoutes } from './routes/webhooks';
import { createIntegrationService } from './integration-service';
import { createSchedules } from './schedules';
import { useZodSchemas } from './schema-compilers';
import { createSyncService } from './sync-service';

/** API_TRUST_PROXY as Fastify takes it: a hop count, `true`, or the proxies' addresses. */
function trustProxyOption(text: string | undefined): Pick<FastifyServerOptions, 'trustProxy'> {
  if (text === undefined) return {};
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return { trustProxy: (_address: string, hop: number) => hop < hops };
  }
  if (text === 'true') return { trustProxy: true };
  return { trustProxy: text.split(',').map((part) => part.trim()) };
}

/** Builds the API without listening, so tests can use inject() and server.ts can listen. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    // A Halo setup body is five short strings; nothing we accept comes close to 64 KiB.
    bodyLimit: 64 * 1024,
    // The id is always ours: a client's x-request-id is only logged beside it (api/logging.ts), so no caller
    // can make its lines pass for another request's.
    requestIdHeader: false,
    logController: new LogController({ requestIdLogLabel: logFields.requestId }),
    genReqId: () => crypto.randomUUID(),
    ...trustProxyOption(deps.config.API_TRUST_PROXY),
  });
  // Each route declares its params, querystring, body and answers once, in zod: they validate the request,
  // type the handler, check answers in tests and make the OpenAPI document.
  useZodSchemas(app, deps.config.API_CHECK_RESPONSES);
  completeRouteSchemas(app);
  await registerOpenApi(app);
  addRequestLogContext(app);
  const metrics = deps.metrics ?? createApiMetrics(deps.db);
  metrics.instrument(app);
  app.decorateRequest('account', null);
  decorateCaller(app);
  decorateAudit(app, deps.db);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request) => {
    throw notFound(`${request.method} ${request.url.split('?')[0]}`);
  });

  const syncs = createSyncService(deps);
  const schedules = createSchedules(deps);
  const integrations = createIntegrationService({ ...deps, syncs, schedules });
  await app.register(healthRoutes, { deps });
  const metricsToken = deps.config.METRICS_TOKEN;
  await app.register(metricsRoutes, { metrics, enabled: metricsToken !== undefined, token: metricsToken });
  await app.register(docsRoutes);
  await app.register(webRoutes);
  await app.register(
    async (v1) => {
      const unauthenticated = createUnauthenticatedLimiter({
        limit: deps.config.API_UNAUTHENTICATED_PER_MINUTE,
        windowMs: 60_000,
      });
      v1.addHook('onRequest', unauthenticated.check);
      v1.addHook('onRequest', createAuthenticate(deps.db, unauthenticated.failed));
      v1.addHook(
        'onRequest',
        createRateLimiter({ limit: deps.config.API_RATE_LIMIT_PER_MINUTE, windowMs: 60_000 }),
      );
      // After authentication: the role check of api/permissions.ts, the one place every route is checked.
      v1.addHook('onRequest', authorize);
      await v1.register(integrationRoutes, { deps, syncs, schedules, integrations });
      await v1.register(haloRoutes, { deps });
      await v1.register(syncRoutes, { deps, syncs });
      await v1.register(recordRoutes, { deps });
      await v1.register(budgetRoutes, { deps });
      await v1.register(lifecycleRoutes, { deps });
      await v1.register(peopleRoutes, { deps });
      await v1.register(changeRoutes, { deps });
      await v1.register(webhookRoutes, { deps });
      await v1.register(alertRoutes, { deps });
    },
    { prefix: '/v1' },
  );
  return app;
}
