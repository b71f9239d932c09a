// Page arithmetic shared by the sync workflows. Pure functions: safe in workflow code and easy to test.
import type { HaloKind } from '../halo/records';
import type { PageCounts } from '../activities/types';

export const syncOrder: readonly HaloKind[] = ['customers', 'hardware', 'software'];

export function emptyPageCounts(): PageCounts {
  return { received: 0, created: 0, updated: 0, unchanged: 0 };
}

export function addPageCounts(into: PageCounts, page: PageCounts): void {
  into.received += page.received;
  into.created += page.created;
  into.updated += page.updated;
  into.unchanged += page.unchanged;
}
