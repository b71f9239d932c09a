import { and, asc, desc, eq, getTableColumns, sql } from 'drizzle-orm';
import type { Executor } from './client';
import { isUuid } from './ids';
import {
  webhookDeliveries,
  webhooks,
  type Webhook,
  type WebhookDelivery,
  type WebhookEvent,
  type SubscribableEvent,
  type WebhookFormat,
} from './schema/index';

/** A webhook as the API may show it: everything but the encrypted secret. */
export type WebhookSummary = Omit<Webhook, 'secretEnc'>;
const { secretEnc: _secret, ...summaryColumns } = getTableColumns(webhooks);

export interface WebhookSettings {
  url: string;
  events: SubscribableEvent[];
  format: WebhookFormat;
  description: string;
}

export async function insertWebhook(
  db: Executor,
  input: { id: string; accountId: string; settings: WebhookSettings; secretEnc: string },
): Promise<WebhookSummary> {
  const [row] = await db
    .insert(webhooks)
    .values({ id: input.id, accountId: input.accountId, secretEnc: input.secretEnc, ...input.settings })
    .returning(summaryColumns);
  if (!row) throw new Error('Inserting the webhook returned no row');
  return row;
}

/** Account-scoped: another account's webhook reads as missing. */
export async function findWebhook(
  db: Executor,
  accountId: string,
  id: string,
): Promise<WebhookSummary | null> {
  if (!isUuid(id) || !isUuid(accountId)) return null;
  const [row] = await db
    .select(summaryColumns)
    .from(webhooks)
    .where(and(eq(webhooks.id, id), eq(webhooks.accountId, accountId)));
  return row ?? null;
}

export async function listWebhooks(db: Executor, accountId: string): Promise<WebhookSummary[]> {
  return db
    .select(summaryColumns)
    .from(webhooks)
    .where(eq(webhooks.accountId, accountId))
    .orderBy(asc(webhooks.createdAt), asc(webhooks.id));
}

export async function updateWebhook(
  db: Executor,
  accountId: string,
  id: string,
  settings: WebhookSettings,
  secretEnc?: string,
): Promise<WebhookSummary | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .update(webhooks)
    .set({ ...settings, ...(secretEnc !== undefined ? { secretEnc } : {}) })
    .where(and(eq(webhooks.id, id), eq(webhooks.accountId, accountId)))
    .returning(summaryColumns);
  return row ?? null;
}

export async function deleteWebhook(db: Executor, accountId: string, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await db
    .delete(webhooks)
    .where(and(eq(webhooks.id, id), eq(webhooks.accountId, accountId)))
    .returning({ id: webhooks.id });
  return rows.length > 0;
}

/**
 * Records an event once for every webhook of its account that wants it (or only `webhookId`), and returns
 * the deliveries of that event not yet finished: a retried call finds the same ones and starts nothing twice.
 */
export async function enqueueDeliveries(
  db: Executor,
  event: WebhookEvent,
  opts: { webhookId?: string } = {},
): Promise<string[]> {
  const only = opts.webhookId ? sql`and w.id = ${opts.webhookId}::uuid` : sql``;
  await db.execute(sql`
    insert into webhook_deliveries (webhook_id, event_id, event_type, event)
    select w.id, ${event.id}, ${event.type}, ${JSON.stringify(event)}::jsonb
    from webhooks as w
    where w.account_id = ${event.accountId}::uuid
      and (w.events ? ${event.type} or ${event.type} = 'webhook.test') ${only}
    on conflict (webhook_id, event_id) do nothing
  `);
  const rows = await db.execute<{ id: string }>(sql`
    select d.id from webhook_deliveries as d join webhooks as w on w.id = d.webhook_id
    where d.event_id = ${event.id} and w.account_id = ${event.accountId}::uuid ${only}
      and d.status in ('pending', 'retrying')
  `);
  return rows.map((r) => r.id);
}

/** A delivery with what sending it needs: the webhook's URL, format and encrypted secret. */
export async function loadDelivery(db: Executor, id: string) {
  const [row] = await db
    .select({
      delivery: webhookDeliveries,
      url: webhooks.url,
      format: webhooks.format,
      secretEnc: webhooks.secretEnc,
    })
    .from(webhookDeliveries)
    .innerJoin(webhooks, eq(webhooks.id, webhookDeliveries.webhookId))
    .where(eq(webhookDeliveries.id, id));
  return row ?? null;
}

export async function recordAttempt(
  db: Executor,
  id: string,
  outcome: { delivered: boolean; status: number | null; answer: string },
): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      status: outcome.delivered ? 'delivered' : 'retrying',
      lastStatus: outcome.status,
      lastAnswer: outcome.answer.slice(0, 500),
      lastAttemptAt: sql`now()`,
      ...(outcome.delivered ? { deliveredAt: sql`now()` } : {}),
    })
    .where(eq(webhookDeliveries.id, id));
}

export async function markDeliveryFailed(db: Executor, id: string): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({ status: 'failed' })
    .where(and(eq(webhookDeliveries.id, id), sql`${webhookDeliveries.status} <> 'delivered'`));
}

/** The newest deliveries of one webhook first; the caller has checked the webhook is the account's. */
export async function listDeliveries(
  db: Executor,
  webhookId: string,
  limit: number,
): Promise<WebhookDelivery[]> {
  return db
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.webhookId, webhookId))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit);
}
