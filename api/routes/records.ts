import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { countAssetsPerCustomer, findRecord, listRecords, type RowOfKind } from '../../db/records-repository';
import type { AppDeps } from '../deps';
import { accountOf } from '../auth';
import { notFound } from '../errors';
import { integrationFor } from '../integration-scope';
import { assetRef, customerView, hardwareView, softwareView } from '../record-views';
import { sendCsv, wantsCsv, withBom } from '../csv';
import { clockOf, formatParam, lifecycleFilterOf, lifecycleFilterQuery } from '../lifecycle-query';
import { loadPolicy } from '../../db/lifecycle-policies-repository';
import {
  hardwareLifecycleCondition,
  lifecycleOf,
  softwareLifecycleCondition,
} from '../../db/lifecycle-repository';
import { exportRecords } from '../../db/records-export';
import { resolveClock } from '../../db/lifecycle-sql';
import {
  customerSchema,
  hardwareDetailSchema,
  hardwareSchema,
  lifecycleSchema,
  softwareSchema,
} from '../response-schemas';
import { errorResponse, jsonOr, pageOf as pageSchema, pathParams } from '../route-schemas';

const childrenShown = 50;

const flagDefaulting = (value: 'true' | 'false') =>
  z
    .enum(['true', 'false'])
    .default(value)
    .transform((v) => v === 'true');
const flag = flagDefaulting('false');
// Halo ids are stored as PostgreSQL integers; a larger one in a tampered cursor would fail in the query.
const maxHaloId = 2_147_483_647;
// The cursor is opaque to callers; inside it is the last Halo id of the previous page.
const cursor = z
  .string()
  .max(40)
  .transform((text, ctx) => {
    const id = Number(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Number.isSafeInteger(id) || id < 0 || id > maxHaloId) {
      ctx.addIssue({ code: 'custom', message: 'expected a cursor returned as nextCursor' });
      return z.NEVER;
    }
    return id;
  });
const encodeCursor = (haloId: number) => Buffer.from(String(haloId)).toString('base64url');

const listQuery = {
  integrationId: z.uuid({ error: 'expected an integration id (UUID)' }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: cursor.optional(),
  q: z.string().trim().max(200).optional(),
  includeDeleted: flag,
};
export const assetsQuery = z.strictObject({
  ...listQuery,
  kind: z.enum(['hardware', 'software']).default('hardware'),
  includeInactive: flagDefaulting('true'),
  customerId: z.coerce.number().int().min(0).max(maxHaloId).optional(),
  parentId: z.coerce.number().int().min(1).max(maxHaloId).optional(),
  ...lifecycleFilterQuery,
  format: formatParam,
});
export const customersQuery = z.strictObject(listQuery);
export const assetParams = pathParams('Asset', {
  kind: z.enum(['hardware', 'software']),
  haloId: z.coerce.number().int().min(0).max(maxHaloId),
});
export const assetDetailQuery = z.strictObject({ integrationId: listQuery.integrationId });

const tags = ['Assets and customers'];
const integrationNotFound = errorResponse('not_found: no such integration in this account');
const severalIntegrations = errorResponse(
  'invalid_request: `fields` names each bad field; `integrationId` is needed when the account has several',
);
const assetsPage = pageSchema(
  z.discriminatedUnion('kind', [
    hardwareSchema.extend({ lifecycle: lifecycleSchema.nullable() }),
    softwareSchema,
  ]),
);
const customersPage = pageSchema(
  customerSchema.extend({
    assetCounts: z.object({ hardware: z.number().int(), software: z.number().int() }),
  }),
);

export const recordRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  /**
   * A hardware asset's place in Halo's tree: its parent and its first children (all of them through
   * `GET /v1/assets?parentId=`), so the detail shows what a device is part of and what hangs off it.
   */
  async function familyOf(integrationId: string, row: RowOfKind['hardware']) {
    const parent =
      row.parentId === null ? null : await findRecord(deps.db, 'hardware', integrationId, row.parentId);
    const children = await listRecords(deps.db, 'hardware', {
      integrationId,
      parentId: row.haloId,
      limit: childrenShown + 1,
    });
    return {
      parent: parent ? assetRef(parent) : row.parentId === null ? null : { haloId: row.parentId, name: null },
      children: children.slice(0, childrenShown).map(assetRef),
      moreChildren: children.length > childrenShown,
    };
  }

  const getAssetsSchema = {
    tags,
    summary: 'Hardware or software assets, keyset-paginated, or all of them as CSV',
    description:
      'Hardware carries its lifecycle state. The lifecycle filters (warranty, expiringWithinDays, ' +
      'replacementDue, minAgeYears, ageBand, assetTypeId) are for hardware; endsInMonth for both kinds. ' +
      'A CSV export (format=csv, or Accept: text/csv) holds every matching row, not a page: UTF-8 with a ' +
      'BOM, streamed; cells starting with = + - @, tab or CR are prefixed with an apostrophe so that ' +
      'spreadsheets do not run them.',
    querystring: assetsQuery,
    response: {
      200: jsonOr(assetsPage, 'text/csv', 'A page (JSON), or every matching row (CSV)'),
      400: severalIntegrations,
      404: integrationNotFound,
    },
  };
  app.get('/assets', { schema: getAssetsSchema }, async (request, reply) => {
    const query = request.query;
    const { kind, limit, cursor: after, q, includeDeleted, includeInactive, customerId, parentId } = query;
    const account = accountOf(request);
    const filter = lifecycleFilterOf(kind, query);
    const csv = wantsCsv(request, query.format);
    const integrationId = await integrationFor(deps.db, account.id, query.integrationId);
    if (!integrationId) {
      return csv ? sendCsv(reply, `${kind}-assets.csv`, '\uFEFF') : { items: [], nextCursor: null };
    }
    const clock = await resolveClock(deps.db, clockOf(query));
    const policy = kind === 'hardware' ? await loadPolicy(deps.db, account.id) : null;
    const options = {
      integrationId,
      includeDeleted,
      includeInactive,
      ...(q ? { q } : {}),
      ...(customerId !== undefined ? { customerHaloId: customerId } : {}),
      ...(parentId !== undefined ? { parentId } : {}),
      where: policy ? hardwareLifecycleCondition(filter, policy, clock) : softwareLifecycleCondition(filter),
    };
    if (csv) {
      // Every matching row, not a page: the export streams, so its size does not matter to this process.
      const body = await exportRecords(
        deps.db,
        kind,
        { ...options, accountId: account.id },
        { policy: policy ?? (await loadPolicy(deps.db, account.id)), clock },
      );
      return sendCsv(reply, `${kind}-assets.csv`, withBom(body));
    }
    const paged = { ...options, limit: limit + 1, ...(after !== undefined ? { afterHaloId: after } : {}) };
    if (!policy) return pageOf(await listRecords(deps.db, 'software', paged), limit, (r) => softwareView(r));
    const page = pageOf(await listRecords(deps.db, 'hardware', paged), limit, (r) => r);
    const states = await lifecycleOf(
      deps.db,
      integrationId,
      page.items.map((r) => r.haloId),
      policy,
      clock,
    );
    return {
      ...page,
      items: page.items.map((r) => ({ ...hardwareView(r), lifecycle: states.get(r.haloId) ?? null })),
    };
  });

  const getAssetsKindHaloIdSchema = {
    tags,
    summary: 'One asset, with the raw Halo record',
    params: assetParams,
    querystring: assetDetailQuery,
    response: {
      200: z.discriminatedUnion('kind', [hardwareDetailSchema, softwareSchema]).describe('The asset'),
      400: severalIntegrations,
    },
  };
  app.get('/assets/:kind/:haloId', { schema: getAssetsKindHaloIdSchema }, async (request) => {
    const integrationId = await integrationFor(deps.db, accountOf(request).id, request.query.integrationId);
    if (!integrationId) throw notFound('Asset');
    const { kind, haloId } = request.params;
    if (kind === 'hardware') {
      const row = await findRecord(deps.db, 'hardware', integrationId, haloId);
      if (!row) throw notFound('Asset');
      return { ...hardwareView(row, true), ...(await familyOf(integrationId, row)) };
    }
    const row = await findRecord(deps.db, 'software', integrationId, haloId);
    if (!row) throw notFound('Asset');
    return softwareView(row, true);
  });

  const getCustomersSchema = {
    tags,
    summary: 'Customers, keyset-paginated, with their asset counts',
    querystring: customersQuery,
    response: {
      200: customersPage.describe('A page'),
      400: severalIntegrations,
      404: integrationNotFound,
    },
  };
  app.get('/customers', { schema: getCustomersSchema }, async (request) => {
    const { limit, cursor: after, q, includeDeleted, integrationId: named } = request.query;
    const integrationId = await integrationFor(deps.db, accountOf(request).id, named);
    if (!integrationId) return { items: [], nextCursor: null };
    const rows = await listRecords(deps.db, 'customers', {
      integrationId,
      limit: limit + 1,
      includeDeleted,
      ...(after !== undefined ? { afterHaloId: after } : {}),
      ...(q ? { q } : {}),
    });
    const page = pageOf(rows, limit, (r) => customerView(r));
    // The page's customers only: one grouped count per asset kind, however many customers there are.
    const counts = await countAssetsPerCustomer(
      deps.db,
      integrationId,
      page.items.map((c) => c.haloId),
    );
    return {
      ...page,
      items: page.items.map((c) => ({
        ...c,
        assetCounts: counts.get(c.haloId) ?? { hardware: 0, software: 0 },
      })),
    };
  });
};

/** Keyset paging: one row more than asked tells whether another page exists. */
function pageOf<T extends { haloId: number }, V>(rows: T[], limit: number, view: (row: T) => V) {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(view),
    nextCursor: rows.length > limit && last ? encodeCursor(last.haloId) : null,
  };
}
