import { sql } from 'drizzle-orm';
import { check, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { createdAt, updatedAt } from './columns';

export const webhookEventTypes = [
  'sync.failed',
  'sync.completed',
  'sync.warning',
  'integration.stale',
] as const;
/** The events a webhook can ask for; `webhook.test` is sent on request only. */
export type SubscribableEvent = (typeof webhookEventTypes)[number];
export type WebhookEventType = SubscribableEvent | 'webhook.test';
export type WebhookFormat = 'json' | 'slack' | 'teams';

/** Where an account wants to hear about its syncs, and in which format. */
export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    events: jsonb('events').$type<SubscribableEvent[]>().notNull(),
    format: text('format').$type<WebhookFormat>().notNull(),
    description: text('description').notNull().default(''),
    /** The signing secret, AES-256-GCM bound to this row's id (db/crypto.ts); shown once, never returned. */
    secretEnc: text('secret_enc').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('webhooks_account_id_idx').on(t.accountId),
    check('webhooks_format_check', sql`${t.format} in ('json', 'slack', 'teams')`),
  ],
);
