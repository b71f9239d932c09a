import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../config/env';
import type { Database } from '../db/client';
import {
  deleteSyncRun,
  findRunningSyncRun,
  finishSyncRun,
  claimSyncRun,
  setSyncRunWorkflowRunId,
  type SyncRunKind,
  type SyncRunRow,
} from '../db/sync-runs-repository';
import { syncRunLabels, syncWorkflowId } from '../config/temporal-identity';
import type { FullSync, SyncOptions } from '../workflows/sync';
import { ApiError, outage } from './errors';
import { isTemporalUnreachable, withTemporalDeadline } from './unreachable';

export { syncWorkflowId };

export function temporalUiUrl(config: Config, workflowId: string, runId: string | null): string {
  const base = `${config.TEMPORAL_UI_URL.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(config.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(workflowId)}`;
  return runId ? `${base}/${encodeURIComponent(runId)}/history` : base;
}

export function syncOptionsOf(config: Config): SyncOptions {
  return {
    pageSize: config.HALO_PAGE_SIZE,
    concurrency: config.SYNC_PAGE_CONCURRENCY,
    pagesPerActivity: config.SYNC_PAGES_PER_ACTIVITY,
    maxPagesPerRun: config.SYNC_MAX_PAGES_PER_RUN,
    maxDeleteShare: config.SYNC_MAX_DELETE_SHARE,
    heartbeatSeconds: config.SYNC_HEARTBEAT_SECONDS,
  };
}

/** Tries at starting while a finished sync's workflow closes: 100 ms, 200 ms, … about 2.8 s in all. */
const closingAttempts = 8;

export interface StartedSync {
  run: SyncRunRow;
  /** False when a sync of this integration was already running and is returned instead. */
  started: boolean;
}

export interface SyncTarget {
  accountId: string;
  integrationId: string;
  tenant: string;
}

export function createSyncService(deps: { config: Config; db: Database; temporal: Client }) {
  const { config, db, temporal } = deps;

  /** A row left "running" by a workflow that ended outside our control (terminated, timed out) is closed. */
  async function runningSync(integrationId: string): Promise<SyncRunRow | null> {
    const running = await findRunningSyncRun(db, integrationId);
    if (!running) return null;
    try {
      const description = await withTemporalDeadline(temporal, () =>
        temporal.workflow.getHandle(running.workflowId).describe(),
      );
      if (description.status.name === 'RUNNING') return running;
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
    // Re-read: the workflow may have finished (and written its outcome) between the two reads.
    const again = await findRunningSyncRun(db, integrationId);
    if (again?.id !== running.id) return again;
    await finishSyncRun(db, running.id, {
      status: 'failed',
      error: 'The sync ended without reporting back (its workflow was stopped in Temporal).',
      warnings: running.warnings,
    });
    return null;
  }

  /** Starts a sync of one integration, or returns the one already running (never two at once). */
  async function startSync(target: SyncTarget, kind: SyncRunKind): Promise<StartedSync> {
    const { accountId, integrationId } = target;
    const existing = await runningSync(integrationId);
    if (existing) return { run: existing, started: false };

    const workflowId = syncWorkflowId(integrationId);
    const id = randomUUID();
    const claim = await claimSyncRun(db, { id, accountId, integrationId, kind, workflowId });
    // Another request (or the schedule) recorded a running sync between our check and this claim.
    if (!claim.claimed) {
      if (claim.run) return { run: claim.run, started: false };
      throw new ApiError('sync_in_progress', 'A sync of this integration was just starting; try again.');
    }
    const run = claim.run;
    try {
      const handle = await startWorkflow(target, kind, id);
      await setSyncRunWorkflowRunId(db, id, handle.firstExecutionRunId);
      return { run: { ...run, workflowRunId: handle.firstExecutionRunId }, started: true };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        await deleteSyncRun(db, id);
        const other = await findRunningSyncRun(db, integrationId);
        if (other) return { run: other, started: false };
        throw new ApiError(
          'sync_in_progress',
          'The previous sync of this integration is still closing in Temporal; try again in a moment.',
        );
      }
      // If the start did reach Temporal after all, the workflow records its own outcome over this one.
      await finishSyncRun(db, id, {
        status: 'failed',
        error: 'The sync could not be started: Temporal did not answer.',
        warnings: [],
      });
      if (isTemporalUnreachable(error)) throw outage('temporal', 'The sync did not start.', false);
      throw error;
    }
  }

  /**
   * Starts the workflow under the integration's one id. Our claim holds the database's one running slot, so a
   * workflow Temporal still has under that id has already recorded its end and is closing (a scheduled sync
   * finishing at this very moment): it is given a few moments to close rather than reported as an outage.
   */
  async function startWorkflow(target: SyncTarget, kind: SyncRunKind, syncRunId: string) {
    const { integrationId } = target;
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await withTemporalDeadline(temporal, () =>
          temporal.workflow.start<typeof FullSync>(kind === 'full' ? 'FullSync' : 'IncrementalSync', {
            taskQueue: config.TEMPORAL_TASK_QUEUE,
            workflowId: syncWorkflowId(integrationId),
            workflowIdConflictPolicy: 'FAIL',
            workflowIdReusePolicy: 'ALLOW_DUPLICATE',
            args: [{ syncRunId, integrationId, options: syncOptionsOf(config) }],
            ...syncRunLabels({ ...target, kind }),
          }),
        );
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError) || attempt >= closingAttempts)
          throw error;
        await new Promise((resolve) => setTimeout(resolve, attempt * 100));
      }
    }
  }

  /** Asks the run's workflow to stop; its pages stop at their next heartbeat and it records "cancelled". */
  async function cancelSync(run: SyncRunRow): Promise<void> {
    try {
      // Bound to the run chain this sync started, so a later sync of the integration is never hit.
      const chain = run.workflowRunId ? { firstExecutionRunId: run.workflowRunId } : {};
      await withTemporalDeadline(temporal, () =>
        temporal.workflow.getHandle(run.workflowId, undefined, chain).cancel(),
      );
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      // Nothing left in Temporal to tell: close the row ourselves.
      await finishSyncRun(db, run.id, { status: 'cancelled', warnings: run.warnings });
    }
  }

  return {
    startSync,
    cancelSync,
    runningSync,
    temporalUiUrl: (workflowId: string, runId: string | null) => temporalUiUrl(config, workflowId, runId),
  };
}

export type SyncService = ReturnType<typeof createSyncService>;
