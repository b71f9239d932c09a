// OpenAPI entries for members, API keys, /v1/me and the audit log (spread into api/openapi-routes.ts).
import { z } from 'zod';
import type { apiKeyView, auditEntryView, memberView } from './people-views';
import type { ResponseDoc, RouteDocs } from './openapi';
import { errorSchema } from './openapi-schemas';
import { apiKeyBody, apiKeysQuery } from './routes/api-keys';
import { auditQuery } from './routes/audit';
import { idParams } from './routes/integrations';
import { memberBody, memberPatch } from './routes/members';

const isoTime = z.iso.datetime({ offset: true });
const role = z.enum(['admin', 'sync_manager', 'viewer']);
const error = (description: string): ResponseDoc => ({ description, schema: errorSchema });
const e400 = { 400: error('invalid_request: `fields` names each bad field') };
const e401 = { 401: error('unauthorized: no valid API key (revoked and expired keys are not valid)') };
const e404 = { 404: error('not_found: no such id in this account (or, for a non-admin, not your own)') };
const e409 = { 409: error('last_admin: the account would be left without an admin') };

export const memberSchema = z.object({ id: z.uuid(), name: z.string(), role, createdAt: isoTime });
export const apiKeySchema = z.object({
  id: z.uuid(),
  memberId: z.uuid(),
  name: z.string(),
  prefix: z
    .string()
    .describe('The first 8 characters, to tell keys apart; the key itself is never shown again.'),
  createdAt: isoTime,
  lastUsedAt: isoTime.nullable().describe('To the minute.'),
  expiresAt: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
  status: z.enum(['active', 'expired', 'revoked']),
});
const newKeySchema = apiKeySchema.extend({
  key: z.string().describe('The API key. Shown in this answer only: store it now.'),
});
export const auditEntrySchema = z.object({
  id: z.string(),
  at: isoTime,
  member: z.object({ id: z.uuid().nullable(), name: z.string() }),
  apiKey: z.object({ id: z.uuid().nullable(), prefix: z.string() }),
  action: z.string().describe('integration.created, integration.updated, sync.started, api_key.revoked, …'),
  integrationId: z.uuid().nullable(),
  details: z.record(z.string(), z.unknown()).describe('Names and ids; never a secret value.'),
  ip: z.string(),
});
const meSchema = z.object({
  account: z.object({ id: z.uuid(), name: z.string() }),
  member: z.object({ id: z.uuid(), name: z.string(), role }),
  apiKey: z.object({ id: z.uuid(), name: z.string(), prefix: z.string(), expiresAt: isoTime.nullable() }),
  permissions: z.array(z.enum(['view', 'manage_sync', 'admin'])),
});

const people = 'People and audit';

export const peopleRouteDocs: RouteDocs = {
  'GET /v1/me': {
    tag: people,
    summary: 'Who is signed in: account, member, role, permissions',
    responses: { 200: { description: 'The caller', schema: meSchema }, ...e401 },
  },
  'GET /v1/members': {
    tag: people,
    summary: "The account's members and their roles",
    responses: {
      200: { description: 'All of them', schema: z.object({ items: z.array(memberSchema) }) },
      ...e401,
    },
  },
  'POST /v1/members': {
    tag: people,
    summary: 'Add a member with a role; answers their first API key, once',
    body: memberBody,
    responses: {
      201: { description: 'Added', schema: z.object({ member: memberSchema, apiKey: newKeySchema }) },
      ...e400,
      ...e401,
    },
  },
  'PATCH /v1/members/:id': {
    tag: people,
    summary: "Change a member's name or role",
    params: idParams,
    body: memberPatch,
    responses: {
      200: { description: 'The member now', schema: memberSchema },
      ...e400,
      ...e401,
      ...e404,
      ...e409,
    },
  },
  'DELETE /v1/members/:id': {
    tag: people,
    summary: 'Remove a member; their keys stop working at once',
    params: idParams,
    responses: { 204: { description: 'Removed' }, ...e401, ...e404, ...e409 },
  },
  'POST /v1/members/:id/api-keys': {
    tag: people,
    summary: 'Create an API key for a member (shown once)',
    params: idParams,
    body: apiKeyBody,
    responses: { 201: { description: 'The new key', schema: newKeySchema }, ...e400, ...e401, ...e404 },
  },
  'GET /v1/api-keys': {
    tag: people,
    summary: "Your API keys (an admin's: every member's)",
    query: apiKeysQuery,
    responses: {
      200: { description: 'Newest first', schema: z.object({ items: z.array(apiKeySchema) }) },
      ...e400,
      ...e401,
    },
  },
  'POST /v1/api-keys': {
    tag: people,
    summary: 'Create an API key for yourself (shown once)',
    body: apiKeyBody,
    responses: { 201: { description: 'The new key', schema: newKeySchema }, ...e400, ...e401 },
  },
  'DELETE /v1/api-keys/:id': {
    tag: people,
    summary: 'Revoke an API key; it answers 401 from the next request on',
    params: idParams,
    responses: { 200: { description: 'The key, revoked', schema: apiKeySchema }, ...e401, ...e404 },
  },
  'GET /v1/audit': {
    tag: people,
    summary: 'The audit log: who changed what, when and from where; newest first',
    description: 'Append-only: no route changes or removes an entry. Secret values are never recorded.',
    query: auditQuery,
    responses: {
      200: {
        description: 'A page of entries',
        schema: z.object({
          items: z.array(auditEntrySchema),
          nextCursor: z.string().nullable().describe('Pass back as `after`; null at the end.'),
        }),
      },
      ...e400,
      ...e401,
    },
  },
};

type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
type Documents<View, Schema extends z.ZodType> =
  View extends z.output<Schema> ? SameKeys<View, z.output<Schema>> : false;
export const peopleViewsMatchSchemas: [
  Documents<ReturnType<typeof memberView>, typeof memberSchema>,
  Documents<ReturnType<typeof apiKeyView>, typeof apiKeySchema>,
  Documents<ReturnType<typeof auditEntryView>, typeof auditEntrySchema>,
] = [true, true, true];
