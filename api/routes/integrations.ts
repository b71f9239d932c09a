import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listIntegrations } from '../../db/integrations-repository';
import { listSyncRuns } from '../../db/sync-runs-repository';
import { haloSettingsSchema } from '../../halo/settings';
import type { AppDeps } from '../deps';
import { audit } from '../audit';
import { accountOf } from '../auth';
import { ApiError, notFound } from '../errors';
import { accountIntegration } from '../integration-scope';
import { targetOf, type AuditNote, type IntegrationService } from '../integration-service';
import { explainOutage } from '../outages';
import { defaultScheduleSettings, type Schedules } from '../schedules';
import type { SyncService } from '../sync-service';
import {
  integrationSavedSchema,
  integrationSchema,
  scheduleSchema,
  syncErrorSchema,
  syncSchema,
} from '../response-schemas';
import { errorResponse, integrationIdParams as idParams, noBody, pageOf } from '../route-schemas';
import { integrationView, syncView } from '../views';

const settingsFields = ['resourceServerUrl', 'authServerUrl', 'tenant', 'clientId', 'clientSecret'] as const;
// PUT may change any of the five values; the rest keep what is stored.
export const settingsPatch = z.strictObject(
  Object.fromEntries(
    settingsFields.map((f) => [f, z.string({ error: 'expected a string' }).optional()]),
  ) as Record<(typeof settingsFields)[number], z.ZodOptional<z.ZodString>>,
);
export const startSyncBody = z.strictObject({ kind: z.enum(['full', 'incremental']).default('full') });
export const historyQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});
export const scheduleBody = z.strictObject({
  incrementalEveryMinutes: z
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .optional(),
  fullEveryHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .optional(),
  paused: z.boolean().optional(),
});

const auditFor =
  (request: FastifyRequest): AuditNote =>
  (action, details) =>
    audit(request, action, details);

function historyCursor(run: { startedAt: Date; id: string }): string {
  return Buffer.from(`${run.startedAt.toISOString()}|${run.id}`).toString('base64url');
}

function parseHistoryCursor(text: string): { startedAt: Date; id: string } {
  const [at = '', id = ''] = Buffer.from(text, 'base64url').toString('utf8').split('|');
  const startedAt = new Date(at);
  // Bounded to years PostgreSQL and ISO strings share: JS dates reach year 275760, the database's do not.
  const ms = startedAt.getTime();
  if (!(ms >= 0 && ms < Date.UTC(10000, 0, 1)) || !z.uuid().safeParse(id).success) {
    throw new ApiError('invalid_request', 'The cursor is not one this API returned.', {
      fields: { cursor: 'expected a nextCursor value' },
    });
  }
  return { startedAt, id };
}

const tags = ['Integrations'];
const haloErrors = {
  422: errorResponse(
    'halo_auth_failed / halo_permission_denied: Halo refused the credentials; nothing changed. ' +
      "`error.discovered` holds the values Halo's discovery names, where they differ from those entered",
  ),
  502: errorResponse(
    'halo_unreachable: the Halo URL did not answer, or not as Halo does (a 5xx from the token endpoint can ' +
      'mean a wrong Tenant); `error.discovered` as for 422',
  ),
};

export const integrationRoutes: FastifyPluginAsyncZod<{
  deps: AppDeps;
  syncs: SyncService;
  schedules: Schedules;
  integrations: IntegrationService;
}> = async (app, { deps, syncs, schedules, integrations }) => {
  const settingsSchema = haloSettingsSchema({ allowPrivate: deps.config.ALLOW_PRIVATE_HALO_URLS });
  const ownIntegration = (request: FastifyRequest) =>
    accountIntegration(deps.db, accountOf(request).id, (request.params as z.output<typeof idParams>).id);

  // Save HaloITSM Setup: check with Halo, store (secret encrypted), schedule, start the first full sync.
  const postIntegrationsHaloSchema = {
    tags,
    summary: 'Save a Halo integration and start its first full sync',
    description:
      'Checks the five values with Halo (one token request), stores them with the secret encrypted, ' +
      'creates the Schedule and starts a full sync.',
    body: settingsSchema,
    response: { 202: integrationSavedSchema.describe('Saved; the sync that started'), ...haloErrors },
  };
  app.post('/integrations/halo', { schema: postIntegrationsHaloSchema }, async (request, reply) => {
    const saved = await integrations.create(accountOf(request).id, request.body, auditFor(request));
    return reply
      .code(202)
      .send({ integration: integrationView(saved.integration), sync: syncView(saved.run, syncs) });
  });

  const getIntegrationsSchema = {
    tags,
    summary: "The account's integrations",
    response: { 200: z.object({ items: z.array(integrationSchema) }).describe('All of them') },
  };
  app.get('/integrations', { schema: getIntegrationsSchema }, async (request) => {
    const rows = await listIntegrations(deps.db, accountOf(request).id);
    return { items: rows.map(integrationView) };
  });

  const getIntegrationsIdSchema = {
    tags,
    summary: 'One integration (never its secret)',
    params: idParams,
    response: { 200: integrationSchema.describe('The integration') },
  };
  app.get('/integrations/:id', { schema: getIntegrationsIdSchema }, async (request) =>
    integrationView(await ownIntegration(request)),
  );

  // Change any of the five values. Halo checks the result first; a refusal leaves the stored values alone.
  const putIntegrationsIdSchema = {
    tags,
    summary: 'Change any of the five values and resync',
    description:
      "Halo checks the result first; a refusal leaves the stored values in place. A change of either URL's " +
      'origin or of the Tenant needs clientSecret in the same body (400 naming it otherwise), so the stored ' +
      'secret is never sent to another Halo.',
    params: idParams,
    body: settingsPatch,
    response: {
      202: integrationSavedSchema.describe('Changed; the full sync that started'),
      ...haloErrors,
    },
  };
  app.put('/integrations/:id', { schema: putIntegrationsIdSchema }, async (request, reply) => {
    const current = await ownIntegration(request);
    const saved = await integrations.update(current, request.body, auditFor(request));
    return reply
      .code(202)
      .send({ integration: integrationView(saved.integration), sync: syncView(saved.run, syncs) });
  });

  // Stops everything the integration has running, then removes it with all it synced.
  const deleteIntegrationsIdSchema = {
    tags,
    summary: 'Remove an integration, its Schedule, its running sync and everything it synced',
    params: idParams,
    response: { 204: noBody('Removed') },
  };
  app.delete('/integrations/:id', { schema: deleteIntegrationsIdSchema }, async (request, reply) => {
    await integrations.remove(await ownIntegration(request), auditFor(request));
    return reply.code(204).send();
  });

  const postIntegrationsIdSyncsSchema = {
    tags: ['Syncs'],
    summary: 'Start a sync by hand',
    params: idParams,
    body: startSyncBody,
    response: {
      202: syncSchema.describe('Started'),
      409: syncErrorSchema.describe('sync_in_progress: `error.sync` is the one running'),
    },
  };
  app.post('/integrations/:id/syncs', { schema: postIntegrationsIdSyncsSchema }, async (request, reply) => {
    const integration = await ownIntegration(request);
    const { run, started } = await syncs.startSync(targetOf(integration), request.body.kind);
    if (!started) {
      throw new ApiError('sync_in_progress', `A ${run.kind} sync of this integration is already running.`, {
        sync: syncView(run, syncs),
      });
    }
    await audit(request, 'sync.started', { integrationId: integration.id, syncId: run.id, kind: run.kind });
    return reply.code(202).send(syncView(run, syncs));
  });

  const getIntegrationsIdSyncsSchema = {
    tags: ['Syncs'],
    summary: "The integration's sync history, newest first",
    params: idParams,
    querystring: historyQuery,
    response: { 200: pageOf(syncSchema).describe('A page of runs') },
  };
  app.get('/integrations/:id/syncs', { schema: getIntegrationsIdSyncsSchema }, async (request) => {
    const integration = await ownIntegration(request);
    const { limit, cursor } = request.query;
    const rows = await listSyncRuns(deps.db, {
      accountId: integration.accountId,
      integrationId: integration.id,
      limit: limit + 1,
      ...(cursor ? { before: parseHistoryCursor(cursor) } : {}),
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((run) => syncView(run, syncs)),
      nextCursor: rows.length > limit && last ? historyCursor(last) : null,
    };
  });

  const getIntegrationsIdScheduleSchema = {
    tags,
    summary: "The integration's schedule",
    params: idParams,
    response: { 200: scheduleSchema.describe('Cadence and state') },
  };
  app.get('/integrations/:id/schedule', { schema: getIntegrationsIdScheduleSchema }, async (request) => {
    const integration = await ownIntegration(request);
    const settings = await schedules.read(integration.id);
    if (!settings) throw notFound('Schedule');
    return settings;
  });

  const putIntegrationsIdScheduleSchema = {
    tags,
    summary: 'Change the schedule in place',
    params: idParams,
    body: scheduleBody,
    response: { 200: scheduleSchema.describe('The schedule now') },
  };
  app.put('/integrations/:id/schedule', { schema: putIntegrationsIdScheduleSchema }, async (request) => {
    const integration = await ownIntegration(request);
    let current: Awaited<ReturnType<typeof schedules.read>> | null;
    let next: ReturnType<typeof defaultScheduleSettings>;
    try {
      current = (await schedules.read(integration.id)) ?? null;
      next = { ...(current ?? defaultScheduleSettings(deps.config)), ...stripUndefined(request.body) };
      if (current) await schedules.update(targetOf(integration), next);
      else await schedules.create(targetOf(integration), next);
    } catch (error) {
      throw explainOutage(error, 'The schedule was not changed.', false);
    }
    await audit(request, 'schedule.updated', { integrationId: integration.id, from: current, to: next });
    return next;
  });
};

function stripUndefined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
