// Asset lists as CSV, written by PostgreSQL itself (COPY ... TO STDOUT) and passed on as bytes, so that a
// million rows go through the API at close to COPY's speed while it holds only a few chunks at a time.
import type { Readable } from 'node:stream';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect, type AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Database } from './client';
import { lifecycleColumns } from './lifecycle-repository';
import type { Policy } from './lifecycle-policy';
import type { Edges } from './lifecycle-sql';
import { recordConditions, type ListRecordsOptions } from './records-repository';
import { hardwareAssets, softwareAssets } from './schema/index';

type ExportOptions = Omit<ListRecordsOptions, 'limit' | 'afterHaloId'>;

/**
 * Text from Halo, made inert for spreadsheets: a cell starting with = + - @, a tab or a carriage return gets
 * an apostrophe in front (OWASP's advice for CSV injection), as api/csv.ts does for the summary.
 */
const text = (column: SQL | AnyPgColumn) =>
  sql<string | null>`(case when ${column} ~ '^[-=+@\t\r]' then '''' || ${column} else ${column} end)`;

const day = (column: SQL | AnyPgColumn) =>
  sql<string | null>`to_char(${column} at time zone 'utc', 'YYYY-MM-DD')`;

function hardwareColumns(policy: Policy, clock: Edges): [string, SQL][] {
  const h = hardwareAssets;
  const l = lifecycleColumns(policy, clock);
  return [
    ['Halo id', sql`${h.haloId}`],
    ['Inventory number', text(h.inventoryNumber)],
    ['Name', text(h.keyField)],
    ['Serial', text(h.keyField2)],
    ['Model', text(h.keyField3)],
    ['Customer id', sql`${h.customerHaloId}`],
    ['Customer', text(h.customerName)],
    ['Site', text(h.siteName)],
    ['Asset type', text(h.assetTypeName)],
    ['Status', text(h.statusName)],
    ['Inactive', sql`${h.inactive}::text`],
    ['User', text(h.username)],
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
    ['Name', text(s.name)],
    ['Type', text(s.type)],
    ['Manufacturer', text(s.manufacturer)],
    ['Vendor', text(s.vendor)],
    ['Customer id', sql`${s.customerHaloId}`],
    ['Seats bought', sql`${s.licenceCount}`],
    ['Seats in use', sql`${s.licencesInUse}`],
    ['SKU', text(s.productSku)],
    ['Status', text(s.status)],
    ['Inactive', sql`${s.inactive}::text`],
    ['Start date', day(s.startDate)],
    ['End date', day(s.endDate)],
    ['Deleted', day(s.deletedAt)],
  ];
}

const dialect = new PgDialect();

/**
 * COPY takes no parameters, so the query's parameters are written into its text as literals. Each is a
 * number, a boolean, null or a string; strings become E'' literals with quotes and backslashes escaped,
 * which reads the same whatever standard_conforming_strings says. Placeholders are only replaced outside
 * quoted literals.
 */
export function inlineParameters(text: string, params: readonly unknown[]): string {
  const literal = (value: unknown): string => {
    if (value === null || value === undefined) return 'null';
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value === 'boolean') return value ? 'true' : 'false';
    if (typeof value === 'string' && !value.includes('\0')) {
      return `E'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
    }
    throw new Error(`Cannot write a parameter of type ${typeof value} into COPY`);
  };
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      out += text.slice(i, end + 1);
      i = end;
    } else if (c === '$' && /[0-9]/.test(text[i + 1] ?? '')) {
      let j = i + 1;
      while (/[0-9]/.test(text[j] ?? '')) j++;
      out += literal(params[Number(text.slice(i + 1, j)) - 1]);
      i = j - 1;
    } else {
      out += c;
    }
  }
  return out;
}

/** The export as one COPY statement: header line and rows in Halo id order. */
export function exportCopySql(
  kind: 'hardware' | 'software',
  opts: ExportOptions,
  lifecycle: { policy: Policy; clock: Edges },
): string {
  const columns =
    kind === 'hardware' ? hardwareColumns(lifecycle.policy, lifecycle.clock) : softwareColumns();
  const table = kind === 'hardware' ? hardwareAssets : softwareAssets;
  const select = sql`select ${sql.join(
    columns.map(([name, expression]) => sql`${expression} as ${sql.identifier(name)}`),
    sql`, `,
  )} from ${table} where ${recordConditions(kind, opts)} order by ${table.haloId}`;
  const query = dialect.sqlToQuery(select);
  return `copy (${inlineParameters(query.sql, query.params)}) to stdout with (format csv, header true)`;
}

/** The CSV bytes as PostgreSQL writes them; the stream pauses the connection when the reader falls behind. */
export async function exportRecords(
  db: Database,
  kind: 'hardware' | 'software',
  opts: ExportOptions,
  lifecycle: { policy: Policy; clock: Edges },
): Promise<Readable> {
  return db.$client.unsafe(exportCopySql(kind, opts, lifecycle)).readable();
}
