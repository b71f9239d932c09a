// The worker process: runs the sync workflows and activities until SIGINT/SIGTERM.
import { NativeConnection } from '@temporalio/worker';
import { budgetDefaultsOf, loadConfig } from '../config/env';
import { createPostgresRequestBudget } from '../halo/budget-postgres';
import { createDatabase } from '../db/client';
import { parseEncryptionKey } from '../db/crypto';
import { createSyncWorker } from './create-worker';

const config = loadConfig();
const encryptionKey = parseEncryptionKey(config.ENCRYPTION_KEY);
const database = createDatabase(config.DATABASE_URL, { max: config.DB_POOL_MAX });
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });

const worker = await createSyncWorker({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  maxConcurrentActivities: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
  deps: {
    db: database.db,
    encryptionKey,
    allowPrivateHaloUrls: config.ALLOW_PRIVATE_HALO_URLS,
    haloTimeoutMs: config.HALO_TIMEOUT_MS,
    incrementalOverlapMs: config.SYNC_INCREMENTAL_OVERLAP_MINUTES * 60_000,
    requestBudget: createPostgresRequestBudget(database.db, { defaults: budgetDefaultsOf(config) }),
    ...(config.HALO_RATE_LIMIT_MAX_WAIT_SECONDS !== undefined
      ? { haloRateLimitMaxWaitMs: config.HALO_RATE_LIMIT_MAX_WAIT_SECONDS * 1000 }
      : {}),
  },
});

// Temporal's runtime already turns SIGINT/SIGTERM into worker.shutdown(), which lets running pages finish.
console.log(
  JSON.stringify({
    msg: 'worker started',
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    namespace: config.TEMPORAL_NAMESPACE,
    temporal: config.TEMPORAL_ADDRESS,
  }),
);
try {
  await worker.run();
} finally {
  await connection.close();
  await database.close();
}
