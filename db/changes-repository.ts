import { and, eq, inArray, sql } from 'drizzle-orm';
import type { HaloKind } from '../halo/records';
import type { Executor } from './client';
import { recordTableOf, type RowOfKind } from './records-repository';
import type { ChangeType } from './schema/index';

/** Where a reader of the change feed stands: after this transaction id and, within it, this row id. */
export interface ChangePosition {
  xid: string;
  id: number;
}

export interface ChangeEntry extends ChangePosition {
  integrationId: string;
  kind: HaloKind;
  haloId: number;
  change: ChangeType;
  changedAt: Date;
}

export interface ReadChangesOptions {
  integrationId: string;
  kind?: HaloKind;
  after?: ChangePosition;
  limit: number;
}

/**
 * Changes after a position, in (transaction id, row id) order. Only rows written by transactions older than
 * every transaction of this database still running are handed out: a writer that began earlier but commits
 * later would otherwise appear behind a position a reader already moved past. Everything below that barrier
 * is final (committed or rolled back), so a position handed out is never overtaken. Transactions of other
 * databases on the same server cannot write here, so they are left out of the barrier when
 * pg_stat_activity shows where they run (it does for a superuser or pg_read_all_stats; otherwise every
 * running transaction counts, which is slower to follow but still exact). A long transaction in this
 * database holds the feed's tail back until it ends.
 */
export async function readChanges(db: Executor, opts: ReadChangesOptions): Promise<ChangeEntry[]> {
  const kind = opts.kind ? sql`and c.kind = ${opts.kind}` : sql``;
  const after = opts.after
    ? sql`and (c.xid, c.id) > (${opts.after.xid}::xid8, ${opts.after.id}::bigint)`
    : sql``;
  const rows = await db.execute<{
    id: string;
    xid: string;
    kind: HaloKind;
    halo_id: number;
    change: ChangeType;
    created_at: string;
  }>(sql`
    with snapshot as (select pg_current_snapshot() as s),
    elsewhere as (
      -- pg_stat_activity shows 32-bit xids; the snapshot's are 64-bit, compared below by their low half.
      select backend_xid::text::bigint as xid32 from pg_stat_activity
      where backend_xid is not null and datname is distinct from current_database()
    ),
    barrier as (
      select coalesce(
        (select min(x) from snapshot, pg_snapshot_xip(snapshot.s) as x
         where (x::text::numeric % 4294967296)::bigint not in (select xid32 from elsewhere)),
        (select pg_snapshot_xmax(s) from snapshot)
      ) as xid
    )
    -- Qualified, so the ordering is by the columns, not by their text renderings selected here.
    select c.id::text, c.xid::text, c.kind, c.halo_id, c.change, c.created_at
    from record_changes as c
    where c.integration_id = ${opts.integrationId}::uuid ${kind} ${after}
      and c.xid < (select xid from barrier)
    order by c.xid, c.id
    limit ${opts.limit}
  `);
  return rows.map((r) => ({
    id: Number(r.id),
    xid: r.xid,
    integrationId: opts.integrationId,
    kind: r.kind,
    haloId: r.halo_id,
    change: r.change,
    changedAt: new Date(r.created_at),
  }));
}

/** The current rows of one kind by Halo id, soft-deleted ones included, for the feed's typed views. */
export async function rowsByHaloId<K extends HaloKind>(
  db: Executor,
  kind: K,
  integrationId: string,
  haloIds: readonly number[],
): Promise<Map<number, RowOfKind[K]>> {
  if (haloIds.length === 0) return new Map();
  const table = recordTableOf[kind] as (typeof recordTableOf)['hardware'];
  const rows = (await db
    .select()
    .from(table)
    .where(
      and(eq(table.integrationId, integrationId), inArray(table.haloId, [...new Set(haloIds)])),
    )) as unknown as RowOfKind[K][];
  return new Map(rows.map((row) => [row.haloId, row]));
}
