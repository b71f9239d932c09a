import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { dispatchEvent } from '../../activities/notify';
import { encryptSecret } from '../../db/crypto';
import { webhookEventTypes } from '../../db/schema/webhooks';
import {
  deleteWebhook,
  findWebhook,
  insertWebhook,
  listDeliveries,
  listWebhooks,
  loadDelivery,
  updateWebhook,
  type WebhookSummary,
} from '../../db/webhooks-repository';
import { privateHostReason } from '../../halo/private-address';
import { testEvent } from '../../webhooks/events';
import { newWebhookSecret } from '../../webhooks/sign';
import type { AppDeps } from '../app';
import { audit } from '../audit';
import { accountOf } from '../auth';
import { invalidRequest, notFound, outage } from '../errors';
import { deliveryView, webhookView } from '../webhook-views';

export const webhookIdParams = z.object({ id: z.uuid() });

/** Receivers get what Halo URLs get: https to a public host, unless the operator allows private ones. */
const receiverUrl = (allowPrivate: boolean) =>
  z
    .url({ protocol: allowPrivate ? /^https?$/ : /^https$/, error: 'expected an https:// URL' })
    .max(2048)
    .refine((text) => {
      const url = new URL(text);
      return url.username === '' && url.password === '';
    }, 'a URL with a user name or password is not accepted')
    .refine(
      (text) => allowPrivate || !privateHostReason(new URL(text).hostname.replace(/^\[|\]$/g, '')),
      'this host is private or loopback, which a webhook may not reach',
    );

const webhookFields = (allowPrivate: boolean) => ({
  url: receiverUrl(allowPrivate),
  events: z
    .array(z.enum(webhookEventTypes))
    .min(1, 'choose at least one event')
    .max(webhookEventTypes.length),
  format: z.enum(['json', 'slack', 'teams']).default('json'),
  description: z.string().trim().max(200).default(''),
});
export const webhookBody = (allowPrivate: boolean) => z.strictObject(webhookFields(allowPrivate));
export const webhookPatch = (allowPrivate: boolean) => {
  const fields = webhookFields(allowPrivate);
  return z.strictObject({
    url: fields.url.optional(),
    events: fields.events.optional(),
    format: z.enum(['json', 'slack', 'teams']).optional(),
    description: z.string().trim().max(200).optional(),
    rotateSecret: z.boolean().default(false),
  });
};
export const deliveriesQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50) });

export const webhookRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const allowPrivate = deps.config.ALLOW_PRIVATE_HALO_URLS;
  const createSchema = webhookBody(allowPrivate);
  const patchSchema = webhookPatch(allowPrivate);

  async function ownWebhook(request: FastifyRequest): Promise<WebhookSummary> {
    const params = webhookIdParams.safeParse(request.params);
    const row = params.success ? await findWebhook(deps.db, accountOf(request).id, params.data.id) : null;
    if (!row) throw notFound('Webhook');
    return row;
  }

  // Mutating: creates a webhook and shows its signing secret, this once.
  app.post('/webhooks', async (request, reply) => {
    const parsed = createSchema.safeParse(request.body ?? {});
    if (!parsed.success) throw invalidRequest(parsed.error, 'body');
    const id = randomUUID();
    const secret = newWebhookSecret();
    const row = await insertWebhook(deps.db, {
      id,
      accountId: accountOf(request).id,
      settings: parsed.data,
      secretEnc: encryptSecret(deps.encryptionKey, secret, id),
    });
    await audit(request, 'webhook.created', { webhookId: id, events: row.events, format: row.format });
    return reply.code(201).send({ webhook: webhookView(row), secret });
  });

  app.get('/webhooks', async (request) => ({
    items: (await listWebhooks(deps.db, accountOf(request).id)).map(webhookView),
  }));

  app.get('/webhooks/:id', async (request) => webhookView(await ownWebhook(request)));

  // Mutating: changes what is given; `rotateSecret` replaces the secret and shows the new one once.
  app.put('/webhooks/:id', async (request) => {
    const current = await ownWebhook(request);
    const parsed = patchSchema.safeParse(request.body ?? {});
    if (!parsed.success) throw invalidRequest(parsed.error, 'body');
    const { rotateSecret, ...patch } = parsed.data;
    const secret = rotateSecret ? newWebhookSecret() : undefined;
    const row = await updateWebhook(
      deps.db,
      current.accountId,
      current.id,
      {
        url: patch.url ?? current.url,
        events: patch.events ?? current.events,
        format: patch.format ?? current.format,
        description: patch.description ?? current.description,
      },
      secret === undefined ? undefined : encryptSecret(deps.encryptionKey, secret, current.id),
    );
    if (!row) throw notFound('Webhook');
    await audit(request, 'webhook.updated', {
      webhookId: current.id,
      fields: [...Object.keys(patch), ...(rotateSecret ? ['secret rotated'] : [])],
    });
    return { webhook: webhookView(row), ...(secret ? { secret } : {}) };
  });

  // Mutating: removes the webhook and its delivery log; deliveries still retrying stop at their next attempt.
  app.delete('/webhooks/:id', async (request, reply) => {
    const current = await ownWebhook(request);
    await deleteWebhook(deps.db, current.accountId, current.id);
    await audit(request, 'webhook.deleted', { webhookId: current.id });
    return reply.code(204).send();
  });

  app.get('/webhooks/:id/deliveries', async (request) => {
    const webhook = await ownWebhook(request);
    const query = deliveriesQuery.safeParse(request.query);
    if (!query.success) throw invalidRequest(query.error, 'query');
    return { items: (await listDeliveries(deps.db, webhook.id, query.data.limit)).map(deliveryView) };
  });

  // Mutating: sends a test event now, through the same durable delivery as real events.
  app.post('/webhooks/:id/test', async (request, reply) => {
    const webhook = await ownWebhook(request);
    const event = testEvent(webhook.accountId, randomUUID());
    let deliveryId: string | undefined;
    try {
      [deliveryId] = await dispatchEvent(
        { db: deps.db, temporal: deps.temporal, taskQueue: deps.config.TEMPORAL_TASK_QUEUE },
        event,
        { webhookId: webhook.id },
      );
    } catch (error) {
      request.log.warn({ err: error }, 'test event not started');
      throw outage('temporal', 'The test event was not sent; try again shortly.', false);
    }
    const row = deliveryId ? await loadDelivery(deps.db, deliveryId) : null;
    if (!row) throw new Error('The test delivery was not recorded');
    return reply.code(202).send(deliveryView(row.delivery));
  });
};
