// The image's programs as built: `npm run build` compiles the service to plain JavaScript in dist/, and the
// compiled migrations, API and worker, started by bare `node` with no TypeScript loader, save an integration
// and sync a tenant end to end.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { projectRoot } from '../../config/env';
import { createAccount } from '../../db/accounts-repository';
import { httpOk, startChild, waitFor, workerNodeFlags, type Child } from '../../scripts/children';
import { entryPoints, workflowBundleFile } from '../../scripts/entry-points';
import { startHaloStandin, type HaloStandin } from '../../standin';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { freePort, processEnv } from '../support/processes';
import { startTemporalDevServer } from '../support/temporal';

const run = promisify(execFile);

describe('the compiled build', { timeout: 240_000 }, () => {
  let temporal: TestWorkflowEnvironment;
  let database: TestDatabase;
  let standin: HaloStandin;
  const children: Child[] = [];
  const logs: string[] = [];

  before(async () => {
    [temporal, database, standin] = await Promise.all([
      startTemporalDevServer(),
      createTestDatabase(),
      startHaloStandin({ customers: 10, assets: 300, licences: 20 }),
      run('npm', ['run', '--silent', 'build'], { cwd: projectRoot }),
    ]);
  });

  after(async () => {
    await Promise.all(children.map((c) => c.stop()));
    await Promise.all([temporal?.teardown(), database?.drop(), standin?.close()]);
  });

  it('writes one JavaScript file per program and the workflow bundle', () => {
    for (const name of [...Object.keys(entryPoints).map((n) => `${n}.js`), workflowBundleFile]) {
      assert.ok(existsSync(join(projectRoot, 'dist', name)), `dist/${name}`);
    }
  });

  it('runs with plain node: migrations, then an API and a worker that sync a tenant', async () => {
    const port = await freePort();
    const env = processEnv({
      PORT: String(port),
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: `build-${randomUUID()}`,
      ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      WORKFLOW_BUNDLE_PATH: join(projectRoot, 'dist', workflowBundleFile),
      LOG_LEVEL: 'warn',
    });
    const output = (line: string) => logs.push(line);
    const node = (name: string, flags: readonly string[] = []) =>
      startChild(name, process.execPath, ['--enable-source-maps', ...flags, `dist/${name}.js`], {
        env,
        output,
      });

    const migrate = node('migrate');
    assert.equal(await migrate.exited, 0, logs.join('\n'));
    children.push(node('worker', workerNodeFlags), node('api'));
    const api = `http://127.0.0.1:${port}`;
    await waitFor('the compiled API', () => httpOk(`${api}/readyz`), 60_000);

    const { apiKey } = await createAccount(database.db, 'Compiled MSP');
    const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    const saved = await fetch(`${api}/v1/integrations/halo`, {
      method: 'POST',
      headers,
      body: JSON.stringify(standin.settings),
    });
    const body = (await saved.json()) as { sync: { id: string } };
    assert.equal(saved.status, 202, JSON.stringify(body));
    let status = 'running';
    await waitFor(
      'the sync to end',
      async () => {
        const sync = (await (await fetch(`${api}/v1/syncs/${body.sync.id}`, { headers })).json()) as {
          status: string;
        };
        status = sync.status;
        return status !== 'running';
      },
      120_000,
    );
    assert.equal(status, 'completed', logs.join('\n'));
    const [row] = await database.sql`select count(*)::int as n from hardware_assets`;
    assert.equal(row!['n'], 300);
    assert.ok(!logs.some((line) => /tsx|esbuild/.test(line)), 'no TypeScript tooling ran');
  });
});
