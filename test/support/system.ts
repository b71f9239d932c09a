import { randomBytes, randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import { createSyncService } from '../../api/sync-service';
import { parseEnv, type Config } from '../../config/env';
import { activityDepsOf } from '../../worker/activity-deps';
import { createSyncWorker } from '../../worker/create-worker';
import { findSyncRunById, type SyncRunRow } from '../../db/sync-runs-repository';
import { waitFor } from '../../scripts/children';
import type { TestDatabase } from './database';
import { workflowBundle } from './temporal';

/** Config as the processes would read it, pointed at the test's own database and Temporal server. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  const env = parseEnv({
    DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused',
    ALLOW_PRIVATE_HALO_URLS: 'true',
    // The stand-in has no limit unless a test gives it one; tests of the budget set their own.
    HALO_BUDGET_REQUESTS: '100000',
    HALO_BUDGET_WINDOW_SECONDS: '1',
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    // Every answer a test sees is checked against its route's response schema.
    API_CHECK_RESPONSES: 'true',
    ...overrides,
  });
  return { ...env, ENCRYPTION_KEY: randomBytes(32).toString('hex') };
}

export async function startTestWorker(
  connection: NativeConnection,
  database: TestDatabase,
  config: Config,
): Promise<{ worker: Worker; running: Promise<void> }> {
  const worker = await createSyncWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    maxConcurrentActivities: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    workflowBundle: await workflowBundle(),
    webhookTimeoutMs: config.WEBHOOK_TIMEOUT_SECONDS * 1000,
    deps: activityDepsOf(config, database.db),
  });
  return { worker, running: worker.run() };
}

export function syncServiceFor(config: Config, database: TestDatabase, temporal: Client) {
  return createSyncService({ config, db: database.db, temporal });
}

/** What the sync service needs to know of a seeded integration. */
export function targetOf(account: { accountId: string }, integration: { id: string; tenant: string }) {
  return { accountId: account.accountId, integrationId: integration.id, tenant: integration.tenant };
}

/** Starts a sync through the sync service and waits for its workflow to end; returns the run as stored. */
export async function syncToEnd(
  config: Config,
  database: TestDatabase,
  temporal: Client,
  target: ReturnType<typeof targetOf>,
  kind: 'full' | 'incremental' = 'full',
): Promise<SyncRunRow> {
  const { run, started } = await syncServiceFor(config, database, temporal).startSync(target, kind);
  if (!started) throw new Error(`A sync of ${target.integrationId} was already running`);
  await temporal.workflow
    .getHandle(run.workflowId)
    .result()
    .catch(() => undefined);
  const finished = await findSyncRunById(database.db, run.id);
  if (!finished) throw new Error(`Sync run ${run.id} vanished`);
  return finished;
}

/** Waits until a running sync has written at least `pages` pages, for tests that act mid-sync. */
export async function waitForPages(database: TestDatabase, syncRunId: string, pages: number): Promise<void> {
  await waitFor(
    `${pages} pages of sync ${syncRunId}`,
    async () => ((await findSyncRunById(database.db, syncRunId))?.pagesDone ?? 0) >= pages,
    60_000,
  );
}
