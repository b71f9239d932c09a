import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  ContinueAsNew,
  continueAsNew,
  defineQuery,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  TimeoutFailure,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities/sync-activities';
import type { FirstPage, PageCounts, SyncKind, SyncPageResult, SyncPlan } from '../activities/types';
import { failureTypes } from '../config/temporal-identity';
import type { HaloErrorName } from '../halo/errors';
import type { HaloKind } from '../halo/records';
import { effectivePageSize, pagesFor } from '../halo/paging';
import { addPageCounts, emptyPageCounts, syncOrder } from './paging';

export interface SyncOptions {
  /** page_size asked of Halo; the first page may reveal a smaller cap. */
  pageSize: number;
  /** Pages fetched and written at once, once the first page has told how many there are. */
  concurrency: number;
  /** Consecutive pages one activity fetches and writes (default 1): fewer activities, same requests. */
  pagesPerActivity?: number;
  /** Continue-as-new after this many pages (or sooner when Temporal suggests it) to bound history. */
  maxPagesPerRun: number;
  /** A full sync refuses to soft-delete more than this share (0..1) of a kind's rows. */
  maxDeleteShare?: number;
  /**
   * How soon a page whose worker died is handed to another worker. Pages heartbeat as they go, so this only
   * bounds how long a killed worker's page waits before its retry. Default 30.
   */
  heartbeatSeconds?: number;
}

interface KindCursor {
  kind: HaloKind;
  nextPage: number;
  pageSize: number;
  recordCount: number;
  pagesTotal: number;
  /** Batches the window may have in flight, carried into the next run so it does not start narrow again. */
  width?: number;
}

/** Everything a run hands to the next one across continue-as-new. */
export interface SyncCarried {
  plan: SyncPlan;
  kindIndex: number;
  cursor: KindCursor | null;
  pagesDone: number;
  pagesByKind: Record<HaloKind, number>;
  counts: Record<HaloKind, PageCounts>;
  /** Halo's record_count as the latest page of each kind reported it. */
  lastRecordCount: Record<HaloKind, number>;
  warnings: string[];
  generation: number;
}

export interface SyncInput {
  syncRunId: string;
  integrationId: string;
  options: SyncOptions;
  carried?: SyncCarried;
}

export interface SyncProgress {
  phase: string;
  pagesDone: number;
  pagesTotal: number;
  counts: Record<HaloKind, PageCounts>;
}

export interface SyncOutcome {
  status: 'completed';
  counts: Record<HaloKind, PageCounts>;
  warnings: string[];
}

export const progressQuery = defineQuery<SyncProgress>('progress');

// No non-retryable types by name: each failure says so itself (activities/failures.ts), from the Halo
// error's `retryable` flag, and always for a wait (slept out in afterWaits) or a deleted integration.
const retry = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  maximumAttempts: 10,
};

function pageActivities(options: SyncOptions) {
  return proxyActivities<ReturnType<typeof createActivities>>({
    // Activities never wait for Halo's budget (the workflow does, on a timer), so this only bounds a
    // stuck one; heartbeats on a timer find a dead worker much sooner.
    startToCloseTimeout: '15 minutes',
    heartbeatTimeout: `${options.heartbeatSeconds ?? 30} seconds`,
    // A cancelled sync waits for in-flight pages to stop, so its final counts include every page written.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry,
  });
}
const queuedSteps = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  retry,
});
/**
 * The plan and the finish run as local activities, in the worker that runs the workflow task: one marker
 * in the history instead of three events and a workflow task each, so a sync costs Temporal about a third
 * fewer events and round trips. Both are short and bounded (a few Halo requests, a few statements); a
 * worker that dies in one leaves its workflow task to time out, and the next worker runs the step again,
 * which both are written to allow.
 */
const localSteps = proxyLocalActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  retry,
  // A retry's backoff beyond this is a durable timer in the workflow, not a sleep in the worker.
  localRetryThreshold: '1 second',
});

/** Runs that began before the plan and the finish became local keep running them through the queue. */
function planAndFinish() {
  return patched('local-plan-and-finish') ? localSteps : queuedSteps;
}

function freshCarried(plan: SyncPlan, pageSize: number): SyncCarried {
  const pagesByKind = {} as Record<HaloKind, number>;
  const counts = {} as Record<HaloKind, PageCounts>;
  for (const kind of syncOrder) {
    pagesByKind[kind] = plan.skipped[kind] ? 0 : pagesFor(plan.recordCounts[kind], pageSize);
    counts[kind] = emptyPageCounts();
  }
  const warnings = syncOrder.flatMap((kind) => (plan.skipped[kind] ? [plan.skipped[kind]] : []));
  let pagesDone = 0;
  for (const [kind, first] of Object.entries(plan.firstPages ?? {}) as [HaloKind, FirstPage][]) {
    addPageCounts(counts[kind], first);
    pagesDone += 1;
    pagesByKind[kind] = pagesFor(first.recordCount, effectivePageSize(first.pageSize, first));
  }
  return {
    plan,
    kindIndex: 0,
    cursor: null,
    pagesDone,
    pagesByKind,
    counts,
    lastRecordCount: { ...plan.recordCounts },
    warnings,
    generation: 0,
  };
}

/** A complete pass over customers, hardware assets and software; rows Halo no longer has are soft-deleted. */
export async function FullSync(input: SyncInput): Promise<SyncOutcome> {
  return runSync('full', input);
}

/**
 * Brings the copy up to date cheaply: only records Halo reports as changed since the last sync where the
 * tenant honours that filter, otherwise a pass that rewrites only changed rows. Never deletes.
 */
export async function IncrementalSync(input: SyncInput): Promise<SyncOutcome> {
  return runSync('incremental', input);
}

async function runSync(syncKind: SyncKind, input: SyncInput): Promise<SyncOutcome> {
  const { syncRunId, integrationId, options } = input;
  const { syncPage, sweepDeletions } = pageActivities(options);
  const { planSync, finishSync } = planAndFinish();
  let state: SyncCarried | undefined = input.carried;
  let phase = state ? (syncOrder[state.kindIndex] ?? 'finishing') : 'planning';

  const pagesTotal = () => (state ? syncOrder.reduce((n, k) => n + state!.pagesByKind[k], 0) : 0);
  setHandler(progressQuery, () => ({
    phase,
    pagesDone: state?.pagesDone ?? 0,
    pagesTotal: pagesTotal(),
    counts: state?.counts ?? {
      customers: emptyPageCounts(),
      hardware: emptyPageCounts(),
      software: emptyPageCounts(),
    },
  }));

  try {
    if (!state) {
      // The plan writes each kind's first page: three activities and three Halo requests fewer per sync.
      // Runs that began before it did replay without this marker and fetch their first pages below.
      const firstPageSize = patched('plan-writes-first-pages') ? options.pageSize : undefined;
      const plan = await afterWaits(() =>
        planSync({
          syncRunId,
          integrationId,
          kind: syncKind,
          ...(firstPageSize !== undefined ? { firstPageSize } : {}),
        }),
      );
      state = freshCarried(plan, options.pageSize);
    }
    let pagesThisRun = 0;
    const timeToHandOver = () =>
      pagesThisRun >= options.maxPagesPerRun || workflowInfo().continueAsNewSuggested;

    while (state.kindIndex < syncOrder.length) {
      const kind = syncOrder[state.kindIndex]!;
      phase = kind;
      if (state.plan.skipped[kind]) {
        state.kindIndex += 1;
        continue;
      }
      const first = state.plan.firstPages?.[kind];
      const cursor: KindCursor = (state.cursor ??= first
        ? {
            kind,
            nextPage: 2,
            pageSize: effectivePageSize(first.pageSize, first),
            recordCount: first.recordCount,
            pagesTotal: state.pagesByKind[kind],
          }
        : {
            kind,
            nextPage: 1,
            pageSize: options.pageSize,
            recordCount: state.plan.recordCounts[kind],
            pagesTotal: state.pagesByKind[kind],
          });
      const current = state;
      const fetchPage = async (pageNo: number, pageCount: number): Promise<SyncPageResult> => {
        // Counted at launch, so a run never starts more than maxPagesPerRun pages (plus one batch).
        pagesThisRun += pageCount;
        const result = await syncPage({
          syncRunId,
          integrationId,
          kind,
          pageNo,
          pageCount,
          pageSize: cursor.pageSize,
          markSeen: syncKind === 'full',
          changedSince: current.plan.changedSince[kind] ?? null,
          pagesTotal: pagesTotal(),
        });
        addPageCounts(current.counts[kind], result);
        current.pagesDone += result.pagesWritten;
        if (result.recordCount === null) return result;
        current.lastRecordCount[kind] = result.recordCount;
        // Records added while we page through raise record_count; follow them to the new end.
        if (result.recordCount > cursor.recordCount) {
          cursor.recordCount = result.recordCount;
          cursor.pagesTotal = Math.max(cursor.pagesTotal, pagesFor(result.recordCount, cursor.pageSize));
          current.pagesByKind[kind] = cursor.pagesTotal;
        }
        return result;
      };

      if (cursor.nextPage === 1) {
        // Alone, so its size reveals Halo's page cap before any other page is asked for.
        let first = await fetchPage(1, 1);
        while (first.recordCount === null) {
          pagesThisRun += 1;
          await sleep(boundedWait(first.waitMs));
          first = await fetchPage(1, 1);
        }
        const recordCount = first.recordCount;
        cursor.pageSize = effectivePageSize(cursor.pageSize, { received: first.received, recordCount });
        cursor.recordCount = recordCount;
        cursor.pagesTotal = pagesFor(recordCount, cursor.pageSize);
        state.pagesByKind[kind] = cursor.pagesTotal;
        cursor.nextPage = 2;
      }

      await runWindow(cursor, options, fetchPage, timeToHandOver, () => (pagesThisRun += 1));
      // Pages that finished despite a cancel request must not carry the run on into a fresh one.
      throwIfCancelled();

      if (cursor.nextPage <= cursor.pagesTotal) {
        await continueAsNew<typeof FullSync>({
          ...input,
          carried: { ...state, generation: state.generation + 1 },
        });
      }
      state.cursor = null;
      state.kindIndex += 1;
    }

    throwIfCancelled();
    // Deletions are concluded only here: after a complete pass of every kind, never from a partial run.
    if (syncKind === 'full') {
      phase = 'deletions';
      for (const kind of syncOrder) {
        // A kind with no rows before this sync has nothing this sync did not see (plans that predate
        // hadRows sweep every kind, as they did).
        if (state.plan.skipped[kind] || state.plan.hadRows?.[kind] === false) continue;
        const sweepInput = {
          syncRunId,
          integrationId,
          kind,
          recordCount: state.lastRecordCount[kind],
          maxShare: options.maxDeleteShare ?? 0.5,
        };
        let sweep = await sweepDeletions(sweepInput);
        while (sweep.wait) {
          await sleep(boundedWait(sweep.wait.ms));
          sweep = await sweepDeletions({ ...sweepInput, confirmedGone: sweep.wait.confirmedGone });
        }
        if (sweep.warning) state.warnings.push(sweep.warning);
      }
    }

    phase = 'finishing';
    await finishSync({ syncRunId, status: 'completed', warnings: state.warnings });
    phase = 'completed';
    return { status: 'completed', counts: state.counts, warnings: state.warnings };
  } catch (error) {
    if (error instanceof ContinueAsNew) throw error;
    const warnings = state?.warnings ?? [];
    if (isCancellation(error)) {
      phase = 'cancelled';
      await CancellationScope.nonCancellable(() => finishSync({ syncRunId, status: 'cancelled', warnings }));
    } else {
      phase = 'failed';
      await CancellationScope.nonCancellable(() =>
        finishSync({ syncRunId, status: 'failed', error: describeFailure(error), warnings }),
      );
    }
    throw error;
  }
}

interface PageRange {
  pageNo: number;
  pageCount: number;
}

/**
 * Fetches pages cursor.nextPage..pagesTotal in batches of `pagesPerActivity`, at most `concurrency` batches
 * at a time, starting with one and doubling as batches come back whole. Pages that found Halo's budget full
 * come back unwritten with a wait: they go again first, and nothing is launched before the wait is over, when
 * one batch goes alone and the window widens again as batches come back whole. The wait is a durable timer,
 * so no worker slot is held meanwhile. Stops taking new pages when it is time to hand over to a new run, and
 * always finishes what it took, so on return every page below cursor.nextPage is written. A failed page
 * cancels the rest and is rethrown.
 */
async function runWindow(
  cursor: KindCursor,
  options: SyncOptions,
  fetchPage: (pageNo: number, pageCount: number) => Promise<SyncPageResult>,
  timeToHandOver: () => boolean,
  countWait: () => void,
): Promise<void> {
  const perActivity = Math.max(1, options.pagesPerActivity ?? 1);
  await CancellationScope.cancellable(async () => {
    const inFlight = new Set<Promise<void>>();
    const again: PageRange[] = [];
    // The window opens one batch wide and doubles with each batch that comes back whole: a sync proves its
    // tenant's budget before it widens, and on a busy worker a tenant's next batches queue behind other
    // tenants' first ones instead of beside its own, where they would meet its budget's end together and
    // wait out a whole window after everyone else is done. Runs that began before open at full width.
    const slowStart = patched('page-window-slow-start');
    // A holder object, because the compiler does not follow assignments made inside the callbacks.
    const at: { failure?: Error; notBefore: number; allowed: number } = {
      notBefore: 0,
      allowed: slowStart ? Math.min(cursor.width ?? 1, options.concurrency) : options.concurrency,
    };
    const nextRange = (): PageRange | undefined => {
      const retry = again.shift();
      if (retry) return retry;
      if (timeToHandOver() || cursor.nextPage > cursor.pagesTotal) return undefined;
      const pageNo = cursor.nextPage;
      const pageCount = Math.min(perActivity, cursor.pagesTotal - pageNo + 1);
      cursor.nextPage += pageCount;
      return { pageNo, pageCount };
    };
    const launch = (range: PageRange) => {
      const task: Promise<void> = fetchPage(range.pageNo, range.pageCount).then(
        (result) => {
          if (result.pagesWritten < range.pageCount) {
            again.push({
              pageNo: range.pageNo + result.pagesWritten,
              pageCount: range.pageCount - result.pagesWritten,
            });
          }
          if (result.waitMs !== null) {
            at.notBefore = Math.max(at.notBefore, Date.now() + boundedWait(result.waitMs));
            at.allowed = 1;
          } else {
            at.allowed = Math.min(options.concurrency, at.allowed * 2);
          }
        },
        (error: unknown) => {
          at.failure ??= error instanceof Error ? error : new Error('a page failed');
        },
      );
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task));
    };
    while (true) {
      while (!at.failure && inFlight.size < at.allowed && Date.now() >= at.notBefore) {
        const range = nextRange();
        if (!range) break;
        launch(range);
      }
      if (inFlight.size > 0) {
        await Promise.race(inFlight);
        if (at.failure && !isCancellation(at.failure)) CancellationScope.current().cancel();
        continue;
      }
      if (at.failure) break;
      const more = again.length > 0 || (!timeToHandOver() && cursor.nextPage <= cursor.pagesTotal);
      if (!more) break;
      countWait();
      await sleep(Math.max(1, at.notBefore - Date.now()));
    }
    if (slowStart) cursor.width = at.allowed;
    if (at.failure) throw at.failure;
  });
}

/** Halo's budget said how long; a floor keeps a zero from spinning, a ceiling bounds a runaway Retry-After. */
function boundedWait(waitMs: number | null): number {
  return Math.min(Math.max(waitMs ?? 1000, 50), 15 * 60_000);
}

/**
 * Calls an activity until it runs without waiting: an activity that found the tenant's budget full fails
 * at once with a HaloBudgetWait failure saying how long, and the workflow sleeps that out on a timer. A new
 * activity follows, so waiting never spends an attempt of the retry policy, which is kept for faults.
 */
async function afterWaits<T>(call: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await call();
    } catch (error) {
      const waitMs = budgetWaitOf(error);
      if (waitMs === null) throw error;
      await sleep(boundedWait(waitMs));
    }
  }
}

function budgetWaitOf(error: unknown): number | null {
  const failure = activityCause(error);
  if (!(failure instanceof ApplicationFailure) || failure.type !== failureTypes.budgetWait) return null;
  const detail = failure.details?.[0] as { waitMs?: unknown } | undefined;
  return typeof detail?.waitMs === 'number' ? detail.waitMs : 1000;
}

/** A cancel request reaches activities only at their heartbeats; between them the workflow checks itself. */
function throwIfCancelled(): void {
  if (CancellationScope.current().consideredCancelled) throw new CancelledFailure('The sync was cancelled');
}

// Every Halo error's message is written for a person (halo/response.ts); the compiler holds this to the
// classes of halo/errors.ts, both ways.
const haloErrorTypes = {
  HaloAuthError: true,
  HaloPermissionError: true,
  HaloRateLimitError: true,
  HaloNotFoundError: true,
  HaloServerError: true,
  HaloBadResponseError: true,
  HaloUnreachableError: true,
  HaloUrlRejectedError: true,
} satisfies Record<HaloErrorName, true>;

/**
 * Failure types whose message is written for a person: the Halo errors and the sentences activities put in
 * place of anything else (activities/failures.ts).
 */
export const userFacingFailureTypes: ReadonlySet<string> = new Set([
  ...Object.keys(haloErrorTypes),
  failureTypes.integrationNotFound,
  failureTypes.database,
  failureTypes.internal,
]);

/**
 * What an activity raised. A queued activity's failure arrives wrapped in an ActivityFailure; a local
 * activity's that fails without retrying arrives as the failure itself.
 */
function activityCause(error: unknown): unknown {
  let cause: unknown = error;
  while (cause instanceof ActivityFailure && cause.cause) cause = cause.cause;
  return cause;
}

/**
 * The sentence a person sees on a failed run: the activity's own message, which says what to do. Any other
 * text (a library's error, a bug) may hold data or internals; the worker's log has it, the run does not.
 */
export function describeFailure(error: unknown): string {
  const cause = activityCause(error);
  if (cause instanceof ApplicationFailure && cause.type && userFacingFailureTypes.has(cause.type)) {
    return cause.message;
  }
  if (cause instanceof TimeoutFailure) {
    return 'A sync step did not finish in time; Halo or the database may be slow. The next sync will try again.';
  }
  return 'The sync stopped on an unexpected error; it has been logged for the operator, and the next sync will try again.';
}
