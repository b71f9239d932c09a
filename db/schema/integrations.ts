import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { createdAt, instant, updatedAt } from './columns';

export const integrations = pgTable(
  'integrations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    resourceServerUrl: text('resource_server_url').notNull(),
    authServerUrl: text('auth_server_url').notNull(),
    /** Empty for on-premises installs, which have no tenant. */
    tenant: text('tenant').notNull().default(''),
    clientId: text('client_id').notNull(),
    /** AES-256-GCM, bound to this row's id (see db/crypto.ts). */
    clientSecretEnc: text('client_secret_enc').notNull(),
    clientSecretLast4: text('client_secret_last4').notNull(),
    /** Overrides HALO_BUDGET_REQUESTS for this integration's tenant; null uses the default. */
    budgetRequests: integer('budget_requests'),
    /** Overrides HALO_BUDGET_WINDOW_SECONDS; null uses the default. */
    budgetWindowSeconds: integer('budget_window_seconds'),
    /**
     * The token scope Halo last granted (`all`, or the named scopes tried when `all` was refused); tried
     * first by page activities so they do not repeat a refused request. Null until a token was issued.
     */
    tokenScope: text('token_scope'),
    /** integration.stale fires after this many hours without a completed sync; null uses the default (26). */
    staleAfterHours: integer('stale_after_hours'),
    /**
     * The stale period integration.stale last reported, named by the instant it counts from (the last
     * success, or the creation when none): the event fires again only for a later one.
     */
    staleReportedFor: instant('stale_reported_for'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // The account's list, in the order it is shown, without a sort.
    index('integrations_account_created_idx').on(t.accountId, t.createdAt, t.id),
    check('integrations_budget_requests_check', sql`${t.budgetRequests} > 0`),
    check('integrations_budget_window_seconds_check', sql`${t.budgetWindowSeconds} > 0`),
    check('integrations_stale_after_hours_check', sql`${t.staleAfterHours} > 0`),
  ],
);
