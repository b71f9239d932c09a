import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
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
import type { AppDeps } from '../deps';
import { audit } from '../audit';
import { accountOf } from '../auth';
import { notFound, outage } from '../errors';
import { errorResponse, idParams, noBody } from '../route-schemas';
import { deliverySchema, deliveryView, webhookSchema, webhookView } from '../webhook-views';

export const webhookIdParams = idParams('Webhook');
const secret = z
  .string()
  .describe(
    'The signing secret, shown only here. Each POST carries X-Webhook-Timestamp and X-Webhook-Signature: ' +
      'v1=hex(HMAC-SHA256(secret, `${timestamp}.${body}`)).',
  );
const tags = ['Webhooks'];

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

export const webhookRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const allowPrivate = deps.config.ALLOW_PRIVATE_HALO_URLS;
  const createSchema = webhookBody(allowPrivate);
  const patchSchema = webhookPatch(allowPrivate);

  async function ownWebhook(request: FastifyRequest): Promise<WebhookSummary> {
    const { id } = request.params as z.output<typeof webhookIdParams>;
    const row = await findWebhook(deps.db, accountOf(request).id, id);
    if (!row) throw notFound('Webhook');
    return row;
  }

  // Mutating: creates a webhook and shows its signing secret, this once.
  const postWebhooksSchema = {
    tags,
    summary: 'Add a webhook: a URL, the events it wants and a format (JSON, Slack or Teams)',
    body: createSchema,
    response: {
      201: z.object({ webhook: webhookSchema, secret }).describe('Added; the secret is shown this once'),
    },
  };
  app.post('/webhooks', { schema: postWebhooksSchema }, async (request, reply) => {
    const id = randomUUID();
    const secret = newWebhookSecret();
    const row = await insertWebhook(deps.db, {
      id,
      accountId: accountOf(request).id,
      settings: request.body,
      secretEnc: encryptSecret(deps.encryptionKey, secret, id),
    });
    await audit(request, 'webhook.created', { webhookId: id, events: row.events, format: row.format });
    return reply.code(201).send({ webhook: webhookView(row), secret });
  });

  const getWebhooksSchema = {
    tags,
    summary: "The account's webhooks",
    response: { 200: z.object({ items: z.array(webhookSchema) }).describe('All of them') },
  };
  app.get('/webhooks', { schema: getWebhooksSchema }, async (request) => ({
    items: (await listWebhooks(deps.db, accountOf(request).id)).map(webhookView),
  }));

  const getWebhooksIdSchema = {
    tags,
    summary: 'One webhook',
    params: webhookIdParams,
    response: { 200: webhookSchema.describe('The webhook') },
  };
  app.get('/webhooks/:id', { schema: getWebhooksIdSchema }, async (request) =>
    webhookView(await ownWebhook(request)),
  );

  // Mutating: changes what is given; `rotateSecret` replaces the secret and shows the new one once.
  const putWebhooksIdSchema = {
    tags,
    summary: 'Change a webhook; `rotateSecret: true` replaces its secret',
    params: webhookIdParams,
    body: patchSchema,
    response: {
      200: z
        .object({ webhook: webhookSchema, secret: secret.optional() })
        .describe('The webhook, and the new secret when rotated'),
    },
  };
  app.put('/webhooks/:id', { schema: putWebhooksIdSchema }, async (request) => {
    const current = await ownWebhook(request);
    const { rotateSecret, ...patch } = request.body;
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
  const deleteWebhooksIdSchema = {
    tags,
    summary: 'Remove a webhook and its delivery log',
    params: webhookIdParams,
    response: { 204: noBody('Removed') },
  };
  app.delete('/webhooks/:id', { schema: deleteWebhooksIdSchema }, async (request, reply) => {
    const current = await ownWebhook(request);
    await deleteWebhook(deps.db, current.accountId, current.id);
    await audit(request, 'webhook.deleted', { webhookId: current.id });
    return reply.code(204).send();
  });

  const getWebhooksIdDeliveriesSchema = {
    tags,
    summary: 'The delivery log, newest first',
    params: webhookIdParams,
    querystring: deliveriesQuery,
    response: { 200: z.object({ items: z.array(deliverySchema) }).describe('Deliveries') },
  };
  app.get('/webhooks/:id/deliveries', { schema: getWebhooksIdDeliveriesSchema }, async (request) => {
    const webhook = await ownWebhook(request);
    return { items: (await listDeliveries(deps.db, webhook.id, request.query.limit)).map(deliveryView) };
  });

  // Mutating: sends a test event now, through the same durable delivery as real events.
  const postWebhooksIdTestSchema = {
    tags,
    summary: 'Send a test event now, through the same durable delivery as real events',
    params: webhookIdParams,
    response: {
      202: deliverySchema.describe('The delivery, queued; follow it in the delivery log'),
      503: errorResponse('temporal_unavailable: Temporal is not reachable; the test event was not sent'),
    },
  };
  app.post('/webhooks/:id/test', { schema: postWebhooksIdTestSchema }, async (request, reply) => {
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
