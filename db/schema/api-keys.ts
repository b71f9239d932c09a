import { index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { createdAt, instant } from './columns';
import { members } from './members';

/** A member's API keys. Only a hash is kept; the key itself is shown once, when it is created. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    memberId: uuid('member_id')
      .notNull()
      .references(() => members.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** sha256 hex of the key (db/api-keys-repository.ts); unique, so a sign-in is one index lookup. */
    keyHash: text('key_hash').notNull().unique(),
    /** First 8 characters of the key, so people can tell their keys apart. */
    keyPrefix: text('key_prefix').notNull(),
    createdAt: createdAt(),
    /** Written at most once a minute per key, so signing in costs no write per request. */
    lastUsedAt: instant('last_used_at'),
    expiresAt: instant('expires_at'),
    /** Kept rather than deleted, so the list can show when a key stopped working. */
    revokedAt: instant('revoked_at'),
  },
  (t) => [index('api_keys_member_id_idx').on(t.memberId), index('api_keys_account_id_idx').on(t.accountId)],
);
