// The contract between workflows and activities. Only ids, page numbers, cursors and counts cross it:
// bulk data and secrets stay inside activities (architecture invariants 1 and 2).
import type { HaloKind } from '../halo/records';

export type SyncKind = 'full' | 'incremental';
export type SyncStatus = 'running' | 'completed' | 'failed' | 'cancelled';

export interface PlanSyncInput {
  syncRunId: string;
  integrationId: string;
}

export interface SyncPlan {
  /** Halo's record_count per kind at the start of the run. */
  recordCounts: Record<HaloKind, number>;
  /** Kinds Halo will not let us read, with a reason a person can act on. */
  skipped: Partial<Record<HaloKind, string>>;
}

export interface SyncPageInput {
  syncRunId: string;
  integrationId: string;
  kind: HaloKind;
  pageNo: number;
  pageSize: number;
  /** Full syncs stamp every row they see, so a later sweep can find rows Halo no longer has. */
  markSeen: boolean;
  /** The workflow's current estimate, shown as progress. */
  pagesTotal: number;
}

export interface PageCounts {
  received: number;
  created: number;
  updated: number;
  unchanged: number;
}

export interface SyncPageResult extends PageCounts {
  /** Halo's record_count as this page reported it; it grows when records are added mid-sync. */
  recordCount: number;
  firstId: number | null;
  lastId: number | null;
}

export interface FinishSyncInput {
  syncRunId: string;
  status: Exclude<SyncStatus, 'running'>;
  error?: string;
  warnings: string[];
}
