import { sql } from 'drizzle-orm';
import type { Executor } from './client';

export interface StaleIntegration {
  integrationId: string;
  accountId: string;
  tenant: string;
  /** When the last completed sync finished; null when none ever did. */
  lastSuccessAt: Date | null;
  staleAfterHours: number;
  /** The instant the stale period counts from: the last success, or the creation when none. */
  periodStart: Date;
}

/**
 * Integrations with no completed sync for their stale period (counted from their creation when none ever
 * completed) that have not been reported since that last success. The last success is one index probe per
 * integration (sync_runs_last_success_idx), however long the run history is.
 */
export async function findNewlyStale(db: Executor, defaultHours: number): Promise<StaleIntegration[]> {
  const rows = await db.execute<{
    id: string;
    account_id: string;
    tenant: string;
    last_success_at: string | null;
    period_start: string;
    hours: number;
  }>(sql`
    select i.id, i.account_id, i.tenant, s.finished_at as last_success_at,
           coalesce(s.finished_at, i.created_at) as period_start,
           coalesce(i.stale_after_hours, ${defaultHours}::int) as hours
    from integrations as i
    left join lateral (
      select finished_at from sync_runs
      where integration_id = i.id and status = 'completed'
      order by finished_at desc nulls last limit 1
    ) as s on true
    where coalesce(s.finished_at, i.created_at)
            < now() - make_interval(hours => coalesce(i.stale_after_hours, ${defaultHours}::int))
      and i.stale_reported_for is distinct from coalesce(s.finished_at, i.created_at)
  `);
  return rows.map((r) => ({
    integrationId: r.id,
    accountId: r.account_id,
    tenant: r.tenant,
    lastSuccessAt: r.last_success_at === null ? null : new Date(r.last_success_at),
    staleAfterHours: r.hours,
    periodStart: new Date(r.period_start),
  }));
}

/** Remembers that this stale period was reported, so later checks stay quiet until a newer success. */
export async function markStaleReported(
  db: Executor,
  integrationId: string,
  periodStart: Date,
): Promise<void> {
  await db.execute(
    sql`update integrations set stale_reported_for = ${periodStart.toISOString()}::timestamptz where id = ${integrationId}::uuid`,
  );
}

/** The newest completed sync's end per integration, for the metrics gauge; one index probe each. */
export async function lastSuccessPerIntegration(
  db: Executor,
): Promise<{ integrationId: string; at: Date }[]> {
  const rows = await db.execute<{ id: string; at: string }>(sql`
    select i.id, s.finished_at as at from integrations as i
    cross join lateral (
      select finished_at from sync_runs
      where integration_id = i.id and status = 'completed'
      order by finished_at desc nulls last limit 1
    ) as s
    where s.finished_at is not null
  `);
  return rows.map((r) => ({ integrationId: r.id, at: new Date(r.at) }));
}

/** Account-scoped; false when the account has no such integration. */
export async function setStaleAfterHours(
  db: Executor,
  accountId: string,
  integrationId: string,
  hours: number | null,
): Promise<boolean> {
  const rows = await db.execute<{ id: string }>(sql`
    update integrations set stale_after_hours = ${hours}::int
    where id = ${integrationId}::uuid and account_id = ${accountId}::uuid
    returning id
  `);
  return rows.length > 0;
}
