import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../config/env';
import type { Database } from '../db/client';
import {
  deleteSyncRun,
  findRunningSyncRun,
  finishSyncRun,
  insertSyncRun,
  setSyncRunWorkflowRunId,
  type SyncRunRow,
} from '../db/sync-runs-repository';
import type { FullSync } from '../workflows/full-sync';
import { ApiError } from './errors';

/** One workflow id per integration: Temporal itself then refuses a second concurrent sync of it. */
export function syncWorkflowId(integrationId: string): string {
  return `halo-sync-${integrationId}`;
}

export function temporalUiUrl(config: Config, workflowId: string, runId: string | null): string {
  const base = `${config.TEMPORAL_UI_URL.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(config.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}/history` : base;
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ((e as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

export interface StartedSync {
  run: SyncRunRow;
  /** False when a sync of this integration was already running and is returned instead. */
  started: boolean;
}

export function createSyncService(deps: { config: Config; db: Database; temporal: Client }) {
  const { config, db, temporal } = deps;

  /** A row left "running" by a workflow that ended outside our control (terminated, timed out) is closed. */
  async function runningSync(integrationId: string): Promise<SyncRunRow | null> {
    const running = await findRunningSyncRun(db, integrationId);
    if (!running) return null;
    try {
      const description = await temporal.workflow.getHandle(running.workflowId).describe();
      if (description.status.name === 'RUNNING' || description.status.name === 'CONTINUED_AS_NEW')
        return running;
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
    await finishSyncRun(db, running.id, {
      status: 'failed',
      error: 'The sync ended without reporting back (its workflow was stopped in Temporal).',
      warnings: running.warnings,
    });
    return null;
  }

  async function startFullSync(accountId: string, integrationId: string): Promise<StartedSync> {
    const existing = await runningSync(integrationId);
    if (existing) return { run: existing, started: false };

    const workflowId = syncWorkflowId(integrationId);
    const id = randomUUID();
    let run: SyncRunRow;
    try {
      run = await insertSyncRun(db, { id, accountId, integrationId, kind: 'full', workflowId });
    } catch (error) {
      // Another request recorded a running sync between our check and this insert.
      const other = isUniqueViolation(error) ? await findRunningSyncRun(db, integrationId) : null;
      if (other) return { run: other, started: false };
      throw error;
    }
    try {
      const handle = await temporal.workflow.start<typeof FullSync>('FullSync', {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowId,
        workflowIdConflictPolicy: 'FAIL',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        args: [
          {
            syncRunId: id,
            integrationId,
            options: {
              pageSize: config.HALO_PAGE_SIZE,
              concurrency: config.SYNC_PAGE_CONCURRENCY,
              maxPagesPerRun: config.SYNC_MAX_PAGES_PER_RUN,
            },
          },
        ],
      });
      await setSyncRunWorkflowRunId(db, id, handle.firstExecutionRunId);
      return { run: { ...run, workflowRunId: handle.firstExecutionRunId }, started: true };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        await deleteSyncRun(db, id);
        const other = await findRunningSyncRun(db, integrationId);
        if (other) return { run: other, started: false };
      } else {
        await finishSyncRun(db, id, {
          status: 'failed',
          error: 'The sync could not be started: Temporal did not answer.',
          warnings: [],
        });
      }
      throw new ApiError(
        'service_unavailable',
        'The sync could not be started because Temporal is not reachable; try again shortly.',
      );
    }
  }

  return {
    startFullSync,
    temporalUiUrl: (workflowId: string, runId: string | null) => temporalUiUrl(config, workflowId, runId),
  };
}

export type SyncService = ReturnType<typeof createSyncService>;
