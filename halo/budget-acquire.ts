// The waiting half of a request budget, the same for every store: callers of one tenant in this process
// queue in order, the first asks the store for a slot and sleeps until the store says one frees up (the
// oldest start leaving the window, or a 429 pause ending), then asks again. Only the head of the queue
// talks to the store, so twenty waiting activities cost one store round trip per slot, not twenty.
import {
  assertLimits,
  BudgetWait,
  type AcquireOptions,
  type BudgetCounters,
  type BudgetGrant,
  type BudgetLimits,
  type RequestBudget,
  type StartWant,
  type TenantBudget,
} from './budget';

export type StartAttempt =
  | { granted: true; startedAt: number; /** Slots granted (1 unless more were wanted). */ count: number }
  | { granted: false; waitMs: number; paused?: boolean | undefined };

/** Where a budget keeps its state; each call must be atomic for its key across every sharer of the store. */
export interface BudgetStore {
  /** Takes one slot, or several (`take`); when refused, `waitMs` is until `take.want` slots are free. */
  tryStart(key: string, limits: BudgetLimits, take?: StartWant): Promise<StartAttempt>;
  pause(key: string, pauseMs: number): Promise<void>;
}

export interface RequestBudgetOptions {
  defaults: BudgetLimits;
  /**
   * Longest single sleep: waits longer than this are cut into slices, each announced to onWait (so an
   * activity heartbeats well within a 30 s heartbeat timeout) and followed by a fresh look at the store.
   */
  waitSliceMs?: number;
}

const defaultWaitSliceMs = 5_000;

export function createRequestBudget(store: BudgetStore, opts: RequestBudgetOptions): RequestBudget {
  assertLimits(opts.defaults);
  const defaults = { ...opts.defaults };
  const sliceMs = opts.waitSliceMs ?? defaultWaitSliceMs;
  const counters: BudgetCounters = { acquired: 0, waited: 0, waitedMs: 0, rateLimited: 0 };
  /** Per key, a promise that settles when the last caller in line is done. */
  const lines = new Map<string, Promise<void>>();

  async function acquire(key: string, limits: BudgetLimits, o: AcquireOptions = {}): Promise<BudgetGrant> {
    assertLimits(limits);
    const began = Date.now();
    const queued = lines.get(key);
    let waited = queued !== undefined;
    const ahead = queued ?? Promise.resolve();
    let leave!: () => void;
    const done = new Promise<void>((resolve) => (leave = resolve));
    // Whoever comes next waits for everyone ahead and for us; an aborted caller leaves at once.
    const line = ahead.then(() => done);
    lines.set(key, line);
    try {
      while (!(await sleep(sliceMs, o.signal, ahead))) o.onWait?.(sliceMs);
      for (;;) {
        if (o.signal?.aborted) throw abortError(o.signal);
        const attempt = await store.tryStart(key, limits);
        if (attempt.granted) {
          const waitedMs = Date.now() - began;
          counters.acquired++;
          if (waited) {
            counters.waited++;
            counters.waitedMs += waitedMs;
          }
          return { startedAt: attempt.startedAt, waitedMs };
        }
        waited = true;
        o.onWait?.(attempt.waitMs);
        await sleep(Math.min(attempt.waitMs, sliceMs), o.signal);
      }
    } finally {
      leave();
      if (lines.get(key) === line) lines.delete(key);
    }
  }

  async function pause(key: string, pauseMs: number): Promise<void> {
    if (!(pauseMs >= 0)) throw new RangeError(`A pause must be zero or more ms, got ${pauseMs}`);
    counters.rateLimited++;
    await store.pause(key, pauseMs);
  }

  /**
   * A tenant budget that never sleeps. Its first acquire reserves up to `batch` slots in one store look and
   * later ones take from them (then one store look each); calls are answered in call order, and the first
   * refusal answers every later call too, so a caller never holds a slot for page 3 while page 2 waits.
   */
  function reporting(key: string, limits: BudgetLimits, batch: number, whole: boolean): TenantBudget {
    let refused: BudgetWait | undefined;
    let reserved: { startedAt: number; left: number } | undefined;
    let first = true;
    let last: Promise<unknown> = Promise.resolve();
    const note = (wait: BudgetWait): BudgetWait => {
      if (!refused) {
        refused = wait;
        counters.waited++;
        counters.waitedMs += wait.waitMs;
      }
      return refused;
    };
    return {
      key,
      limits,
      acquire() {
        const next = last.then(async (): Promise<BudgetGrant> => {
          if (refused) throw refused;
          if (!reserved?.left) {
            const take = first ? { want: batch, atLeast: whole ? batch : 1 } : {};
            first = false;
            const attempt = await store.tryStart(key, limits, take);
            if (!attempt.granted)
              throw note(new BudgetWait(attempt.waitMs, attempt.paused ? 'paused' : 'full'));
            reserved = { startedAt: attempt.startedAt, left: attempt.count };
          }
          reserved.left--;
          counters.acquired++;
          return { startedAt: reserved.startedAt, waitedMs: 0 };
        });
        last = next.catch(() => undefined);
        return next;
      },
      async rateLimited(pauseMs) {
        await pause(key, pauseMs);
        // The request that met the 429 asks again and learns of the pause without another store look.
        note(new BudgetWait(pauseMs, 'paused'));
      },
    };
  }

  return {
    defaults,
    counters,
    acquire,
    pause,
    forTenant(key, t = {}): TenantBudget {
      const limits = {
        requests: t.limits?.requests ?? defaults.requests,
        windowMs: t.limits?.windowMs ?? defaults.windowMs,
      };
      assertLimits(limits);
      if (t.whenFull === 'report') return reporting(key, limits, t.batch ?? 1, t.wholeBatch ?? false);
      const acquireOptions = { signal: t.signal, onWait: t.onWait };
      return {
        key,
        limits,
        acquire: () => acquire(key, limits, acquireOptions),
        rateLimited: (pauseMs) => pause(key, pauseMs),
      };
    },
  };
}

/**
 * Sleeps `ms`, or less when `until` settles first; true when `until` settled. Rejects with the signal's
 * reason on abort. Timers and listeners are removed either way, so nothing keeps the process alive after.
 */
function sleep(ms: number, signal: AbortSignal | undefined, until?: Promise<void>): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal));
      return;
    }
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => finish(() => reject(abortError(signal!)));
    const timer = setTimeout(() => finish(() => resolve(false)), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    void until?.then(() => finish(() => resolve(true)));
  });
}

/** The signal's reason when it is an Error (Temporal's CancelledFailure is), otherwise an AbortError. */
function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return Object.assign(new Error('The wait for a Halo request slot was aborted', { cause: reason }), {
    name: 'AbortError',
  });
}
