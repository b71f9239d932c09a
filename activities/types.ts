// The contract between workflows and activities. Only ids, page numbers, cursors and counts cross it:
// bulk data and secrets stay inside activities (architecture invariants 1 and 2).
import type { SyncRunKind as SyncKind, SyncRunStatus as SyncStatus } from '../db/schema/sync-runs';
import type { HaloKind } from '../halo/records';

export type { SyncKind, SyncStatus };

export interface PlanSyncInput {
  syncRunId: string;
  integrationId: string;
  kind: SyncKind;
  /**
   * When set, the plan also fetches page 1 of each kind at this page_size and writes it (stamping rows as
   * seen for a full sync), so counts, Halo's page cap and the first records come from the same requests.
   * Unset (runs started before this existed), the workflow fetches each first page itself.
   */
  firstPageSize?: number;
}

/** Page 1 of a kind, fetched and written by planSync. */
export interface FirstPage extends PageCounts {
  /** The page_size asked for. */
  pageSize: number;
  recordCount: number;
}

export interface SyncPlan {
  /** Halo's record_count per kind at the start of the run. */
  recordCounts: Record<HaloKind, number>;
  /** Kinds Halo will not let us read, with a reason a person can act on. */
  skipped: Partial<Record<HaloKind, string>>;
  /**
   * Incremental syncs only: per kind, the ISO instant sent as Halo's changed-since filter, present only where
   * the tenant was seen to honour it. A kind without one is read in full (and only changed rows rewritten).
   */
  changedSince: Partial<Record<HaloKind, string>>;
  /** Page 1 of every kind not skipped, when the input asked for it (firstPageSize). */
  firstPages?: Partial<Record<HaloKind, FirstPage>>;
  /**
   * Whether each kind held live rows before this sync; a kind that held none needs no deletion sweep.
   * Absent in plans made before this existed: then every kind is swept.
   */
  hadRows?: Record<HaloKind, boolean>;
}

export interface SyncPageInput {
  syncRunId: string;
  integrationId: string;
  kind: HaloKind;
  /** The first of `pageCount` consecutive pages this activity fetches and writes in one transaction. */
  pageNo: number;
  pageCount: number;
  pageSize: number;
  /** Full syncs stamp every row they see, so a later sweep can find rows Halo no longer has. */
  markSeen: boolean;
  /** Halo's changed-since filter for this kind (from the plan), or null for every record. */
  changedSince: string | null;
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
  /**
   * How many of the `pageCount` pages were written: all of them, or the ones that got a Halo request slot
   * (the first few, possibly none); the rest wait `waitMs` and go again.
   */
  pagesWritten: number;
  /** Set when some pages found the tenant's request budget full or paused: how long until it has room. */
  waitMs: number | null;
  /**
   * Halo's record_count as this page reported it (it grows when records are added mid-sync); null when
   * no page was fetched (a wait, or a retry that found its pages already written).
   */
  recordCount: number | null;
  firstId: number | null;
  lastId: number | null;
}

export interface FinishSyncInput {
  syncRunId: string;
  status: Exclude<SyncStatus, 'running'>;
  error?: string;
  warnings: string[];
}

export interface SweepDeletionsInput {
  syncRunId: string;
  integrationId: string;
  kind: HaloKind;
  /** Halo's record_count as the last page of this kind reported it. */
  recordCount: number;
  /** Refuse to delete more than this share (0..1) of the kind's live rows. */
  maxShare: number;
  /** Hardware ids an earlier call already confirmed gone before it had to wait for the budget. */
  confirmedGone?: number[];
}

export interface SweepDeletionsResult {
  deleted: number;
  /** Set when deletions were refused or deferred, in words a person can act on. */
  warning: string | null;
  /**
   * Set when confirming candidates ran out of Halo request slots: call again after `ms` with
   * `confirmedGone`; the candidates found alive are already marked seen.
   */
  wait?: { ms: number; confirmedGone: number[] };
}

export interface PrepareScheduledSyncInput {
  integrationId: string;
  /** A full sync is due when the last completed one started longer ago than this. */
  fullEveryHours: number;
}

export type PreparedScheduledSync =
  { syncRunId: string; kind: SyncKind; accountId: string; tenant: string } | { skipped: string };
