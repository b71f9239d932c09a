import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { findRequestBudget } from '../../db/request-budget-repository';
import { planStart, tenantKeyOf, type BudgetLimits, type RequestBudget } from '../../halo/budget';
import { createMemoryRequestBudget } from '../../halo/budget-memory';
import { createPostgresRequestBudget } from '../../db/request-budget-store';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { busiestWindow } from './busiest-window';

let keys = 0;
const freshKey = () => `https://budget-test-${process.pid}-${++keys}.example|tenant`;

describe('the sliding-window decision', () => {
  const limits: BudgetLimits = { requests: 2, windowMs: 1000 };

  it('grants while the window has room and keeps only the starts still inside it', () => {
    assert.deepEqual(planStart([], 0, 5000, limits), { granted: true, starts: [5000], count: 1 });
    assert.deepEqual(planStart([3000, 4500], 0, 5000, limits), {
      granted: true,
      starts: [4500, 5000],
      count: 1,
    });
  });

  it('waits until the start that would make one too many is a whole window old', () => {
    assert.deepEqual(planStart([4200, 4500], 0, 5000, limits), { granted: false, waitMs: 225 });
    // A start counts a little longer than the window (1/40 of it, at most 250 ms): it was recorded when its
    // slot was taken, a moment before Halo saw the request.
    assert.equal(planStart([4000, 4500], 0, 5000, limits).granted, false);
    assert.equal(planStart([3975, 4500], 0, 5000, limits).granted, true);
  });

  it('waits out a pause even when the window is empty', () => {
    assert.deepEqual(planStart([], 5300, 5000, limits), { granted: false, waitMs: 300, paused: true });
  });

  it('grants several slots at once, up to what is free, or none when fewer than asked for are free', () => {
    const three = { requests: 3, windowMs: 1000 };
    assert.deepEqual(planStart([4500], 0, 5000, three, { want: 4 }), {
      granted: true,
      starts: [4500, 5000, 5000],
      count: 2,
    });
    assert.equal(planStart([4500], 0, 5000, three, { want: 3, atLeast: 3 }).granted, false);
    // Asking for more than the limit asks for the limit, so a whole batch is always possible at last.
    assert.equal(planStart([], 0, 5000, three, { want: 9, atLeast: 9 }).granted, true);
  });

  it('says how long until the slots asked for are free, not just the next one', () => {
    const three = { requests: 3, windowMs: 1000 };
    const full = [4100, 4400, 4700];
    assert.deepEqual(planStart(full, 0, 5000, three), { granted: false, waitMs: 125 });
    assert.deepEqual(planStart(full, 0, 5000, three, { want: 2 }), { granted: false, waitMs: 425 });
    assert.deepEqual(planStart(full, 0, 5000, three, { want: 5 }), { granted: false, waitMs: 725 });
  });
});

describe('the tenant key', () => {
  it('is the same for one tenant however its URL is written, and ignores which integration asks', () => {
    const a = tenantKeyOf({ authServerUrl: 'https://Acme.HaloITSM.com/auth', tenant: 'Acme' });
    const b = tenantKeyOf({ authServerUrl: 'https://acme.haloitsm.com:443/auth/', tenant: ' acme ' });
    assert.equal(a, b);
    assert.equal(a, 'https://acme.haloitsm.com|acme');
  });

  it('differs between tenants, hosts and schemes', () => {
    const base = { authServerUrl: 'https://acme.haloitsm.com/auth', tenant: 'acme' };
    const keys = new Set([
      tenantKeyOf(base),
      tenantKeyOf({ ...base, tenant: 'globex' }),
      tenantKeyOf({ ...base, authServerUrl: 'https://globex.haloitsm.com/auth' }),
      tenantKeyOf({ ...base, authServerUrl: 'http://acme.haloitsm.com/auth' }),
      tenantKeyOf({ ...base, tenant: '' }),
    ]);
    assert.equal(keys.size, 5);
  });
});

let database: TestDatabase;
before(async () => {
  database = await createTestDatabase();
});
after(() => database.drop());

const implementations: [string, (limits: BudgetLimits) => RequestBudget][] = [
  ['in memory', (defaults) => createMemoryRequestBudget({ defaults })],
  ['in PostgreSQL', (defaults) => createPostgresRequestBudget(database.db, { defaults })],
];

for (const [name, create] of implementations) {
  describe(`the request budget ${name}`, () => {
    it('never lets more than N requests start in any window, and makes the rest wait instead of failing', async () => {
      const limits = { requests: 5, windowMs: 400 };
      const budget = create(limits);
      const key = freshKey();
      const began = Date.now();
      const observed: number[] = [];
      const grants = await Promise.all(
        Array.from({ length: 14 }, () =>
          budget.acquire(key, limits).then((grant) => {
            observed.push(Date.now());
            return grant;
          }),
        ),
      );
      const elapsed = Date.now() - began;
      assert.equal(
        busiestWindow(
          grants.map((g) => g.startedAt),
          limits.windowMs,
        ),
        limits.requests,
      );
      // Each caller's own clock sees them no closer: a start is recorded before acquire returns.
      assert.ok(busiestWindow(observed, limits.windowMs - 30) <= limits.requests);
      // 14 starts at 5 per 400 ms need two full windows, and should not take a third.
      assert.ok(elapsed >= 2 * limits.windowMs, `took ${elapsed} ms`);
      assert.ok(elapsed < 3 * limits.windowMs, `took ${elapsed} ms`);
      assert.equal(budget.counters.acquired, 14);
      assert.ok(budget.counters.waited >= 9);
    });

    it('sleeps between looks at the store and tells onWait how long', async () => {
      const limits = { requests: 1, windowMs: 300 };
      const budget = create(limits);
      const key = freshKey();
      await budget.acquire(key, limits);
      const waits: number[] = [];
      const grant = await budget.acquire(key, limits, { onWait: (ms) => waits.push(ms) });
      assert.ok(grant.waitedMs >= 250, `waited ${grant.waitedMs} ms`);
      // One announced sleep of about the window (two if the timer beat the clock by a hair), not a spin.
      assert.ok(waits.length >= 1 && waits.length <= 2, `${waits.length} sleeps`);
      assert.ok(waits[0]! > 250 && waits[0]! <= 310, `announced ${waits[0]} ms`);
    });

    it('stops waiting when its signal is aborted, and the callers behind it move on', async () => {
      const limits = { requests: 1, windowMs: 400 };
      const budget = create(limits);
      const key = freshKey();
      await budget.acquire(key, limits);
      const controller = new AbortController();
      const aborted = budget.acquire(key, limits, { signal: controller.signal });
      const behind = budget.acquire(key, limits);
      setTimeout(() => controller.abort(new Error('activity cancelled')), 50);
      const began = Date.now();
      await assert.rejects(aborted, /activity cancelled/);
      assert.ok(Date.now() - began < 200);
      const grant = await behind;
      // The aborted caller took no slot, so the one behind it starts as soon as the window frees.
      assert.ok(grant.waitedMs < limits.windowMs + 300, `waited ${grant.waitedMs} ms`);
      const already = new AbortController();
      already.abort();
      await assert.rejects(budget.acquire(key, limits, { signal: already.signal }), { name: 'AbortError' });
    });

    it('holds every acquirer of a tenant during a pause after a 429, and only that tenant', async () => {
      const limits = { requests: 100, windowMs: 1000 };
      const budget = create(limits);
      const paused = freshKey();
      const other = freshKey();
      const pausedAt = Date.now();
      await budget.pause(paused, 300);
      const [a, b, c, elsewhere] = await Promise.all([
        budget.acquire(paused, limits),
        budget.forTenant(paused).acquire(),
        budget.acquire(paused, { requests: 1000, windowMs: 10 }),
        budget.acquire(other, limits),
      ]);
      for (const grant of [a, b, c]) {
        assert.ok(grant.startedAt - pausedAt >= 290, `started ${grant.startedAt - pausedAt} ms after`);
      }
      assert.ok(elsewhere.waitedMs < 250, `the other tenant waited ${elsewhere.waitedMs} ms`);
      assert.equal(budget.counters.rateLimited, 1);
    });

    it('keeps two tenants apart: a full window for one does not slow the other', async () => {
      const limits = { requests: 3, windowMs: 1000 };
      const budget = create(limits);
      const full = freshKey();
      for (let i = 0; i < 3; i++) await budget.acquire(full, limits);
      const began = Date.now();
      const other = freshKey();
      for (let i = 0; i < 3; i++) await budget.acquire(other, limits);
      assert.ok(Date.now() - began < 500);
    });

    it('binds a tenant with the integration overrides, falling back to the defaults', () => {
      const budget = create({ requests: 270, windowMs: 300_000 });
      assert.deepEqual(budget.forTenant('k').limits, { requests: 270, windowMs: 300_000 });
      assert.deepEqual(budget.forTenant('k', { limits: { requests: 40, windowMs: null } }).limits, {
        requests: 40,
        windowMs: 300_000,
      });
      assert.throws(() => budget.forTenant('k', { limits: { requests: 0 } }), RangeError);
    });
  });
}

describe('the PostgreSQL budget', () => {
  it('is shared by every budget object on the database, as by every worker process', async () => {
    const limits = { requests: 2, windowMs: 500 };
    const one = createPostgresRequestBudget(database.db, { defaults: limits });
    const two = createPostgresRequestBudget(database.db, { defaults: limits });
    const key = freshKey();
    await one.acquire(key, limits);
    await two.acquire(key, limits);
    const third = await one.acquire(key, limits);
    assert.ok(third.waitedMs >= 400, `waited ${third.waitedMs} ms`);

    const pausedAt = Date.now();
    await two.forTenant(key).rateLimited(300);
    const after = await one.acquire(key, limits);
    assert.ok(after.startedAt - pausedAt >= 290);
  });

  it('counts the 429s per tenant and keeps the log pruned to the window', async () => {
    const limits = { requests: 3, windowMs: 200 };
    const budget = createPostgresRequestBudget(database.db, { defaults: limits });
    const key = freshKey();
    for (let i = 0; i < 10; i++) await budget.acquire(key, limits);
    await budget.pause(key, 10);
    await budget.pause(key, 10);
    await sleep(20);
    await budget.acquire(key, limits);
    const row = await findRequestBudget(database.db, key);
    assert.ok(row);
    assert.equal(row.rateLimitedTotal, 2);
    assert.ok(row.lastRateLimitedAt instanceof Date);
    assert.ok(row.startsMs.length <= limits.requests, `kept ${row.startsMs.length} starts`);
    assert.ok((row.pausedUntilMs ?? 0) > 0);
  });
});
