import { sql } from 'drizzle-orm';
import type { HaloKind } from '../halo/records';
import type { Executor } from './client';
import { recordTableOf } from './records-repository';

export interface SweepResult {
  /** Live rows before the sweep. */
  total: number;
  /** Live rows the run did not see. */
  unseen: number;
  /** Rows soft-deleted: `unseen`, or 0 when refused. */
  deleted: number;
  /** True when `unseen` exceeded the allowed share and nothing was deleted. */
  refused: boolean;
}

/**
 * Soft-deletes the live rows of one kind that a completed full sync did not mark as seen: all of them, or
 * with `onlyIds` just those (the ones Halo confirmed gone). Call it only after every page of that run was
 * written. A share above `maxShare` (0..1) of the kind's live rows more likely means a broken read than a
 * tenant that lost most of its assets, so the sweep is refused and the caller reports it instead.
 */
export async function softDeleteUnseen(
  tx: Executor,
  kind: HaloKind,
  integrationId: string,
  syncRunId: string,
  opts: { maxShare: number; onlyIds?: readonly number[] },
): Promise<SweepResult> {
  const table = recordTableOf[kind];
  const only = opts.onlyIds ? sql`and halo_id = any(${`{${opts.onlyIds.join(',')}}`}::int[])` : sql``;
  // Decision and write in one statement, so the share that was checked is the share that was deleted.
  const [row] = await tx.execute<{ total: number; unseen: number; deleted: number }>(sql`
    with stats as (
      select count(*)::int as total,
             count(*) filter (where last_seen_sync_id is distinct from ${syncRunId}::uuid ${only})::int as unseen
      from ${table}
      where integration_id = ${integrationId}::uuid and deleted_at is null
    ),
    swept as (
      update ${table} as t
      set deleted_at = now(), updated_at = now()
      from stats
      where t.integration_id = ${integrationId}::uuid
        and t.deleted_at is null
        and t.last_seen_sync_id is distinct from ${syncRunId}::uuid ${only}
        and stats.unseen <= ${opts.maxShare}::float8 * stats.total
      returning t.halo_id
    ),
    -- The change feed learns of each deletion in the same transaction as the deletion itself.
    logged as (
      insert into record_changes (integration_id, kind, halo_id, change)
      select ${integrationId}::uuid, ${kind}, halo_id, 'deleted' from swept order by halo_id
      returning 1
    )
    select total, unseen, (select count(*)::int from swept) as deleted from stats
  `);
  if (!row) throw new Error('Sweeping unseen rows returned no row');
  return { ...row, refused: row.unseen > row.deleted };
}

/**
 * Which kinds hold live rows for the integration. A kind with none before a full sync needs no sweep after
 * it: every live row it then has was written, and so seen, by that sync (one sync per integration at a time).
 */
export async function kindsWithLiveRows(
  db: Executor,
  integrationId: string,
): Promise<Record<HaloKind, boolean>> {
  const exists = (kind: HaloKind) =>
    sql`exists (select 1 from ${recordTableOf[kind]} where integration_id = ${integrationId}::uuid and deleted_at is null)`;
  const [row] = await db.execute<Record<HaloKind, boolean>>(sql`
    select ${exists('customers')} as customers, ${exists('hardware')} as hardware, ${exists('software')} as software
  `);
  return row ?? { customers: true, hardware: true, software: true };
}

/** Live rows of one kind that a run has not (yet) marked as seen: the deletion candidates. */
export async function listUnseen(
  db: Executor,
  kind: HaloKind,
  integrationId: string,
  syncRunId: string,
  limit: number,
): Promise<number[]> {
  const table = recordTableOf[kind];
  const rows = await db.execute<{ halo_id: number }>(sql`
    select halo_id from ${table}
    where integration_id = ${integrationId}::uuid and deleted_at is null
      and last_seen_sync_id is distinct from ${syncRunId}::uuid
    order by halo_id limit ${limit}
  `);
  return rows.map((r) => r.halo_id);
}

/** Marks rows as seen by a run without touching their content: Halo confirmed they still exist. */
export async function markSeen(
  db: Executor,
  kind: HaloKind,
  integrationId: string,
  syncRunId: string,
  haloIds: number[],
): Promise<void> {
  if (haloIds.length === 0) return;
  const table = recordTableOf[kind];
  await db.execute(sql`
    update ${table} set last_seen_sync_id = ${syncRunId}::uuid
    where integration_id = ${integrationId}::uuid
      and halo_id = any(${`{${haloIds.join(',')}}`}::int[])
  `);
}
