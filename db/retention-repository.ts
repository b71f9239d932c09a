import { sql } from 'drizzle-orm';
import type { Executor } from './client';

export interface RetentionPolicy {
  keepDays: number;
  /** The newest runs of each integration kept however old. */
  keepRuns: number;
  /** Rows removed per statement, so no single transaction grows with the history. */
  batchSize?: number;
}

/**
 * Page rows exist so that a retried page counts once; once their run has ended they have done their job.
 * Runs go when older than `keepDays` and not among the newest `keepRuns` of their integration. The newest
 * completed run of each kind is always kept too: incremental syncs and the full-sync cadence read it.
 */
export async function pruneHistory(
  db: Executor,
  policy: RetentionPolicy,
): Promise<{ runsDeleted: number; pagesDeleted: number }> {
  const batch = policy.batchSize ?? 5000;
  let pagesDeleted = 0;
  for (;;) {
    const rows = await db.execute<{ n: number }>(sql`
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
    `);
    const n = rows[0]?.n ?? 0;
    pagesDeleted += n;
    if (n < batch) break;
  }
  let runsDeleted = 0;
  for (;;) {
    const rows = await db.execute<{ n: number }>(sql`
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
    `);
    const n = rows[0]?.n ?? 0;
    runsDeleted += n;
    if (n < batch) break;
  }
  return { runsDeleted, pagesDeleted };
}
