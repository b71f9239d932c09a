import { sql } from 'drizzle-orm';
import { doublePrecision, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { instant, updatedAt } from './columns';

/**
 * One row per Halo tenant: the sliding-window log of request starts that every worker process shares
 * (halo/budget.ts), and the pause after a 429. Rows are locked per key while a start is decided
 * (db/request-budget-repository.ts).
 */
export const haloRequestBudgets = pgTable('halo_request_budgets', {
  /** tenantKeyOf(): the Authorisation Server URL's origin and the tenant, lower-cased. */
  key: text('key').primaryKey(),
  /**
   * Epoch ms by the database's clock (one clock for every worker) at which each request still inside the
   * window started, oldest first; pruned on every start, so it holds at most the budget's request count.
   */
  startsMs: doublePrecision('starts_ms')
    .array()
    .notNull()
    .default(sql`'{}'::double precision[]`),
  /** After a 429 nobody starts a request for this tenant before this instant (epoch ms, database clock). */
  pausedUntilMs: doublePrecision('paused_until_ms'),
  /** Every 429 Halo answered for this tenant, from any worker. */
  rateLimitedTotal: integer('rate_limited_total').notNull().default(0),
  lastRateLimitedAt: instant('last_rate_limited_at'),
  updatedAt: updatedAt(),
});
