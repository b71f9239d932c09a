import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { createdAt, updatedAt } from './columns';

/** What a member may do; api/permissions.ts says which permission each role holds. */
export const roles = ['admin', 'sync_manager', 'viewer'] as const;
export type Role = (typeof roles)[number];

/** A person (or a script) of an account; they sign in with their own API keys (api_keys). */
export const members = pgTable(
  'members',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    role: text('role', { enum: roles }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('members_account_id_idx').on(t.accountId),
    check('members_role_check', sql`${t.role} in ('admin', 'sync_manager', 'viewer')`),
  ],
);
