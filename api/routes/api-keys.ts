import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createApiKey, listApiKeys, revokeApiKey, findApiKey } from '../../db/api-keys-repository';
import type { AppDeps } from '../app';
import { audit } from '../audit';
import { accountOf } from '../auth';
import { invalidRequest, notFound } from '../errors';
import { callerOf } from '../people';
import { apiKeyView } from '../people-views';
import { idParams } from './integrations';

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
export const apiKeyRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get('/api-keys', async (request) => {
    const query = apiKeysQuery.safeParse(request.query);
    if (!query.success) throw invalidRequest(query.error, 'query');
    const { member } = callerOf(request);
    const memberId = member.role === 'admin' ? query.data.memberId : member.id;
    const rows = await listApiKeys(deps.db, accountOf(request).id, memberId);
    return { items: rows.map((row) => apiKeyView(row)) };
  });

  app.post('/api-keys', async (request, reply) => {
    const body = apiKeyBody.safeParse(request.body ?? {});
    if (!body.success) throw invalidRequest(body.error, 'body');
    return reply.code(201).send(await issueApiKey(deps, request, callerOf(request).member.id, body.data));
  });

  app.delete('/api-keys/:id', async (request) => {
    const params = idParams.safeParse(request.params);
    const { member } = callerOf(request);
    const accountId = accountOf(request).id;
    const key = params.success ? await findApiKey(deps.db, accountId, params.data.id) : null;
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
