// The request budget every worker process shares: its state is a row per tenant in PostgreSQL
// (db/request-budget-repository.ts), so no rolling window sees more starts for a tenant than its limit,
// however many workers and activities run. It lives with the database code: halo/ defines the budget and
// never imports db/.
import { createRequestBudget, type BudgetStore, type RequestBudgetOptions } from '../halo/budget-acquire';
import type { RequestBudget } from '../halo/budget';
import type { Executor } from './client';
import { pauseRequests, tryStartRequest } from './request-budget-repository';

function createPostgresBudgetStore(db: Executor): BudgetStore {
  return {
    tryStart: (key, limits, take) => tryStartRequest(db, key, limits, take),
    pause: (key, pauseMs) => pauseRequests(db, key, pauseMs),
  };
}

/** One per worker process, shared by all its activities (its in-process queue spares the database). */
export function createPostgresRequestBudget(db: Executor, opts: RequestBudgetOptions): RequestBudget {
  return createRequestBudget(createPostgresBudgetStore(db), opts);
}
