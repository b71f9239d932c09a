import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { instant } from './columns';
import { integrations } from './integrations';

export type SyncRunKind = 'full' | 'incremental';
export type SyncRunStatus = 'running' | 'completed' | 'failed' | 'cancelled';

export interface KindCounts {
  seen: number;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
}

/** `assets` is the API's word for HaloKind 'hardware'. */
export interface SyncCounts {
  assets: KindCounts;
  software: KindCounts;
  customers: KindCounts;
}

export const syncRuns = pgTable(
  'sync_runs',
  {
    /** Chosen by the caller (the workflow), so that a retried insert is recognisable. */
    id: uuid('id').primaryKey(),
    accountId: uuid('account_id').notNull(),
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<SyncRunKind>().notNull(),
    status: text('status').$type<SyncRunStatus>().notNull(),
    phase: text('phase').notNull().default('starting'),
    pagesDone: integer('pages_done').notNull().default(0),
    pagesTotal: integer('pages_total').notNull().default(0),
    counts: jsonb('counts').$type<SyncCounts>().notNull(),
    error: text('error'),
    /** Things a user should know that did not fail the run, e.g. why software was skipped. */
    warnings: jsonb('warnings')
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    workflowId: text('workflow_id').notNull(),
    workflowRunId: text('workflow_run_id'),
    startedAt: instant('started_at').notNull().defaultNow(),
    finishedAt: instant('finished_at'),
  },
  (t) => [
    index('sync_runs_integration_started_idx').on(t.integrationId, t.startedAt.desc()),
    // The history's keyset order (db/sync-runs-repository.ts: historyOrder), so a page is a seek however
    // long the history. At UTC, date_trunc is immutable and can be indexed.
    index('sync_runs_history_idx').on(
      t.integrationId,
      sql`date_trunc('milliseconds', ${t.startedAt} at time zone 'UTC') desc`,
      t.id.desc().nullsFirst(),
    ),
    // The last success per integration (metrics gauge, stale check) without scanning the run history.
    index('sync_runs_last_success_idx')
      .on(t.integrationId, t.finishedAt.desc())
      .where(sql`status = 'completed'`),
    // Invariant 4 held by the database too: two concurrent Saves cannot both record a running sync.
    uniqueIndex('sync_runs_one_running_idx')
      .on(t.integrationId)
      .where(sql`status = 'running'`),
    check('sync_runs_kind_check', sql`${t.kind} in ('full', 'incremental')`),
    check('sync_runs_status_check', sql`${t.status} in ('running', 'completed', 'failed', 'cancelled')`),
  ],
);
