// The worker process: runs the sync workflows and activities until SIGINT/SIGTERM.
import { existsSync } from 'node:fs';
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../config/env';
import { describeTemporalConnection, temporalConnectionOptions } from '../config/temporal-connection';
import { createDatabase } from '../db/client';
import { activityDepsOf } from './activity-deps';
import { createSyncWorker } from './create-worker';
import { startWorkerHttp } from './http';
import { createWorkerLogger } from './logging';
import { createWorkerMetrics } from './metrics';

const config = loadConfig();
const logger = createWorkerLogger(config.LOG_LEVEL);
// Before any connection exists: the Runtime owns logging, Temporal's metrics exporter and signal handling.
// On SIGINT/SIGTERM it calls worker.shutdown(): polling stops at once, running activities get
// WORKER_SHUTDOWN_GRACE_SECONDS to finish, and worker.run() below returns.
Runtime.install({
  logger,
  telemetryOptions: {
    logging: { filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }), forward: {} },
    ...(config.TEMPORAL_METRICS_PORT !== undefined
      ? { metrics: { prometheus: { bindAddress: `${config.METRICS_HOST}:${config.TEMPORAL_METRICS_PORT}` } } }
      : {}),
  },
});

const database = createDatabase(config.DATABASE_URL, { max: config.DB_POOL_MAX });
const deps = activityDepsOf(config, database.db, {
  onHaloRequest: (info) => metrics.observeHaloRequest(info),
});
const metrics = createWorkerMetrics(deps.requestBudget);
let state: () => string = () => 'STARTING';
const http =
  config.WORKER_HTTP_PORT !== undefined
    ? await startWorkerHttp({
        host: config.METRICS_HOST,
        port: config.WORKER_HTTP_PORT,
        state: () => state(),
        databaseOk: () =>
          database.db.execute(sql`select 1`).then(
            () => true,
            () => false,
          ),
        registry: metrics.registry,
        metricsToken: config.METRICS_TOKEN,
      })
    : null;

const bundlePath = config.WORKFLOW_BUNDLE_PATH;
if (bundlePath !== undefined && !existsSync(bundlePath)) {
  throw new Error(
    `WORKFLOW_BUNDLE_PATH: no file at ${bundlePath} (npm run build writes dist/workflow-bundle.js)`,
  );
}
const connectionOptions = temporalConnectionOptions(config);
const connection = await NativeConnection.connect(connectionOptions);

const worker = await createSyncWorker({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  maxConcurrentActivities: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
  maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
  shutdownGraceMs: config.WORKER_SHUTDOWN_GRACE_SECONDS * 1000,
  webhookTimeoutMs: config.WEBHOOK_TIMEOUT_SECONDS * 1000,
  ...(bundlePath !== undefined ? { workflowBundle: { codePath: bundlePath } } : {}),
  deps,
});
state = () => worker.getState();

logger.info('worker started', {
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  namespace: config.TEMPORAL_NAMESPACE,
  temporal: describeTemporalConnection(connectionOptions),
  shutdownGraceSeconds: config.WORKER_SHUTDOWN_GRACE_SECONDS,
  ...(http ? { http: http.url } : {}),
});
try {
  await worker.run();
  logger.info('worker stopped', { taskQueue: config.TEMPORAL_TASK_QUEUE });
} finally {
  await http?.close();
  await connection.close();
  await database.close();
}
