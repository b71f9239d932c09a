import {
  and,
  asc,
  count,
  eq,
  getTableColumns,
  gt,
  ilike,
  inArray,
  isNull,
  or,
  sql,
  type SQL,
} from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { HaloKind, RecordOfKind } from '../halo/records';
import type { Executor } from './client';
import { toJsonbText } from './jsonb-text';
import {
  customers,
  hardwareAssets,
  integrations,
  softwareAssets,
  type Customer,
  type HardwareAsset,
  type SoftwareAsset,
} from './schema/index';
import { hardwareSearchKeys } from './schema/hardware-assets';
import { searchSeparator, searchTextOf } from './schema/search-text';
import { softwareSearchKeys } from './schema/software-assets';

export const recordTableOf = {
  customers,
  hardware: hardwareAssets,
  software: softwareAssets,
} as const satisfies Record<HaloKind, PgTable>;

export interface RowOfKind {
  customers: Customer;
  hardware: HardwareAsset;
  software: SoftwareAsset;
}

type Columns<K extends HaloKind> = (typeof recordTableOf)[K]['_']['columns'];

/**
 * The record fields written to typed columns. Every field of the record type must be listed and be a column
 * of the same name, which the compiler checks; the runtime list then drives the SQL below.
 */
type FieldList<K extends HaloKind> = {
  [F in keyof RecordOfKind[K]]-?: F extends keyof Columns<K> ? true : never;
};

const fieldsOf: { [K in HaloKind]: FieldList<K> } = {
  customers: { haloId: true, name: true, toplevelId: true, toplevelName: true, inactive: true, raw: true },
  hardware: {
    haloId: true,
    inventoryNumber: true,
    keyField: true,
    keyField2: true,
    keyField3: true,
    customerHaloId: true,
    customerName: true,
    siteId: true,
    siteName: true,
    assetTypeId: true,
    assetTypeName: true,
    statusId: true,
    statusName: true,
    inactive: true,
    username: true,
    warrantyStart: true,
    warrantyEnd: true,
    purchaseDate: true,
    parentId: true,
    raw: true,
  },
  software: {
    haloId: true,
    name: true,
    type: true,
    manufacturer: true,
    vendor: true,
    customerHaloId: true,
    siteId: true,
    licenceCount: true,
    licencesInUse: true,
    productSku: true,
    status: true,
    inactive: true,
    startDate: true,
    endDate: true,
    raw: true,
  },
};

/** Text columns that `q` searches; the asset tables' lists are also their trigram indexes' (db/schema). */
const searchColumnsOf: { [K in HaloKind]: PgColumn[] } = {
  customers: [customers.name, customers.toplevelName],
  hardware: hardwareSearchKeys.map((k) => hardwareAssets[k]),
  software: softwareSearchKeys.map((k) => softwareAssets[k]),
};

/**
 * On the asset tables a `q` of three characters or more can be looked up in the trigram index of the joined
 * search text. Shorter ones have no trigram to look up.
 */
const usesSearchIndex = (kind: HaloKind, q: string | undefined): q is string =>
  kind !== 'customers' && q !== undefined && q.length >= 3 && !q.includes(searchSeparator);

/** `q` as a condition: on the indexed search text, or column by column, which no index serves. */
function searchCondition(kind: HaloKind, q: string, indexed: boolean): SQL | undefined {
  const pattern = `%${escapeLike(q)}%`;
  if (indexed) return sql`${searchTextOf(searchColumnsOf[kind])} ilike ${pattern}`;
  return or(...searchColumnsOf[kind].map((column) => ilike(column, pattern)));
}

/** A search matching fewer rows than this is answered from the trigram index (see listRecords). */
const indexedSearchCap = 5_000;

interface Field {
  key: string;
  column: string;
}

interface UpsertPlan {
  fields: Field[];
  statement(batch: string, integrationId: string, seenBySyncId: string | null): SQL;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function planUpsert<K extends HaloKind>(kind: K): UpsertPlan {
  const table = recordTableOf[kind];
  const columns: Record<string, PgColumn> = getTableColumns(table);
  const fields = Object.keys(fieldsOf[kind]).map((key) => {
    const column = columns[key];
    if (!column) throw new Error(`${kind}: record field ${key} has no column`);
    return { key, column: column.name, type: column.getSQLType() };
  });
  const recordset = sql.raw(fields.map((f) => `${quote(f.column)} ${f.type}`).join(', '));
  const names = sql.raw(fields.map((f) => quote(f.column)).join(', '));
  const assignments = sql.raw(
    fields
      .filter((f) => f.column !== 'halo_id')
      .map((f) => `${quote(f.column)} = excluded.${quote(f.column)}`)
      .join(', '),
  );
  const changed = sql`t.content_hash is distinct from excluded.content_hash or t.deleted_at is not null`;

  // One statement per batch. `old` reads the rows as they were before this statement (every CTE sees the same
  // snapshot), which is what lets the final select tell an update from an unchanged row. The hash covers the
  // typed fields as well as raw, so a change in how halo/ maps a record also reaches the typed columns.
  return {
    fields,
    statement: (batch, integrationId, seenBySyncId) => sql`
      with input as (
        select md5(e::text) as content_hash, r.*
        from jsonb_array_elements(${batch}::jsonb) as e
        cross join lateral jsonb_to_record(e) as r(${recordset})
      ),
      old as (
        select o.halo_id, o.content_hash, o.deleted_at
        from ${table} as o
        where o.integration_id = ${integrationId}::uuid and o.halo_id in (select halo_id from input)
      ),
      upserted as (
        insert into ${table} as t (integration_id, last_seen_sync_id, content_hash, ${names})
        select ${integrationId}::uuid, ${seenBySyncId}::uuid, content_hash, ${names} from input
        on conflict (integration_id, halo_id) do update set
          ${assignments},
          content_hash = excluded.content_hash,
          last_seen_sync_id = coalesce(excluded.last_seen_sync_id, t.last_seen_sync_id),
          deleted_at = null,
          updated_at = case when ${changed} then now() else t.updated_at end
        -- An unchanged row is left alone (no new row version) unless a full sync must mark it seen.
        where ${changed}
           or (excluded.last_seen_sync_id is not null
               and t.last_seen_sync_id is distinct from excluded.last_seen_sync_id)
        returning t.halo_id, t.xmax = 0 as inserted, t.content_hash
      ),
      content_changed as (
        select u.halo_id, u.inserted
        from upserted as u
        left join old as o on o.halo_id = u.halo_id
        where u.inserted
           or o.halo_id is null or o.content_hash is distinct from u.content_hash or o.deleted_at is not null
      ),
      -- The change feed's entries, in this transaction: they commit, or roll back, with the rows themselves.
      logged as (
        insert into record_changes (integration_id, kind, halo_id, change)
        select ${integrationId}::uuid, ${kind}, halo_id, case when inserted then 'created' else 'updated' end
        from content_changed
        order by halo_id
        returning 1
      )
      select
        count(*) filter (where inserted)::int as created,
        count(*) filter (where not inserted)::int as updated
      from content_changed
    `,
  };
}

const upsertPlanOf: Record<HaloKind, UpsertPlan> = {
  customers: planUpsert('customers'),
  hardware: planUpsert('hardware'),
  software: planUpsert('software'),
};

export interface UpsertCounts {
  created: number;
  updated: number;
  unchanged: number;
}

/**
 * Writes a batch of records of one kind in a single statement. A row whose content is unchanged is not
 * rewritten, unless `seenBySyncId` is set (a full sync), and then only its last_seen_sync_id moves.
 * Duplicate Halo ids in the batch collapse to the last one.
 */
export async function upsertRecords<K extends HaloKind>(
  tx: Executor,
  kind: K,
  integrationId: string,
  records: readonly RecordOfKind[K][],
  opts: { seenBySyncId: string | null },
): Promise<UpsertCounts> {
  if (records.length === 0) return { created: 0, updated: 0, unchanged: 0 };
  const plan = upsertPlanOf[kind];
  const byId = new Map<number, Record<string, unknown>>();
  for (const record of records) {
    const source = record as unknown as Record<string, unknown>;
    const element: Record<string, unknown> = {};
    for (const f of plan.fields) element[f.column] = source[f.key];
    byId.set(record.haloId, element);
  }
  const batch = toJsonbText([...byId.values()]);
  const [row] = await tx.execute<{ created: number; updated: number }>(
    plan.statement(batch, integrationId, opts.seenBySyncId),
  );
  const created = row?.created ?? 0;
  const updated = row?.updated ?? 0;
  return { created, updated, unchanged: byId.size - created - updated };
}

export interface ListRecordsOptions {
  integrationId: string;
  /** When given, an integration of another account yields no rows. */
  accountId?: string;
  /** Hardware and software: that customer's rows. Customers: that customer itself. */
  customerHaloId?: number;
  /** Hardware only: the children of that parent asset. */
  parentId?: number;
  /** Case-insensitive substring over the kind's main text columns; `%` and `_` match themselves. */
  q?: string;
  includeDeleted?: boolean;
  /** False leaves out rows Halo marks inactive; they are listed unless asked. */
  includeInactive?: boolean;
  limit: number;
  /** Keyset cursor: the last halo_id of the previous page. */
  afterHaloId?: number;
  /** A further condition on the kind's table, e.g. the lifecycle filters (db/lifecycle-repository.ts). */
  where?: SQL | undefined;
}

/** Escapes LIKE's wildcards (and its escape character, backslash by default) so they match literally. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Rows in halo_id order, for keyset paging.
 *
 * A search is fast one of two ways, and which depends on how many rows match, which the planner can only
 * guess (and at a million rows guessed a user's 500 assets as 10,000, walking the list for half a second).
 * So it is asked, not guessed: up to indexedSearchCap matches are taken from the trigram index, unordered; if
 * that is all of them, the page is the first of those. If not, matches are common, and walking the list in
 * order finds a page of them within a few thousand rows; the column-by-column condition, which no index
 * serves, keeps the planner on that walk. One and two characters always take the walk.
 */
export async function listRecords<K extends HaloKind>(
  db: Executor,
  kind: K,
  opts: ListRecordsOptions,
): Promise<RowOfKind[K][]> {
  const table = recordTableOf[kind];
  const filters = recordFilters(kind, opts);
  // The three tables differ only in their typed columns; the queries are the same shape for each.
  const t = table as typeof hardwareAssets;
  if (usesSearchIndex(kind, opts.q)) {
    const indexed = and(...filters, searchCondition(kind, opts.q, true));
    const matches = await db.select({ haloId: t.haloId }).from(t).where(indexed).limit(indexedSearchCap);
    if (matches.length < indexedSearchCap) {
      const page = matches
        .map((m) => m.haloId)
        .sort((a, b) => a - b)
        .slice(0, opts.limit);
      if (page.length === 0) return [];
      const rows = await db
        .select()
        .from(t)
        .where(and(indexed, inArray(t.haloId, page)))
        .orderBy(asc(t.haloId));
      return rows as unknown as RowOfKind[K][];
    }
  }
  const q = opts.q === undefined || opts.q === '' ? undefined : searchCondition(kind, opts.q, false);
  const rows = await db
    .select()
    .from(t)
    .where(and(...filters, q))
    .orderBy(asc(table.haloId))
    .limit(opts.limit);
  return rows as unknown as RowOfKind[K][];
}

/** The conditions of a listing, `q` as the column-by-column match: for the CSV export (db/records-export.ts). */
export function recordConditions(kind: HaloKind, opts: Omit<ListRecordsOptions, 'limit'>): SQL | undefined {
  const q = opts.q === undefined || opts.q === '' ? undefined : searchCondition(kind, opts.q, false);
  return and(...recordFilters(kind, opts), q);
}

/** Every condition of a listing but `q`. */
function recordFilters(kind: HaloKind, opts: Omit<ListRecordsOptions, 'limit'>): (SQL | undefined)[] {
  const table = recordTableOf[kind];
  const where: (SQL | undefined)[] = [eq(table.integrationId, opts.integrationId)];
  if (opts.accountId !== undefined) {
    where.push(
      sql`exists (select 1 from ${integrations} where ${integrations.id} = ${table.integrationId} and ${integrations.accountId} = ${opts.accountId})`,
    );
  }
  if (!opts.includeDeleted) where.push(isNull(table.deletedAt));
  if (opts.includeInactive === false) where.push(eq(table.inactive, false));
  if (opts.customerHaloId !== undefined) {
    where.push(
      eq(
        table === customers ? customers.haloId : (table as typeof hardwareAssets).customerHaloId,
        opts.customerHaloId,
      ),
    );
  }
  if (opts.parentId !== undefined && table === hardwareAssets) {
    where.push(eq(hardwareAssets.parentId, opts.parentId));
  }
  if (opts.afterHaloId !== undefined) where.push(gt(table.haloId, opts.afterHaloId));
  if (opts.where) where.push(opts.where);
  return where;
}

/** Rows of a kind for an integration; soft-deleted rows only when asked. */
export async function countRecords(
  db: Executor,
  kind: HaloKind,
  integrationId: string,
  opts: { includeDeleted?: boolean } = {},
): Promise<number> {
  const table = recordTableOf[kind];
  const [row] = await db
    .select({ n: count() })
    .from(table as typeof hardwareAssets)
    .where(
      and(eq(table.integrationId, integrationId), opts.includeDeleted ? undefined : isNull(table.deletedAt)),
    );
  return row?.n ?? 0;
}

/** One row by its Halo id, soft-deleted or not. */
export async function findRecord<K extends HaloKind>(
  db: Executor,
  kind: K,
  integrationId: string,
  haloId: number,
): Promise<RowOfKind[K] | null> {
  const table = recordTableOf[kind];
  const [row] = await db
    .select()
    .from(table as typeof hardwareAssets)
    .where(and(eq(table.integrationId, integrationId), eq(table.haloId, haloId)))
    .limit(1);
  return (row as unknown as RowOfKind[K] | undefined) ?? null;
}

export interface AssetCounts {
  hardware: number;
  software: number;
}

// A type alias rather than an interface so that it satisfies execute()'s row constraint.
type CustomerCounts = { customer: number; hardware: number; software: number };

/** Live hardware and software rows per customer, for the customers list; customers without any get zeros. */
export async function countAssetsPerCustomer(
  db: Executor,
  integrationId: string,
  customerHaloIds: readonly number[],
): Promise<Map<number, AssetCounts>> {
  const counts = new Map(customerHaloIds.map((id) => [id, { hardware: 0, software: 0 }]));
  if (customerHaloIds.length === 0) return counts;
  // One count per customer, each an index-only scan of the live-customer index: about twice as fast as one
  // grouped count over all of them, which hashes every row it counts.
  const countOf = (table: typeof hardwareAssets | typeof softwareAssets) => sql`(
    select count(*) from ${table}
    where ${table.integrationId} = ${integrationId} and ${table.customerHaloId} = c.id
      and ${table.deletedAt} is null)::int`;
  const rows = await db.execute<CustomerCounts>(sql`
    select c.id as customer, ${countOf(hardwareAssets)} as hardware, ${countOf(softwareAssets)} as software
    from unnest(${`{${customerHaloIds.join(',')}}`}::int[]) as c(id)`);
  for (const row of rows) counts.set(row.customer, { hardware: row.hardware, software: row.software });
  return counts;
}
