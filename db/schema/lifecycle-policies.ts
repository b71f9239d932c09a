import { sql } from 'drizzle-orm';
import { check, integer, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { updatedAt } from './columns';

/**
 * An account's replacement policies: how many years a device of a kind lasts before it is due for
 * replacement. Only what the account changed is stored; db/lifecycle-policy.ts holds the defaults. A row
 * is either a category (laptop, desktop, server, network, other) or one Halo asset type by name, which beats
 * its category. Names rather than Halo's type ids, because an account may connect several Halo tenants
 * whose ids differ while their names agree.
 */
export const lifecyclePolicies = pgTable(
  'lifecycle_policies',
  {
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    scope: text('scope', { enum: ['category', 'assetType'] }).notNull(),
    /** The category, or the asset type name lower-cased and trimmed (how rows are matched). */
    key: text('key').notNull(),
    /** The asset type name as it was entered, for showing it back. */
    label: text('label').notNull(),
    years: integer('years').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.scope, t.key] }),
    check('lifecycle_policies_years', sql`${t.years} between 1 and 50`),
  ],
);
