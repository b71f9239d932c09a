// The API process from its real entry point: JSON logs that carry request, account and integration ids and
// no secrets, metrics on their own port, and a SIGTERM that refuses new work but answers what is in flight.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createAccount } from '../../db/accounts-repository';
import { httpOk, startTsChild, waitFor, type Child } from '../../scripts/children';
import { startHaloStandin, type HaloStandin } from '../../standin';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { freePort, processEnv } from '../support/processes';

describe('the API process', { timeout: 90_000 }, () => {
  let database: TestDatabase;
  let standin: HaloStandin;
  let api: Child;
  let base: string;
  let metricsUrl: string;
  let apiKey: string;
  const logs: string[] = [];
  const wrongSecret = `wrong-${randomBytes(8).toString('hex')}`;

  before(async () => {
    [database, standin] = await Promise.all([
      createTestDatabase(),
      startHaloStandin({ customers: 1, assets: 1 }),
    ]);
    apiKey = (await createAccount(database.db, 'Ops')).apiKey;
    const [port, metricsPort] = [await freePort(), await freePort()];
    base = `http://127.0.0.1:${port}`;
    metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    api = startTsChild('api', 'api/server.ts', {
      env: processEnv({
        PORT: String(port),
        DATABASE_URL: database.url,
        // Never reached: nothing here starts a sync.
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        ENCRYPTION_KEY: randomBytes(32).toString('hex'),
        METRICS_PORT: String(metricsPort),
        API_SHUTDOWN_GRACE_SECONDS: '15',
        LOG_LEVEL: 'info',
      }),
      output: (line) => logs.push(line),
    });
    await waitFor('the API', () => httpOk(`${base}/healthz`), 60_000);
  });

  after(async () => {
    await api?.stop();
    await Promise.all([database?.drop(), standin?.close()]);
  });

  it('serves metrics on METRICS_PORT and not on its public port without a token', async () => {
    const response = await fetch(metricsUrl);
    assert.equal(response.status, 200);
    const text = await response.text();
    assert.match(text, /^halo_metrics_database_up 1$/m);
    assert.match(text, /^# TYPE halo_sync_duration_seconds histogram$/m);
    assert.equal((await fetch(`${base}/metrics`)).status, 404);
  });

  it('logs JSON lines with the request id, the account and the integration, and no secret', async () => {
    const integrationId = randomUUID();
    const response = await fetch(`${base}/v1/integrations/${integrationId}?token=${apiKey}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    assert.equal(response.status, 404);
    const requestId = response.headers.get('x-request-id');
    assert.ok(requestId);
    assert.equal(((await response.json()) as { requestId: string }).requestId, requestId);

    await waitFor(
      'the log line',
      async () => logs.some((l) => l.includes(requestId) && l.includes('completed')),
      5000,
    );
    const lines = logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const completed = lines.find((l) => l['requestId'] === requestId && l['msg'] === 'request completed');
    assert.ok(completed, logs.join('\n'));
    assert.equal(completed['integrationId'], integrationId);
    assert.match(String(completed['accountId']), /^[0-9a-f-]{36}$/);
    const text = logs.join('\n');
    assert.ok(!text.includes(apiKey), 'the API key, sent in a header and a query string, reached the log');
  });

  it('on SIGTERM refuses new requests, answers the one in flight, closes its pools and exits 0', async () => {
    // A save whose credential check waits on a slow Halo: in flight when the signal comes.
    standin.setFaults({ latencyMs: 1500, faultsOnToken: true });
    const tokenRequests = standin.stats.tokenRequests;
    const inFlight = fetch(`${base}/v1/integrations/halo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...standin.settings, clientSecret: wrongSecret }),
    });
    await waitFor(
      'the request to reach Halo',
      async () => standin.stats.tokenRequests > tokenRequests,
      10_000,
    );

    const signalledAt = Date.now();
    api.process.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const late = await fetch(`${base}/healthz`, { headers: { connection: 'close' } }).then(
      (r) => r.status,
      () => 0,
    );
    assert.notEqual(late, 200, 'a request after SIGTERM was accepted');

    const answered = await inFlight;
    assert.equal(answered.status, 422);
    assert.equal(((await answered.json()) as { error: { code: string } }).error.code, 'halo_auth_failed');
    assert.equal(await api.exited, 0);
    assert.ok(Date.now() - signalledAt < 15_000);

    const messages = logs.map((l) => (JSON.parse(l) as { msg: string }).msg);
    assert.ok(messages.includes('shutting down'));
    assert.equal(messages.at(-1), 'stopped');
    assert.ok(!logs.join('\n').includes(wrongSecret), 'the client secret reached the log');
  });
});
