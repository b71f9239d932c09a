import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../db/client';
import { findIntegrationById } from '../db/integrations-repository';
import { upsertRecords } from '../db/records-repository';
import {
  countsKeyOf,
  findSyncRunById,
  finishSyncRun,
  recordPage,
  seenCounts,
  setSyncRunPhase,
} from '../db/sync-runs-repository';
import { decryptSecret } from '../db/crypto';
import { createHaloClient, type HaloClient } from '../halo/client';
import { isHaloError, HaloPermissionError } from '../halo/errors';
import { toRecord } from '../halo/parse';
import type { TokenCache } from '../halo/token-cache';
import type { HaloKind } from '../halo/records';
import type { FinishSyncInput, PlanSyncInput, SyncPageInput, SyncPageResult, SyncPlan } from './types';

export interface ActivityDeps {
  db: Database;
  encryptionKey: Buffer;
  allowPrivateHaloUrls: boolean;
  haloTimeoutMs: number;
  /** Shared by every activity of a worker, so one token serves many pages. */
  tokenCache?: TokenCache;
}

/**
 * Halo errors become Temporal failures whose type the workflows' retry policy knows: what retrying cannot
 * fix (bad credentials, missing permission, a refused URL) fails at once with the message a person needs.
 */
export function toActivityFailure(error: unknown): unknown {
  if (isHaloError(error)) {
    return ApplicationFailure.create({
      type: error.name,
      message: error.message,
      nonRetryable: !error.retryable,
    });
  }
  return error;
}

export function createActivities(deps: ActivityDeps) {
  const { db } = deps;

  async function haloClientFor(integrationId: string): Promise<HaloClient> {
    const row = await findIntegrationById(db, integrationId);
    if (!row) {
      throw ApplicationFailure.create({
        type: 'IntegrationNotFoundError',
        message: `Integration ${integrationId} no longer exists; the sync stopped.`,
        nonRetryable: true,
      });
    }
    const clientSecret = decryptSecret(deps.encryptionKey, row.clientSecretEnc, row.id);
    return createHaloClient({
      settings: {
        resourceServerUrl: row.resourceServerUrl,
        authServerUrl: row.authServerUrl,
        tenant: row.tenant,
        clientId: row.clientId,
        clientSecret,
      },
      allowPrivate: deps.allowPrivateHaloUrls,
      timeoutMs: deps.haloTimeoutMs,
      // Keyed by the row's version so edited credentials never reuse an old token.
      cacheKey: `${row.id}:${row.updatedAt.getTime()}`,
      ...(deps.tokenCache ? { tokenCache: deps.tokenCache } : {}),
    });
  }

  async function withHaloErrors<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toActivityFailure(error);
    }
  }

  return {
    /** Checks the credentials and learns how many records each kind holds, for the progress bar. */
    async planSync(input: PlanSyncInput): Promise<SyncPlan> {
      return withHaloErrors(async () => {
        const client = await haloClientFor(input.integrationId);
        const plan: SyncPlan = { recordCounts: { customers: 0, hardware: 0, software: 0 }, skipped: {} };
        for (const kind of ['customers', 'hardware', 'software'] as const satisfies HaloKind[]) {
          try {
            plan.recordCounts[kind] = (await client.listPage(kind, 1, 1)).recordCount;
          } catch (error) {
            // Software needs a Halo permission the guide does not grant; the rest of the sync still runs.
            if (kind === 'software' && error instanceof HaloPermissionError) {
              plan.skipped.software = `Software assets were skipped: ${error.message}`;
              continue;
            }
            throw error;
          }
        }
        await setSyncRunPhase(db, input.syncRunId, { phase: 'planning' });
        return plan;
      });
    },

    /** Fetches one page from Halo and writes it in one transaction; returns counts, never records. */
    async syncPage(input: SyncPageInput): Promise<SyncPageResult> {
      const ctx = Context.current();
      ctx.heartbeat();
      const page = await withHaloErrors(async () =>
        (await haloClientFor(input.integrationId)).listPage(input.kind, input.pageNo, input.pageSize),
      );
      ctx.heartbeat();
      const records = page.items.map((raw) => toRecord(input.kind, raw));
      const counts = await db.transaction(async (tx) => {
        const written = await upsertRecords(tx, input.kind, input.integrationId, records, {
          seenBySyncId: input.markSeen ? input.syncRunId : null,
        });
        const recorded = await recordPage(tx, {
          syncRunId: input.syncRunId,
          kind: input.kind,
          pageNo: input.pageNo,
          received: records.length,
          ...written,
        });
        if (recorded.firstTime) {
          await setSyncRunPhase(tx, input.syncRunId, { phase: input.kind, pagesTotal: input.pagesTotal });
        }
        return recorded.counts;
      });
      return {
        ...counts,
        recordCount: page.recordCount,
        firstId: page.items[0]?.id ?? null,
        lastId: page.items.at(-1)?.id ?? null,
      };
    },

    /** Writes the run's outcome. For a completed full sync, "seen" is the exact number of distinct rows. */
    async finishSync(input: FinishSyncInput): Promise<void> {
      const run = await findSyncRunById(db, input.syncRunId);
      if (!run) return;
      const counts = structuredClone(run.counts);
      if (input.status === 'completed' && run.kind === 'full') {
        const seen = await seenCounts(db, run.integrationId, run.id);
        for (const kind of Object.keys(seen) as HaloKind[]) {
          const c = counts[countsKeyOf[kind]];
          c.seen = seen[kind];
          c.unchanged = Math.max(0, c.seen - c.created - c.updated);
        }
      }
      await finishSyncRun(db, input.syncRunId, {
        status: input.status,
        ...(input.error !== undefined ? { error: input.error } : {}),
        warnings: input.warnings,
        counts,
      });
    },
  };
}

export type SyncActivities = ReturnType<typeof createActivities>;
