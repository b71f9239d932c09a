// The API process from its real entry point, started while Temporal (a port nothing listens on) or
// PostgreSQL (likewise; the shared server is never stopped) is down: it starts, says it is not ready within
// two seconds, and answers 503 with Retry-After within a few seconds instead of hanging or failing with 500.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { parseEnv } from '../../config/env';
import { httpOk, startTsChild, waitFor, type Child } from '../../scripts/children';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { freePort, processEnv } from '../support/processes';
import { seedIntegration } from '../support/seed';

async function startApi(vars: NodeJS.ProcessEnv): Promise<{ api: Child; base: string }> {
  const port = await freePort();
  const api = startTsChild('api', 'api/server.ts', {
    env: processEnv({ PORT: String(port), LOG_LEVEL: 'fatal', ...vars }),
    output: () => {},
  });
  const base = `http://127.0.0.1:${port}`;
  await waitFor('the API', () => httpOk(`${base}/healthz`), 60_000);
  return { api, base };
}

async function timedFetch(url: string, init: RequestInit = {}) {
  const startedAt = Date.now();
  const response = await fetch(url, init);
  const body = (await response.json()) as Record<string, any>;
  return { response, body, ms: Date.now() - startedAt };
}

describe('the API process while a dependency is down', { timeout: 120_000 }, () => {
  let database: TestDatabase;
  const children: Child[] = [];
  const encryptionKey = randomBytes(32).toString('hex');

  before(async () => {
    database = await createTestDatabase();
  });

  after(async () => {
    await Promise.all(children.map((c) => c.stop()));
    await database?.drop();
  });

  it('answers 503 temporal_unavailable within a few seconds when Temporal does not answer', async () => {
    const { api, base } = await startApi({
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
      ENCRYPTION_KEY: encryptionKey,
    });
    children.push(api);
    const config = { ...parseEnv({ DATABASE_URL: database.url }), ENCRYPTION_KEY: encryptionKey };
    const { account, integration } = await seedIntegration(database.db, {
      settings: {
        resourceServerUrl: 'https://acme.haloitsm.com/api',
        authServerUrl: 'https://acme.haloitsm.com/auth',
        tenant: 'acme',
        clientId: 'client',
        clientSecret: 'secret',
      },
      encryptionKey: config.ENCRYPTION_KEY,
    });

    const ready = await timedFetch(`${base}/readyz`);
    assert.ok(ready.ms < 2000, `readyz took ${ready.ms} ms`);
    assert.deepEqual(ready.body['checks'], { database: 'ok', temporal: 'unreachable' });

    const started = await timedFetch(`${base}/v1/integrations/${integration.id}/syncs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${account.apiKey}`, 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(started.response.status, 503);
    assert.ok(started.ms < 5000, `answered after ${started.ms} ms`);
    assert.equal(started.response.headers.get('retry-after'), '5');
    assert.equal(started.body['error'].code, 'temporal_unavailable');
    assert.equal(started.body['error'].saved, false);
  });

  it('answers 503 database_unavailable when PostgreSQL cannot be reached', async () => {
    const { api, base } = await startApi({
      DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/halo_sync`,
      TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}`,
      ENCRYPTION_KEY: encryptionKey,
    });
    children.push(api);
    const ready = await timedFetch(`${base}/readyz`);
    assert.ok(ready.ms < 2000, `readyz took ${ready.ms} ms`);
    assert.deepEqual(ready.body, {
      status: 'not_ready',
      checks: { database: 'unreachable', temporal: 'unreachable' },
    });

    const listed = await timedFetch(`${base}/v1/integrations`, {
      headers: { authorization: 'Bearer hak_x' },
    });
    assert.equal(listed.response.status, 503);
    assert.equal(listed.response.headers.get('retry-after'), '5');
    assert.equal(listed.body['error'].code, 'database_unavailable');
  });
});
