import { and, between, desc, eq, sql } from 'drizzle-orm';
import type { HaloKind } from '../halo/records';
import type { Executor } from './client';
import { isUniqueViolation } from './errors';
import { isUuid } from './ids';
import {
  customers,
  hardwareAssets,
  integrations,
  softwareAssets,
  syncPages,
  syncRuns,
  type KindCounts,
  type SyncCounts,
  type SyncRun,
  type SyncRunKind,
  type SyncRunStatus,
} from './schema/index';

export type { KindCounts, SyncCounts, SyncRun, SyncRunKind, SyncRunStatus };
export type SyncRunRow = SyncRun;

/** The API says `assets` where Halo and the code say `hardware`. */
export const countsKeyOf: Record<HaloKind, keyof SyncCounts> = {
  customers: 'customers',
  hardware: 'assets',
  software: 'software',
};

const emptyKindCounts = (): KindCounts => ({ seen: 0, created: 0, updated: 0, unchanged: 0, deleted: 0 });

export function emptySyncCounts(): SyncCounts {
  return { assets: emptyKindCounts(), software: emptyKindCounts(), customers: emptyKindCounts() };
}

export interface NewSyncRunInput {
  /** Chosen by the caller (the workflow), so a retried insert finds its own row. */
  id: string;
  accountId: string;
  integrationId: string;
  kind: SyncRunKind;
  workflowId: string;
  workflowRunId?: string | null;
  phase?: string;
}

/** Inserts a running sync run; idempotent: a second call with the same id returns the existing row. */
export async function insertSyncRun(db: Executor, input: NewSyncRunInput): Promise<SyncRun> {
  const [inserted] = await db
    .insert(syncRuns)
    .values({
      id: input.id,
      accountId: input.accountId,
      integrationId: input.integrationId,
      kind: input.kind,
      status: 'running',
      counts: emptySyncCounts(),
      workflowId: input.workflowId,
      workflowRunId: input.workflowRunId ?? null,
      ...(input.phase === undefined ? {} : { phase: input.phase }),
    })
    .onConflictDoNothing({ target: syncRuns.id })
    .returning();
  if (inserted) return inserted;
  const existing = await findSyncRunById(db, input.id);
  if (!existing) throw new Error(`Sync run ${input.id} neither inserted nor found`);
  return existing;
}

/** Account-scoped: another account's run reads as missing. */
export async function findSyncRun(db: Executor, accountId: string, id: string): Promise<SyncRun | null> {
  if (!isUuid(id) || !isUuid(accountId)) return null;
  const [row] = await db
    .select()
    .from(syncRuns)
    .where(and(eq(syncRuns.id, id), eq(syncRuns.accountId, accountId)))
    .limit(1);
  return row ?? null;
}

export async function findSyncRunById(db: Executor, id: string): Promise<SyncRun | null> {
  if (!isUuid(id)) return null;
  const [row] = await db.select().from(syncRuns).where(eq(syncRuns.id, id)).limit(1);
  return row ?? null;
}

export async function findRunningSyncRun(db: Executor, integrationId: string): Promise<SyncRun | null> {
  const [row] = await db
    .select()
    .from(syncRuns)
    .where(and(eq(syncRuns.integrationId, integrationId), eq(syncRuns.status, 'running')))
    .orderBy(desc(syncRuns.startedAt))
    .limit(1);
  return row ?? null;
}

/** Newest first; account-scoped; keyset-paged by (started_at, id) so runs started meanwhile shift nothing. */
export async function listSyncRuns(
  db: Executor,
  opts: { accountId: string; integrationId: string; limit: number; before?: { startedAt: Date; id: string } },
): Promise<SyncRun[]> {
  // Compared at millisecond precision, the precision a cursor built from a JS Date carries; in UTC, so the
  // expression is the one sync_runs_history_idx holds and a page is an index seek.
  const startedMs = sql`date_trunc('milliseconds', ${syncRuns.startedAt} at time zone 'UTC')`;
  const before = opts.before
    ? sql`(${startedMs}, ${syncRuns.id}) < (${opts.before.startedAt.toISOString()}::timestamptz at time zone 'UTC', ${opts.before.id}::uuid)`
    : undefined;
  // The account is checked once, on the integration: as a filter on each run the planner would take it for
  // a selective one and sort the whole history instead of reading the index in order.
  const owned = sql`exists (select 1 from ${integrations} where ${integrations.id} = ${opts.integrationId}
    and ${integrations.accountId} = ${opts.accountId})`;
  return db
    .select()
    .from(syncRuns)
    .where(and(eq(syncRuns.integrationId, opts.integrationId), owned, before))
    .orderBy(desc(startedMs), desc(syncRuns.id))
    .limit(opts.limit);
}

/** Links the run to the Temporal execution that carries it, once the workflow has started. */
export async function setSyncRunWorkflowRunId(
  db: Executor,
  id: string,
  workflowRunId: string,
): Promise<void> {
  await db.update(syncRuns).set({ workflowRunId }).where(eq(syncRuns.id, id));
}

/** Progress for people watching; ignored once the run has finished. */
export async function setSyncRunPhase(
  db: Executor,
  id: string,
  update: { phase: string; pagesTotal?: number },
): Promise<void> {
  await db
    .update(syncRuns)
    .set({
      phase: update.phase,
      ...(update.pagesTotal === undefined ? {} : { pagesTotal: update.pagesTotal }),
    })
    .where(and(eq(syncRuns.id, id), eq(syncRuns.status, 'running')));
}

/** A page's counts as sync_pages holds them. */
const pageCountColumns = {
  received: syncPages.received,
  created: syncPages.created,
  updated: syncPages.updated,
  unchanged: syncPages.unchanged,
};

export interface PageInput {
  syncRunId: string;
  kind: HaloKind;
  /**
   * The key a batch is recorded under. The sync records a batch under its LAST page, so that a retried
   * activity can tell from the key alone how many of its pages an earlier attempt wrote
   * (findCommittedBatch).
   */
  pageNo: number;
  /** How many Halo pages this write covered (default 1). */
  pages?: number;
  /** Progress for people watching, written in the same update while the run is still running. */
  progress?: { phase: string; pagesTotal: number };
  received: number;
  created: number;
  updated: number;
  unchanged: number;
}

// A type alias rather than an interface so that it satisfies execute()'s row constraint.
export type PageCounts = {
  received: number;
  created: number;
  updated: number;
  unchanged: number;
};

/**
 * Records that a page was written, in the caller's transaction (the one that upserted the page). The first
 * call adds the page to the run's progress and counters; a repeat (an activity retry after a lost reply)
 * changes nothing and returns the numbers stored the first time.
 */
export async function recordPage(
  tx: Executor,
  page: PageInput,
): Promise<{ firstTime: boolean; counts: PageCounts }> {
  const key = countsKeyOf[page.kind];
  const old = sql`r.counts -> ${key}::text`;
  const plus = (field: keyof KindCounts, column: string) =>
    sql`coalesce((${old} ->> ${field}::text)::bigint, 0) + p.${sql.raw(column)}`;
  // Saves a statement per page on the hot path; a finished run keeps the phase it ended with.
  const progressSet = page.progress
    ? sql`phase = case when r.status = 'running' then ${page.progress.phase} else r.phase end,
          pages_total = case when r.status = 'running' then ${page.progress.pagesTotal}::int else r.pages_total end,`
    : sql``;
  // Both writes in one statement: the counters move if and only if the page row was new.
  const inserted = await tx.execute<PageCounts>(sql`
    with p as (
      insert into ${syncPages} (sync_run_id, kind, page_no, received, created, updated, unchanged)
      values (${page.syncRunId}, ${page.kind}, ${page.pageNo}, ${page.received}, ${page.created},
              ${page.updated}, ${page.unchanged})
      on conflict do nothing
      returning received, created, updated, unchanged
    ), bump as (
      update ${syncRuns} as r
      set pages_done = r.pages_done + ${page.pages ?? 1}::int,
          ${progressSet}
          counts = r.counts || jsonb_build_object(${key}::text, coalesce(${old}, '{}'::jsonb) || jsonb_build_object(
            'seen', ${plus('seen', 'received')},
            'created', ${plus('created', 'created')},
            'updated', ${plus('updated', 'updated')},
            'unchanged', ${plus('unchanged', 'unchanged')}))
      from p
      where r.id = ${page.syncRunId}
      returning r.id
    )
    select received, created, updated, unchanged from p
  `);
  const first = inserted[0];
  if (first) return { firstTime: true, counts: first };

  const [stored] = await tx
    .select(pageCountColumns)
    .from(syncPages)
    .where(
      and(
        eq(syncPages.syncRunId, page.syncRunId),
        eq(syncPages.kind, page.kind),
        eq(syncPages.pageNo, page.pageNo),
      ),
    );
  if (!stored)
    throw new Error(`Page ${page.kind}/${page.pageNo} of run ${page.syncRunId} neither inserted nor found`);
  return { firstTime: false, counts: stored };
}

export interface FinishSyncRunInput {
  status: Exclude<SyncRunStatus, 'running'>;
  error?: string | null;
  /** Replaces the run's warnings when given. */
  warnings?: string[];
  /** Replaces the run's counts when given (e.g. with exact seen and deleted numbers after a full sync). */
  counts?: SyncCounts;
}

/** Ends a running run once; later calls change nothing and return false. */
export async function finishSyncRun(db: Executor, id: string, input: FinishSyncRunInput): Promise<boolean> {
  const changed = await db
    .update(syncRuns)
    .set({
      status: input.status,
      // The phase a finished run shows is its outcome.
      phase: input.status,
      finishedAt: sql`now()`,
      error: input.error ?? null,
      ...(input.warnings === undefined ? {} : { warnings: input.warnings }),
      ...(input.counts === undefined ? {} : { counts: input.counts }),
    })
    .where(and(eq(syncRuns.id, id), eq(syncRuns.status, 'running')))
    .returning({ id: syncRuns.id });
  return changed.length > 0;
}

export async function deleteSyncRun(db: Executor, id: string): Promise<boolean> {
  const deleted = await db.delete(syncRuns).where(eq(syncRuns.id, id)).returning({ id: syncRuns.id });
  return deleted.length > 0;
}

/** How many rows of each kind a run marked as seen: the exact "seen" numbers at the end of a full sync. */
export async function seenCounts(
  db: Executor,
  integrationId: string,
  syncRunId: string,
): Promise<Record<HaloKind, number>> {
  const countOf = (table: typeof customers | typeof hardwareAssets | typeof softwareAssets) => sql`(
    select count(*)::int from ${table}
    where integration_id = ${integrationId} and last_seen_sync_id = ${syncRunId}
  )`;
  const [row] = await db.execute<Record<HaloKind, number>>(sql`
    select ${countOf(customers)} as customers,
           ${countOf(hardwareAssets)} as hardware,
           ${countOf(softwareAssets)} as software
  `);
  if (!row) throw new Error('Counting seen rows returned no row');
  return row;
}

/** Adds soft-deleted rows to a run's counts for one kind. */
export async function addDeletedCount(
  db: Executor,
  id: string,
  kind: HaloKind,
  deleted: number,
): Promise<void> {
  if (deleted === 0) return;
  const key = countsKeyOf[kind];
  await db.execute(sql`
    update ${syncRuns} set counts = jsonb_set(counts, ${`{${key},deleted}`}::text[],
      to_jsonb(coalesce((counts -> ${key}::text ->> 'deleted')::int, 0) + ${deleted}::int))
    where id = ${id}
  `);
}

/** When the latest completed sync (of a kind, or any) of an integration started. */
export async function lastCompletedSyncStart(
  db: Executor,
  integrationId: string,
  kind?: SyncRunKind,
): Promise<Date | null> {
  const [row] = await db
    .select({ startedAt: syncRuns.startedAt })
    .from(syncRuns)
    .where(
      and(
        eq(syncRuns.integrationId, integrationId),
        eq(syncRuns.status, 'completed'),
        kind ? eq(syncRuns.kind, kind) : undefined,
      ),
    )
    .orderBy(desc(syncRuns.startedAt))
    .limit(1);
  return row?.startedAt ?? null;
}

/**
 * Records a new running sync of an integration unless one is already running: the partial unique index allows
 * one running row per integration, so of two concurrent claims (a Save, a manual sync, a schedule firing)
 * exactly one wins. The loser gets the running run instead.
 */
export async function claimSyncRun(
  db: Executor,
  input: NewSyncRunInput,
): Promise<{ run: SyncRun; claimed: true } | { run: SyncRun | null; claimed: false }> {
  try {
    return { run: await insertSyncRun(db, input), claimed: true };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return { run: await findRunningSyncRun(db, input.integrationId), claimed: false };
  }
}

/**
 * The batch an earlier attempt of an activity wrote within pages first..first+count-1, if any: its key (the
 * last page it wrote) and its counts. Batches are keyed by their last page, and no other activity writes
 * in that range while this one has not reported back, so the key says exactly how many pages were written.
 */
export async function findCommittedBatch(
  db: Executor,
  syncRunId: string,
  kind: HaloKind,
  first: number,
  count: number,
): Promise<{ lastPage: number; counts: PageCounts } | null> {
  const [row] = await db
    .select({ lastPage: syncPages.pageNo, ...pageCountColumns })
    .from(syncPages)
    .where(
      and(
        eq(syncPages.syncRunId, syncRunId),
        eq(syncPages.kind, kind),
        between(syncPages.pageNo, first, first + count - 1),
      ),
    )
    .orderBy(desc(syncPages.pageNo))
    .limit(1);
  if (!row) return null;
  const { lastPage, ...counts } = row;
  return { lastPage, counts };
}
