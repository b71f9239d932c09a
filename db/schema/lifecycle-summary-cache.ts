import { jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';
import { integrations } from './integrations';

/**
 * Lifecycle summaries already computed, by what they were computed from (db/lifecycle-summary-cache.ts):
 * the synced data's version, the day, the window and the policy. Any change to those is a new key, so an
 * entry is never stale, only unused; old entries are pruned as new ones arrive.
 */
export const lifecycleSummaryCache = pgTable(
  'lifecycle_summary_cache',
  {
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    cacheKey: text('cache_key').notNull(),
    summary: jsonb('summary').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.cacheKey] })],
);
