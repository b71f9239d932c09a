// How webhooks and their deliveries are shown. The signing secret never appears after it is first shown, and
// a URL's parts that are credentials themselves (a Slack token in the path, a Teams `sig` in the query) are
// masked: a receiver's URL is as secret as a password to whoever can post to it.
import type { WebhookSummary } from '../db/webhooks-repository';
import type { WebhookDelivery } from '../db/schema/index';

export function maskedUrl(text: string): string {
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
