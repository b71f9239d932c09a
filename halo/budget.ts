// A request budget per Halo tenant (docs/halo-api.md §7): hosted Halo allows about 300 requests per rolling five
// minutes and answers 429 beyond that, without saying when to come back. Every HTTP exchange of a client
// that has a budget first waits here for a slot, so a sync runs close to the limit without reaching it; a
// 429 pauses every caller of that tenant. The state lives in a store: memory for one process
// (budget-memory.ts), PostgreSQL when several worker processes share a tenant (db/request-budget-store.ts).
import type { HaloSettings } from './settings';

export interface BudgetLimits {
  /** Requests that may start in any rolling window. */
  requests: number;
  windowMs: number;
}

export interface AcquireOptions {
  /** Stops the wait; acquire then rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Called before every sleep with the expected wait, so a Temporal activity can heartbeat meanwhile. */
  onWait?: ((ms: number) => void) | undefined;
}

export interface BudgetGrant {
  /** Epoch ms, by the store's clock, at which the request was recorded as started. */
  startedAt: number;
  /** How long this caller waited for its slot. */
  waitedMs: number;
}

export interface BudgetCounters {
  /** Slots granted by this budget object. */
  acquired: number;
  /** Grants that had to wait (behind other callers or for the window), and how long grants took in all. */
  waited: number;
  waitedMs: number;
  /** 429s reported to this budget object; the PostgreSQL store also keeps a total per tenant. */
  rateLimited: number;
}

/** A budget bound to one tenant and one caller's limits, signal and heartbeat; what the client takes. */
export interface TenantBudget {
  readonly key: string;
  readonly limits: BudgetLimits;
  /** Waits (sleeping) until the tenant has room, then records a start. */
  acquire(): Promise<BudgetGrant>;
  /** Halo answered 429: every acquirer of this tenant, in every process sharing the store, waits `pauseMs`. */
  rateLimited(pauseMs: number): Promise<void>;
}

export interface TenantBudgetOptions extends AcquireOptions {
  /** Per-integration overrides; missing or null fields fall back to the budget's defaults. */
  limits?: { requests?: number | null | undefined; windowMs?: number | null | undefined } | undefined;
  /**
   * 'wait' (the default) sleeps in this process until a slot frees. 'report' never sleeps: when the tenant
   * has no slot (or is paused after a 429), acquire throws BudgetWait saying how long, and so does every
   * later acquire of this object, so a caller that fetches pages in order keeps a prefix of them. A
   * Temporal activity uses 'report' and hands the wait to its workflow, which holds no worker slot meanwhile.
   */
  whenFull?: 'wait' | 'report' | undefined;
  /**
   * With 'report': the first acquire reserves up to this many slots at once (the later ones take from them),
   * and a refusal reports the wait until that many are free, so the retry can do a whole batch.
   */
  batch?: number | undefined;
  /**
   * With 'report': reserve the whole batch or nothing. For work that is lost unless all its requests are
   * made (planSync), so that it cannot spend a slot or two, give up, and do the same again forever.
   */
  wholeBatch?: boolean | undefined;
}

/**
 * The tenant has no request slot now: try again after `waitMs`. Not a fault, so it is never retried by a
 * retry policy; the workflow sleeps on a durable timer instead (architecture invariant 9).
 */
export class BudgetWait extends Error {
  override readonly name = 'BudgetWait' as const;
  readonly waitMs: number;

  constructor(waitMs: number, why: 'full' | 'paused') {
    const s = (waitMs / 1000).toFixed(1);
    super(
      why === 'paused'
        ? `Halo answered 429: the tenant is paused for ${s} s`
        : `The tenant's Halo request budget is full for ${s} s`,
    );
    this.waitMs = waitMs;
  }
}

export function isBudgetWait(e: unknown): e is BudgetWait {
  return e instanceof BudgetWait;
}

export interface RequestBudget {
  readonly defaults: BudgetLimits;
  readonly counters: BudgetCounters;
  /**
   * Waits until `key` may start a request without more than `limits.requests` starts in any rolling
   * `limits.windowMs`, and records the start.
   */
  acquire(key: string, limits: BudgetLimits, opts?: AcquireOptions): Promise<BudgetGrant>;
  /** Makes every acquirer of `key` wait until `pauseMs` from now (or longer, if already paused longer). */
  pause(key: string, pauseMs: number): Promise<void>;
  forTenant(key: string, opts?: TenantBudgetOptions): TenantBudget;
}

/**
 * The budget key of a Halo tenant: the Authorisation Server URL's origin and the tenant, lower-cased. Two
 * integrations that point at the same tenant share one budget, because Halo counts per tenant, not per
 * integration of ours.
 */
export function tenantKeyOf(settings: Pick<HaloSettings, 'authServerUrl' | 'tenant'>): string {
  const origin = new URL(settings.authServerUrl.trim()).origin.toLowerCase();
  return `${origin}|${settings.tenant.trim().toLowerCase()}`;
}

export function assertLimits(limits: BudgetLimits): void {
  if (!Number.isSafeInteger(limits.requests) || limits.requests < 1) {
    throw new RangeError(`A budget allows a positive whole number of requests, got ${limits.requests}`);
  }
  if (!(Number.isFinite(limits.windowMs) && limits.windowMs > 0)) {
    throw new RangeError(`A budget window must be a positive number of ms, got ${limits.windowMs}`);
  }
}

/**
 * How long a start counts: a little longer than the window. A start is recorded when its slot is taken, a
 * moment before Halo sees the request, so Halo may still count it when an exact window says it has left.
 */
export function countingWindowMs(limits: BudgetLimits): number {
  return limits.windowMs + Math.min(250, limits.windowMs / 40);
}

export type StartPlan =
  | {
      granted: true;
      /** The starts still inside the window, the new ones last. */
      starts: number[];
      /** How many starts were granted (between `atLeast` and `want`). */
      count: number;
    }
  | { granted: false; waitMs: number; paused?: boolean };

/** How many slots a caller takes at once: up to `want`, and none unless `atLeast` are free. */
export interface StartWant {
  want?: number | undefined;
  atLeast?: number | undefined;
}

/**
 * The sliding-window decision, shared by every store: may a request start at `now`, given the recorded
 * starts (any order, old ones included) and a pause? A start is inside the window while it is less than
 * `windowMs` old, so N starts allow the next one exactly when the N-th most recent turns `windowMs` old.
 * Several slots may be taken at once (`want`, none unless `atLeast` are free); when refused, the wait is
 * until `want` slots are free (both capped at the limit), not just the next one.
 */
export function planStart(
  starts: readonly number[],
  pausedUntil: number,
  now: number,
  limits: BudgetLimits,
  take: StartWant = {},
): StartPlan {
  if (pausedUntil > now) return { granted: false, waitMs: Math.ceil(pausedUntil - now), paused: true };
  const cap = (n: number | undefined) => Math.min(Math.max(1, Math.floor(n ?? 1)), limits.requests);
  const want = cap(take.want);
  const atLeast = Math.min(cap(take.atLeast), want);
  const windowMs = countingWindowMs(limits);
  const live = starts.filter((s) => s > now - windowMs).sort((a, b) => a - b);
  const free = limits.requests - live.length;
  if (free >= atLeast) {
    const count = Math.min(want, free);
    return { granted: true, starts: [...live, ...Array<number>(count).fill(now)], count };
  }
  // `want` slots are free once the start that would make N+want in one window leaves it.
  const blocking = live[live.length - limits.requests + want - 1]!;
  return { granted: false, waitMs: Math.max(1, Math.ceil(blocking + windowMs - now)) };
}
