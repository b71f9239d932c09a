// With Temporal or PostgreSQL down, the API answers 503 within seconds, names the dependency, asks the caller
// to come back (Retry-After) and says whether the request changed anything; the database shows it did exactly
// that. Temporal is "down" as a port nothing listens on; PostgreSQL as a closed port for its own app (the
// shared server is never stopped).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../api/app';
import { apiTemporalInterceptors } from '../../api/unreachable';
import { createDatabase, type DatabaseHandle } from '../../db/client';
import { parseEncryptionKey } from '../../db/crypto';
import { loadIntegrationWithSecret } from '../../db/integrations-repository';
import { startHaloStandin, type HaloStandin } from '../../standin';
import { buildOfflineApp } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { freePort } from '../support/processes';
import { testConfig } from '../support/system';
import { seedIntegration } from '../support/seed';

/** Well inside "a few seconds", and far below the 18–37 s an unbounded Temporal call took. */
const promptMs = 5000;

describe('the API while a dependency is down', { timeout: 120_000 }, () => {
  const config = testConfig();
  let database: TestDatabase;
  let standin: HaloStandin;
  let offline: Awaited<ReturnType<typeof buildOfflineApp>>;
  let app: FastifyInstance;

  before(async () => {
    [database, standin] = await Promise.all([
      createTestDatabase(),
      startHaloStandin({ customers: 1, assets: 1, licences: 1 }),
    ]);
    offline = await buildOfflineApp(database, config);
    app = offline.app;
  });

  after(async () => {
    await offline?.close();
    await Promise.all([database?.drop(), standin?.close()]);
  });

  async function timed(request: InjectOptions) {
    const startedAt = Date.now();
    const response = await app.inject(request);
    return { response, ms: Date.now() - startedAt };
  }

  function assertOutage(
    answer: { response: LightMyRequestResponse; ms: number },
    code: string,
    saved: boolean,
  ) {
    const { response, ms } = answer;
    assert.equal(response.statusCode, 503, response.body);
    assert.ok(ms < promptMs, `answered after ${ms} ms`);
    assert.equal(response.headers['retry-after'], '5');
    const { error } = response.json<{ error: { code: string; saved: boolean; message: string } }>();
    assert.equal(error.code, code);
    assert.equal(error.saved, saved);
    return error.message;
  }

  it('answers /readyz within two seconds, saying Temporal is unreachable', async () => {
    const answer = await timed({ method: 'GET', url: '/readyz' });
    assert.ok(answer.ms < 2000, `answered after ${answer.ms} ms`);
    assert.equal(answer.response.statusCode, 503);
    assert.deepEqual(answer.response.json(), {
      status: 'not_ready',
      checks: { database: 'ok', temporal: 'unreachable' },
    });
  });

  it('saves nothing on Save, and says so', async () => {
    const { account } = await seedIntegration(database.db, {
      settings: standin.settings,
      encryptionKey: config.ENCRYPTION_KEY,
    });
    const before = await database.sql`select count(*)::int as n from integrations`;
    const message = assertOutage(
      await timed({
        method: 'POST',
        url: '/v1/integrations/halo',
        headers: { authorization: `Bearer ${account.apiKey}` },
        payload: standin.settings,
      }),
      'temporal_unavailable',
      false,
    );
    assert.match(message, /Temporal is not reachable\. Nothing was saved/);
    assert.deepEqual(await database.sql`select count(*)::int as n from integrations`, before);
  });

  it('keeps the new settings of a PUT, says they were saved and that no sync started', async () => {
    const { account, integration } = await seedIntegration(database.db, {
      settings: {
        ...standin.settings,
        clientSecret: 'the-old-secret-0000',
      },
      encryptionKey: config.ENCRYPTION_KEY,
    });
    const message = assertOutage(
      await timed({
        method: 'PUT',
        url: `/v1/integrations/${integration.id}`,
        headers: { authorization: `Bearer ${account.apiKey}` },
        payload: { clientSecret: standin.settings.clientSecret },
      }),
      'temporal_unavailable',
      true,
    );
    assert.match(message, /new settings were saved, but the sync did not start/);
    const stored = await loadIntegrationWithSecret(database.db, integration.id);
    assert.equal(stored?.clientSecretLast4, standin.settings.clientSecret.slice(-4));
    const runs =
      await database.sql`select status, error from sync_runs where integration_id = ${integration.id}`;
    assert.deepEqual(
      runs.map((r) => String(r['status'])),
      ['failed'],
      'no run is left "running" for a sync that never started',
    );
  });

  it('starts no sync, changes no schedule and deletes nothing, saying so', async () => {
    const { account, integration } = await seedIntegration(database.db, {
      settings: standin.settings,
      encryptionKey: config.ENCRYPTION_KEY,
    });
    const headers = { authorization: `Bearer ${account.apiKey}` };
    const url = `/v1/integrations/${integration.id}`;

    const started = await timed({ method: 'POST', url: `${url}/syncs`, headers, payload: {} });
    assert.match(assertOutage(started, 'temporal_unavailable', false), /The sync did not start/);
    assertOutage(
      await timed({ method: 'GET', url: `${url}/schedule`, headers }),
      'temporal_unavailable',
      false,
    );
    const schedule = await timed({
      method: 'PUT',
      url: `${url}/schedule`,
      headers,
      payload: { paused: true },
    });
    assert.match(assertOutage(schedule, 'temporal_unavailable', false), /schedule was not changed/);
    const deleted = await timed({ method: 'DELETE', url, headers });
    assert.match(assertOutage(deleted, 'temporal_unavailable', false), /Nothing was deleted/);
    assert.ok(await loadIntegrationWithSecret(database.db, integration.id), 'the integration is still there');
  });
});

describe('the API while PostgreSQL is unreachable', { timeout: 60_000 }, () => {
  let handle: DatabaseHandle;
  let app: FastifyInstance;
  let connection: Connection;

  before(async () => {
    const config = testConfig();
    handle = createDatabase(`postgres://postgres@127.0.0.1:${await freePort()}/nowhere`, { max: 2 });
    connection = Connection.lazy({ address: '127.0.0.1:1', interceptors: apiTemporalInterceptors });
    app = await buildApp({
      config,
      db: handle.db,
      temporal: new Client({ connection }),
      encryptionKey: parseEncryptionKey(config.ENCRYPTION_KEY),
    });
  });

  after(async () => {
    await app?.close();
    await connection?.close();
    await handle?.close();
  });

  it('answers 503 database_unavailable with Retry-After, not 500', async () => {
    const startedAt = Date.now();
    const response = await app.inject({
      method: 'GET',
      url: '/v1/integrations',
      headers: { authorization: 'Bearer hak_anything' },
    });
    assert.ok(Date.now() - startedAt < promptMs);
    assert.equal(response.statusCode, 503, response.body);
    assert.equal(response.headers['retry-after'], '5');
    const { error } = response.json<{ error: { code: string; saved: boolean; message: string } }>();
    assert.equal(error.code, 'database_unavailable');
    assert.equal(error.saved, false);
    assert.match(error.message, /The database is not reachable/);
  });

  it('answers /readyz within two seconds, saying the database is unreachable', async () => {
    const startedAt = Date.now();
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    assert.ok(Date.now() - startedAt < 2000);
    assert.equal(response.statusCode, 503);
    assert.deepEqual(response.json(), {
      status: 'not_ready',
      checks: { database: 'unreachable', temporal: 'unreachable' },
    });
  });
});
