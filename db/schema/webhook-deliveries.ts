import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { instant, createdAt } from './columns';
import { webhooks, type WebhookEventType } from './webhooks';

export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed';

/** An event as sent: no secrets, only what the account may see of its own syncs. */
export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  occurredAt: string;
  accountId: string;
  integrationId: string | null;
  data: Record<string, unknown>;
}

/**
 * One event for one webhook, and how sending it went. The delivery workflow carries only this row's id; the
 * activity reads the event and the webhook's secret from here, so neither reaches Temporal's history.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    /** Deterministic per occurrence (e.g. `sync.failed:<run id>`), so an event is enqueued once per webhook. */
    eventId: text('event_id').notNull(),
    eventType: text('event_type').$type<WebhookEventType>().notNull(),
    event: jsonb('event').$type<WebhookEvent>().notNull(),
    status: text('status').$type<DeliveryStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** The receiver's HTTP status on the last attempt; null when it did not answer. */
    lastStatus: integer('last_status'),
    /** The first few hundred characters of the last answer, or why there was none. */
    lastAnswer: text('last_answer'),
    lastAttemptAt: instant('last_attempt_at'),
    deliveredAt: instant('delivered_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_event_idx').on(t.webhookId, t.eventId),
    index('webhook_deliveries_log_idx').on(t.webhookId, t.createdAt.desc()),
    check(
      'webhook_deliveries_status_check',
      sql`${t.status} in ('pending', 'retrying', 'delivered', 'failed')`,
    ),
  ],
);
