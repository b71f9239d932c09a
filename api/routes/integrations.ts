import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { decryptSecret, encryptSecret } from '../../db/crypto';
import {
  deleteIntegration,
  findIntegration,
  findIntegrationById,
  insertIntegration,
  listIntegrations,
  updateIntegration,
  type IntegrationRow,
} from '../../db/integrations-repository';
import { findRunningSyncRun, listSyncRuns } from '../../db/sync-runs-repository';
import { haloSettingsSchema, type HaloSettings } from '../../halo/settings';
import type { AppDeps } from '../app';
import { audit, changedSettings } from '../audit';
import { accountOf } from '../auth';
import { ApiError, invalidRequest, notFound } from '../errors';
import { checkHaloCredentials } from '../halo-check';
import { explainOutage } from '../outages';
import { requireSecretForNewHalo } from '../secret-rebinding';
import { defaultScheduleSettings, type Schedules } from '../schedules';
import type { SyncService, SyncTarget } from '../sync-service';
import { integrationView, syncView } from '../views';

export const idParams = z.object({ id: z.uuid() });

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

const targetOf = (row: IntegrationRow): SyncTarget => ({
  accountId: row.accountId,
  integrationId: row.id,
  tenant: row.tenant,
});

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

export const integrationRoutes: FastifyPluginAsync<{
  deps: AppDeps;
  syncs: SyncService;
  schedules: Schedules;
}> = async (app, { deps, syncs, schedules }) => {
  const settingsSchema = haloSettingsSchema({ allowPrivate: deps.config.ALLOW_PRIVATE_HALO_URLS });
  const haloCheck = (settings: HaloSettings) =>
    checkHaloCredentials(settings, {
      allowPrivate: deps.config.ALLOW_PRIVATE_HALO_URLS,
      timeoutMs: deps.config.HALO_TIMEOUT_MS,
    });

  async function ownIntegration(request: FastifyRequest): Promise<IntegrationRow> {
    const params = idParams.safeParse(request.params);
    const row = params.success ? await findIntegration(deps.db, accountOf(request).id, params.data.id) : null;
    if (!row) throw notFound('Integration');
    return row;
  }

  // Save HaloITSM Setup: check with Halo, store (secret encrypted), schedule, start the first full sync.
  app.post('/integrations/halo', async (request, reply) => {
    const account = accountOf(request);
    const parsed = settingsSchema.safeParse(request.body ?? {});
    if (!parsed.success) throw invalidRequest(parsed.error, 'body');
    const settings = parsed.data;
    const { tokenScope } = await haloCheck(settings);

    const id = randomUUID();
    const integration = await insertIntegration(deps.db, {
      id,
      accountId: account.id,
      settings,
      clientSecretEnc: encryptSecret(deps.encryptionKey, settings.clientSecret, id),
      clientSecretLast4: settings.clientSecret.slice(-4),
      tokenScope,
    });
    let scheduled = false;
    try {
      await schedules.create(targetOf(integration), defaultScheduleSettings(deps.config));
      scheduled = true;
      const { run } = await syncs.startSync(targetOf(integration), 'full');
      await audit(request, 'integration.created', {
        integrationId: id,
        tenant: settings.tenant,
        syncId: run.id,
      });
      return await reply
        .code(202)
        .send({ integration: integrationView(integration), sync: syncView(run, syncs) });
    } catch (error) {
      // Half a setup helps no one: without its schedule and first sync the integration is taken back out.
      // (A schedule left behind in Temporal finds no integration and starts nothing.)
      if (scheduled) await schedules.remove(id).catch(() => undefined);
      const removed = await deleteIntegration(deps.db, account.id, id).then(
        () => true,
        () => false,
      );
      throw removed
        ? explainOutage(error, 'Nothing was saved and no sync started.', false)
        : explainOutage(
            error,
            'The integration was saved but its sync did not start, and it could not be taken back out.',
            true,
          );
    }
  });

  app.get('/integrations', async (request) => {
    const rows = await listIntegrations(deps.db, accountOf(request).id);
    return { items: rows.map(integrationView) };
  });

  app.get('/integrations/:id', async (request) => integrationView(await ownIntegration(request)));

  // Change any of the five values. Halo checks the result first; a refusal leaves the stored values alone.
  app.put('/integrations/:id', async (request, reply) => {
    const current = await ownIntegration(request);
    const patch = settingsPatch.safeParse(request.body ?? {});
    if (!patch.success) throw invalidRequest(patch.error, 'body');
    const stored = await findIntegrationById(deps.db, current.id);
    if (!stored) throw notFound('Integration');
    const merged = settingsSchema.safeParse({
      resourceServerUrl: current.resourceServerUrl,
      authServerUrl: current.authServerUrl,
      tenant: current.tenant,
      clientId: current.clientId,
      clientSecret: decryptSecret(deps.encryptionKey, stored.clientSecretEnc, stored.id),
      ...Object.fromEntries(Object.entries(patch.data).filter(([, v]) => v !== undefined)),
    });
    if (!merged.success) throw invalidRequest(merged.error, 'body');
    requireSecretForNewHalo(current, merged.data, patch.data.clientSecret !== undefined);
    const { tokenScope } = await haloCheck(merged.data);

    const updated = await updateIntegration(deps.db, current.accountId, current.id, {
      settings: merged.data,
      clientSecretEnc: encryptSecret(deps.encryptionKey, merged.data.clientSecret, current.id),
      clientSecretLast4: merged.data.clientSecret.slice(-4),
      tokenScope,
    });
    if (!updated) throw notFound('Integration');
    const before = {
      ...current,
      clientSecret: decryptSecret(deps.encryptionKey, stored.clientSecretEnc, stored.id),
    };
    await audit(request, 'integration.updated', {
      integrationId: current.id,
      fields: changedSettings(before, merged.data),
    });
    try {
      const { run } = await syncs.startSync(targetOf(updated), 'full');
      return await reply
        .code(202)
        .send({ integration: integrationView(updated), sync: syncView(run, syncs) });
    } catch (error) {
      // Halo accepted the values and they are stored; only the sync waits for Temporal.
      throw explainOutage(
        error,
        'The new settings were saved, but the sync did not start; start one when Temporal is back.',
        true,
      );
    }
  });

  // Stops everything the integration has running, then removes it with all it synced.
  app.delete('/integrations/:id', async (request, reply) => {
    const integration = await ownIntegration(request);
    // Each step is safe to repeat, so after an outage the same DELETE finishes the job.
    try {
      await schedules.remove(integration.id);
    } catch (error) {
      throw explainOutage(error, 'Nothing was deleted.', false);
    }
    try {
      const running = await findRunningSyncRun(deps.db, integration.id);
      if (running) await syncs.cancelSync(running);
      await deleteIntegration(deps.db, integration.accountId, integration.id);
    } catch (error) {
      throw explainOutage(
        error,
        'Its schedule was removed, but the integration was not deleted; send the DELETE again.',
        true,
      );
    }
    await audit(request, 'integration.deleted', {
      integrationId: integration.id,
      tenant: integration.tenant,
    });
    return reply.code(204).send();
  });

  app.post('/integrations/:id/syncs', async (request, reply) => {
    const integration = await ownIntegration(request);
    const body = startSyncBody.safeParse(request.body ?? {});
    if (!body.success) throw invalidRequest(body.error, 'body');
    const { run, started } = await syncs.startSync(targetOf(integration), body.data.kind);
    if (!started) {
      throw new ApiError('sync_in_progress', `A ${run.kind} sync of this integration is already running.`, {
        sync: syncView(run, syncs),
      });
    }
    await audit(request, 'sync.started', { integrationId: integration.id, syncId: run.id, kind: run.kind });
    return reply.code(202).send(syncView(run, syncs));
  });

  app.get('/integrations/:id/syncs', async (request) => {
    const integration = await ownIntegration(request);
    const query = historyQuery.safeParse(request.query);
    if (!query.success) throw invalidRequest(query.error, 'query');
    const { limit, cursor } = query.data;
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

  app.get('/integrations/:id/schedule', async (request) => {
    const integration = await ownIntegration(request);
    const settings = await schedules.read(integration.id);
    if (!settings) throw notFound('Schedule');
    return settings;
  });

  app.put('/integrations/:id/schedule', async (request) => {
    const integration = await ownIntegration(request);
    const body = scheduleBody.safeParse(request.body ?? {});
    if (!body.success) throw invalidRequest(body.error, 'body');
    let current: Awaited<ReturnType<typeof schedules.read>> | null;
    let next: ReturnType<typeof defaultScheduleSettings>;
    try {
      current = (await schedules.read(integration.id)) ?? null;
      next = { ...(current ?? defaultScheduleSettings(deps.config)), ...stripUndefined(body.data) };
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
