// The shared state of the Halo request budget (db/request-budget-store.ts): one row per tenant, changed only
// under a transaction-scoped advisory lock on its key, so every worker process decides starts one at a time
// per tenant while different tenants never wait for each other. Times come from the database's clock, the
// one clock all workers share, and travel as epoch ms.
import { eq, sql } from 'drizzle-orm';
import type { StartAttempt } from '../halo/budget-acquire';
import { countingWindowMs, planStart, type BudgetLimits, type StartWant } from '../halo/budget';
import type { Executor } from './client';
import { haloRequestBudgets, type HaloRequestBudget, type Integration } from './schema/index';

// The first key of the two-key advisory lock form, so these locks never meet other advisory locks (such as
// the migration lock, which uses the one-key form).
const lockSpace = 0x48_41_4c_4f; // "HALO"

const lockKey = (key: string) => sql`select pg_advisory_xact_lock(${lockSpace}, hashtext(${key}))`;

interface StateRow extends Record<string, unknown> {
  now_ms: number;
  starts_ms: number[] | null;
  paused_until_ms: number | null;
}

/**
 * Records a start for `key` when its window has room and it is not paused (or several: `take`); otherwise
 * says how long until `take.want` slots are free.
 */
export async function tryStartRequest(
  db: Executor,
  key: string,
  limits: BudgetLimits,
  take: StartWant = {},
): Promise<StartAttempt> {
  return db.transaction(async (tx) => {
    await tx.execute(lockKey(key));
    // clock_timestamp(), not now(): the transaction may have waited for the lock.
    const [state] = await tx.execute<StateRow>(sql`
      select (extract(epoch from clock_timestamp()) * 1000)::float8 as now_ms, b.starts_ms, b.paused_until_ms
      from (select 1) as one
      left join ${haloRequestBudgets} b on b.key = ${key}`);
    if (!state) throw new Error('Reading the request budget returned no row');
    const now = Number(state.now_ms);
    const plan = planStart(
      (state.starts_ms ?? []).map(Number),
      Number(state.paused_until_ms ?? 0),
      now,
      limits,
      take,
    );
    if (!plan.granted) return plan;
    // Pruning happens in the same statement: only starts that still count are kept.
    await tx.execute(sql`
      insert into ${haloRequestBudgets} as b (key, starts_ms)
      values (${key}, array_fill(${now}::float8, array[${plan.count}::int]))
      on conflict (key) do update set
        starts_ms = array(
          select s from unnest(b.starts_ms) as s where s > ${now - countingWindowMs(limits)}::float8 order by s
        ) || excluded.starts_ms,
        updated_at = now()`);
    return { granted: true, startedAt: now, count: plan.count };
  });
}

/** Halo answered 429: nobody starts a request for `key` before `pauseMs` from now; counts the 429. */
export async function pauseRequests(db: Executor, key: string, pauseMs: number): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(lockKey(key));
    await tx.execute(sql`
      insert into ${haloRequestBudgets} as b (key, paused_until_ms, rate_limited_total, last_rate_limited_at)
      values (
        ${key}, (extract(epoch from clock_timestamp()) * 1000)::float8 + ${pauseMs}::float8, 1, clock_timestamp()
      )
      on conflict (key) do update set
        paused_until_ms = greatest(coalesce(b.paused_until_ms, 0), excluded.paused_until_ms),
        rate_limited_total = b.rate_limited_total + 1,
        last_rate_limited_at = excluded.last_rate_limited_at,
        updated_at = now()`);
  });
}

/** The tenant's row, for inspection (how many 429s, paused until when); null before its first request. */
export async function findRequestBudget(db: Executor, key: string): Promise<HaloRequestBudget | null> {
  const [row] = await db.select().from(haloRequestBudgets).where(eq(haloRequestBudgets.key, key)).limit(1);
  return row ?? null;
}

/** An integration's own limits, for `budget.forTenant(key, { limits })`; null fields mean "the default". */
export function budgetLimitsOf(row: Pick<Integration, 'budgetRequests' | 'budgetWindowSeconds'>): {
  requests: number | null;
  windowMs: number | null;
} {
  return {
    requests: row.budgetRequests,
    windowMs: row.budgetWindowSeconds === null ? null : row.budgetWindowSeconds * 1000,
  };
}
