import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';

/**
 * The searched columns of a row as one text, for one trigram index per table instead of one per column.
 * Columns are joined by U+001F (unit separator), which Halo's values do not contain, so a search without it
 * matches the joined text exactly when it matches one of the columns. Written out with || and coalesce
 * (concat_ws is not immutable, so it cannot be indexed); the index and the queries must use this same
 * expression for the planner to match them.
 */
export const searchSeparator = '\u001f';

export function searchTextOf(columns: readonly PgColumn[]): SQL {
  const parts = columns.map((column) => sql`coalesce(${column}, '')`);
  return sql`(${sql.join(parts, sql.raw(` || E'\\x1f' || `))})`;
}
