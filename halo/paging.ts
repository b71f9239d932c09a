// Page arithmetic for Halo's lists (docs/halo-api.md §8). Pure functions, so workflows may use them too
// (eslint.config.js lets workflows/ import this one module of halo/).

export function pagesFor(recordCount: number, pageSize: number): number {
  return Math.max(1, Math.ceil(recordCount / pageSize));
}

/**
 * Halo caps page_size silently (100 items for page_size=1000, docs/halo-api.md §8). The first page tells us the
 * real size: when it holds fewer items than asked while more records exist, that count is the cap, and every
 * later page must be asked for with it or page_no offsets would skip records.
 */
export function effectivePageSize(asked: number, first: { received: number; recordCount: number }): number {
  if (first.received > 0 && first.received < asked && first.received < first.recordCount)
    return first.received;
  return asked;
}
