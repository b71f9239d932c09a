// A deploy in the middle of a sync: the worker process (its real entry point, with the workflow bundle the
// container image builds) gets SIGTERM while pages are in flight. It stops polling, lets those pages finish
// and exits 0; a new worker picks the sync up, and the database ends up equal to the tenant.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startTsChild, waitFor, type Child } from '../../scripts/children';
import { startHaloStandin, type HaloStandin } from '../../standin';
import { assertMatchesStandin } from '../support/compare';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { runHistories } from '../support/histories';
import { syncServiceFor, targetOf, testConfig } from '../support/system';
import { seedIntegration } from '../support/seed';
import { startTemporalDevServer } from '../support/temporal';
import { freePort, unlessExited, processEnv } from '../support/processes';

const run = promisify(execFile);

const graceSeconds = 20;

describe('stopping a worker mid-sync', { timeout: 240_000 }, () => {
  let temporal: TestWorkflowEnvironment;
  let database: TestDatabase;
  let standin: HaloStandin;
  let bundleDir: string;
  const children: Child[] = [];
  const logs: string[] = [];
  const config = testConfig({ SYNC_MAX_PAGES_PER_RUN: '8' });

  function startWorker(name: string, httpPort: number): Child {
    const env: NodeJS.ProcessEnv = processEnv({
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
      ENCRYPTION_KEY: config.ENCRYPTION_KEY,
      WORKER_SHUTDOWN_GRACE_SECONDS: String(graceSeconds),
      WORKER_HTTP_PORT: String(httpPort),
      WORKFLOW_BUNDLE_PATH: join(bundleDir, 'workflow-bundle.js'),
      // Debug: a failure shows every page each worker started and finished.
      LOG_LEVEL: 'debug',
    });
    const child = startTsChild(name, 'worker/main.ts', {
      env,
      output: (line) => logs.push(`${name} ${line}`),
    });
    children.push(child);
    return child;
  }

  const status = async (url: string) => (await fetch(url).catch(() => null))?.status ?? 0;

  before(async () => {
    bundleDir = mkdtempSync(join(tmpdir(), 'halo-sync-bundle-'));
    [temporal, database, standin] = await Promise.all([
      startTemporalDevServer(),
      createTestDatabase(),
      startHaloStandin({ customers: 150, assets: 1500, licences: 150 }),
      // As the image's build stage does it.
      run(process.execPath, [
        '--import',
        'tsx',
        'scripts/bundle-workflows.ts',
        join(bundleDir, 'workflow-bundle.js'),
      ]),
    ]);
  });

  after(async () => {
    if (process.env['DEBUG_LOGS'])
      (await import('node:fs')).writeFileSync(process.env['DEBUG_LOGS'], logs.join('\n'));
    await Promise.all(children.map((c) => c.stop()));
    await Promise.all([temporal?.teardown(), database?.drop(), standin?.close()]);
    rmSync(bundleDir, { recursive: true, force: true });
  });

  it('lets running pages finish, exits cleanly, and a new worker completes the sync exactly', async () => {
    try {
      await stopMidSync();
    } catch (error) {
      if (error instanceof Error) error.message += `\n--- worker logs ---\n${logs.join('\n')}`;
      throw error;
    }
  });

  async function stopMidSync(): Promise<void> {
    const { account, integration } = await seedIntegration(database.db, {
      settings: standin.settings,
      encryptionKey: config.ENCRYPTION_KEY,
    });
    const firstPort = await freePort();
    const first = startWorker('worker-1', firstPort);
    const health = `http://127.0.0.1:${firstPort}/healthz`;
    await unlessExited(
      first,
      waitFor('the first worker', async () => (await status(health)) === 200, 60_000),
    );

    // Slow pages, so SIGTERM lands while several are in flight.
    standin.faults.latencyMs = 250;
    const syncs = syncServiceFor(config, database, temporal.client);
    const { run: sync } = await syncs.startSync(targetOf(account, integration), 'full');
    const pagesDone = async () =>
      (await database.sql<{ n: number }[]>`select pages_done as n from sync_runs where id = ${sync.id}`)[0]
        ?.n ?? 0;
    await unlessExited(
      first,
      waitFor('a few pages', async () => (await pagesDone()) >= 4, 60_000),
    );

    const stoppedAt = Date.now();
    first.process.kill('SIGTERM');
    const code = await first.exited;
    const tookMs = Date.now() - stoppedAt;
    assert.equal(code, 0, logs.join('\n'));
    assert.ok(tookMs < graceSeconds * 1000, `the worker took ${tookMs} ms to stop`);
    assert.equal(await status(health), 0, 'the health listener closed with the worker');
    const firstLines = logs.filter((l) => l.startsWith('worker-1 ')).map((l) => l.slice('worker-1 '.length));
    const parsed = firstLines.map((l) => JSON.parse(l) as { msg: string; level: string });
    assert.ok(parsed.some((l) => l.msg === 'worker started'));
    assert.equal(parsed.at(-1)?.msg, 'worker stopped');

    const left = await database.sql<{ status: string; pages_done: number; pages_total: number }[]>`
      select status, pages_done, pages_total from sync_runs where id = ${sync.id}`;
    assert.equal(left[0]?.status, 'running', 'the sync waits for a worker, it did not fail');
    const [state] = left;
    assert.ok(state && state.pages_done < state.pages_total, 'the sync was stopped part-way');

    // Every page the first worker had started was finished by it, not abandoned or cancelled.
    const history = async () =>
      (await runHistories(temporal.client, sync.workflowId, sync.workflowRunId!)).flatMap(
        (h) => h.events ?? [],
      );
    // A page cut off by the shutdown would show as a failure, a timeout, a cancellation, or a retry.
    const abandoned = (events: Awaited<ReturnType<typeof history>>) =>
      events.filter(
        (e) =>
          e.activityTaskFailedEventAttributes ||
          e.activityTaskTimedOutEventAttributes ||
          e.activityTaskCanceledEventAttributes ||
          (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1,
      );
    assert.deepEqual(abandoned(await history()), []);

    standin.faults.latencyMs = 0;
    const secondPort = await freePort();
    const second = startWorker('worker-2', secondPort);
    const syncStatus = async () =>
      (await database.sql<{ status: string }[]>`select status from sync_runs where id = ${sync.id}`)[0]
        ?.status;
    await unlessExited(
      second,
      waitFor(
        'the sync to finish on the second worker',
        async () => (await syncStatus()) !== 'running',
        120_000,
      ),
    );
    const [done] = await database.sql<{ status: string; counts: string; error: string | null }[]>`
      select status, counts::text as counts, error from sync_runs where id = ${sync.id}`;
    assert.equal(done?.status, 'completed', done?.error ?? '');
    const counts = JSON.parse(done.counts) as Record<
      string,
      { seen: number; created: number; updated: number }
    >;
    assert.deepEqual(
      Object.fromEntries(Object.entries(counts).map(([k, c]) => [k, [c.seen, c.created, c.updated]])),
      { assets: [1500, 1500, 0], software: [150, 150, 0], customers: [150, 150, 0] },
    );
    await assertMatchesStandin(database.sql, integration.id, standin);
    assert.deepEqual(abandoned(await history()), []);
  }
});
