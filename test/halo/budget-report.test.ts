// The budget as an activity uses it ('report'): it never sleeps. A tenant with no slot answers BudgetWait
// at once, saying how long, so the activity can hand the wait to its workflow (architecture invariant 9).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BudgetWait, tenantKeyOf, type BudgetLimits, type RequestBudget } from '../../halo/budget';
import { createMemoryRequestBudget } from '../../halo/budget-memory';
import { createPostgresRequestBudget } from '../../db/request-budget-store';
import { createHaloClient } from '../../halo/client';
import { createMemoryTokenCache } from '../../halo/token-cache';
import { startHaloStandin, type HaloStandin } from '../../standin';
import { createTestDatabase, type TestDatabase } from '../support/database';

let keys = 0;
const freshKey = () => `https://report-test-${process.pid}-${++keys}.example|tenant`;

let database: TestDatabase;
before(async () => {
  database = await createTestDatabase();
});
after(() => database.drop());

const implementations: [string, (limits: BudgetLimits) => RequestBudget][] = [
  ['in memory', (defaults) => createMemoryRequestBudget({ defaults })],
  ['in PostgreSQL', (defaults) => createPostgresRequestBudget(database.db, { defaults })],
];

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => assert.fail('expected a BudgetWait'),
    (e: unknown) => {
      assert.ok(e instanceof BudgetWait, String(e));
      return e;
    },
  );

for (const [name, create] of implementations) {
  describe(`a reporting tenant budget ${name}`, () => {
    it('answers at once with how long to wait when the window is full, and refuses every later call too', async () => {
      const limits = { requests: 2, windowMs: 60_000 };
      const budget = create(limits);
      const key = freshKey();
      const tenant = budget.forTenant(key, { whenFull: 'report' });
      await tenant.acquire();
      await tenant.acquire();
      const began = Date.now();
      const wait = await refusal(tenant.acquire());
      assert.ok(Date.now() - began < 2000, 'it did not sleep');
      assert.ok(wait.waitMs > 55_000 && wait.waitMs <= 60_250, `${wait.waitMs} ms`);
      assert.match(wait.message, /request budget is full for \d+\.\d s/);
      // Another caller of the same tenant gets the same answer from the store.
      await refusal(budget.forTenant(key, { whenFull: 'report' }).acquire());
      assert.equal(budget.counters.acquired, 2);
      assert.equal(budget.counters.waited, 2);
    });

    it('reserves a batch in one look, so pages taken in order are a prefix of those asked for', async () => {
      const limits = { requests: 3, windowMs: 60_000 };
      const budget = create(limits);
      const key = freshKey();
      await budget.forTenant(key, { whenFull: 'report' }).acquire();
      const tenant = budget.forTenant(key, { whenFull: 'report', batch: 4 });
      const outcomes = await Promise.allSettled([1, 2, 3, 4].map(() => tenant.acquire()));
      assert.deepEqual(
        outcomes.map((o) => o.status),
        ['fulfilled', 'fulfilled', 'rejected', 'rejected'],
      );
    });

    it('takes a whole batch or nothing, and says how long until the whole batch is free', async () => {
      const limits = { requests: 4, windowMs: 60_000 };
      const budget = create(limits);
      const key = freshKey();
      await budget.forTenant(key, { whenFull: 'report' }).acquire();
      const whole = budget.forTenant(key, { whenFull: 'report', batch: 4, wholeBatch: true });
      const wait = await refusal(whole.acquire());
      assert.ok(wait.waitMs > 55_000, `${wait.waitMs} ms`);
      // Nothing was taken: three single requests still fit.
      const single = budget.forTenant(key, { whenFull: 'report', batch: 3 });
      for (let i = 0; i < 3; i++) await single.acquire();
    });

    it('reports a 429 pause as a wait of the whole pause, for every caller of the tenant', async () => {
      const limits = { requests: 100, windowMs: 60_000 };
      const budget = create(limits);
      const key = freshKey();
      const tenant = budget.forTenant(key, { whenFull: 'report' });
      await tenant.acquire();
      await tenant.rateLimited(30_000);
      const own = await refusal(tenant.acquire());
      assert.equal(own.waitMs, 30_000);
      assert.match(own.message, /^Halo answered 429: the tenant is paused for 30\.0 s/);
      const other = await refusal(budget.forTenant(key, { whenFull: 'report' }).acquire());
      assert.ok(other.waitMs > 25_000 && other.waitMs <= 30_000, `${other.waitMs} ms`);
    });
  });
}

describe('a Halo client with a reporting budget', () => {
  let standin: HaloStandin;
  before(async () => {
    standin = await startHaloStandin({ customers: 5, assets: 50, licences: 5 });
  });
  after(() => standin.close());

  it('meets a 429, pauses the tenant for a window and reports the wait instead of sleeping it out', async () => {
    const limits = { requests: 50, windowMs: 20_000 };
    const budget = createMemoryRequestBudget({ defaults: limits });
    standin.setFaults({ rateLimit: { requests: 1, windowMs: 60_000 } });
    const statuses: number[] = [];
    const client = createHaloClient({
      settings: standin.settings,
      allowPrivate: true,
      tokenCache: createMemoryTokenCache(),
      budget: budget.forTenant(tenantKeyOf(standin.settings), { whenFull: 'report' }),
      onRequest: ({ status }) => statuses.push(status),
    });
    const began = Date.now();
    const wait = await refusal(client.listPage('hardware', 1, 10));
    assert.ok(Date.now() - began < 2000, 'it did not sleep');
    // The token took the one request the tenant allowed; the page met 429 and was not sent again.
    assert.deepEqual(statuses, [200, 429]);
    assert.equal(wait.waitMs, 20_000);
    assert.equal(budget.counters.rateLimited, 1);
    standin.setFaults({ rateLimit: null });
  });
});
