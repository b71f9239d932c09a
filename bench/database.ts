// Databases of the benchmark's own (created, migrated and dropped here) and an independent count of rows
// written: rows whose row version (xmin) is newer than a mark. The integration the syncs read is stored by
// test/support/seed.ts, as in the tests.
import postgres from 'postgres';
import { createDatabase, type DatabaseHandle } from '../db/client';
import { migrateDatabase } from '../db/migrate';

export interface BenchDatabase extends DatabaseHandle {
  name: string;
  url: string;
  drop(): Promise<void>;
}

const recordTables = ['customers', 'hardware_assets', 'software_assets'] as const;
const adminUrl = () =>
  process.env['BENCH_ADMIN_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const created = new Set<BenchDatabase>();

export async function createBenchDatabase(name: string, poolMax = 4): Promise<BenchDatabase> {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  await dropDatabase(name);
  await migrateDatabase(url.toString());
  const handle = createDatabase(url.toString(), { max: poolMax });
  const database: BenchDatabase = {
    ...handle,
    name,
    url: url.toString(),
    async drop() {
      created.delete(database);
      await handle.close().catch(() => {});
      await dropDatabase(name);
    },
  };
  created.add(database);
  return database;
}

export async function dropAllBenchDatabases(): Promise<void> {
  for (const database of [...created]) await database.drop().catch(() => {});
}

async function dropDatabase(name: string): Promise<void> {
  const admin = postgres(adminUrl(), { max: 1, onnotice: () => {} });
  try {
    await admin`drop database if exists ${admin(name)} with (force)`;
  } finally {
    await admin.end();
  }
}

/** Flushes dirty buffers, so one phase's writes are not paid for by the next phase's checkpoint. */
export async function checkpoint(database: BenchDatabase): Promise<void> {
  await database.sql`checkpoint`;
}

/**
 * A transaction id as a mark: every row inserted or updated by a later transaction carries a newer xmin.
 * (32-bit xids; a fresh benchmark database never lives long enough to see them wrap.)
 */
export async function writeMark(database: BenchDatabase): Promise<bigint> {
  const [row] = await database.sql<{ xid: string }[]>`select (txid_current() % 4294967296)::text as xid`;
  return BigInt(row?.xid ?? '0');
}

/** Record rows (customers, hardware, software) inserted or rewritten since the mark. */
export async function rowsWrittenSince(database: BenchDatabase, mark: bigint): Promise<number> {
  let total = 0;
  for (const table of recordTables) {
    const [row] = await database.sql<{ n: number }[]>`
      select count(*)::int as n from ${database.sql(table)} where xmin::text::bigint > ${mark.toString()}::bigint`;
    total += row?.n ?? 0;
  }
  return total;
}
