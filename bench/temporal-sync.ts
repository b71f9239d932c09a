// Syncs through the real code path: api/sync-service.ts starts the workflow on the benchmark's Temporal
// server; the worker process runs it. Measures wall time, the sync run's counts, and every run's history size.
import type { Client } from '@temporalio/client';
import type { Config } from '../config/env';
import { createSyncService } from '../api/sync-service';
import { findSyncRunById, type SyncRun, type SyncRunKind } from '../db/sync-runs-repository';
import { runHistories } from '../test/support/histories';
import type { BenchDatabase } from './database';

export interface SyncMeasure {
  wallMs: number;
  status: string;
  error: string | null;
  counts: SyncRun['counts'] | null;
  workflowRuns: number;
  /** The largest number of history events in any one run of the chain. */
  maxEventsPerRun: number;
}

export interface SyncTarget {
  config: Config;
  database: BenchDatabase;
  temporal: Client;
  accountId: string;
  integrationId: string;
  tenant: string;
}

/** Starts a sync, waits for its workflow chain to end, and reads back the outcome and the histories. */
export async function measureSync(target: SyncTarget, kind: SyncRunKind): Promise<SyncMeasure> {
  const service = createSyncService({
    config: target.config,
    db: target.database.db,
    temporal: target.temporal,
  });
  const started = performance.now();
  const { run, started: fresh } = await service.startSync(target, kind);
  if (!fresh) throw new Error(`A sync of integration ${target.integrationId} was already running`);
  const firstRunId = run.workflowRunId ?? undefined;
  const handle = target.temporal.workflow.getHandle(run.workflowId, firstRunId);
  let error: string | null = null;
  try {
    await handle.result();
  } catch (e) {
    error =
      e instanceof Error
        ? `${e.message}${e.cause instanceof Error ? `: ${e.cause.message}` : ''}`
        : String(e);
  }
  const wallMs = Math.round(performance.now() - started);
  const row = await findSyncRunById(target.database.db, run.id);
  const histories = firstRunId ? await runHistories(target.temporal, run.workflowId, firstRunId) : [];
  return {
    wallMs,
    status: row?.status ?? 'unknown',
    error: error ?? row?.error ?? null,
    counts: row?.counts ?? null,
    workflowRuns: histories.length,
    maxEventsPerRun: Math.max(0, ...histories.map((h) => h.events?.length ?? 0)),
  };
}
