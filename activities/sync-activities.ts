import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { Database, Executor } from '../db/client';
import type { Integration } from '../db/schema/index';
import { toActivityFailure, withUserFailures } from './failures';
import { failureTypes } from '../config/temporal-identity';
import { loadIntegrationWithSecret, haloSettingsOf, rememberTokenScope } from '../db/integrations-repository';
import { upsertRecords } from '../db/records-repository';
import { kindsWithLiveRows, listUnseen, markSeen, softDeleteUnseen } from '../db/soft-delete-repository';
import {
  addDeletedCount,
  countsKeyOf,
  findCommittedBatch,
  findSyncRunById,
  finishSyncRun,
  lastCompletedSyncStart,
  recordPage,
  seenCounts,
  setSyncRunPhase,
} from '../db/sync-runs-repository';
import type { KeyInput } from '../db/crypto';
import { budgetLimitsOf } from '../db/request-budget-repository';
import { isBudgetWait, tenantKeyOf, type RequestBudget } from '../halo/budget';
import { createHaloClient, type HaloClient, type HaloClientOptions } from '../halo/client';
import type { Page } from '../halo/shapes';
import { HaloPermissionError } from '../halo/errors';
import { effectivePageSize, pagesFor } from '../halo/paging';
import { toRecord } from '../halo/parse';
import { defaultScopes, scopesStartingWith } from '../halo/token';
import type { TokenCache } from '../halo/token-cache';
import type { HaloKind } from '../halo/records';
import { fetchPrefix, keepHeartbeating } from './budget-waits';
import { notifyRunFinished } from './notify';
import type {
  FinishSyncInput,
  FirstPage,
  PageCounts,
  PlanSyncInput,
  SweepDeletionsInput,
  SweepDeletionsResult,
  SyncPageInput,
  SyncPageResult,
  SyncPlan,
} from './types';

export interface ActivityDeps {
  db: Database;
  /**
   * Reads the integration (its secret still encrypted) an activity works for; by default from `db`. The
   * activity unit tests pass one in memory, so a page runs with no PostgreSQL up to its write.
   */
  loadIntegration?: (integrationId: string) => Promise<Integration | null>;
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
   * token requests included, takes a slot; with none free, or the tenant paused after a 429, the activity
   * hands the wait to its workflow instead of sleeping (budget-waits.ts).
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

/**
 * planSync's Halo requests, taken from the budget together: a token and a count per kind, two more when
 * software answers 403 with a token issued before a permission was granted (a new token and the count
 * again), and for an incremental sync two more counts per filtered kind. Taken piecemeal from a nearly full
 * budget, a plan could spend a slot or two, be refused the rest, and start over forever.
 */
function planRequests(kind: PlanSyncInput['kind']) {
  return { batch: kind === 'incremental' ? 10 : 6, wholeBatch: true };
}

/**
 * Writes consecutive pages of one kind, starting at `at.pageNo`, and records them as one batch under the
 * last page's number (a retry reads that back). Inside the caller's transaction.
 */
async function writePages(
  tx: Executor,
  at: Pick<SyncPageInput, 'syncRunId' | 'integrationId' | 'kind' | 'pageNo' | 'markSeen' | 'pagesTotal'>,
  pages: readonly Page[],
): Promise<PageCounts> {
  const records = pages.flatMap((page) => page.items).map((raw) => toRecord(at.kind, raw));
  const written = await upsertRecords(tx, at.kind, at.integrationId, records, {
    seenBySyncId: at.markSeen ? at.syncRunId : null,
  });
  const recorded = await recordPage(tx, {
    syncRunId: at.syncRunId,
    kind: at.kind,
    pageNo: at.pageNo + pages.length - 1,
    pages: pages.length,
    received: records.length,
    ...written,
    progress: { phase: at.kind, pagesTotal: at.pagesTotal },
  });
  return recorded.counts;
}

export function createActivities(deps: ActivityDeps) {
  const { db } = deps;

  /**
   * A client for the integration's tenant. `reserve.batch`: the Halo requests the caller is about to make,
   * reserved in one look at the budget (the wait it reports is for that many); `wholeBatch`: all of them or
   * none (see TenantBudgetOptions). `negotiateScope` asks for `all` first whatever worked before, so a
   * permission granted in Halo since is picked up; otherwise the scope Halo last granted is tried first.
   */
  async function haloClientFor(
    integrationId: string,
    reserve: { batch: number; wholeBatch?: boolean } = { batch: 1 },
    opts: { negotiateScope?: boolean } = {},
  ): Promise<{ client: HaloClient; tokenScope: string | null }> {
    const row = await (deps.loadIntegration?.(integrationId) ?? loadIntegrationWithSecret(db, integrationId));
    if (!row) {
      throw ApplicationFailure.create({
        type: failureTypes.integrationNotFound,
        message: `Integration ${integrationId} no longer exists; the sync stopped.`,
        nonRetryable: true,
      });
    }
    const settings = haloSettingsOf(row, deps.encryptionKey);
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
              whenFull: 'report',
              ...reserve,
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

  /** Writes planSync's first pages in one transaction; page 1 of a kind is then done for the workflow. */
  async function writeFirstPages(
    input: PlanSyncInput,
    pageSize: number,
    pages: Partial<Record<HaloKind, Page>>,
  ): Promise<Partial<Record<HaloKind, FirstPage>>> {
    const kinds = Object.keys(pages) as HaloKind[];
    const pagesTotal = kinds.reduce((n, kind) => {
      const page = pages[kind]!;
      const size = effectivePageSize(pageSize, {
        received: page.items.length,
        recordCount: page.recordCount,
      });
      return n + pagesFor(page.recordCount, size);
    }, 0);
    return db.transaction(async (tx) => {
      const firstPages: Partial<Record<HaloKind, FirstPage>> = {};
      for (const kind of kinds) {
        const page = pages[kind]!;
        const at = {
          syncRunId: input.syncRunId,
          integrationId: input.integrationId,
          kind,
          pageNo: 1,
          markSeen: input.kind === 'full',
          pagesTotal,
        };
        const counts = await writePages(tx, at, [page]);
        firstPages[kind] = { ...counts, pageSize, recordCount: page.recordCount };
      }
      return firstPages;
    });
  }

  async function syncPages(input: SyncPageInput): Promise<SyncPageResult> {
    const count = Math.max(1, input.pageCount);
    // One page alone is keyed unambiguously, and a first page must be fetched for the cap it reveals.
    if (count > 1 && Context.current().info.attempt > 1) {
      // An earlier attempt may have written some of these pages and died before reporting; it recorded
      // them under the last page it wrote, so that attempt's outcome is read back rather than guessed at.
      const committed = await findCommittedBatch(db, input.syncRunId, input.kind, input.pageNo, count);
      if (committed) {
        const written = committed.lastPage - input.pageNo + 1;
        return {
          ...committed.counts,
          pagesWritten: written,
          waitMs: null,
          recordCount: null,
          firstId: null,
          lastId: null,
        };
      }
    }
    const filter = input.changedSince ? { changedSince: new Date(input.changedSince) } : undefined;
    const pageNos = Array.from({ length: count }, (_, i) => input.pageNo + i);
    // A few pages per activity: Halo caps pages at 100 records, and Temporal's cost is per activity.
    const fetched = await withHaloErrors(async () => {
      const { client } = await haloClientFor(input.integrationId, { batch: count });
      return fetchPrefix(pageNos, (pageNo) => client.listPage(input.kind, pageNo, input.pageSize, filter));
    });
    const pages = fetched.done;
    const waitMs = fetched.wait?.waitMs ?? null;
    if (pages.length === 0) {
      return {
        received: 0,
        created: 0,
        updated: 0,
        unchanged: 0,
        pagesWritten: 0,
        waitMs,
        recordCount: null,
        firstId: null,
        lastId: null,
      };
    }
    heartbeatOrStop();
    const items = pages.flatMap((page) => page.items);
    const counts = await db.transaction((tx) => writePages(tx, input, pages));
    return {
      ...counts,
      pagesWritten: pages.length,
      waitMs,
      // The last page's count is the freshest word on how many records Halo has now.
      recordCount: Math.max(...pages.map((page) => page.recordCount)),
      firstId: items[0]?.id ?? null,
      lastId: items.at(-1)?.id ?? null,
    };
  }

  return withUserFailures({
    /**
     * Checks the credentials and learns how many records each kind holds, for the progress bar. For an
     * incremental sync it also decides, per kind, whether Halo's changed-since filter can be trusted.
     */
    async planSync(input: PlanSyncInput): Promise<SyncPlan> {
      return withHaloErrors(async () => {
        const { client, tokenScope } = await haloClientFor(input.integrationId, planRequests(input.kind), {
          negotiateScope: true,
        });
        const plan: SyncPlan = {
          recordCounts: { customers: 0, hardware: 0, software: 0 },
          skipped: {},
          changedSince: {},
        };
        const since = input.kind === 'incremental' ? await incrementalBase(input.integrationId) : null;
        const firstSize = input.firstPageSize;
        // Asked before any first page is written: which kinds a full sync will have to sweep.
        const hadRows =
          firstSize !== undefined ? await kindsWithLiveRows(db, input.integrationId) : undefined;
        const firstPages: Partial<Record<HaloKind, Page>> = {};
        for (const kind of ['customers', 'hardware', 'software'] as const satisfies HaloKind[]) {
          // Halo lists lastupdatefromdate for assets and clients, not licences (docs/halo-api.md §6).
          const mayFilter = since !== null && kind !== 'software';
          let counted: Page;
          try {
            // A first page at full size says how many records there are as well as a page of one does.
            counted = await client.listPage(kind, 1, firstSize !== undefined && !mayFilter ? firstSize : 1);
            plan.recordCounts[kind] = counted.recordCount;
            if (firstSize !== undefined && !mayFilter) firstPages[kind] = counted;
          } catch (error) {
            // Software needs a Halo permission the guide does not grant; the rest of the sync still runs.
            if (kind === 'software' && error instanceof HaloPermissionError) {
              plan.skipped.software = `Software assets were skipped: ${error.message}`;
              continue;
            }
            throw error;
          }
          if (!mayFilter) continue;
          if (plan.recordCounts[kind] === 0) {
            // Nothing to filter, and the empty page of one is the whole first page.
            if (firstSize !== undefined) firstPages[kind] = counted;
            continue;
          }
          // Trust the filter only where this tenant is seen to honour it: "changed since now" must be
          // fewer than everything. Where it is ignored the kind is read in full, still writing only changes.
          const changedFromNow = (await client.listPage(kind, 1, 1, { changedSince: new Date() }))
            .recordCount;
          const filter = changedFromNow < plan.recordCounts[kind] ? { changedSince: since } : undefined;
          if (filter) plan.changedSince[kind] = since.toISOString();
          // Unfiltered with no first page wanted, the count above already stands.
          if (!filter && firstSize === undefined) continue;
          const first = await client.listPage(kind, 1, firstSize ?? 1, filter);
          plan.recordCounts[kind] = first.recordCount;
          if (firstSize !== undefined) firstPages[kind] = first;
        }
        const granted = client.grantedScope();
        if (granted !== undefined && granted !== tokenScope) {
          await rememberTokenScope(db, input.integrationId, granted);
        }
        if (firstSize === undefined) {
          await setSyncRunPhase(db, input.syncRunId, { phase: 'planning' });
          return plan;
        }
        plan.hadRows = hadRows!;
        plan.firstPages = await writeFirstPages(input, firstSize, firstPages);
        return plan;
      });
    },

    /**
     * Fetches a few consecutive pages from Halo and writes them in one transaction; returns counts, never
     * records. Pages that find no request slot are not waited for: it writes the ones before them and
     * reports how long the rest must wait.
     */
    async syncPage(input: SyncPageInput): Promise<SyncPageResult> {
      heartbeatOrStop();
      const stopHeartbeats = keepHeartbeating();
      try {
        return await syncPages(input);
      } finally {
        stopHeartbeats();
      }
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
        const knownGone = new Set(input.confirmedGone ?? []);
        const gone: number[] = [];
        const alive: number[] = [];
        const stopHeartbeats = keepHeartbeating();
        try {
          for (const id of candidates) {
            heartbeatOrStop();
            if (knownGone.has(id)) {
              gone.push(id);
              continue;
            }
            const asset = await client.getAsset(id).catch((error: unknown) => {
              if (isBudgetWait(error)) return error;
              throw toActivityFailure(error);
            });
            if (isBudgetWait(asset)) {
              // What is confirmed so far is kept, so the next call asks Halo only about the rest.
              await markSeen(db, kind, integrationId, syncRunId, alive);
              return { deleted: 0, warning: null, wait: { ms: asset.waitMs, confirmedGone: gone } };
            }
            (asset === null ? gone : alive).push(id);
          }
        } finally {
          stopHeartbeats();
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
