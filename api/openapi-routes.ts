// Every route of the API with the zod schemas it validates its input with and the shapes it answers.
// A route added without an entry here fails test/ops/docs.test.ts.
import { z } from 'zod';
import { haloSettingsInputSchema } from '../halo/settings';
import type { OperationDoc, ResponseDoc, RouteDocs } from './openapi';
import { peopleRouteDocs } from './openapi-people';
import { notifyRouteDocs } from './openapi-notify';
import {
  customerSchema,
  errorSchema,
  hardwareDetailSchema,
  hardwareSchema,
  integrationSavedSchema,
  integrationSchema,
  lifecyclePoliciesSchema,
  lifecycleSchema,
  lifecycleSummarySchema,
  pageOf,
  scheduleSchema,
  softwareSchema,
  syncErrorSchema,
  syncSchema,
} from './openapi-schemas';
import { budgetBody } from './routes/budget';
import { policiesBody, summaryQuery } from './routes/lifecycle';
import { discoverBody } from './routes/halo';
import { historyQuery, idParams, scheduleBody, settingsPatch, startSyncBody } from './routes/integrations';
import { assetDetailQuery, assetParams, assetsQuery, customersQuery } from './routes/records';

const error = (description: string): ResponseDoc => ({ description, schema: errorSchema });
const common = {
  400: error('invalid_request: `fields` names each bad field'),
  401: error('unauthorized: no valid API key'),
  404: error('not_found: no such id in this account'),
  429: error('rate_limited: too many requests for this key; see Retry-After'),
  503: error(
    'temporal_unavailable / database_unavailable: a dependency is down; see Retry-After, and `saved` for ' +
      'whether the request changed anything',
  ),
};
const noInput = { 400: common[400] };
const withId = { 401: common[401], 404: common[404], 429: common[429], 503: common[503] };
const haloErrors = {
  422: error(
    'halo_auth_failed / halo_permission_denied: Halo refused the credentials; nothing changed. ' +
      "`error.discovered` holds the values Halo's discovery names, where they differ from those entered",
  ),
  502: error(
    'halo_unreachable: the Halo URL did not answer, or not as Halo does (a 5xx from the token endpoint can ' +
      'mean a wrong Tenant); `error.discovered` as for 422',
  ),
};

const integrations = 'Integrations';
const syncs = 'Syncs';
const records = 'Assets and customers';
const lifecycle = 'Lifecycle';
// CSV (format=csv or Accept: text/csv): UTF-8 with a BOM, streamed; cells starting with = + - @, tab or CR
// are prefixed with an apostrophe so that spreadsheets do not run them.
const csv = 'text/csv';
const assetsPage = pageOf(
  z.discriminatedUnion('kind', [
    hardwareSchema.extend({ lifecycle: lifecycleSchema.nullable() }),
    softwareSchema,
  ]),
);
const operations = 'Operations';

const budgetSchema = z.object({
  requests: z.number().int(),
  windowSeconds: z.number().int(),
  usingDefaults: z.boolean(),
});
const customersPage = pageOf(
  customerSchema.extend({
    assetCounts: z.object({ hardware: z.number().int(), software: z.number().int() }),
  }),
);

const budget: Record<'get' | 'put', OperationDoc> = {
  get: {
    tag: integrations,
    summary: "The Halo request budget this integration's syncs keep to",
    params: idParams,
    responses: {
      200: { description: 'Its own limits, or the service defaults', schema: budgetSchema },
      ...withId,
    },
  },
  put: {
    tag: integrations,
    summary: 'Set the Halo request budget (null for the service default)',
    description: 'Integrations of one Halo tenant share one budget; give them the same limits.',
    params: idParams,
    body: budgetBody,
    responses: {
      200: { description: 'The limits now in force', schema: budgetSchema },
      ...noInput,
      ...withId,
    },
  },
};

export const routeDocs: RouteDocs = {
  'GET /healthz': {
    tag: operations,
    summary: 'Liveness: the process is up',
    responses: { 200: { description: 'Up', schema: z.object({ status: z.literal('ok') }) } },
  },
  'GET /readyz': {
    tag: operations,
    summary: 'Readiness: PostgreSQL and Temporal answer',
    responses: {
      200: { description: 'Ready', schema: readiness('ready') },
      503: {
        description: 'Not ready; `checks` says which dependency is down',
        schema: readiness('not_ready'),
      },
    },
  },
  'GET /metrics': {
    tag: operations,
    auth: 'metricsToken',
    summary: 'Prometheus metrics',
    description:
      'Answered on this port only when METRICS_TOKEN is set, and then only with that token; METRICS_PORT serves ' +
      'the same on a separate listener.',
    responses: {
      200: { description: 'Prometheus text format', contentType: 'text/plain; version=0.0.4' },
      401: common[401],
      404: error('not_found: metrics are not served on this port'),
    },
  },
  'GET /docs': {
    tag: operations,
    summary: 'This document, in a viewer',
    responses: { 200: { description: 'Swagger UI, served from this API', contentType: 'text/html' } },
  },
  'GET /docs/openapi.json': {
    tag: operations,
    summary: 'This document',
    responses: { 200: { description: 'OpenAPI 3.1', schema: z.record(z.string(), z.unknown()) } },
  },
  'GET /docs/assets/*': {
    tag: operations,
    summary: "The viewer's scripts and styles",
    responses: {
      200: { description: 'A file of the viewer', contentType: 'application/octet-stream' },
      404: common[404],
    },
  },
  'GET /': {
    tag: operations,
    summary: 'The web page',
    responses: { 200: { description: 'The single-page app', contentType: 'text/html' } },
  },
  'GET /web/*': {
    tag: operations,
    summary: "The web page's files",
    responses: {
      200: { description: 'A file of the web page', contentType: 'application/octet-stream' },
      304: { description: 'Unchanged since the ETag given in If-None-Match' },
      404: common[404],
    },
  },

  'POST /v1/integrations/halo': {
    tag: integrations,
    summary: 'Save a Halo integration and start its first full sync',
    description:
      'Checks the five values with Halo (one token request), stores them with the secret encrypted, creates ' +
      'the Schedule and starts a full sync.',
    body: haloSettingsInputSchema,
    responses: {
      202: { description: 'Saved; the sync that started', schema: integrationSavedSchema },
      ...noInput,
      401: common[401],
      ...haloErrors,
      503: common[503],
    },
  },
  'POST /v1/halo/discover': {
    tag: integrations,
    summary: 'Propose the Authorisation Server URL and Tenant for a Resource Server URL',
    description:
      "Asks Halo's unauthenticated discovery endpoint ({base}/api/authinfo) under the same URL rules as a " +
      'Save. Nothing is stored.',
    body: discoverBody,
    responses: {
      200: {
        description: 'What Halo names for this Resource Server URL',
        schema: z.object({ authServerUrl: z.string(), tenant: z.string() }),
      },
      ...noInput,
      401: common[401],
      422: error('halo_discovery_failed: Halo did not answer discovery; the message says what was tried'),
      429: common[429],
    },
  },
  'GET /v1/integrations': {
    tag: integrations,
    summary: "The account's integrations",
    responses: {
      200: { description: 'All of them', schema: z.object({ items: z.array(integrationSchema) }) },
      401: common[401],
    },
  },
  'GET /v1/integrations/:id': {
    tag: integrations,
    summary: 'One integration (never its secret)',
    params: idParams,
    responses: { 200: { description: 'The integration', schema: integrationSchema }, ...withId },
  },
  'PUT /v1/integrations/:id': {
    tag: integrations,
    summary: 'Change any of the five values and resync',
    description:
      "Halo checks the result first; a refusal leaves the stored values in place. A change of either URL's " +
      'origin or of the Tenant needs clientSecret in the same body (400 naming it otherwise), so the stored ' +
      'secret is never sent to another Halo.',
    params: idParams,
    body: settingsPatch,
    responses: {
      202: { description: 'Changed; the full sync that started', schema: integrationSavedSchema },
      ...noInput,
      ...withId,
      ...haloErrors,
    },
  },
  'DELETE /v1/integrations/:id': {
    tag: integrations,
    summary: 'Remove an integration, its Schedule, its running sync and everything it synced',
    params: idParams,
    responses: { 204: { description: 'Removed' }, ...withId },
  },
  'POST /v1/integrations/:id/syncs': {
    tag: syncs,
    summary: 'Start a sync by hand',
    params: idParams,
    body: startSyncBody,
    responses: {
      202: { description: 'Started', schema: syncSchema },
      ...noInput,
      ...withId,
      409: { description: 'sync_in_progress: `error.sync` is the one running', schema: syncErrorSchema },
    },
  },
  'GET /v1/integrations/:id/syncs': {
    tag: syncs,
    summary: "The integration's sync history, newest first",
    params: idParams,
    query: historyQuery,
    responses: { 200: { description: 'A page of runs', schema: pageOf(syncSchema) }, ...noInput, ...withId },
  },
  'GET /v1/integrations/:id/schedule': {
    tag: integrations,
    summary: "The integration's schedule",
    params: idParams,
    responses: { 200: { description: 'Cadence and state', schema: scheduleSchema }, ...withId },
  },
  'PUT /v1/integrations/:id/schedule': {
    tag: integrations,
    summary: 'Change the schedule in place',
    params: idParams,
    body: scheduleBody,
    responses: { 200: { description: 'The schedule now', schema: scheduleSchema }, ...noInput, ...withId },
  },
  'GET /v1/integrations/:id/budget': budget.get,
  'PUT /v1/integrations/:id/budget': budget.put,
  'GET /v1/syncs/:id': {
    tag: syncs,
    summary: 'Follow a sync: status, progress, counts',
    params: idParams,
    responses: { 200: { description: 'The sync', schema: syncSchema }, ...withId },
  },
  'POST /v1/syncs/:id/cancel': {
    tag: syncs,
    summary: 'Cancel a running sync',
    description: 'Pages in flight finish or stop at their next heartbeat; the run ends "cancelled".',
    params: idParams,
    responses: {
      202: { description: 'Cancelling', schema: syncSchema },
      ...withId,
      409: { description: 'sync_not_running: it has already ended', schema: syncErrorSchema },
    },
  },
  'GET /v1/assets': {
    tag: records,
    summary: 'Hardware or software assets, keyset-paginated, or all of them as CSV',
    description:
      'Hardware carries its lifecycle state. The lifecycle filters (warranty, expiringWithinDays, ' +
      'replacementDue, minAgeYears, ageBand, assetTypeId) are for hardware; endsInMonth for both kinds. ' +
      'A CSV export holds every matching row, not a page.',
    query: assetsQuery,
    responses: {
      200: {
        description: 'A page (JSON), or every matching row (CSV)',
        schema: assetsPage,
        contentType: csv,
      },
      ...noInput,
      ...withId,
    },
  },
  'GET /v1/assets/:kind/:haloId': {
    tag: records,
    summary: 'One asset, with the raw Halo record',
    params: assetParams,
    query: assetDetailQuery,
    responses: {
      200: {
        description: 'The asset',
        schema: z.discriminatedUnion('kind', [hardwareDetailSchema, softwareSchema]),
      },
      ...noInput,
      ...withId,
    },
  },
  'GET /v1/lifecycle/summary': {
    tag: lifecycle,
    summary: "Warranty states, age bands, replacements due and renewals, for an integration's customers",
    description:
      'Hardware and software not deleted and not inactive in Halo. With customerId, that customer only; ' +
      'otherwise every customer, ranked. As CSV: one line per customer, after a line for all of them.',
    query: summaryQuery,
    responses: {
      200: { description: 'The summary (JSON or CSV)', schema: lifecycleSummarySchema, contentType: csv },
      ...noInput,
      ...withId,
    },
  },
  'GET /v1/lifecycle/policies': {
    tag: lifecycle,
    summary: "The account's replacement policies: years per category and per Halo asset type",
    responses: {
      200: { description: 'The policies', schema: lifecyclePoliciesSchema },
      401: common[401],
      429: common[429],
    },
  },
  'PUT /v1/lifecycle/policies': {
    tag: lifecycle,
    summary: 'Replace the replacement policies (what is left out returns to its default)',
    description: 'Applies at once to every answer; no sync is needed.',
    body: policiesBody,
    responses: {
      200: { description: 'The policies now in force', schema: lifecyclePoliciesSchema },
      ...noInput,
      401: common[401],
      429: common[429],
    },
  },
  'GET /v1/customers': {
    tag: records,
    summary: 'Customers, keyset-paginated, with their asset counts',
    query: customersQuery,
    responses: { 200: { description: 'A page', schema: customersPage }, ...noInput, ...withId },
  },
  ...peopleRouteDocs,
  ...notifyRouteDocs,
};

function readiness(status: 'ready' | 'not_ready') {
  const check = z.enum(['ok', 'unreachable']);
  return z.object({ status: z.literal(status), checks: z.object({ database: check, temporal: check }) });
}
