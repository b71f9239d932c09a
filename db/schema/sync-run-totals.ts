import { doublePrecision, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/**
 * What every ended sync run adds to the metrics (runs, seconds, duration buckets, records by kind and
 * outcome), summed per run kind and status, so a scrape reads a few rows instead of the whole history. Kept
 * by triggers on sync_runs (created in the sync_run_totals migration): a run adds its share when it ends, and moves it
 * when its counts change afterwards; deleting runs (pruning history) takes nothing away, as counters must.
 */
export const syncRunTotals = pgTable(
  'sync_run_totals',
  {
    kind: text('kind').notNull(),
    status: text('status').notNull(),
    /** 'runs', 'seconds', 'le:<seconds>' (runs that took at most that long), '<record kind>.<outcome>'. */
    metric: text('metric').notNull(),
    value: doublePrecision('value').notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.status, t.metric] })],
);
