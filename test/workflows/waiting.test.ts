// Architecture invariant 9, on a real Temporal dev server: a sync that waits for its tenant's Halo budget
// holds no worker slot and spends no retry attempt, and tenants take turns on a worker's few slots.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { findSyncRunById, type SyncRunRow } from '../../db/sync-runs-repository';
import { waitFor } from '../../scripts/children';
import { startHaloStandin, type HaloStandin } from '../../standin';
import { assertMatchesStandin } from '../support/compare';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { runHistories } from '../support/histories';
import { startTestWorker, syncServiceFor, targetOf, testConfig } from '../support/system';
import { seedIntegration } from '../support/seed';
import { startTemporalDevServer } from '../support/temporal';

let temporal: TestWorkflowEnvironment;
let database: TestDatabase;
const standins: HaloStandin[] = [];

before(async () => {
  [temporal, database] = await Promise.all([startTemporalDevServer(), createTestDatabase()]);
});
after(async () => {
  await Promise.all([temporal?.teardown(), database?.drop(), ...standins.map((s) => s.close())]);
});

type Config = ReturnType<typeof testConfig>;

async function tenantsOf(config: Config, sizes: { customers: number; assets: number; licences: number }[]) {
  return Promise.all(
    sizes.map(async (size, i) => {
      const standin = await startHaloStandin({ seed: 300 + i, ...size });
      standins.push(standin);
      const { account, integration } = await seedIntegration(database.db, {
        settings: standin.settings,
        encryptionKey: config.ENCRYPTION_KEY,
      });
      return { standin, integrationId: integration.id, target: targetOf(account, integration) };
    }),
  );
}

/** Watches runs in the database: when each ended. */
function watchRuns(ids: string[]) {
  const endedAt = new Map<string, number>();
  const timer = setInterval(() => {
    void Promise.all(
      ids.map(async (id) => {
        const run = await findSyncRunById(database.db, id);
        if (!run) return;
        if (run.status !== 'running' && !endedAt.has(id)) endedAt.set(id, Date.now());
      }),
    ).catch(() => {});
  }, 100);
  return {
    endedAt,
    async untilAllEnded(timeoutMs: number): Promise<SyncRunRow[]> {
      await waitFor('every sync to end', async () => endedAt.size === ids.length, timeoutMs);
      clearInterval(timer);
      return Promise.all(ids.map(async (id) => (await findSyncRunById(database.db, id))!));
    },
    stop: () => clearInterval(timer),
  };
}

describe(
  'ten tenants waiting for their budgets on a worker with two activity slots',
  { timeout: 300_000 },
  () => {
    // Each tenant may make 3 requests per 5 s, and a sync needs about 13: every sync waits again and again.
    const config = testConfig({
      WORKER_MAX_CONCURRENT_ACTIVITIES: '2',
      HALO_BUDGET_REQUESTS: '3',
      HALO_BUDGET_WINDOW_SECONDS: '5',
    });
    let worker: { worker: Worker; running: Promise<void> };
    before(async () => {
      worker = await startTestWorker(temporal.nativeConnection, database, config);
    });
    after(async () => {
      worker?.worker.shutdown();
      await worker?.running;
    });

    it('syncs all ten at once, and every activity of every run is its first attempt', async (t) => {
      const tenants = await tenantsOf(
        config,
        Array.from({ length: 10 }, () => ({ customers: 5, assets: 700, licences: 5 })),
      );
      const requestTimes = tenants.map((x) => {
        const times: number[] = [];
        x.standin.faults.intercept = () => {
          times.push(Date.now());
          return false;
        };
        return times;
      });
      const syncs = syncServiceFor(config, database, temporal.client);
      const runs = await Promise.all(tenants.map(async (x) => (await syncs.startSync(x.target, 'full')).run));
      const done = await watchRuns(runs.map((r) => r.id)).untilAllEnded(240_000);

      for (const run of done) assert.equal(run.status, 'completed', run.error ?? '');
      for (const x of tenants) await assertMatchesStandin(database.sql, x.integrationId, x.standin);
      // A tenant's 4th request needs its first window to pass. Every tenant made its first request before
      // any made its 4th: those that found their budget full gave their slots back at once. Had they slept
      // in the two slots, two tenants would have held them through a whole window while eight waited.
      const lastFirst = Math.max(...requestTimes.map((times) => times[0]!));
      const firstFourth = Math.min(...requestTimes.map((times) => times[3]!));
      assert.ok(
        lastFirst < firstFourth,
        `a tenant began ${lastFirst - firstFourth} ms after another's 4th request`,
      );

      let timers = 0;
      for (const run of done) {
        for (const history of await runHistories(temporal.client, run.workflowId, run.workflowRunId!)) {
          for (const event of history.events ?? []) {
            if (event.timerStartedEventAttributes) timers++;
            const attempt = event.activityTaskStartedEventAttributes?.attempt;
            if (attempt !== undefined && attempt !== null)
              assert.equal(attempt, 1, `an activity of ${run.id}`);
          }
        }
      }
      // The budget was what they waited for, on timers: at least one wait per tenant.
      assert.ok(timers >= tenants.length, `${timers} timers`);
      for (const x of tenants) assert.equal(x.standin.stats.rateLimited, 0);
      t.diagnostic(
        `${timers} waits on timers; all ten began ${firstFourth - lastFirst} ms before any 4th request`,
      );
    });
  },
);

describe('a big tenant and ten small ones on a worker with two activity slots', { timeout: 300_000 }, () => {
  const config = testConfig({ WORKER_MAX_CONCURRENT_ACTIVITIES: '2', HALO_PAGE_SIZE: '20' });
  let worker: { worker: Worker; running: Promise<void> };
  before(async () => {
    worker = await startTestWorker(temporal.nativeConnection, database, config);
  });
  after(async () => {
    worker?.worker.shutdown();
    await worker?.running;
  });

  it('lets the small tenants take turns: each first sync ends while the big one still runs', async (t) => {
    const [big] = await tenantsOf(config, [{ customers: 20, assets: 12000, licences: 20 }]);
    big!.standin.faults.latencyMs = 40;
    const small = await tenantsOf(
      config,
      Array.from({ length: 10 }, () => ({ customers: 5, assets: 15, licences: 5 })),
    );
    const syncs = syncServiceFor(config, database, temporal.client);
    const bigRun = (await syncs.startSync(big!.target, 'full')).run;
    await waitFor(
      'the big sync to be under way',
      async () => {
        return ((await findSyncRunById(database.db, bigRun.id))?.pagesDone ?? 0) >= 8;
      },
      60_000,
    );
    const smallRuns = await Promise.all(
      small.map(async (x) => (await syncs.startSync(x.target, 'full')).run),
    );
    const watch = watchRuns([bigRun.id, ...smallRuns.map((r) => r.id)]);
    const done = await watch.untilAllEnded(240_000);

    for (const run of done) assert.equal(run.status, 'completed', run.error ?? '');
    const bigEnd = watch.endedAt.get(bigRun.id)!;
    for (const run of smallRuns) {
      assert.ok(watch.endedAt.get(run.id)! < bigEnd, `small sync ${run.id} ended after the big one`);
    }
    for (const x of [big!, ...small]) await assertMatchesStandin(database.sql, x.integrationId, x.standin);
    const lastSmall = Math.max(...smallRuns.map((r) => watch.endedAt.get(r.id)!));
    t.diagnostic(
      `the last small sync ended ${((bigEnd - lastSmall) / 1000).toFixed(1)} s before the big one`,
    );
  });
});

describe('confirming deletions one by one on a tight budget', { timeout: 300_000 }, () => {
  // Each of 8 deletion candidates is confirmed with GET /Asset/{id}: more than a window of this budget allows.
  const config = testConfig({ HALO_BUDGET_REQUESTS: '3', HALO_BUDGET_WINDOW_SECONDS: '2' });
  let worker: { worker: Worker; running: Promise<void> };
  before(async () => {
    worker = await startTestWorker(temporal.nativeConnection, database, config);
  });
  after(async () => {
    worker?.worker.shutdown();
    await worker?.running;
  });

  it('waits between confirmations without losing those already made, and deletes exactly the missing', async () => {
    const [x] = await tenantsOf(config, [{ customers: 5, assets: 60, licences: 5 }]);
    const { standin, integrationId, target } = x!;
    const syncs = syncServiceFor(config, database, temporal.client);
    const syncOnce = async () => {
      const { run } = await syncs.startSync(target, 'full');
      return (await watchRuns([run.id]).untilAllEnded(120_000))[0]!;
    };
    assert.equal((await syncOnce()).status, 'completed');
    standin.data.assets.splice(10, 8);
    const before = standin.stats.byPath['/api/Asset/{id}'] ?? 0;
    const run = await syncOnce();

    assert.equal(run.status, 'completed', run.error ?? '');
    assert.equal(run.counts.assets.deleted, 8);
    await assertMatchesStandin(database.sql, integrationId, standin);
    // Each candidate was asked about once: a wait kept the confirmations made before it.
    assert.equal((standin.stats.byPath['/api/Asset/{id}'] ?? 0) - before, 8);
    const histories = await runHistories(temporal.client, run.workflowId, run.workflowRunId!);
    const events = histories.flatMap((h) => h.events ?? []);
    assert.ok(
      events.some((e) => e.timerStartedEventAttributes),
      'the sweep waited on a timer',
    );
    for (const e of events) {
      const attempt = e.activityTaskStartedEventAttributes?.attempt;
      if (attempt !== undefined && attempt !== null) assert.equal(attempt, 1);
    }
  });
});
