import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAuditEntries } from '../../db/audit-repository';
import type { AppDeps } from '../deps';
import { accountOf } from '../auth';
import { ApiError } from '../errors';
import { auditEntrySchema, auditEntryView } from '../people-views';

export const auditQuery = z.strictObject({
  after: z.string().max(100).optional().describe('The nextCursor of the previous page.'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  integrationId: z.uuid().optional().describe('Only entries about this integration.'),
});

// Opaque to callers, so the order key can change without breaking their stored cursors' meaning.
const cursorOf = (id: number) => Buffer.from(`audit:${id}`).toString('base64url');

function parseCursor(text: string): number {
  const match = /^audit:(\d{1,15})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  if (!match?.[1]) {
    throw new ApiError('invalid_request', 'The cursor in `after` is not one this API returned.', {
      fields: { after: 'expected a nextCursor value' },
    });
  }
  return Number(match[1]);
}

/** The account's audit log, newest first. There is no route that changes or removes an entry. */
export const auditRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const getAuditSchema = {
    tags: ['People and audit'],
    summary: 'The audit log: who changed what, when and from where; newest first',
    description: 'Append-only: no route changes or removes an entry. Secret values are never recorded.',
    querystring: auditQuery,
    response: {
      200: z
        .object({
          items: z.array(auditEntrySchema),
          nextCursor: z.string().nullable().describe('Pass back as `after`; null at the end.'),
        })
        .describe('A page of entries'),
    },
  };
  app.get('/audit', { schema: getAuditSchema }, async (request) => {
    const { after, limit, integrationId } = request.query;
    const rows = await listAuditEntries(deps.db, {
      accountId: accountOf(request).id,
      limit: limit + 1,
      ...(after === undefined ? {} : { beforeId: parseCursor(after) }),
      ...(integrationId === undefined ? {} : { integrationId }),
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(auditEntryView),
      nextCursor: rows.length > limit && last ? cursorOf(last.id) : null,
    };
  });
};
