import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from './client';

export interface RetentionPolicy {
  keepDays: number;
  /** The newest runs of each integration kept however old. */
  keepRuns: number;
  /** Rows removed per statement, so no single transaction grows with the history. */
  batchSize?: number;
}

export interface PruneResult {
  runsDeleted: number;
  pagesDeleted: number;
  changesDeleted: number;
}

/**
 * Page rows exist so that a retried page counts once; once their run has ended they have done their job.
 * Runs go when older than `keepDays` and not among the newest `keepRuns` of their integration. The newest
 * completed run of each kind is always kept too: incremental syncs and the full-sync cadence read it.
 * The change feed keeps `keepDays` of changes.
 */
export async function pruneHistory(db: Executor, policy: RetentionPolicy): Promise<PruneResult> {
  const batch = policy.batchSize ?? 5000;
  const pagesDeleted = await deleteInBatches(
    db,
    batch,
    sql`
    with doomed as (
      select p.sync_run_id, p.kind, p.page_no from sync_pages as p
      join sync_runs as r on r.id = p.sync_run_id
      where r.status <> 'running'
      limit ${batch}
    ),
    gone as (
      delete from sync_pages as p using doomed as d
      where p.sync_run_id = d.sync_run_id and p.kind = d.kind and p.page_no = d.page_no
      returning 1
    )
    select count(*)::int as n from gone
  `,
  );
  const runsDeleted = await deleteInBatches(
    db,
    batch,
    sql`
    with ranked as (
      select id, status, started_at,
             row_number() over (partition by integration_id order by started_at desc) as newest,
             row_number() over (partition by integration_id, kind, status = 'completed'
                                order by started_at desc) as newest_of_kind
      from sync_runs
    ),
    doomed as (
      select id from ranked
      where status <> 'running'
        and started_at < now() - make_interval(days => ${policy.keepDays}::int)
        and newest > ${policy.keepRuns}::int
        and not (status = 'completed' and newest_of_kind = 1)
      limit ${batch}
    ),
    gone as (delete from sync_runs where id in (select id from doomed) returning 1)
    select count(*)::int as n from gone
  `,
  );
  // Ids grow with time, so the oldest changes are the lowest ids: each statement looks at the lowest `batch`
  // ids only (an index range, whatever the table's size) and deletes those older than the cutoff. It stops
  // at the first batch that is not wholly old, so an hourly run costs one short index scan when nothing is due.
  const changesDeleted = await deleteInBatches(
    db,
    batch,
    sql`
    with lowest as (select id, created_at from record_changes order by id limit ${batch}),
    gone as (
      delete from record_changes
      where id in (
        select id from lowest where created_at < now() - make_interval(days => ${policy.keepDays}::int)
      )
      returning 1
    )
    select count(*)::int as n from gone
  `,
  );
  return { runsDeleted, pagesDeleted, changesDeleted };
}

/** Runs a statement that deletes up to `batch` rows and counts them (as `n`) until a run deletes fewer. */
async function deleteInBatches(db: Executor, batch: number, statement: SQL): Promise<number> {
  let deleted = 0;
  for (;;) {
    const n = (await db.execute<{ n: number }>(statement))[0]?.n ?? 0;
    deleted += n;
    if (n < batch) return deleted;
  }
}
