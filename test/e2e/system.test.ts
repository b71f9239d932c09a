// The whole system as `npm start` runs it: the worker and API processes from their real entry points,
// a Temporal dev server, PostgreSQL, and the Halo stand-in, driven only through the HTTP API.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { waitFor, type Child } from '../../scripts/children';
import { apiCaller, syncEnded } from '../support/http';
import { freePort, processEnv, startServiceProcesses } from '../support/processes';
import { startHaloStandin, type HaloStandin } from '../../standin';
import { assertMatchesStandin } from '../support/compare';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { historyText, runHistories } from '../support/histories';
import { startTemporalDevServer } from '../support/temporal';
import { searchAttributes } from '../../config/temporal-identity';

const run = promisify(execFile);

describe('the system end to end', { timeout: 300_000 }, () => {
  let temporal: TestWorkflowEnvironment;
  let database: TestDatabase;
  let standin: HaloStandin;
  let env: NodeJS.ProcessEnv;
  let api: string;
  const children: Child[] = [];
  const logs: string[] = [];
  let key: string;
  let otherKey: string;
  let integrationId: string;

  const call = apiCaller(
    () => api,
    () => key,
  );

  async function createAccount(name: string): Promise<string> {
    const { stdout } = await run('npm', ['run', '--silent', 'account:create', '--', '--name', name], { env });
    const created = JSON.parse(stdout) as { accountId: string; apiKey: string };
    assert.match(created.accountId, /^[0-9a-f-]{36}$/);
    return created.apiKey;
  }

  before(async () => {
    [temporal, database, standin] = await Promise.all([
      startTemporalDevServer(),
      createTestDatabase(),
      startHaloStandin({ customers: 150, assets: 2500, licences: 300 }),
    ]);
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    env = processEnv({
      PORT: String(port),
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: `e2e-${randomUUID()}`,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SYNC_MAX_PAGES_PER_RUN: '6',
      LOG_LEVEL: 'info',
    });
    [key, otherKey] = [await createAccount('E2E MSP'), await createAccount('Someone else')];
    const output = (line: string) => logs.push(line);
    children.push(...(await startServiceProcesses(env, api, output)));
  });

  after(async () => {
    await Promise.all(children.map((c) => c.stop()));
    await Promise.all([temporal?.teardown(), database?.drop(), standin?.close()]);
  });

  it('answers health checks without a key and refuses everything else without one', async () => {
    assert.equal((await call('GET', '/healthz', { key: null })).status, 200);
    const ready = await call('GET', '/readyz', { key: null });
    assert.deepEqual(ready.body, { status: 'ready', checks: { database: 'ok', temporal: 'ok' } });
    const refused = await call('GET', '/v1/integrations', { key: null });
    assert.equal(refused.status, 401);
    assert.equal(refused.body['error'].code, 'unauthorized');
    assert.equal((await call('GET', '/v1/integrations', { key: 'hak_wrong' })).status, 401);
  });

  it('answers 400 naming the field for malformed bodies, and stores nothing', async () => {
    const bad = await call('POST', '/v1/integrations/halo', { raw: '{"resourceServerUrl": ' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body['error'].code, 'invalid_request');

    const missing = await call('POST', '/v1/integrations/halo', {
      body: { ...standin.settings, clientSecret: undefined },
    });
    assert.equal(missing.status, 400);
    assert.ok('clientSecret' in missing.body['error'].fields, JSON.stringify(missing.body));

    const wrongType = await call('POST', '/v1/integrations/halo', {
      body: { ...standin.settings, tenant: 12 },
    });
    assert.equal(wrongType.status, 400);
    assert.ok('tenant' in wrongType.body['error'].fields);

    const notUrl = await call('POST', '/v1/integrations/halo', {
      body: { ...standin.settings, authServerUrl: 'acme auth' },
    });
    assert.equal(notUrl.status, 400);
    assert.ok('authServerUrl' in notUrl.body['error'].fields);

    const count =
      await database.sql`select (select count(*) from integrations)::int as i, (select count(*) from sync_runs)::int as s`;
    assert.deepEqual(count[0], { i: 0, s: 0 });
  });

  it('answers 422 when Halo refuses the credentials, storing nothing and starting nothing', async () => {
    const refused = await call('POST', '/v1/integrations/halo', {
      body: { ...standin.settings, clientSecret: 'a-wrong-secret-value' },
    });
    assert.equal(refused.status, 422);
    assert.equal(refused.body['error'].code, 'halo_auth_failed');
    assert.match(refused.body['error'].message, /invalid_client/);
    assert.ok(!JSON.stringify(refused.body).includes('a-wrong-secret-value'));
    const count =
      await database.sql`select (select count(*) from integrations)::int as i, (select count(*) from sync_runs)::int as s`;
    assert.deepEqual(count[0], { i: 0, s: 0 });
  });

  it('answers 502 when the Halo URL does not answer', async () => {
    const port = await freePort();
    const response = await call('POST', '/v1/integrations/halo', {
      body: { ...standin.settings, authServerUrl: `http://127.0.0.1:${port}/auth` },
    });
    assert.equal(response.status, 502);
    assert.equal(response.body['error'].code, 'halo_unreachable');
  });

  it('saves the five values, syncs the whole tenant through Temporal, and lists it', async () => {
    const saved = await call('POST', '/v1/integrations/halo', {
      body: { ...standin.settings, resourceServerUrl: ` ${standin.settings.resourceServerUrl}/ ` },
    });
    assert.equal(saved.status, 202, JSON.stringify(saved.body));
    const { integration, sync } = saved.body as {
      integration: Record<string, any>;
      sync: Record<string, any>;
    };
    integrationId = integration['id'];
    assert.equal(integration['resourceServerUrl'], standin.settings.resourceServerUrl);
    assert.equal(integration['clientSecretSet'], true);
    assert.ok(!JSON.stringify(saved.body).includes(standin.settings.clientSecret));
    assert.equal(sync['kind'], 'full');
    assert.equal(sync['status'], 'running');
    assert.match(sync['temporalUiUrl'], /\/namespaces\/default\/workflows\/halo-sync-/);

    let final: Record<string, any> = sync;
    const phases = new Set<string>();
    await waitFor(
      'the sync to finish',
      async () => {
        final = (await call('GET', `/v1/syncs/${sync['id']}`)).body;
        phases.add(final['progress'].phase);
        return final['status'] !== 'running';
      },
      120_000,
    );
    assert.equal(final['status'], 'completed', final['error']);
    assert.deepEqual(final['counts'], {
      assets: { seen: 2500, created: 2500, updated: 0, unchanged: 0, deleted: 0 },
      software: { seen: 300, created: 300, updated: 0, unchanged: 0, deleted: 0 },
      customers: { seen: 150, created: 150, updated: 0, unchanged: 0, deleted: 0 },
    });
    assert.deepEqual(final['progress'], { phase: 'completed', pagesDone: 30, pagesTotal: 30 });
    assert.ok(final['finishedAt']);
    // The run can be found in the Temporal UI by integration, account and kind, and reads as a sentence.
    const described = await temporal.client.workflow.getHandle(sync['workflowId']).describe();
    assert.equal(described.typedSearchAttributes.get(searchAttributes.integrationId), integration['id']);
    assert.equal(described.typedSearchAttributes.get(searchAttributes.syncKind), 'full');
    assert.ok(described.typedSearchAttributes.get(searchAttributes.accountId));
    assert.equal(described.memo?.['tenant'], standin.settings.tenant);
    await assertMatchesStandin(database.sql, integration['id'], standin);

    // Every hardware asset comes back through the API, page by page.
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: Record<string, any> } = await call(
        'GET',
        `/v1/assets?kind=hardware&limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...(page.body['items'] as { haloId: number }[]).map((i) => i.haloId));
      cursor = page.body['nextCursor'];
    } while (cursor);
    assert.deepEqual(
      seen,
      standin.data.assets.map((a) => a.id),
    );

    const software = await call(
      'GET',
      `/v1/assets?kind=software&limit=500&integrationId=${integration['id']}`,
    );
    assert.equal(software.body['items'].length, 300);
    const customers = await call('GET', '/v1/customers?limit=500');
    assert.equal(customers.body['items'].length, 150);

    const sample = standin.data.assets[7]!;
    const one = await call('GET', `/v1/assets/hardware/${sample.id}`);
    assert.equal(one.status, 200);
    assert.deepEqual(one.body['raw'], JSON.parse(JSON.stringify(sample)));
    const customerId = standin.data.assets.find((a) => Number(a['client_id']) > 0)!['client_id'] as number;
    const filtered = await call('GET', `/v1/assets?customerId=${customerId}&limit=500`);
    const expected = standin.data.assets.filter((a) => a['client_id'] === customerId).map((a) => a.id);
    assert.deepEqual(
      filtered.body['items'].map((i: { haloId: number }) => i.haloId),
      expected,
    );
    const q = String(sample['key_field']);
    const searched = await call('GET', `/v1/assets?q=${encodeURIComponent(q)}`);
    assert.ok(searched.body['items'].some((i: { haloId: number }) => i.haloId === sample.id));

    // Another account sees none of it.
    assert.equal((await call('GET', `/v1/syncs/${sync['id']}`, { key: otherKey })).status, 404);
    assert.equal((await call('GET', `/v1/integrations/${integration['id']}`, { key: otherKey })).status, 404);
    assert.equal(
      (await call('GET', `/v1/assets?integrationId=${integration['id']}`, { key: otherKey })).status,
      404,
    );
    assert.deepEqual((await call('GET', '/v1/assets', { key: otherKey })).body, {
      items: [],
      nextCursor: null,
    });

    // Nothing secret in Temporal's histories or in what the processes logged.
    const histories = await runHistories(
      temporal.client,
      sync['workflowId'],
      final['temporalUiUrl'].split('/').at(-2),
    );
    assert.ok(histories.length > 1);
    const secrets = [standin.settings.clientSecret, env['ENCRYPTION_KEY']!, ...standin.issuedTokens()];
    for (const text of [...histories.map(historyText), logs.join('\n')]) {
      for (const secret of secrets) assert.ok(!text.includes(secret), 'a secret was found');
    }
  });
  const waitForEnd = (syncId: string) => syncEnded(call, syncId);

  it('starts a manual sync, answers 409 while one runs, and lists runs newest first', async () => {
    standin.faults.latencyMs = 50;
    const started = await call('POST', `/v1/integrations/${integrationId}/syncs`, {
      body: { kind: 'incremental' },
    });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    assert.equal(started.body['kind'], 'incremental');
    const again = await call('POST', `/v1/integrations/${integrationId}/syncs`, { body: { kind: 'full' } });
    assert.equal(again.status, 409);
    assert.equal(again.body['error'].code, 'sync_in_progress');
    assert.equal(again.body['error'].sync.id, started.body['id']);
    standin.faults.latencyMs = 0;
    const ended = await waitForEnd(started.body['id']);
    assert.equal(ended['status'], 'completed', ended['error']);
    assert.equal(ended['counts'].assets.created + ended['counts'].assets.updated, 0);

    const bad = await call('POST', `/v1/integrations/${integrationId}/syncs`, {
      body: { kind: 'everything' },
    });
    assert.equal(bad.status, 400);
    assert.ok('kind' in bad.body['error'].fields);

    const first = await call('GET', `/v1/integrations/${integrationId}/syncs?limit=1`);
    assert.equal(first.body['items'].length, 1);
    assert.equal(first.body['items'][0].id, started.body['id']);
    const second = await call(
      'GET',
      `/v1/integrations/${integrationId}/syncs?limit=1&cursor=${first.body['nextCursor']}`,
    );
    assert.equal(second.body['items'][0].kind, 'full');
    assert.equal(second.body['nextCursor'], null);
    assert.equal(
      (await call('GET', `/v1/integrations/${integrationId}/syncs`, { key: otherKey })).status,
      404,
    );
  });

  it('reads and changes the schedule in place', async () => {
    const initial = await call('GET', `/v1/integrations/${integrationId}/schedule`);
    assert.deepEqual(initial.body, { incrementalEveryMinutes: 60, fullEveryHours: 24, paused: false });
    const created = (
      await temporal.client.schedule.getHandle(`halo-sync-schedule-${integrationId}`).describe()
    ).info.createdAt;
    const changed = await call('PUT', `/v1/integrations/${integrationId}/schedule`, {
      body: { incrementalEveryMinutes: 30, paused: true },
    });
    assert.deepEqual(changed.body, { incrementalEveryMinutes: 30, fullEveryHours: 24, paused: true });
    const described = await temporal.client.schedule
      .getHandle(`halo-sync-schedule-${integrationId}`)
      .describe();
    assert.equal(described.state.paused, true);
    assert.deepEqual(described.info.createdAt, created, 'the schedule was updated, not recreated');
    const invalid = await call('PUT', `/v1/integrations/${integrationId}/schedule`, {
      body: { incrementalEveryMinutes: 1 },
    });
    assert.equal(invalid.status, 400);
  });

  it('keeps the working values when a PUT is refused by Halo, and resyncs on a good one', async () => {
    const before = (await call('GET', `/v1/integrations/${integrationId}`)).body;
    assert.equal(before['clientSecretSet'], true);
    assert.equal(before['clientSecretLast4'], standin.settings.clientSecret.slice(-4));
    assert.ok(!JSON.stringify(before).includes(standin.settings.clientSecret));

    const refused = await call('PUT', `/v1/integrations/${integrationId}`, {
      body: { clientSecret: 'another-wrong-secret' },
    });
    assert.equal(refused.status, 422);
    assert.deepEqual((await call('GET', `/v1/integrations/${integrationId}`)).body, before);

    const accepted = await call('PUT', `/v1/integrations/${integrationId}`, {
      body: { authServerUrl: `${standin.settings.authServerUrl}/` },
    });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    assert.equal(accepted.body['sync'].kind, 'full');
    const ended = await waitForEnd(accepted.body['sync'].id);
    assert.equal(ended['status'], 'completed', ended['error']);
  });

  it('cancels a running sync through the API', async () => {
    standin.faults.latencyMs = 300;
    const started = await call('POST', `/v1/integrations/${integrationId}/syncs`, { body: { kind: 'full' } });
    assert.equal(started.status, 202);
    await waitFor(
      'a few pages',
      async () => (await call('GET', `/v1/syncs/${started.body['id']}`)).body['progress'].pagesDone >= 3,
      30_000,
    );
    const cancel = await call('POST', `/v1/syncs/${started.body['id']}/cancel`);
    assert.equal(cancel.status, 202);
    const ended = await waitForEnd(started.body['id']);
    standin.faults.latencyMs = 0;
    assert.equal(ended['status'], 'cancelled');
    assert.equal(ended['counts'].assets.deleted, 0);
    assert.equal((await call('POST', `/v1/syncs/${started.body['id']}/cancel`)).status, 409);
  });

  it('deletes an integration with its schedule and all it synced', async () => {
    assert.equal((await call('DELETE', `/v1/integrations/${integrationId}`, { key: otherKey })).status, 404);
    const deleted = await call('DELETE', `/v1/integrations/${integrationId}`);
    assert.equal(deleted.status, 204);
    assert.equal((await call('GET', `/v1/integrations/${integrationId}`)).status, 404);
    const left = await database.sql`select
      (select count(*) from hardware_assets where integration_id = ${integrationId})::int as h,
      (select count(*) from software_assets where integration_id = ${integrationId})::int as s,
      (select count(*) from customers where integration_id = ${integrationId})::int as c,
      (select count(*) from sync_runs where integration_id = ${integrationId})::int as r`;
    assert.deepEqual(left[0], { h: 0, s: 0, c: 0, r: 0 });
    await assert.rejects(
      temporal.client.schedule.getHandle(`halo-sync-schedule-${integrationId}`).describe(),
    );
  });
});
