const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `id` can be compared with a uuid column. Lookups by an id from a URL check this first, so a
 * malformed id reads as "not found" instead of failing the query with 22P02.
 */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
