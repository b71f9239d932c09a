// The OpenAPI entries of the routes that tell people and systems what happened: webhooks and the change feed.
// Spread into routeDocs (openapi-routes.ts); the type checks at the bottom keep these schemas and the views
// (webhook-views.ts) in step.
import { z } from 'zod';
import type { OperationDoc, ResponseDoc, RouteDocs } from './openapi';
import { customerSchema, errorSchema, hardwareSchema, softwareSchema } from './openapi-schemas';
import { alertsBody } from './routes/alerts';
import { changesQuery } from './routes/changes';
import { idParams } from './routes/integrations';
import { deliveriesQuery, webhookBody, webhookIdParams, webhookPatch } from './routes/webhooks';
import type { deliveryView, webhookView } from './webhook-views';

const error = (description: string): ResponseDoc => ({ description, schema: errorSchema });
const invalid = { 400: error('invalid_request: `fields` names each bad field') };
const withId = {
  401: error('unauthorized: no valid API key'),
  404: error('not_found: no such id in this account'),
  429: error('rate_limited: too many requests for this key; see Retry-After'),
};
const isoTime = z.iso.datetime({ offset: true });
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
const secret = z
  .string()
  .describe(
    'The signing secret, shown only here. Each POST carries X-Webhook-Timestamp and X-Webhook-Signature: ' +
      'v1=hex(HMAC-SHA256(secret, `${timestamp}.${body}`)).',
  );
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
const changeSchema = z.object({
  cursor: z.string().describe("This change's position: pass it as `after` to read on from here."),
  change: z.enum(['created', 'updated', 'deleted']),
  kind: z.enum(['hardware', 'software', 'customers']),
  haloId: z.number().int(),
  changedAt: isoTime,
  record: z
    .union([hardwareSchema, softwareSchema, customerSchema])
    .nullable()
    .describe('The record as it is now (a deleted one has deletedAt set).'),
});

const alertsSchema = z.object({ staleAfterHours: z.number().int(), usingDefault: z.boolean() });

const webhooks = 'Webhooks';
const byId = (summary: string, extra: Partial<OperationDoc> = {}): OperationDoc => ({
  tag: webhooks,
  summary,
  params: webhookIdParams,
  responses: { 200: { description: 'The webhook', schema: webhookSchema }, ...withId },
  ...extra,
});

export const notifyRouteDocs: RouteDocs = {
  'POST /v1/webhooks': {
    tag: webhooks,
    summary: 'Add a webhook: a URL, the events it wants and a format (JSON, Slack or Teams)',
    body: webhookBody(false),
    responses: {
      201: {
        description: 'Added; the secret is shown this once',
        schema: z.object({ webhook: webhookSchema, secret }),
      },
      ...invalid,
      ...withId,
    },
  },
  'GET /v1/webhooks': {
    tag: webhooks,
    summary: "The account's webhooks",
    responses: {
      200: { description: 'All of them', schema: z.object({ items: z.array(webhookSchema) }) },
      ...withId,
    },
  },
  'GET /v1/webhooks/:id': byId('One webhook'),
  'PUT /v1/webhooks/:id': byId('Change a webhook; `rotateSecret: true` replaces its secret', {
    body: webhookPatch(false),
    responses: {
      200: {
        description: 'The webhook, and the new secret when rotated',
        schema: z.object({ webhook: webhookSchema, secret: secret.optional() }),
      },
      ...invalid,
      ...withId,
    },
  }),
  'DELETE /v1/webhooks/:id': byId('Remove a webhook and its delivery log', {
    responses: { 204: { description: 'Removed' }, ...withId },
  }),
  'GET /v1/webhooks/:id/deliveries': byId('The delivery log, newest first', {
    query: deliveriesQuery,
    responses: {
      200: { description: 'Deliveries', schema: z.object({ items: z.array(deliverySchema) }) },
      ...invalid,
      ...withId,
    },
  }),
  'POST /v1/webhooks/:id/test': byId(
    'Send a test event now, through the same durable delivery as real events',
    {
      responses: {
        202: { description: 'The delivery, queued; follow it in the delivery log', schema: deliverySchema },
        ...withId,
        503: error('service_unavailable: Temporal is not reachable; the test event was not sent'),
      },
    },
  ),
  'GET /v1/integrations/:id/alerts': {
    tag: 'Integrations',
    summary: 'After how many hours without a completed sync integration.stale fires',
    params: idParams,
    responses: { 200: { description: 'Its own setting or the default', schema: alertsSchema }, ...withId },
  },
  'PUT /v1/integrations/:id/alerts': {
    tag: 'Integrations',
    summary: 'Set the stale period (null for the service default)',
    params: idParams,
    body: alertsBody,
    responses: {
      200: { description: 'The setting now in force', schema: alertsSchema },
      ...invalid,
      ...withId,
    },
  },
  'GET /v1/changes': {
    tag: 'Assets and customers',
    summary: 'Records created, updated and deleted since a cursor, in commit order',
    description:
      'Only content changes appear. A cursor handed out is never overtaken by a write that commits later, so ' +
      'polling with `after` set to the last `nextCursor` sees every change exactly once.',
    query: changesQuery,
    responses: {
      200: {
        description: 'The next changes',
        schema: z.object({
          items: z.array(changeSchema),
          nextCursor: z
            .string()
            .nullable()
            .describe('Pass as `after`; the same cursor again when nothing is new.'),
          hasMore: z.boolean(),
        }),
      },
      ...invalid,
      ...withId,
    },
  },
};

// A view's fields and the schema's must be the same names, and every view value must fit the schema.
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
type Documents<View, Schema extends z.ZodType> =
  View extends z.output<Schema> ? SameKeys<View, z.output<Schema>> : false;
export const notifyViewsMatchSchemas: [
  Documents<ReturnType<typeof webhookView>, typeof webhookSchema>,
  Documents<ReturnType<typeof deliveryView>, typeof deliverySchema>,
] = [true, true];
