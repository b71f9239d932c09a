// The API process: validates config once, connects lazily to Temporal, listens until SIGINT/SIGTERM.
import { Client, Connection } from '@temporalio/client';
import Fastify from 'fastify';
import { loadConfig } from '../config/env';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { createDatabase } from '../db/client';
import { parseEncryptionKeys } from '../db/crypto';
import { buildApp } from './app';
import { apiLoggerOptions } from './logging';
import { apiTemporalInterceptors } from './unreachable';
import { createApiMetrics } from './metrics';
import { metricsRoutes } from './routes/metrics';
import { useZodSchemas } from './schema-compilers';
import { keepEnsuringServiceSchedules } from './service-schedules';

const config = loadConfig();
const encryptionKey = parseEncryptionKeys(config.ENCRYPTION_KEY);
const database = createDatabase(config.DATABASE_URL, { max: config.DB_POOL_MAX });
// Lazy: the API starts (and /readyz says why it is not ready) even while Temporal is still coming up.
const connection = Connection.lazy({
  ...temporalConnectionOptions(config),
  interceptors: apiTemporalInterceptors,
});
const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
const metrics = createApiMetrics(database.db);

const app = await buildApp({
  config,
  db: database.db,
  temporal,
  encryptionKey,
  metrics,
  logger: apiLoggerOptions(config.LOG_LEVEL),
});

// METRICS_PORT: Prometheus scrapes a listener of its own, kept off the public port (loopback by default).
const metricsPort = config.METRICS_PORT;
const metricsApp = metricsPort !== undefined ? Fastify({ logger: false }) : null;
if (metricsApp) {
  useZodSchemas(metricsApp, config.API_CHECK_RESPONSES);
  await metricsApp.register(metricsRoutes, { metrics, enabled: true, token: config.METRICS_TOKEN });
}

let closing = false;
// The stale check and history pruning run as Temporal Schedules, not timers in this process.
const serviceSchedules = keepEnsuringServiceSchedules(temporal, config, (error) =>
  app.log.warn({ err: error }, 'service schedules not yet in place; retrying in 30 s'),
);
// A response sent while closing ends its connection: otherwise a client holding a kept-alive connection,
// busy when the signal came, keeps app.close() waiting until the grace period runs out.
app.addHook('onSend', async (_request, reply) => {
  if (closing) reply.header('connection', 'close');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (closing) return;
    closing = true;
    serviceSchedules.stop();
    app.log.info({ signal, graceSeconds: config.API_SHUTDOWN_GRACE_SECONDS }, 'shutting down');
    // Requests in flight get the grace period; after it the process leaves anyway, so a stuck request
    // cannot hold up a deploy.
    setTimeout(() => {
      app.log.error('requests still in flight after the grace period; exiting');
      process.exit(1);
    }, config.API_SHUTDOWN_GRACE_SECONDS * 1000).unref();
    // app.close() stops accepting connections, answers 503 to new requests on kept-alive ones, closes idle
    // connections and resolves once every request in flight has been answered.
    void Promise.all([app.close(), metricsApp?.close()])
      .then(() => Promise.all([connection.close(), database.close()]))
      .then(
        () => {
          app.log.info('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          app.log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  });
}

await app.listen({ port: config.PORT, host: config.HOST });
if (metricsApp && metricsPort !== undefined) {
  await metricsApp.listen({ port: metricsPort, host: config.METRICS_HOST });
}
