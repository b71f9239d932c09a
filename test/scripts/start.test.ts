// `npm start` as a person runs it (after setup): a Temporal dev server of its own, the worker, the API and the
// page come up, the banner says where to look, and Ctrl-C stops every process it started.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { portOpen, startTsChild, waitFor, type Child } from '../../scripts/children';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { freePort } from '../support/processes';

describe('npm start', { timeout: 180_000 }, () => {
  let database: TestDatabase | undefined;
  let start: Child | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'halo-sync-start-'));

  after(async () => {
    await start?.stop(10_000);
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('brings the system up, prints where to look, and stops everything on Ctrl-C', async () => {
    database = await createTestDatabase();
    const [apiPort, temporalPort, uiPort] = [await freePort(), await freePort(), await freePort()];
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
    const banner = () => output.join('\n');
    await waitFor('the banner', async () => banner().includes('Press Ctrl-C to stop.'), 120_000).catch(
      (error) => {
        throw new Error(`${String(error)}\n${banner()}`);
      },
    );

    const api = `http://127.0.0.1:${apiPort}`;
    const apiKey = /API key\s+(hak_\S+)/.exec(banner())?.[1];
    assert.ok(apiKey, banner());
    assert.match(banner(), new RegExp(`Temporal UI\\s+http://127\\.0\\.0\\.1:${uiPort}`));
    assert.ok(banner().includes(`${api}/#key=${apiKey}`), 'the sign-in link');

    const ready = await fetch(`${api}/readyz`);
    assert.deepEqual(await ready.json(), { status: 'ready', checks: { database: 'ok', temporal: 'ok' } });
    const listed = await fetch(`${api}/v1/integrations`, { headers: { authorization: `Bearer ${apiKey}` } });
    assert.equal(listed.status, 200);
    const page = await fetch(`${api}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.ok(await portOpen('127.0.0.1', uiPort), 'the Temporal Web UI');

    start.process.kill('SIGINT');
    assert.equal(await start.exited, 0);
    for (const port of [apiPort, temporalPort, uiPort]) {
      assert.equal(await portOpen('127.0.0.1', port), false, `port ${port} still open after Ctrl-C`);
    }
  });
});
