import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createApiKey, listApiKeys, revokeApiKey, findApiKey } from '../../db/api-keys-repository';
import type { AppDeps } from '../deps';
import { audit } from '../audit';
import { accountOf } from '../auth';
import { notFound } from '../errors';
import { callerOf } from '../people';
import { apiKeySchema, apiKeyView, newKeySchema } from '../people-views';
import { errorResponse, idParams as idOf } from '../route-schemas';

const idParams = idOf('API key');
const tags = ['People and audit'];

export const apiKeyBody = z.strictObject({
  name: z.string({ error: 'expected a string' }).trim().min(1).max(100),
  expiresInDays: z
    .number()
    .int()
    .min(1)
    .max(5 * 366)
    .optional()
    .describe('Days until the key stops working; omit for a key that does not expire.'),
});
export const apiKeysQuery = z.strictObject({
  memberId: z.uuid().optional().describe("Admins only: one member's keys; others always see their own."),
});

const DAY_MS = 86_400_000;

/** Creates a key for `memberId` and records it; the answer is the only place the key ever appears. */
export async function issueApiKey(
  deps: AppDeps,
  request: FastifyRequest,
  memberId: string,
  input: z.infer<typeof apiKeyBody>,
) {
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * DAY_MS) : null;
  const created = await createApiKey(deps.db, {
    accountId: accountOf(request).id,
    memberId,
    name: input.name,
    expiresAt,
  });
  const view = apiKeyView(created.apiKey);
  await audit(request, 'api_key.created', {
    memberId,
    apiKeyId: view.id,
    name: view.name,
    prefix: view.prefix,
    expiresAt: view.expiresAt,
  });
  return { ...view, key: created.key };
}

/** A member's own keys; an admin sees and revokes any key of the account. */
export const apiKeyRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const getApiKeysSchema = {
    tags,
    summary: "Your API keys (an admin's: every member's)",
    querystring: apiKeysQuery,
    response: { 200: z.object({ items: z.array(apiKeySchema) }).describe('Newest first') },
  };
  app.get('/api-keys', { schema: getApiKeysSchema }, async (request) => {
    const { member } = callerOf(request);
    const memberId = member.role === 'admin' ? request.query.memberId : member.id;
    const rows = await listApiKeys(deps.db, accountOf(request).id, memberId);
    return { items: rows.map((row) => apiKeyView(row)) };
  });

  const postApiKeysSchema = {
    tags,
    summary: 'Create an API key for yourself (shown once)',
    body: apiKeyBody,
    response: { 201: newKeySchema.describe('The new key') },
  };
  app.post('/api-keys', { schema: postApiKeysSchema }, async (request, reply) => {
    return reply.code(201).send(await issueApiKey(deps, request, callerOf(request).member.id, request.body));
  });

  const deleteApiKeysIdSchema = {
    tags,
    summary: 'Revoke an API key; it answers 401 from the next request on',
    params: idParams,
    response: {
      200: apiKeySchema.describe('The key, revoked'),
      404: errorResponse('not_found: no such key in this account (or, for a non-admin, not your own)'),
    },
  };
  app.delete('/api-keys/:id', { schema: deleteApiKeysIdSchema }, async (request) => {
    const { member } = callerOf(request);
    const accountId = accountOf(request).id;
    const key = await findApiKey(deps.db, accountId, request.params.id);
    // Someone else's key is "not found" to a non-admin, as another account's ids are to everyone.
    if (!key || (member.role !== 'admin' && key.memberId !== member.id)) throw notFound('API key');
    const revoked = await revokeApiKey(deps.db, accountId, key.id);
    if (!revoked) throw notFound('API key');
    if (!key.revokedAt) {
      await audit(request, 'api_key.revoked', {
        memberId: key.memberId,
        apiKeyId: key.id,
        prefix: key.prefix,
      });
    }
    return apiKeyView(revoked);
  });
};
