// `npm start` as a person runs it (after setup): a Temporal dev server of its own, the worker, the API and the
// page come up, the banner says where to look, a worker killed mid-sync is started again while the API stays
// up and the sync completes, so is a Temporal dev server that dies, and Ctrl-C stops every process it started.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { portOpen, startTsChild, waitFor, type Child } from '../../scripts/children';
import { startHaloStandin, type HaloStandin } from '../../standin';
import { assertMatchesStandin } from '../support/compare';
import { apiCaller, syncEnded, type Body } from '../support/http';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { freePort } from '../support/processes';

describe('npm start', { timeout: 360_000 }, () => {
  let database: TestDatabase | undefined;
  let standin: HaloStandin | undefined;
  let start: Child | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'halo-sync-start-'));
  const output: string[] = [];
  const banner = () => output.join('\n');
  let api = '';
  let apiKey = '';
  let ports: number[] = [];

  after(async () => {
    await start?.stop(10_000);
    await Promise.all([database?.drop(), standin?.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = apiCaller(
    () => api,
    () => apiKey,
  );

  const pidsOf = (name: string) =>
    output.flatMap((line) => {
      const pid = new RegExp(`^\\[start\\] ${name} running as pid (\\d+)$`).exec(line)?.[1];
      return pid ? [Number(pid)] : [];
    });

  it('brings the system up and prints where to look', async () => {
    database = await createTestDatabase();
    const [apiPort, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort()];
    ports = [apiPort, temporalPort, uiPort];
    start = startTsChild('start', 'scripts/start.ts', {
      env: {
        PATH: process.env['PATH'],
        HOME: process.env['HOME'],
        DATABASE_URL: database.url,
        DATA_DIR: dataDir,
        PORT: String(apiPort),
        TEMPORAL_DEV_PORT: String(temporalPort),
        TEMPORAL_DEV_UI_PORT: String(uiPort),
        // For the Halo stand-in on loopback, with no request budget to wait on, and a killed worker's pages
        // handed on after 3 s.
        ALLOW_PRIVATE_HALO_URLS: 'true',
        HALO_BUDGET_REQUESTS: '100000',
        HALO_BUDGET_WINDOW_SECONDS: '1',
        SYNC_HEARTBEAT_SECONDS: '3',
      },
      output: (line) => output.push(line),
    });
    await waitFor('the banner', async () => banner().includes('Press Ctrl-C to stop.'), 120_000).catch(
      (error) => {
        throw new Error(`${String(error)}\n${banner()}`);
      },
    );

    api = `http://127.0.0.1:${apiPort}`;
    apiKey = /API key\s+(hak_\S+)/.exec(banner())?.[1] ?? '';
    assert.ok(apiKey, banner());
    assert.match(banner(), new RegExp(`Temporal UI\\s+http://127\\.0\\.0\\.1:${uiPort}`));
    assert.ok(banner().includes(`${api}/#key=${apiKey}`), 'the sign-in link');

    const ready = await fetch(`${api}/readyz`);
    assert.deepEqual(await ready.json(), { status: 'ready', checks: { database: 'ok', temporal: 'ok' } });
    assert.equal((await call('GET', '/v1/integrations')).status, 200);
    const page = await fetch(`${api}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.ok(await portOpen('127.0.0.1', uiPort), 'the Temporal Web UI');
  });

  it('starts the worker again when it is killed mid-sync; the API stays up and the sync completes', async () => {
    assert.ok(database && apiKey, 'the system is up');
    standin = await startHaloStandin({ seed: 7, customers: 50, assets: 1500, licences: 80 });
    standin.faults.latencyMs = 80;
    const saved = await call('POST', '/v1/integrations/halo', { body: standin.settings });
    assert.equal(saved.status, 202, JSON.stringify(saved.body));
    const syncId = saved.body['sync'].id as string;
    await waitFor(
      'a few pages',
      async () => (await call('GET', `/v1/syncs/${syncId}`)).body['progress'].pagesDone >= 4,
      60_000,
    );

    const [worker] = pidsOf('worker');
    const [apiPid] = pidsOf('api');
    assert.ok(worker && apiPid, banner());
    process.kill(worker, 'SIGKILL');
    await waitFor('the worker to be started again', async () => pidsOf('worker').length === 2, 30_000);
    assert.match(
      banner(),
      /\[start\] worker was killed by SIGKILL after \d+\.\d s; starting it again in 1\.0 s/,
    );
    // The API answered throughout and is the same process.
    assert.equal((await call('GET', `/v1/syncs/${syncId}`)).status, 200);
    assert.deepEqual(pidsOf('api'), [apiPid]);

    const sync: Body = await syncEnded(call, syncId, 180_000);
    standin.faults.latencyMs = 0;
    assert.equal(sync['status'], 'completed', sync['error']);
    assert.deepEqual(sync['counts'].assets, {
      seen: 1500,
      created: 1500,
      updated: 0,
      unchanged: 0,
      deleted: 0,
    });
    await assertMatchesStandin(database.sql, saved.body['integration'].id as string, standin);
    assert.equal(start?.process.exitCode, null, 'npm start is still running');
  });

  it('starts the Temporal dev server again when it dies, on the same runs and schedules', async () => {
    const integrations = (await call('GET', '/v1/integrations')).body['items'] as { id: string }[];
    assert.equal(integrations.length, 1);
    const [temporal] = pidsOf('temporal');
    assert.ok(temporal, banner());
    process.kill(temporal, 'SIGKILL');
    await waitFor('Temporal to be started again', async () => pidsOf('temporal').length === 2, 30_000);
    await waitFor('the API to be ready again', async () => (await fetch(`${api}/readyz`)).ok, 60_000);
    // The schedule lives in Temporal's SQLite file, so the restarted server still has it.
    const schedule = await call('GET', `/v1/integrations/${integrations[0]!.id}/schedule`);
    assert.equal(schedule.status, 200, JSON.stringify(schedule.body));
    assert.equal(start?.process.exitCode, null, 'npm start is still running');
  });

  it('stops everything on Ctrl-C', async () => {
    assert.ok(start, 'the system is up');
    start.process.kill('SIGINT');
    assert.equal(await start.exited, 0);
    for (const port of ports) {
      assert.equal(await portOpen('127.0.0.1', port), false, `port ${port} still open after Ctrl-C`);
    }
  });
});

describe('npm start with a child that cannot start', { timeout: 180_000 }, () => {
  let database: TestDatabase | undefined;
  let start: Child | undefined;
  let squatter: Server | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'halo-sync-start-'));

  after(async () => {
    await start?.stop(10_000);
    squatter?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stops everything and exits 1, saying why, when the API keeps failing as it starts', async () => {
    database = await createTestDatabase();
    const [apiPort, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort()];
    // Something else holds the API's port, so every API it starts exits at once.
    squatter = createServer();
    await new Promise<void>((resolve) => squatter!.listen(apiPort, '127.0.0.1', resolve));
    const output: string[] = [];
    start = startTsChild('start', 'scripts/start.ts', {
      env: {
        PATH: process.env['PATH'],
        HOME: process.env['HOME'],
        DATABASE_URL: database.url,
        DATA_DIR: dataDir,
        PORT: String(apiPort),
        TEMPORAL_DEV_PORT: String(temporalPort),
        TEMPORAL_DEV_UI_PORT: String(uiPort),
      },
      output: (line) => output.push(line),
    });
    assert.equal(await start.exited, 1, output.join('\n'));
    const text = output.join('\n');
    assert.equal(text.match(/^\[start\] api running as pid \d+$/gm)?.length, 3, text);
    assert.match(
      text,
      /\[start\] api exited with code 1 after \d+\.\d s: 3 failures in a row, each within 30 s of starting; giving up and stopping everything/,
    );
    assert.ok(!text.includes('Press Ctrl-C to stop.'), 'the banner promised a running system');
    for (const port of [temporalPort, uiPort]) {
      assert.equal(await portOpen('127.0.0.1', port), false, `port ${port} still open`);
    }
  });
});
