// After a real sync (worker process from its entry point, Halo stand-in answering some requests 429), the
// API's /metrics counts the sync and its records from PostgreSQL, the worker's own listener counts its Halo
// traffic, and Temporal's exporter reports the worker; each only to whoever may see it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import { parseEncryptionKey } from '../../db/crypto';
import { startTsChild, waitFor, type Child } from '../../scripts/children';
import { startHaloStandin, type HaloStandin } from '../../standin';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { testConfig } from '../support/system';
import { seedIntegration } from '../support/seed';
import { startTemporalDevServer } from '../support/temporal';
import { freePort, unlessExited, processEnv } from '../support/processes';

/** Prometheus text as `name{labels}` → value; HELP and TYPE lines under their own keys. */
function parseMetrics(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const typed = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (typed) values.set(`TYPE ${typed[1]} ${typed[2]}`, 1);
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}

const sizes = { customers: 60, assets: 450, licences: 60 };

describe('metrics after a sync', { timeout: 180_000 }, () => {
  let temporal: TestWorkflowEnvironment;
  let database: TestDatabase;
  let standin: HaloStandin;
  let app: FastifyInstance;
  let worker: Child;
  const logs: string[] = [];
  const token = randomBytes(24).toString('hex');
  let workerHttp: string;
  let temporalMetrics: string;

  before(async () => {
    [temporal, database, standin] = await Promise.all([
      startTemporalDevServer(),
      createTestDatabase(),
      startHaloStandin(sizes),
    ]);
    const config = testConfig({ METRICS_TOKEN: token, API_RATE_LIMIT_PER_MINUTE: '100000' });
    app = await buildApp({
      config,
      db: database.db,
      temporal: temporal.client,
      encryptionKey: parseEncryptionKey(config.ENCRYPTION_KEY),
    });
    const [httpPort, metricsPort] = [await freePort(), await freePort()];
    workerHttp = `http://127.0.0.1:${httpPort}`;
    temporalMetrics = `http://127.0.0.1:${metricsPort}/metrics`;
    worker = startTsChild('worker', 'worker/main.ts', {
      env: processEnv({
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
        ENCRYPTION_KEY: config.ENCRYPTION_KEY,
        WORKER_HTTP_PORT: String(httpPort),
        TEMPORAL_METRICS_PORT: String(metricsPort),
        METRICS_TOKEN: token,
        LOG_LEVEL: 'warn',
      }),
      output: (line) => logs.push(line),
    });
    const healthy = async () => (await fetch(`${workerHttp}/healthz`).catch(() => null))?.ok ?? false;
    await unlessExited(worker, waitFor('the worker', healthy, 60_000));

    // Halo's limiter, tighter than the budget we give the worker: some requests are answered 429.
    standin.setFaults({ rateLimit: { requests: 3, windowMs: 1000 } });
    const { account, integration } = await seedIntegration(database.db, {
      settings: standin.settings,
      encryptionKey: config.ENCRYPTION_KEY,
    });
    const started = await app.inject({
      method: 'POST',
      url: `/v1/integrations/${integration.id}/syncs`,
      headers: { authorization: `Bearer ${account.apiKey}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ kind: 'full' }),
    });
    assert.equal(started.statusCode, 202, started.body);
    const status = async () =>
      (await database.sql<{ status: string }[]>`select status from sync_runs`)[0]?.status;
    await unlessExited(
      worker,
      waitFor('the sync to finish', async () => (await status()) !== 'running', 120_000),
    );
    const [run] = await database.sql<
      { status: string; error: string | null }[]
    >`select status, error from sync_runs`;
    assert.equal(run?.status, 'completed', `${run?.error}\n${logs.join('\n')}`);
  });

  after(async () => {
    await worker?.stop();
    await app?.close();
    await Promise.all([temporal?.teardown(), database?.drop(), standin?.close()]);
  });

  it('API: counts syncs, their duration and records by kind and outcome from the database', async () => {
    const refused = await app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.json().error.code, 'unauthorized');
    assert.equal(
      (await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}x` } }))
        .statusCode,
      401,
    );

    const response = await app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(response.statusCode, 200);
    assert.match(response.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/);
    const m = parseMetrics(response.body);
    const full = 'kind="full"';
    const done = `${full},status="completed"`;
    assert.equal(m.get('halo_metrics_database_up'), 1);
    assert.equal(m.get(`halo_syncs_started_total{${full}}`), 1);
    assert.equal(m.get(`halo_syncs_finished_total{${done}}`), 1);
    assert.equal(m.get(`halo_syncs_running{${full}}`), 0);
    assert.equal(m.get('TYPE halo_sync_duration_seconds histogram'), 1);
    assert.equal(m.get(`halo_sync_duration_seconds_count{${done}}`), 1);
    assert.equal(m.get(`halo_sync_duration_seconds_bucket{${done},le="+Inf"}`), 1);
    assert.ok(m.get(`halo_sync_duration_seconds_sum{${done}}`)! > 0);
    const created = (kind: string) =>
      m.get(`halo_sync_records_total{record_kind="${kind}",outcome="created"}`);
    assert.equal(created('assets'), sizes.assets);
    assert.equal(created('software'), sizes.licences);
    assert.equal(created('customers'), sizes.customers);
    for (const outcome of ['updated', 'unchanged', 'deleted']) {
      assert.equal(m.get(`halo_sync_records_total{record_kind="assets",outcome="${outcome}"}`), 0);
    }
    assert.ok(m.get('halo_rate_limited_recorded_total')! >= 1, 'the 429s every worker recorded');
    assert.equal(m.get('halo_integrations'), 1);
    assert.equal(
      m.get('halo_api_requests_total{method="POST",route="/v1/integrations/:id/syncs",status="202"}'),
      1,
    );
    assert.ok(m.has('process_cpu_user_seconds_total'));
  });

  it('API: GET /metrics does not exist on the public port unless a token is configured', async () => {
    const config = testConfig();
    const open = await buildApp({
      config,
      db: database.db,
      temporal: temporal.client,
      encryptionKey: parseEncryptionKey(config.ENCRYPTION_KEY),
    });
    try {
      const response = await open.inject({ method: 'GET', url: '/metrics' });
      assert.equal(response.statusCode, 404);
      assert.equal(response.json().error.code, 'not_found');
    } finally {
      await open.close();
    }
  });

  it('worker: its own listener reports health and its Halo traffic, 429s and budget waits', async () => {
    assert.equal((await fetch(`${workerHttp}/healthz`)).status, 200);
    const ready = await fetch(`${workerHttp}/readyz`);
    assert.deepEqual(await ready.json(), { status: 'ready', checks: { worker: 'RUNNING', database: 'ok' } });
    assert.equal((await fetch(`${workerHttp}/metrics`)).status, 401);
    const response = await fetch(`${workerHttp}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200);
    const m = parseMetrics(await response.text());
    const pages =
      Math.ceil(sizes.assets / 100) + Math.ceil(sizes.licences / 100) + Math.ceil(sizes.customers / 100);
    assert.ok(
      m.get('halo_requests_started_total')! >= pages,
      `${m.get('halo_requests_started_total')} requests`,
    );
    assert.ok(m.get('halo_rate_limited_total')! >= 1, 'the stand-in answered some requests 429');
    assert.ok(m.get('halo_budget_waits_total')! >= 1);
    assert.ok(m.get('halo_budget_wait_seconds_total')! > 0);
    assert.equal(m.get('TYPE halo_requests_total counter'), 1);
    assert.ok(m.has('nodejs_heap_size_used_bytes'));
  });

  it("worker: Temporal's exporter reports task slots and activity latencies", async () => {
    const text = await (await fetch(temporalMetrics)).text();
    assert.match(text, /^temporal_worker_task_slots_available\{/m);
    assert.match(text, /^temporal_activity_execution_latency\w*\{/m);
    assert.match(text, /activity_type="syncPage"/);
  });
});
