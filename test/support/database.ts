import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { createDatabase, type Database } from '../../db/client';
import { migrateDatabase } from '../../db/migrate';

export interface TestDatabase {
  url: string;
  db: Database;
  sql: postgres.Sql;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

const baseUrl = () => process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh, migrated database of its own, so test files can run in parallel without seeing each other. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `halo_sync_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = new URL(baseUrl());
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  const { db, sql, close } = createDatabase(url.toString(), { max: 5 });
  return {
    url: url.toString(),
    db,
    sql,
    drop: async () => {
      await close();
      const admin = postgres(baseUrl(), { max: 1, onnotice: () => {} });
      try {
        await admin`drop database if exists ${admin(name)} with (force)`;
      } finally {
        await admin.end();
      }
    },
  };
}
