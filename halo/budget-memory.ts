// A request budget kept in this process's memory: for unit tests and single-process use. Its semantics are
// those of the PostgreSQL budget, but it holds only among the clients of one process; several workers need
// db/request-budget-store.ts.
import { createRequestBudget, type BudgetStore, type RequestBudgetOptions } from './budget-acquire';
import { planStart, type RequestBudget } from './budget';

interface TenantState {
  starts: number[];
  pausedUntil: number;
}

function createMemoryBudgetStore(now: () => number = Date.now): BudgetStore {
  const tenants = new Map<string, TenantState>();
  const stateOf = (key: string): TenantState => {
    let state = tenants.get(key);
    if (!state) {
      state = { starts: [], pausedUntil: 0 };
      tenants.set(key, state);
    }
    return state;
  };
  return {
    tryStart(key, limits, take) {
      const state = stateOf(key);
      const at = now();
      const plan = planStart(state.starts, state.pausedUntil, at, limits, take);
      if (!plan.granted) return Promise.resolve(plan);
      state.starts = plan.starts;
      return Promise.resolve({ granted: true, startedAt: at, count: plan.count });
    },
    pause(key, pauseMs) {
      const state = stateOf(key);
      state.pausedUntil = Math.max(state.pausedUntil, now() + pauseMs);
      return Promise.resolve();
    },
  };
}

export function createMemoryRequestBudget(opts: RequestBudgetOptions): RequestBudget {
  return createRequestBudget(createMemoryBudgetStore(), opts);
}
