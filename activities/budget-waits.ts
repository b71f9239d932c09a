// How an activity meets a tenant with no Halo request slot (architecture invariant 9): it never sleeps for
// one. It keeps what it already fetched, in page order, and hands the wait back to its workflow, which sleeps
// on a durable timer while the worker's slot serves other tenants. Only faults go to the retry policy.
import { Context } from '@temporalio/activity';
import { isBudgetWait, type BudgetWait } from '../halo/budget';

export interface FetchedPrefix<T> {
  /** The results of the first pages, in order, up to the first page that found no request slot. */
  done: T[];
  /** Set when some pages found no slot: when the budget expects room for them again. */
  wait: BudgetWait | null;
}

/**
 * Runs `fetch` for every page at once and keeps the longest run of leading successes. The budget answers
 * in call order and refuses every call after its first refusal, so the successes are a prefix; a page that
 * met a fault (not a wait) before any wait fails the whole activity, and Temporal retries it with backoff.
 */
export async function fetchPrefix<T>(
  pageNos: readonly number[],
  fetch: (pageNo: number) => Promise<T>,
): Promise<FetchedPrefix<T>> {
  const settled = await Promise.allSettled(pageNos.map(fetch));
  const done: T[] = [];
  for (const outcome of settled) {
    if (outcome.status === 'fulfilled') {
      done.push(outcome.value);
      continue;
    }
    if (isBudgetWait(outcome.reason)) return { done, wait: outcome.reason };
    throw outcome.reason;
  }
  return { done, wait: null };
}

/**
 * Heartbeats on a timer for as long as the activity runs, so a live worker's activity never ends in a
 * heartbeat timeout however long one Halo request or one write takes: a heartbeat timeout then means the
 * worker died, which is a fault and worth an attempt. Returns the function that stops it.
 */
export function keepHeartbeating(): () => void {
  const ctx = Context.current();
  const timeoutMs = ctx.info.heartbeatTimeoutMs;
  if (!timeoutMs) return () => {};
  const timer = setInterval(() => ctx.heartbeat(), Math.max(200, Math.min(timeoutMs / 3, 5_000)));
  return () => clearInterval(timer);
}
