import { bigint, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { createdAt } from './columns';

/**
 * Who changed what, per account. Append-only: a trigger (migration 0003) refuses UPDATE, and DELETE except
 * the cascade when the account itself is deleted. Member, key and integration ids carry no foreign key, so
 * an entry outlives what it names; the names beside them are copies taken when the entry was written.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    // An identity column orders entries for the keyset cursor without a second sort key.
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    memberId: uuid('member_id'),
    memberName: text('member_name').notNull(),
    apiKeyId: uuid('api_key_id'),
    apiKeyPrefix: text('api_key_prefix').notNull(),
    action: text('action').notNull(),
    integrationId: uuid('integration_id'),
    /** Names and ids, never secret values: api/audit.ts drops anything named like a secret. */
    details: jsonb('details').$type<Record<string, unknown>>().notNull(),
    /** request.ip: the caller, or the last proxy when the API is not told to trust proxies. */
    ip: text('ip').notNull(),
  },
  (t) => [
    index('audit_log_account_id_idx').on(t.accountId, t.id),
    index('audit_log_account_integration_idx').on(t.accountId, t.integrationId, t.id),
  ],
);
