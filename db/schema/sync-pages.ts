import { sql } from 'drizzle-orm';
import { check, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import type { HaloKind } from '../../halo/records';
import { createdAt } from './columns';
import { syncRuns } from './sync-runs';

/** One row per page written by a run: its primary key makes a retried page count once. */
export const syncPages = pgTable(
  'sync_pages',
  {
    syncRunId: uuid('sync_run_id')
      .notNull()
      .references(() => syncRuns.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<HaloKind>().notNull(),
    pageNo: integer('page_no').notNull(),
    received: integer('received').notNull(),
    created: integer('created').notNull(),
    updated: integer('updated').notNull(),
    unchanged: integer('unchanged').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.syncRunId, t.kind, t.pageNo] }),
    check('sync_pages_kind_check', sql`${t.kind} in ('customers', 'hardware', 'software')`),
  ],
);
