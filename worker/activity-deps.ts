// The activities' dependencies as a worker builds them from its config. The worker process and the tests'
// workers both call this, so a test runs its activities exactly as they run deployed.
import type { ActivityDeps } from '../activities/sync-activities';
import { budgetDefaultsOf, type Config } from '../config/env';
import type { Database } from '../db/client';
import { parseEncryptionKeys } from '../db/crypto';
import { createPostgresRequestBudget } from '../db/request-budget-store';
import type { RequestBudget } from '../halo/budget';

export function activityDepsOf(
  config: Config,
  db: Database,
  extra: Pick<ActivityDeps, 'onHaloRequest'> = {},
): ActivityDeps & { requestBudget: RequestBudget } {
  return {
    db,
    encryptionKey: parseEncryptionKeys(config.ENCRYPTION_KEY),
    allowPrivateHaloUrls: config.ALLOW_PRIVATE_HALO_URLS,
    haloTimeoutMs: config.HALO_TIMEOUT_MS,
    incrementalOverlapMs: config.SYNC_INCREMENTAL_OVERLAP_MINUTES * 60_000,
    // Shared by every activity of the process; its state is in PostgreSQL, shared by every worker.
    requestBudget: createPostgresRequestBudget(db, { defaults: budgetDefaultsOf(config) }),
    ...(config.HALO_RATE_LIMIT_MAX_WAIT_SECONDS !== undefined
      ? { haloRateLimitMaxWaitMs: config.HALO_RATE_LIMIT_MAX_WAIT_SECONDS * 1000 }
      : {}),
    ...extra,
  };
}
