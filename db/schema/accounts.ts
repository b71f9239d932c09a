import { pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';

export const accounts = pgTable('accounts', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  /** sha256 hex of the API key; the key itself is shown once and never stored. */
  apiKeyHash: text('api_key_hash').notNull().unique(),
  /** First 8 characters of the key, so people can tell their keys apart. */
  apiKeyPrefix: text('api_key_prefix').notNull(),
  createdAt: createdAt(),
});
