import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { projectRoot } from '../config/env';
import { databaseNameOf, databaseOptionOf } from './client';

// From the project root rather than this file, so the compiled entry points in dist/ find them too.
const migrationsFolder = join(projectRoot, 'db', 'migrations');

// Any constant works; it only has to be the same in every process that migrates this database.
const MIGRATION_LOCK_KEY = 4_820_191_337;

const quiet = { max: 1, onnotice: () => {}, connect_timeout: 10 } as const;

function pgCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

/** Creates the database named in `url` when it does not exist yet. */
async function ensureDatabase(url: string): Promise<void> {
  // Try the target first: when it exists (the usual case) we need no rights on any other database.
  const probe = postgres(url, { ...quiet, ...databaseOptionOf(url) });
  try {
    await probe`select 1`;
    return;
  } catch (error) {
    if (pgCode(error) !== '3D000') throw error; // 3D000 invalid_catalog_name: the database is missing
  } finally {
    await probe.end();
  }

  const name = databaseNameOf(url);
  if (name === undefined) throw new Error('The database URL names no database, so there is none to create');
  const admin = postgres(url, { ...quiet, database: 'postgres' });
  try {
    // sql(name) quotes the identifier, so any name is safe here.
    await admin`create database ${admin(name)}`;
  } catch (error) {
    // Another process created it between our probe and our create: 42P04 duplicate_database, or 23505
    // when both inserts into pg_database race.
    const code = pgCode(error);
    if (code !== '42P04' && code !== '23505') throw error;
  } finally {
    await admin.end();
  }
}

/** Creates the database if needed and applies every pending migration; safe to run concurrently. */
export async function migrateDatabase(url: string): Promise<void> {
  await ensureDatabase(url);
  // One connection, so the advisory lock and the migrator share a session.
  const sql = postgres(url, { ...quiet, ...databaseOptionOf(url) });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await migrate(drizzle(sql), { migrationsFolder });
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await sql.end();
  }
}
