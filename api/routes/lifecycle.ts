import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { assetTypesInUse, loadPolicy, replacePolicy } from '../../db/lifecycle-policies-repository';
import {
  categories,
  categoryPatterns,
  defaultYears,
  assetTypeKey,
  type Policy,
} from '../../db/lifecycle-policy';
import { lifecycleSummary, type CustomerLifecycle, type LifecycleSummary } from '../../db/lifecycle-summary';
import { resolveClock } from '../../db/lifecycle-sql';
import { cachedSummary } from '../../db/lifecycle-summary-cache';
import type { AppDeps } from '../deps';
import { audit } from '../audit';
import { accountOf } from '../auth';
import { csvLine, sendCsv, wantsCsv } from '../csv';
import { integrationFor } from '../integration-scope';
import { clockOf, clockQuery, formatParam } from '../lifecycle-query';
import { lifecyclePoliciesSchema, lifecycleSummarySchema } from '../response-schemas';
import { errorResponse, jsonOr } from '../route-schemas';

const years = z.number().int().min(1).max(50);
export const policiesBody = z.strictObject({
  categories: z.strictObject(
    Object.fromEntries(categories.map((c) => [c, years.optional()])) as {
      [C in (typeof categories)[number]]: z.ZodOptional<typeof years>;
    },
  ),
  assetTypes: z
    .array(z.strictObject({ name: z.string().trim().min(1).max(200), years }))
    .max(500)
    .default([]),
});
export const summaryQuery = z.strictObject({
  integrationId: z.uuid({ error: 'expected an integration id (UUID)' }).optional(),
  customerId: z.coerce.number().int().min(0).max(2_147_483_647).optional(),
  ...clockQuery,
  format: formatParam,
});

/** GET /v1/lifecycle/summary and the policies. PUT /policies changes settings: a "sync manager" route. */
const tags = ['Lifecycle'];

export const lifecycleRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  async function policyView(accountId: string, policy: Policy) {
    const inUse = await assetTypesInUse(deps.db, accountId);
    return {
      categories: categories.map((category) => ({
        category,
        years: policy.categories[category],
        defaultYears: defaultYears[category],
        matches: category === 'other' ? null : categoryPatterns[category],
      })),
      assetTypes: [...policy.assetTypes.values()].map(({ label, years }) => ({ name: label, years })),
      assetTypesInUse: inUse.map((t) => ({
        ...t,
        years: policy.assetTypes.get(assetTypeKey(t.name))?.years ?? policy.categories[t.category],
      })),
    };
  }

  const getLifecyclePoliciesSchema = {
    tags,
    summary: "The account's replacement policies: years per category and per Halo asset type",
    response: { 200: lifecyclePoliciesSchema.describe('The policies') },
  };
  app.get('/lifecycle/policies', { schema: getLifecyclePoliciesSchema }, async (request) => {
    const { id } = accountOf(request);
    return policyView(id, await loadPolicy(deps.db, id));
  });

  const putLifecyclePoliciesSchema = {
    tags,
    summary: 'Replace the replacement policies (what is left out returns to its default)',
    description: 'Applies at once to every answer; no sync is needed.',
    body: policiesBody,
    response: { 200: lifecyclePoliciesSchema.describe('The policies now in force') },
  };
  app.put('/lifecycle/policies', { schema: putLifecyclePoliciesSchema }, async (request) => {
    const body = request.body;
    const { id } = accountOf(request);
    const policy = await replacePolicy(deps.db, id, {
      categories: Object.fromEntries(Object.entries(body.categories).filter(([, y]) => y !== undefined)),
      assetTypes: body.assetTypes,
    });
    await audit(request, 'lifecycle_policy.updated', {
      categories: body.categories,
      assetTypes: body.assetTypes,
    });
    return policyView(id, policy);
  });

  const getLifecycleSummarySchema = {
    tags,
    summary: "Warranty states, age bands, replacements due and renewals, for an integration's customers",
    description:
      'Hardware and software not deleted and not inactive in Halo. With customerId, that customer only; ' +
      'otherwise every customer, ranked. As CSV (format=csv, or Accept: text/csv): one line per ' +
      'customer, after a line for all of them.',
    querystring: summaryQuery,
    response: {
      200: jsonOr(lifecycleSummarySchema, 'text/csv', 'The summary (JSON or CSV)'),
      400: errorResponse(
        'invalid_request: `fields` names each bad field; `integrationId` is needed when the account has several',
      ),
      404: errorResponse('not_found: no such integration in this account'),
    },
  };
  app.get('/lifecycle/summary', { schema: getLifecycleSummarySchema }, async (request, reply) => {
    const query = request.query;
    const { id } = accountOf(request);
    const integrationId = await integrationFor(deps.db, id, query.integrationId);
    const clock = await resolveClock(deps.db, clockOf(query));
    const scope = query.customerId !== undefined ? { customerHaloId: query.customerId } : {};
    let summary: LifecycleSummary | null = null;
    if (integrationId) {
      const policy = await loadPolicy(deps.db, id);
      // Everything the answer depends on besides the synced rows, which the cache versions itself.
      // (The asset types' Map is spelled out: JSON would turn it into {} and miss a changed policy.)
      const inputs = { scope, categories: policy.categories, assetTypes: [...policy.assetTypes], clock };
      summary = await cachedSummary(deps.db, integrationId, inputs, () =>
        lifecycleSummary(deps.db, { integrationId, ...scope }, policy, clock),
      );
    }
    const answer = { integrationId, expiringWithinDays: clock.expiringWithinDays, ...summary };
    if (!wantsCsv(request, query.format)) return answer;
    return sendCsv(
      reply,
      'lifecycle-summary.csv',
      summary ? summaryCsv(summary, query.customerId) : '\uFEFF',
    );
  });
};

const bandNames = ['Age <1', 'Age 1-2', 'Age 2-3', 'Age 3-4', 'Age 4-5', 'Age 5+', 'Age unknown'];

/** One line per customer (ranked), after a line for all of them when no customer was asked for. */
function summaryCsv(summary: LifecycleSummary, customerId: number | undefined): string {
  const header = [
    'Customer id',
    'Customer',
    'Hardware',
    'Warranty expired',
    'Warranty expiring',
    'Warranty active',
    'Warranty unknown',
    'Replacement due',
    ...bandNames,
    ...summary.months.map((m) => `Warranties ending ${m}`),
    'Licences',
    'Seats bought',
    'Seats in use',
    ...summary.months.map((m) => `Licences ending ${m}`),
  ];
  const line = (r: CustomerLifecycle) =>
    csvLine([
      r.customerId,
      r.name ?? (r.customerId === null ? '(no customer)' : null),
      r.total,
      r.warranty.expired,
      r.warranty.expiring,
      r.warranty.active,
      r.warranty.unknown,
      r.replacementDue,
      ...r.ageBands,
      ...r.expirationsByMonth,
      r.software.licences,
      r.software.seats.bought,
      r.software.seats.inUse,
      ...r.software.endingByMonth,
    ]);
  const all = { ...summary.hardware, customerId: null, name: 'All customers', software: summary.software };
  return [
    `\uFEFF${csvLine(header)}`,
    ...(customerId === undefined ? [line(all)] : []),
    ...summary.customers.map(line),
  ].join('');
}
