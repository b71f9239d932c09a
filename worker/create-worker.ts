import { fileURLToPath } from 'node:url';
import {
  bundleWorkflowCode,
  Worker,
  type NativeConnection,
  type WorkflowBundleOption,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createScheduleActivities } from '../activities/schedule-activities';
import { createActivities, type ActivityDeps } from '../activities/sync-activities';
import { createUpkeepActivities } from '../activities/upkeep-activities';
import { createWebhookActivities } from '../activities/webhook-activities';

const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

export interface SyncWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  maxConcurrentActivities: number;
  /** Workflows kept in memory between tasks; unset leaves the SDK's default. */
  maxCachedWorkflows?: number;
  /**
   * Tests bundle the workflows once and share the bundle across workers; the container image passes
   * `{ codePath }` of the file `npm run build` wrote.
   */
  workflowBundle?: WorkflowBundleOption;
  /** How long running activities may finish after shutdown starts before they are cancelled; default 10 s. */
  shutdownGraceMs?: number;
  /** One deadline for a whole POST to a webhook receiver; default 10 s. */
  webhookTimeoutMs?: number;
}

const quiet = { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error };

/** Bundles the workflow code once; webpack's build report is noise in a running service's log. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, logger: quiet });
}

/** One worker runs both the sync workflows and their activities on the task queue. */
export async function createSyncWorker(options: SyncWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: options.workflowBundle ?? (await bundleWorkflows()),
    activities: {
      ...createActivities(options.deps),
      ...createScheduleActivities(options.deps),
      ...createUpkeepActivities(options.deps),
      ...createWebhookActivities({
        ...options.deps,
        ...(options.webhookTimeoutMs !== undefined ? { webhookTimeoutMs: options.webhookTimeoutMs } : {}),
      }),
    },
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities,
    ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    // Pages are short; a worker stopped mid-page should give it back quickly rather than hold it.
    shutdownGraceTime: options.shutdownGraceMs ?? 10_000,
  });
}
