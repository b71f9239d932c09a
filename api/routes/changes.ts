import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  readChanges,
  rowsByHaloId,
  type ChangeEntry,
  type ChangePosition,
} from '../../db/changes-repository';
import { findAccountIntegration } from '../../db/integrations-repository';
import type { HaloKind } from '../../halo/records';
import type { AppDeps } from '../deps';
import { accountOf } from '../auth';
import { notFound } from '../errors';
import { customerView, hardwareView, softwareView } from '../record-views';
import { customerSchema, hardwareSchema, softwareSchema } from '../response-schemas';
import { errorResponse, isoTime } from '../route-schemas';

// The cursor is opaque to callers; inside it is the position of the last change handed out.
const encodeCursor = (p: ChangePosition) => Buffer.from(`${p.xid}.${p.id}`).toString('base64url');
const changeCursor = z
  .string()
  .max(80)
  .transform((text, ctx) => {
    const match = /^(\d{1,20})\.(\d{1,18})$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
    const id = Number(match?.[2]);
    if (!match || !Number.isSafeInteger(id)) {
      ctx.addIssue({ code: 'custom', message: 'expected a cursor returned as nextCursor' });
      return z.NEVER;
    }
    return { xid: match[1]!, id };
  });

export const changesQuery = z.strictObject({
  integrationId: z.uuid({ error: 'expected an integration id (UUID)' }),
  kind: z.enum(['hardware', 'software', 'customers']).optional(),
  after: changeCursor.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
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

type Viewed = {
  hardware: typeof hardwareView;
  software: typeof softwareView;
  customers: typeof customerView;
};
const viewOf: { [K in HaloKind]: (row: never) => ReturnType<Viewed[K]> } = {
  hardware: hardwareView,
  software: softwareView,
  customers: customerView,
};

export const changeRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const getChangesSchema = {
    tags: ['Assets and customers'],
    summary: 'Records created, updated and deleted since a cursor, in commit order',
    description:
      'Only content changes appear. A cursor handed out is never overtaken by a write that commits later, ' +
      'so polling with `after` set to the last `nextCursor` sees every change exactly once.',
    querystring: changesQuery,
    response: {
      200: z
        .object({
          items: z.array(changeSchema),
          nextCursor: z
            .string()
            .nullable()
            .describe('Pass as `after`; the same cursor again when nothing is new.'),
          hasMore: z.boolean(),
        })
        .describe('The next changes'),
      404: errorResponse('not_found: no such integration in this account'),
    },
  };
  app.get('/changes', { schema: getChangesSchema }, async (request) => {
    const { integrationId, kind, after, limit } = request.query;
    if (!(await findAccountIntegration(deps.db, accountOf(request).id, integrationId)))
      throw notFound('Integration');
    const entries = await readChanges(deps.db, {
      integrationId,
      limit: limit + 1,
      ...(kind ? { kind } : {}),
      ...(after ? { after } : {}),
    });
    const page = entries.slice(0, limit);
    const last = page.at(-1);
    return {
      items: await withRecords(page),
      // With nothing new, the same cursor: the caller keeps polling from where it stands.
      nextCursor: last ? encodeCursor(last) : after ? encodeCursor(after) : null,
      hasMore: entries.length > limit,
    };
  });

  /** Each change with its record as it is now (a later change to it follows further on in the feed). */
  async function withRecords(page: ChangeEntry[]) {
    const integrationId = page[0]?.integrationId;
    const rows = new Map<HaloKind, Map<number, unknown>>();
    if (integrationId) {
      for (const kind of ['hardware', 'software', 'customers'] as const) {
        const ids = page.filter((e) => e.kind === kind).map((e) => e.haloId);
        rows.set(kind, await rowsByHaloId(deps.db, kind, integrationId, ids));
      }
    }
    return page.map((entry) => {
      const row = rows.get(entry.kind)?.get(entry.haloId);
      return {
        cursor: encodeCursor(entry),
        change: entry.change,
        kind: entry.kind,
        haloId: entry.haloId,
        changedAt: entry.changedAt.toISOString(),
        record: row === undefined ? null : viewOf[entry.kind](row as never),
      };
    });
  }
};
