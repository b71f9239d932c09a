// The sync through every fault the issue names, on the real processes: each scenario ends with the database
// exactly equal to the stand-in's tenant (same rows, same content, nothing duplicated, nothing missing).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { after, afterEach, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { parseEnv, type Config } from '../../config/env';
import { findSyncRunById, type SyncRunRow } from '../../db/sync-runs-repository';
import { startTsChild, waitFor, type Child } from '../../scripts/children';
import { processEnv } from '../support/processes';
import { startHaloStandin, type HaloStandin } from '../../standin';
import { busiestWindow } from '../halo/busiest-window';
import { assertMatchesStandin } from '../support/compare';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { syncServiceFor, targetOf, waitForPages } from '../support/system';
import { seedIntegration } from '../support/seed';
import { startTemporalDevServer } from '../support/temporal';

describe('the sync through faults, on real worker processes', { timeout: 600_000 }, () => {
  let temporal: TestWorkflowEnvironment;
  let database: TestDatabase;
  let config: Config;
  let env: NodeJS.ProcessEnv;
  const workers = new Set<Child>();
  const standins: HaloStandin[] = [];

  before(async () => {
    [temporal, database] = await Promise.all([startTemporalDevServer(), createTestDatabase()]);
    env = processEnv({
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: `faults-${randomUUID()}`,
      ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      SYNC_MAX_PAGES_PER_RUN: '8',
      // A killed worker's pages are handed on after this long.
      SYNC_HEARTBEAT_SECONDS: '3',
      HALO_TIMEOUT_MS: '1500',
      DB_POOL_MAX: '6',
    });
    config = { ...parseEnv(env), ENCRYPTION_KEY: env['ENCRYPTION_KEY']! };
  });

  // Every scenario starts its own workers; none may outlive it, or its settings would leak into the next.
  afterEach(() => stopWorkers());

  after(async () => {
    await Promise.all([...workers].map((w) => w.stop(5_000)));
    await Promise.all([temporal?.teardown(), database?.drop(), ...standins.map((s) => s.close())]);
  });

  async function startWorker(extraEnv: NodeJS.ProcessEnv = {}): Promise<Child> {
    let ready = false;
    const worker = startTsChild('worker', 'worker/main.ts', {
      env: { ...env, ...extraEnv },
      output: (line) => {
        if (line.includes('"worker started"')) ready = true;
      },
    });
    workers.add(worker);
    void worker.exited.then(() => workers.delete(worker));
    await waitFor('the worker to start', async () => ready, 60_000);
    return worker;
  }

  async function stopWorkers(): Promise<void> {
    await Promise.all([...workers].map((w) => w.stop(5_000)));
  }

  async function tenant(opts: Parameters<typeof startHaloStandin>[0]) {
    const standin = await startHaloStandin(opts);
    standins.push(standin);
    const { account, integration } = await seedIntegration(database.db, {
      settings: standin.settings,
      encryptionKey: config.ENCRYPTION_KEY,
    });
    return { standin, target: targetOf(account, integration), integrationId: integration.id };
  }

  async function finished(run: SyncRunRow, timeoutMs = 240_000): Promise<SyncRunRow> {
    await waitFor(
      `sync ${run.id}`,
      async () => (await findSyncRunById(database.db, run.id))?.status !== 'running',
      timeoutMs,
    );
    return (await findSyncRunById(database.db, run.id))!;
  }

  it('completes exactly after the worker is killed with SIGKILL mid-sync and another starts', async () => {
    const first = await startWorker();
    const { standin, target, integrationId } = await tenant({
      seed: 101,
      customers: 50,
      assets: 1500,
      licences: 80,
    });
    standin.faults.latencyMs = 80;
    const { run } = await syncServiceFor(config, database, temporal.client).startSync(target, 'full');
    await waitForPages(database, run.id, 6);
    first.process.kill('SIGKILL');
    await first.exited;
    await startWorker();
    const done = await finished(run);
    standin.faults.latencyMs = 0;
    assert.equal(done.status, 'completed', done.error ?? '');
    await assertMatchesStandin(database.sql, integrationId, standin);
    assert.deepEqual(done.counts.assets, { seen: 1500, created: 1500, updated: 0, unchanged: 0, deleted: 0 });
  });

  it('completes exactly when PostgreSQL restarts mid-sync', async () => {
    const version = readdirSync('/etc/postgresql')[0];
    assert.ok(version, 'a local PostgreSQL cluster to restart');
    await startWorker();
    const { standin, target, integrationId } = await tenant({
      seed: 102,
      customers: 50,
      assets: 1500,
      licences: 80,
    });
    standin.faults.latencyMs = 60;
    const { run } = await syncServiceFor(config, database, temporal.client).startSync(target, 'full');
    await waitForPages(database, run.id, 4);
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart', '-m', 'fast'], {
      stdio: 'ignore',
    });
    const done = await finished(run);
    standin.faults.latencyMs = 0;
    assert.equal(done.status, 'completed', done.error ?? '');
    await assertMatchesStandin(database.sql, integrationId, standin);
    assert.equal(done.counts.assets.seen, 1500);
  });

  it('completes exactly with 10% of Halo answers failing (5xx, resets, timeouts, broken JSON) and tokens expiring every second', async () => {
    await startWorker();
    const { standin, target, integrationId } = await tenant({
      seed: 103,
      customers: 60,
      assets: 1200,
      licences: 90,
      tokenLifetimeSeconds: 1,
    });
    standin.setFaults({
      seed: 7,
      errorRate: 0.04,
      resetRate: 0.02,
      timeoutRate: 0.02,
      truncateRate: 0.01,
      malformedRate: 0.01,
      latencyMs: 20,
    });
    // Pages of 20 make about 80 requests, so a 10% fault rate is felt many times over.
    const smallPages = { ...config, HALO_PAGE_SIZE: 20 };
    const { run } = await syncServiceFor(smallPages, database, temporal.client).startSync(target, 'full');
    const done = await finished(run);
    const faults = { ...standin.stats.faults };
    standin.setFaults({
      errorRate: 0,
      resetRate: 0,
      timeoutRate: 0,
      truncateRate: 0,
      malformedRate: 0,
      latencyMs: 0,
    });
    assert.equal(done.status, 'completed', done.error ?? '');
    await assertMatchesStandin(database.sql, integrationId, standin);
    assert.deepEqual(done.counts.assets, { seen: 1200, created: 1200, updated: 0, unchanged: 0, deleted: 0 });
    const injected = Object.values(faults).reduce((a, b) => a + b, 0);
    assert.ok(injected >= 4, `faults were injected: ${JSON.stringify(faults)}`);
    assert.ok(standin.stats.tokenRequests >= 2, 'tokens expired and were renewed mid-sync');
    console.log(`faults injected: ${JSON.stringify(faults)}; token requests: ${standin.stats.tokenRequests}`);
  });

  it('completes exactly through the storm: 429s from a budget above the tenant limit, 10% failing answers, tokens expiring every 12 s, a SIGKILLed worker and a PostgreSQL restart', async (t) => {
    const version = readdirSync('/etc/postgresql')[0];
    assert.ok(version, 'a local PostgreSQL cluster to restart');
    // Halo's limiter compressed to 20 per 5 s; the budget allows 30 per 5 s, more than the tenant does, so
    // Halo answers 429 and every caller of the tenant pauses for the budget's whole window.
    const budget = { HALO_BUDGET_REQUESTS: '30', HALO_BUDGET_WINDOW_SECONDS: '5' };
    const first = await startWorker(budget);
    const { standin, target, integrationId } = await tenant({
      seed: 105,
      customers: 60,
      assets: 3000,
      licences: 120,
      tokenLifetimeSeconds: 12,
    });
    standin.setFaults({
      seed: 11,
      errorRate: 0.04,
      resetRate: 0.02,
      timeoutRate: 0.02,
      truncateRate: 0.01,
      malformedRate: 0.01,
      latencyMs: 20,
      rateLimit: { requests: 20, windowMs: 5000 },
    });
    const began = Date.now();
    const { run } = await syncServiceFor(config, database, temporal.client).startSync(target, 'full');
    await delay(6000);
    first.process.kill('SIGKILL');
    await first.exited;
    await startWorker(budget);
    await delay(Math.max(0, began + 11_000 - Date.now()));
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart', '-m', 'fast'], {
      stdio: 'ignore',
    });
    const done = await finished(run, 540_000);
    const seconds = (Date.now() - began) / 1000;
    const { rateLimited, faults } = standin.stats;
    standin.setFaults({
      errorRate: 0,
      resetRate: 0,
      timeoutRate: 0,
      truncateRate: 0,
      malformedRate: 0,
      latencyMs: 0,
      rateLimit: null,
    });
    t.diagnostic(
      `storm: ${done.status} in ${seconds.toFixed(1)} s; ${rateLimited} answered 429; faults ${JSON.stringify(faults)}`,
    );
    assert.equal(done.status, 'completed', done.error ?? '');
    await assertMatchesStandin(database.sql, integrationId, standin);
    assert.deepEqual(done.counts.assets, { seen: 3000, created: 3000, updated: 0, unchanged: 0, deleted: 0 });
    assert.ok(rateLimited > 0, 'the budget above the limit met 429s');
  });

  it('stays under a rate limit of 5 requests a second across two workers syncing one tenant through two integrations', async () => {
    // Halo's limiter compressed: 10 requests per rolling 2 s; the budget keeps a margin under it.
    const budget = { HALO_BUDGET_REQUESTS: '9', HALO_BUDGET_WINDOW_SECONDS: '2' };
    await startWorker(budget);
    await startWorker(budget);
    const standin = await startHaloStandin({ seed: 104, customers: 20, assets: 800, licences: 30 });
    standins.push(standin);
    const starts: number[] = [];
    standin.faults.intercept = () => {
      starts.push(Date.now());
      return false;
    };
    standin.setFaults({ rateLimit: { requests: 10, windowMs: 2000 } });
    const one = await seedIntegration(database.db, {
      settings: standin.settings,
      encryptionKey: config.ENCRYPTION_KEY,
    });
    const two = await seedIntegration(database.db, {
      settings: standin.settings,
      encryptionKey: config.ENCRYPTION_KEY,
    });
    const syncs = syncServiceFor(config, database, temporal.client);
    const began = Date.now();
    const runs = await Promise.all([
      syncs.startSync(targetOf(one.account, one.integration), 'full'),
      syncs.startSync(targetOf(two.account, two.integration), 'full'),
    ]);
    const done = await Promise.all(runs.map((r) => finished(r.run)));
    const seconds = (Date.now() - began) / 1000;
    standin.setFaults({ rateLimit: null });
    standin.faults.intercept = undefined;

    for (const run of done) assert.equal(run.status, 'completed', run.error ?? '');
    await assertMatchesStandin(database.sql, one.integration.id, standin);
    await assertMatchesStandin(database.sql, two.integration.id, standin);
    const rate = starts.length / seconds;
    console.log(
      `rate limit: ${starts.length} requests in ${seconds.toFixed(1)} s (${rate.toFixed(2)}/s of 5/s allowed), ` +
        `${standin.stats.rateLimited} answered 429, busiest 2 s window ${busiestWindow(starts, 2000)}`,
    );
    assert.ok(standin.stats.rateLimited <= 1, `${standin.stats.rateLimited} requests provoked a 429`);
    assert.ok(busiestWindow(starts, 2000) <= 10);
  });
});
