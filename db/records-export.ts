// Asset lists as rows of plain values for a CSV export, read through a server-side cursor so that a
// million rows pass through in batches and the process holds one batch at a time.
import { asc, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Database } from './client';
import { lifecycleColumns } from './lifecycle-repository';
import type { Policy } from './lifecycle-policy';
import type { Edges } from './lifecycle-sql';
import { recordConditions, type ListRecordsOptions } from './records-repository';
import { hardwareAssets, softwareAssets } from './schema/index';

type ExportOptions = Omit<ListRecordsOptions, 'limit' | 'afterHaloId'>;

const day = (column: SQL | AnyPgColumn) =>
  sql<string | null>`to_char(${column} at time zone 'utc', 'YYYY-MM-DD')`;

function hardwareColumns(policy: Policy, clock: Edges): [string, SQL][] {
  const h = hardwareAssets;
  const l = lifecycleColumns(policy, clock);
  return [
    ['Halo id', sql`${h.haloId}`],
    ['Inventory number', sql`${h.inventoryNumber}`],
    ['Name', sql`${h.keyField}`],
    ['Serial', sql`${h.keyField2}`],
    ['Model', sql`${h.keyField3}`],
    ['Customer id', sql`${h.customerHaloId}`],
    ['Customer', sql`${h.customerName}`],
    ['Site', sql`${h.siteName}`],
    ['Asset type', sql`${h.assetTypeName}`],
    ['Status', sql`${h.statusName}`],
    ['Inactive', sql`${h.inactive}::text`],
    ['User', sql`${h.username}`],
    ['Purchase date', day(h.purchaseDate)],
    ['Warranty start', day(h.warrantyStart)],
    ['Warranty end', day(h.warrantyEnd)],
    ['Warranty', l.warranty],
    ['Age (years)', l.ageYears],
    ['Category', l.category],
    ['Replace after (years)', l.replacementYears],
    ['Replacement due', sql`${l.replacementDue}::text`],
    ['Deleted', day(h.deletedAt)],
  ];
}

function softwareColumns(): [string, SQL][] {
  const s = softwareAssets;
  return [
    ['Halo id', sql`${s.haloId}`],
    ['Name', sql`${s.name}`],
    ['Type', sql`${s.type}`],
    ['Manufacturer', sql`${s.manufacturer}`],
    ['Vendor', sql`${s.vendor}`],
    ['Customer id', sql`${s.customerHaloId}`],
    ['Seats bought', sql`${s.licenceCount}`],
    ['Seats in use', sql`${s.licencesInUse}`],
    ['SKU', sql`${s.productSku}`],
    ['Status', sql`${s.status}`],
    ['Inactive', sql`${s.inactive}::text`],
    ['Start date', day(s.startDate)],
    ['End date', day(s.endDate)],
    ['Deleted', day(s.deletedAt)],
  ];
}

export interface RowExport {
  header: string[];
  /** Batches of rows, each row its cells in header order; stop iterating to close the cursor. */
  batches: AsyncIterable<(string | number | null)[][]>;
}

/** The export's header and its query as text and parameters (the benchmark COPYs the same query). */
export function exportQuery(
  db: Database,
  kind: 'hardware' | 'software',
  opts: ExportOptions,
  lifecycle: { policy: Policy; clock: Edges },
) {
  const columns =
    kind === 'hardware' ? hardwareColumns(lifecycle.policy, lifecycle.clock) : softwareColumns();
  const table = kind === 'hardware' ? hardwareAssets : softwareAssets;
  const fields = Object.fromEntries(columns.map(([, expression], i) => [`c${i}`, expression]));
  const query = db
    .select(fields)
    .from(table as typeof hardwareAssets)
    .where(recordConditions(kind, opts))
    .orderBy(asc(table.haloId))
    .toSQL();
  return { header: columns.map(([name]) => name), sql: query.sql, params: query.params };
}

export function exportRecords(
  db: Database,
  kind: 'hardware' | 'software',
  opts: ExportOptions,
  lifecycle: { policy: Policy; clock: Edges },
  batchSize = 2000,
): RowExport {
  const query = exportQuery(db, kind, opts, lifecycle);
  const client = db.$client;
  return {
    header: query.header,
    batches: (async function* () {
      // unsafe() only because the text and its parameters come already built by drizzle; nothing is spliced.
      const cursor = client
        .unsafe(query.sql, query.params as never[])
        .values()
        .cursor(batchSize);
      // Cells come back as text or int4 numbers: every column above is one or the other.
      for await (const rows of cursor) yield rows;
    })(),
  };
}
