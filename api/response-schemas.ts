// Zod schemas of what the API answers with the views of views.ts and record-views.ts, for the routes'
// response schemas (checked in tests, and the OpenAPI document's answers); the type checks below fail the
// build when a view gains or loses a field these do not.
import { z } from 'zod';
import type { customerView, hardwareView, softwareView } from './record-views';
import { errorSchema, isoTime, type Documents } from './route-schemas';
import type { integrationView, syncView } from './views';

const id = z.uuid();
const ref = z.object({ haloId: z.number().int().nullable(), name: z.string().nullable() }).nullable();
const raw = z
  .record(z.string(), z.unknown())
  .optional()
  .describe('The record exactly as Halo returned it; only on single-record answers.');

export const integrationSchema = z.object({
  id,
  resourceServerUrl: z.string(),
  authServerUrl: z.string(),
  tenant: z.string(),
  clientId: z.string(),
  clientSecretSet: z.boolean().describe('Always true: the secret is stored, encrypted, and never returned.'),
  clientSecretLast4: z.string(),
  tokenScope: z
    .string()
    .nullable()
    .describe('The token scope Halo granted: `all`, or the named scopes asked for when Halo refused `all`.'),
  createdAt: isoTime,
  updatedAt: isoTime,
});

const kindCounts = z.object({
  seen: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  deleted: z.number().int(),
});

export const syncSchema = z.object({
  id,
  integrationId: id,
  kind: z.enum(['full', 'incremental']),
  status: z.enum(['running', 'completed', 'failed', 'cancelled']),
  startedAt: isoTime,
  finishedAt: isoTime.nullable(),
  progress: z.object({ phase: z.string(), pagesDone: z.number().int(), pagesTotal: z.number().int() }),
  counts: z.object({ assets: kindCounts, software: kindCounts, customers: kindCounts }),
  error: z.string().nullable(),
  warnings: z.array(z.string()),
  workflowId: z.string(),
  temporalUiUrl: z.string().describe('Opens the run in the Temporal UI.'),
});

export const integrationSavedSchema = z.object({ integration: integrationSchema, sync: syncSchema });
export const syncErrorSchema = errorSchema.extend({
  error: errorSchema.shape.error.extend({ sync: syncSchema.optional() }),
});

export const hardwareSchema = z.object({
  kind: z.literal('hardware'),
  haloId: z.number().int(),
  integrationId: id,
  inventoryNumber: z.string().nullable(),
  keyField: z.string().nullable(),
  keyField2: z.string().nullable(),
  keyField3: z.string().nullable(),
  customer: ref,
  site: ref,
  assetType: ref,
  status: ref,
  inactive: z.boolean(),
  username: z.string().nullable(),
  warrantyStart: isoTime.nullable(),
  warrantyEnd: isoTime.nullable(),
  purchaseDate: isoTime.nullable(),
  parentId: z
    .number()
    .int()
    .nullable()
    .describe("A child asset's parent (Halo's parent_id); null at the top."),
  updatedAt: isoTime.nullable(),
  deletedAt: isoTime.nullable(),
  raw,
});

const assetRefSchema = z.object({
  haloId: z.number().int(),
  name: z.string().nullable(),
  deletedAt: isoTime.nullable().optional(),
});
export const hardwareDetailSchema = hardwareSchema.extend({
  parent: assetRefSchema.nullable().describe('The parent asset, when this is a child asset'),
  children: z.array(assetRefSchema).describe('The first 50 child assets; all through ?parentId='),
  moreChildren: z.boolean(),
});

export const softwareSchema = z.object({
  kind: z.literal('software'),
  haloId: z.number().int(),
  integrationId: id,
  name: z.string().nullable(),
  type: z.string().nullable(),
  manufacturer: z.string().nullable(),
  vendor: z.string().nullable(),
  customer: ref,
  siteId: z.number().int().nullable(),
  licenceCount: z.number().int().nullable(),
  licencesInUse: z.number().int().nullable(),
  productSku: z.string().nullable(),
  status: z.string().nullable(),
  inactive: z.boolean(),
  startDate: isoTime.nullable(),
  endDate: isoTime.nullable(),
  updatedAt: isoTime.nullable(),
  deletedAt: isoTime.nullable(),
  raw,
});

export const customerSchema = z.object({
  haloId: z.number().int(),
  integrationId: id,
  name: z.string(),
  topLevel: ref,
  inactive: z.boolean(),
  updatedAt: isoTime.nullable(),
  deletedAt: isoTime.nullable(),
  raw,
});

export const assetSchema = z.discriminatedUnion('kind', [hardwareSchema, softwareSchema]);

export const scheduleSchema = z.object({
  incrementalEveryMinutes: z.number().int(),
  fullEveryHours: z.number().int(),
  paused: z.boolean(),
});

// Each view and its schema have the same fields, and every value the view gives fits the schema.
export const viewsMatchSchemas: [
  Documents<ReturnType<typeof integrationView>, typeof integrationSchema>,
  Documents<ReturnType<typeof syncView>, typeof syncSchema>,
  Documents<ReturnType<typeof hardwareView>, typeof hardwareSchema>,
  Documents<ReturnType<typeof softwareView>, typeof softwareSchema>,
  Documents<ReturnType<typeof customerView>, typeof customerSchema>,
] = [true, true, true, true, true];

// Lifecycle (api/routes/lifecycle.ts and the lifecycle filters of GET /v1/assets).
const count = z.number().int();
const twelveCounts = z.array(count).length(12).describe('One per month, from this month on (see `months`)');
export const lifecycleSchema = z.object({
  warranty: z.enum(['expired', 'expiring', 'active', 'unknown']),
  ageYears: count.nullable().describe('Whole years since the purchase date, else the warranty start'),
  ageFrom: z.enum(['purchaseDate', 'warrantyStart']).nullable(),
  category: z.enum(['laptop', 'desktop', 'server', 'network', 'other']),
  replacementYears: count.describe("The policy's years for this asset's type"),
  replacementDue: z.boolean(),
});
const hardwareCounts = {
  total: count,
  warranty: z.object({ expired: count, expiring: count, active: count, unknown: count }),
  ageBands: z.array(count).length(7).describe('<1, 1–2, 2–3, 3–4, 4–5, 5+ years, unknown'),
  replacementDue: count,
  expirationsByMonth: twelveCounts,
};
const softwareCounts = z.object({
  licences: count,
  endingByMonth: twelveCounts,
  seats: z.object({ bought: count, inUse: count }),
});
export const lifecycleSummarySchema = z.object({
  integrationId: id.nullable().describe('null when the account has no integration yet (and nothing else)'),
  expiringWithinDays: count,
  asOf: z.string().describe('Today (UTC), YYYY-MM-DD').optional(),
  months: z.array(z.string()).length(12).describe('YYYY-MM, this month first').optional(),
  hardware: z.object(hardwareCounts).optional(),
  software: softwareCounts.optional(),
  customers: z
    .array(
      z.object({
        ...hardwareCounts,
        customerId: count.nullable(),
        name: z.string().nullable(),
        software: softwareCounts,
      }),
    )
    .describe('Ranked: most expired warranties first, then most assets')
    .optional(),
});
export const lifecyclePoliciesSchema = z.object({
  categories: z.array(
    z.object({
      category: z.enum(['laptop', 'desktop', 'server', 'network', 'other']),
      years: count,
      defaultYears: count,
      matches: z.string().nullable().describe('The asset type names it takes (a case-insensitive pattern)'),
    }),
  ),
  assetTypes: z.array(z.object({ name: z.string(), years: count })).describe('Per type, over its category'),
  assetTypesInUse: z.array(
    z.object({
      name: z.string(),
      category: z.enum(['laptop', 'desktop', 'server', 'network', 'other']),
      assets: count,
      years: count,
    }),
  ),
});
