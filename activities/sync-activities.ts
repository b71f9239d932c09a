import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { toActivityFailure, withUserFailures } from './failures';
import type { Database } from '../db/client';
import { findIntegrationById, rememberTokenScope } from '../db/integrations-repository';
import { upsertRecords } from '../db/records-repository';
import { listUnseen, markSeen, softDeleteUnseen } from '../db/soft-delete-repository';
import {
  addDeletedCount,
  countsKeyOf,
  findSyncRunById,
  finishSyncRun,
  lastCompletedSyncStart,
  recordPage,
  seenCounts,
  setSyncRunPhase,
} from '../db/sync-runs-repository';
import { decryptSecret, type KeyInput } from '../db/crypto';
import { budgetLimitsOf } from '../db/request-budget-repository';
import { tenantKeyOf, type RequestBudget } from '../halo/budget';
import { createHaloClient, type HaloClient, type HaloClientOptions } from '../halo/client';
import { HaloPermissionError } from '../halo/errors';
import { toRecord } from '../halo/parse';
import { notifyRunFinished } from './notify';
import { defaultScopes, scopesStartingWith } from '../halo/token';
import type { TokenCache } from '../halo/token-cache';
import type { HaloKind } from '../halo/records';
import type {
  FinishSyncInput,
  PlanSyncInput,
  SweepDeletionsInput,
  SweepDeletionsResult,
  SyncPageInput,
  SyncPageResult,
  SyncPlan,
} from './types';

export interface ActivityDeps {
  db: Database;
  encryptionKey: KeyInput;
  allowPrivateHaloUrls: boolean;
  haloTimeoutMs: number;
  /** Shared by every activity of a worker, so one token serves many pages. */
  tokenCache?: TokenCache;
  /**
   * An incremental sync asks for records changed since the last completed sync started, less this much, so
   * records edited while that sync ran are not missed. Default 10 minutes.
   */
  incrementalOverlapMs?: number;
  /** Up to this many deletion candidates are each confirmed with GET /Asset/{id}. Default 100. */
  verifyDeletionsUpTo?: number;
  /**
   * The per-tenant Halo request budget shared by every worker process (PostgreSQL state). Every Halo call,
   * token requests included, waits for a slot; a 429 pauses the tenant instead of failing the page.
   */
  requestBudget?: RequestBudget;
  /** The longest one Halo request waits out 429s before the page fails (and Temporal retries it). */
  haloRateLimitMaxWaitMs?: number;
  /** Sees every Halo exchange (method, path, status, time): the worker's metrics count them. */
  onHaloRequest?: HaloClientOptions['onRequest'];
}

const kindLabel: Record<HaloKind, string> = {
  customers: 'customers',
  hardware: 'hardware assets',
  software: 'software assets',
};

/** Stops an activity at a heartbeat once its workflow asked it to (cancel): nothing half-written follows. */
function heartbeatOrStop(details?: unknown): void {
  const ctx = Context.current();
  ctx.heartbeat(details);
  if (ctx.cancellationSignal.aborted) throw new CancelledFailure('The sync was cancelled');
}

export { toActivityFailure };

export function createActivities(deps: ActivityDeps) {
  const { db } = deps;

  /**
   * A client for the integration's tenant. `negotiateScope` asks for `all` first whatever worked before, so
   * a permission granted in Halo since is picked up; otherwise the scope Halo last granted is tried first.
   */
  async function haloClientFor(
    integrationId: string,
    opts: { negotiateScope?: boolean } = {},
  ): Promise<{ client: HaloClient; tokenScope: string | null }> {
    const row = await findIntegrationById(db, integrationId);
    if (!row) {
      throw ApplicationFailure.create({
        type: 'IntegrationNotFoundError',
        message: `Integration ${integrationId} no longer exists; the sync stopped.`,
        nonRetryable: true,
      });
    }
    const settings = {
      resourceServerUrl: row.resourceServerUrl,
      authServerUrl: row.authServerUrl,
      tenant: row.tenant,
      clientId: row.clientId,
      clientSecret: decryptSecret(deps.encryptionKey, row.clientSecretEnc, row.id),
    };
    const ctx = Context.current();
    const client = createHaloClient({
      settings,
      allowPrivate: deps.allowPrivateHaloUrls,
      timeoutMs: deps.haloTimeoutMs,
      scopes: opts.negotiateScope ? defaultScopes : scopesStartingWith(row.tokenScope),
      // Keyed by the row's version so edited credentials never reuse an old token.
      cacheKey: `${row.id}:${row.updatedAt.getTime()}`,
      ...(deps.tokenCache ? { tokenCache: deps.tokenCache } : {}),
      ...(deps.onHaloRequest ? { onRequest: deps.onHaloRequest } : {}),
      ...(deps.requestBudget
        ? {
            // Keyed by tenant, not integration: two integrations of one tenant share Halo's limit.
            budget: deps.requestBudget.forTenant(tenantKeyOf(settings), {
              limits: budgetLimitsOf(row),
              signal: ctx.cancellationSignal,
              onWait: () => ctx.heartbeat(),
            }),
          }
        : {}),
      ...(deps.haloRateLimitMaxWaitMs !== undefined
        ? { maxRateLimitWaitMs: deps.haloRateLimitMaxWaitMs }
        : {}),
    });
    return { client, tokenScope: row.tokenScope };
  }

  async function incrementalBase(integrationId: string): Promise<Date | null> {
    const last = await lastCompletedSyncStart(db, integrationId);
    return last ? new Date(last.getTime() - (deps.incrementalOverlapMs ?? 10 * 60_000)) : null;
  }

  async function withHaloErrors<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toActivityFailure(error);
    }
  }

  return withUserFailures({
    /**
     * Checks the credentials and learns how many records each kind holds, for the progress bar. For an
     * incremental sync it also decides, per kind, whether Halo's changed-since filter can be trusted.
     */
    async planSync(input: PlanSyncInput): Promise<SyncPlan> {
      return withHaloErrors(async () => {
        const { client, tokenScope } = await haloClientFor(input.integrationId, { negotiateScope: true });
        const plan: SyncPlan = {
          recordCounts: { customers: 0, hardware: 0, software: 0 },
          skipped: {},
          changedSince: {},
        };
        const since = input.kind === 'incremental' ? await incrementalBase(input.integrationId) : null;
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
          // Halo lists lastupdatefromdate for assets and clients, not licences (docs/halo-api.md §6).
          if (since && kind !== 'software' && plan.recordCounts[kind] > 0) {
            // Trust the filter only where this tenant is seen to honour it: "changed since now" must be
            // fewer than everything. Where it is ignored the kind is read in full, still writing only changes.
            const changedFromNow = (await client.listPage(kind, 1, 1, { changedSince: new Date() }))
              .recordCount;
            if (changedFromNow < plan.recordCounts[kind]) {
              plan.changedSince[kind] = since.toISOString();
              plan.recordCounts[kind] = (
                await client.listPage(kind, 1, 1, { changedSince: since })
              ).recordCount;
            }
          }
        }
        const granted = client.grantedScope();
        if (granted !== undefined && granted !== tokenScope) {
          await rememberTokenScope(db, input.integrationId, granted);
        }
        await setSyncRunPhase(db, input.syncRunId, { phase: 'planning' });
        return plan;
      });
    },

    /** Fetches one page from Halo and writes it in one transaction; returns counts, never records. */
    async syncPage(input: SyncPageInput): Promise<SyncPageResult> {
      heartbeatOrStop();
      const filter = input.changedSince ? { changedSince: new Date(input.changedSince) } : undefined;
      const pageNos = Array.from({ length: Math.max(1, input.pageCount) }, (_, i) => input.pageNo + i);
      // A few pages per activity: Halo caps pages at 100 records, and Temporal's cost is per activity.
      const pages = await withHaloErrors(async () => {
        const { client } = await haloClientFor(input.integrationId);
        return Promise.all(
          pageNos.map((pageNo) => client.listPage(input.kind, pageNo, input.pageSize, filter)),
        );
      });
      heartbeatOrStop();
      const items = pages.flatMap((page) => page.items);
      const records = items.map((raw) => toRecord(input.kind, raw));
      const counts = await db.transaction(async (tx) => {
        const written = await upsertRecords(tx, input.kind, input.integrationId, records, {
          seenBySyncId: input.markSeen ? input.syncRunId : null,
        });
        const recorded = await recordPage(tx, {
          syncRunId: input.syncRunId,
          kind: input.kind,
          pageNo: input.pageNo,
          pages: pageNos.length,
          received: records.length,
          ...written,
          progress: { phase: input.kind, pagesTotal: input.pagesTotal },
        });
        return recorded.counts;
      });
      return {
        ...counts,
        // The last page's count is the freshest word on how many records Halo has now.
        recordCount: Math.max(...pages.map((page) => page.recordCount)),
        firstId: items[0]?.id ?? null,
        lastId: items.at(-1)?.id ?? null,
      };
    },

    /**
     * After a complete full pass: soft-deletes the rows of one kind that Halo no longer has. A page shift
     * while paging (records deleted in Halo mid-sync) can hide live records from one pass, so candidates are
     * confirmed one by one with GET /Asset/{id} when they are few; otherwise the pass must look complete
     * (every record Halo counts was seen). A sweep of an implausible share is refused and reported.
     */
    async sweepDeletions(input: SweepDeletionsInput): Promise<SweepDeletionsResult> {
      const { syncRunId, integrationId, kind, maxShare } = input;
      const verifyUpTo = deps.verifyDeletionsUpTo ?? 100;
      const candidates = await listUnseen(db, kind, integrationId, syncRunId, verifyUpTo + 1);
      if (candidates.length === 0) return { deleted: 0, warning: null };

      let confirmed: number[] | 'all-unseen';
      if (kind === 'hardware' && candidates.length <= verifyUpTo) {
        const { client } = await withHaloErrors(() => haloClientFor(integrationId));
        const gone: number[] = [];
        const alive: number[] = [];
        for (const id of candidates) {
          heartbeatOrStop();
          ((await withHaloErrors(() => client.getAsset(id))) === null ? gone : alive).push(id);
        }
        await markSeen(db, kind, integrationId, syncRunId, alive);
        confirmed = gone;
      } else {
        const seen = (await seenCounts(db, integrationId, syncRunId))[kind];
        if (seen < input.recordCount) {
          return {
            deleted: 0,
            warning:
              `Deletions of ${kindLabel[kind]} were not applied: Halo counted ${input.recordCount} but the sync ` +
              `saw ${seen}, so records moved while it paged through. The next full sync will conclude them.`,
          };
        }
        confirmed = 'all-unseen';
      }

      const sweep = await db.transaction(async (tx) => {
        const result = await softDeleteUnseen(tx, kind, integrationId, syncRunId, {
          maxShare,
          ...(confirmed === 'all-unseen' ? {} : { onlyIds: confirmed }),
        });
        await addDeletedCount(tx, syncRunId, kind, result.deleted);
        return result;
      });
      if (!sweep.refused) return { deleted: sweep.deleted, warning: null };
      const share = Math.round((100 * sweep.unseen) / Math.max(1, sweep.total));
      return {
        deleted: 0,
        warning:
          `Deletions of ${kindLabel[kind]} were refused: ${sweep.unseen} of ${sweep.total} (${share}%) are missing ` +
          `from Halo, more than the allowed ${Math.round(maxShare * 100)}%. Nothing was deleted; check the ` +
          `integration's permissions and tenant in Halo, then run a full sync.`,
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
      // Webhooks hear of the outcome; a failure here retries this activity, which enqueues nothing twice.
      const ctx = Context.current();
      await notifyRunFinished({ db, temporal: ctx.client, taskQueue: ctx.info.taskQueue }, input.syncRunId);
    },
  });
}

export type SyncActivities = ReturnType<typeof createActivities>;
