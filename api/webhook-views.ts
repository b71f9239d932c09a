// How webhooks and their deliveries are shown, and the schemas of those answers. The signing secret never appears after it is first shown, and
// a URL's parts that are credentials themselves (a Slack token in the path, a Teams `sig` in the query) are
// masked: a receiver's URL is as secret as a password to whoever can post to it.
import { z } from 'zod';
import type { WebhookSummary } from '../db/webhooks-repository';
import type { WebhookDelivery } from '../db/schema/index';
import { isoTime, type Documents } from './route-schemas';

const eventType = z.enum(['sync.failed', 'sync.completed', 'sync.warning', 'integration.stale']);

export const webhookSchema = z.object({
  id: z.uuid(),
  url: z.string().describe('Parts that work as credentials (long path segments, the query) are masked.'),
  events: z.array(eventType),
  format: z.enum(['json', 'slack', 'teams']),
  description: z.string(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export const deliverySchema = z.object({
  id: z.uuid(),
  webhookId: z.uuid(),
  eventId: z.string(),
  eventType: z.enum(['sync.failed', 'sync.completed', 'sync.warning', 'integration.stale', 'webhook.test']),
  status: z.enum(['pending', 'retrying', 'delivered', 'failed']),
  attempts: z.number().int(),
  lastStatus: z
    .number()
    .int()
    .nullable()
    .describe("The receiver's HTTP status; null when it did not answer."),
  lastAnswer: z.string().nullable().describe('The start of its answer, or why there was none.'),
  lastAttemptAt: isoTime.nullable(),
  deliveredAt: isoTime.nullable(),
  createdAt: isoTime,
});

function maskedUrl(text: string): string {
  const url = new URL(text);
  const path = url.pathname
    .split('/')
    .map((segment) => (segment.length >= 16 ? `${segment.slice(0, 4)}…` : segment))
    .join('/');
  return `${url.protocol}//${url.host}${path}${url.search ? '?…' : ''}`;
}

export function webhookView(row: WebhookSummary) {
  return {
    id: row.id,
    url: maskedUrl(row.url),
    events: row.events,
    format: row.format,
    description: row.description,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function deliveryView(row: WebhookDelivery) {
  return {
    id: row.id,
    webhookId: row.webhookId,
    eventId: row.event.id,
    eventType: row.eventType,
    status: row.status,
    attempts: row.attempts,
    lastStatus: row.lastStatus,
    lastAnswer: row.lastAnswer,
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

// Each view and its schema have the same fields, and every value the view gives fits the schema.
export const webhookViewsMatchSchemas: [
  Documents<ReturnType<typeof webhookView>, typeof webhookSchema>,
  Documents<ReturnType<typeof deliveryView>, typeof deliverySchema>,
] = [true, true];
