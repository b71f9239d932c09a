import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import { drizzle, type PostgresJsQueryResultHKT } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema/index';

export type Schema = typeof schema;

/** The drizzle database over a postgres.js pool. */
export type Database = ReturnType<typeof createDrizzle>;

/**
 * What repositories take: the database itself or a transaction from `db.transaction`, which share this
 * base class, so one function serves both a single statement and a multi-statement unit of work.
 */
export type Executor = PgDatabase<PostgresJsQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export interface DatabaseOptions {
  /** Pool size per process; default 10. */
  max?: number;
  /** Server notices (e.g. "relation already exists, skipping"); silenced by default. */
  onnotice?: (notice: postgres.Notice) => void;
}

export interface DatabaseHandle {
  db: Database;
  /**
   * The pool underneath. Drizzle switches off postgres.js's date and json parameter handling on it, so raw
   * queries here get timestamps back as text and must pass json values already stringified.
   */
  sql: postgres.Sql;
  close: () => Promise<void>;
}

/**
 * The database a URL names, percent-decoded. postgres.js takes the URL's path verbatim, so a name that needs
 * encoding (a space, a quote) would otherwise reach the server still encoded.
 */
export function databaseNameOf(url: string): string | undefined {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  return name === '' ? undefined : name;
}

/** Options that make postgres.js connect to the database `url` names; spread into its options. */
export function databaseOptionOf(url: string): { database?: string } {
  const database = databaseNameOf(url);
  return database === undefined ? {} : { database };
}

function createDrizzle(sql: postgres.Sql) {
  return drizzle(sql, { schema });
}

export function createDatabase(url: string, opts: DatabaseOptions = {}): DatabaseHandle {
  const sql = postgres(url, {
    ...databaseOptionOf(url),
    max: opts.max ?? 10,
    // Named prepared statements for queries issued through postgres.js directly; drizzle decides per query.
    prepare: true,
    // Seconds. Idle connections are released so that a quiet worker does not hold server slots.
    idle_timeout: 30,
    // Seconds. Fail fast at boot or in an activity rather than hang while the server is unreachable.
    connect_timeout: 10,
    onnotice: opts.onnotice ?? (() => {}),
    connection: { application_name: 'halo-asset-sync' },
  });
  const db = createDrizzle(sql);
  return {
    db,
    sql,
    close: () => sql.end({ timeout: 5 }),
  };
}
