// Page arithmetic shared by the sync workflows. Pure functions: safe in workflow code and easy to test.
import type { HaloKind } from '../halo/records';
import type { PageCounts } from '../activities/types';

export const syncOrder: readonly HaloKind[] = ['customers', 'hardware', 'software'];

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

export function emptyPageCounts(): PageCounts {
  return { received: 0, created: 0, updated: 0, unchanged: 0 };
}

export function addPageCounts(into: PageCounts, page: PageCounts): void {
  into.received += page.received;
  into.created += page.created;
  into.updated += page.updated;
  into.unchanged += page.unchanged;
}
