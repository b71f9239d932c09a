// Saving, changing and removing a Halo integration, with the steps that take a half-done change back out and
// the secret's encryption. Routes (api/routes/integrations.ts) only translate HTTP to these calls and back.
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/env';
import type { Database } from '../db/client';
import { encryptSecret, type KeyInput } from '../db/crypto';
import {
  deleteIntegration,
  loadIntegrationWithSecret,
  haloSettingsOf,
  insertIntegration,
  updateIntegration,
  type IntegrationRow,
} from '../db/integrations-repository';
import { findRunningSyncRun, type SyncRunRow } from '../db/sync-runs-repository';
import { haloSettingsSchema, type HaloSettings } from '../halo/settings';
import { changedSettings, type AuditAction, type AuditDetails } from './audit';
import { invalidRequest, notFound } from './errors';
import { checkHaloCredentials } from './halo-check';
import { explainOutage } from './outages';
import { requireSecretForNewHalo } from './secret-rebinding';
import { defaultScheduleSettings, type Schedules } from './schedules';
import type { SyncService, SyncTarget } from './sync-service';

/** Writes an audit entry for the caller; the route binds it to the request. */
export type AuditNote = (action: AuditAction, details: AuditDetails) => Promise<void>;

/** Any of the five values; those left out keep what is stored. */
export type SettingsPatch = { [K in keyof HaloSettings]?: string | undefined };

export interface SavedIntegration {
  integration: IntegrationRow;
  /** The full sync that started, or the one already running for this integration. */
  run: SyncRunRow;
}

export function targetOf(row: IntegrationRow): SyncTarget {
  return { accountId: row.accountId, integrationId: row.id, tenant: row.tenant };
}

export function createIntegrationService(deps: {
  config: Config;
  db: Database;
  encryptionKey: KeyInput;
  syncs: SyncService;
  schedules: Schedules;
}) {
  const { config, db, encryptionKey, syncs, schedules } = deps;
  const settingsSchema = haloSettingsSchema({ allowPrivate: config.ALLOW_PRIVATE_HALO_URLS });
  const haloCheck = (settings: HaloSettings) =>
    checkHaloCredentials(settings, {
      allowPrivate: config.ALLOW_PRIVATE_HALO_URLS,
      timeoutMs: config.HALO_TIMEOUT_MS,
    });
  // The integration's id is the secret's associated data, so a sealed secret cannot be moved to another row.
  const sealSecret = (id: string, secret: string) => ({
    clientSecretEnc: encryptSecret(encryptionKey, secret, id),
    clientSecretLast4: secret.slice(-4),
  });

  /** Save HaloITSM Setup: check with Halo, store (secret encrypted), schedule, start the first full sync. */
  async function create(
    accountId: string,
    settings: HaloSettings,
    note: AuditNote,
  ): Promise<SavedIntegration> {
    const { tokenScope } = await haloCheck(settings);
    const id = randomUUID();
    const integration = await insertIntegration(db, {
      id,
      accountId,
      settings,
      ...sealSecret(id, settings.clientSecret),
      tokenScope,
    });
    let scheduled = false;
    try {
      await schedules.create(targetOf(integration), defaultScheduleSettings(config));
      scheduled = true;
      const { run } = await syncs.startSync(targetOf(integration), 'full');
      await note('integration.created', { integrationId: id, tenant: settings.tenant, syncId: run.id });
      return { integration, run };
    } catch (error) {
      // Half a setup helps no one: without its schedule and first sync the integration is taken back out.
      // (A schedule left behind in Temporal finds no integration and starts nothing.)
      if (scheduled) await schedules.remove(id).catch(() => undefined);
      const removed = await deleteIntegration(db, accountId, id).then(
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
  }

  /** Changes any of the five values. Halo checks the result first; a refusal leaves the stored values alone. */
  async function update(
    current: IntegrationRow,
    patch: SettingsPatch,
    note: AuditNote,
  ): Promise<SavedIntegration> {
    const stored = await loadIntegrationWithSecret(db, current.id);
    if (!stored) throw notFound('Integration');
    const before = haloSettingsOf(stored, encryptionKey);
    const merged = settingsSchema.safeParse({
      ...before,
      ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
    });
    if (!merged.success) throw invalidRequest(merged.error, 'body');
    const settings = merged.data;
    requireSecretForNewHalo(current, settings, patch.clientSecret !== undefined);
    const { tokenScope } = await haloCheck(settings);

    const updated = await updateIntegration(db, current.accountId, current.id, {
      settings,
      ...sealSecret(current.id, settings.clientSecret),
      tokenScope,
    });
    if (!updated) throw notFound('Integration');
    await note('integration.updated', {
      integrationId: current.id,
      fields: changedSettings(before, settings),
    });
    try {
      const { run } = await syncs.startSync(targetOf(updated), 'full');
      return { integration: updated, run };
    } catch (error) {
      // Halo accepted the values and they are stored; only the sync waits for Temporal.
      throw explainOutage(
        error,
        'The new settings were saved, but the sync did not start; start one when Temporal is back.',
        true,
      );
    }
  }

  /** Stops everything the integration has running, then removes it with all it synced. */
  async function remove(integration: IntegrationRow, note: AuditNote): Promise<void> {
    // Each step is safe to repeat, so after an outage the same DELETE finishes the job.
    try {
      await schedules.remove(integration.id);
    } catch (error) {
      throw explainOutage(error, 'Nothing was deleted.', false);
    }
    try {
      const running = await findRunningSyncRun(db, integration.id);
      if (running) await syncs.cancelSync(running);
      await deleteIntegration(db, integration.accountId, integration.id);
    } catch (error) {
      throw explainOutage(
        error,
        'Its schedule was removed, but the integration was not deleted; send the DELETE again.',
        true,
      );
    }
    await note('integration.deleted', { integrationId: integration.id, tenant: integration.tenant });
  }

  return { create, update, remove };
}

export type IntegrationService = ReturnType<typeof createIntegrationService>;
