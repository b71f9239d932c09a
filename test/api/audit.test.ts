// The audit log through the real system (Temporal dev server, a worker, the Halo stand-in, the API in
// process): every change to sync settings is written with who, what and from where; field names are
// recorded and secret values never; the log pages by cursor, filters by integration, and cannot be edited.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import { parseEncryptionKey } from '../../db/crypto';
import { waitFor } from '../../scripts/children';
import { startHaloStandin, type HaloStandin } from '../../standin';
import { injectAs } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { createTeam } from '../support/people';
import { startTestWorker, testConfig } from '../support/system';
import { startTemporalDevServer } from '../support/temporal';

const newSecret = 'rotated-secret-value-9f8e7d6c5b4a';

describe('the audit log', { timeout: 240_000 }, () => {
  let temporal: TestWorkflowEnvironment;
  let database: TestDatabase;
  let standin: HaloStandin;
  let app: FastifyInstance;
  let worker: { worker: Worker; running: Promise<void> };
  let team: Awaited<ReturnType<typeof createTeam>>;
  let integrationId: string;
  let oldSecret: string;
  const config = testConfig({ API_RATE_LIMIT_PER_MINUTE: '100000' });

  const call = injectAs(() => app);

  async function syncEnded(id: string) {
    await waitFor(
      `sync ${id} to end`,
      async () => (await call(team.viewer.key, 'GET', `/v1/syncs/${id}`)).body.status !== 'running',
      60_000,
    );
  }

  before(async () => {
    [temporal, database, standin] = await Promise.all([
      startTemporalDevServer(),
      createTestDatabase(),
      startHaloStandin({ customers: 5, assets: 120, licences: 5 }),
    ]);
    oldSecret = standin.settings.clientSecret;
    app = await buildApp({
      config,
      db: database.db,
      temporal: temporal.client,
      encryptionKey: parseEncryptionKey(config.ENCRYPTION_KEY),
    });
    worker = await startTestWorker(temporal.nativeConnection, database, config);
    team = await createTeam(database.db);
  });

  after(async () => {
    worker?.worker.shutdown();
    await worker?.running;
    await app?.close();
    await Promise.all([temporal?.teardown(), database?.drop(), standin?.close()]);
  });

  it('records each change a sync manager makes, and nothing a viewer was refused', async () => {
    const manager = team.sync_manager.key;
    const saved = await call(manager, 'POST', '/v1/integrations/halo', standin.settings);
    assert.equal(saved.status, 202, saved.text);
    integrationId = saved.body.integration.id;
    await syncEnded(saved.body.sync.id);

    standin.config.clientSecret = newSecret;
    const changed = await call(manager, 'PUT', `/v1/integrations/${integrationId}`, {
      clientSecret: newSecret,
      tenant: standin.settings.tenant,
    });
    assert.equal(changed.status, 202, changed.text);
    await syncEnded(changed.body.sync.id);

    const schedule = { incrementalEveryMinutes: 30, paused: true };
    assert.equal(
      (await call(manager, 'PUT', `/v1/integrations/${integrationId}/schedule`, schedule)).status,
      200,
    );
    const budget = { requests: 250, windowSeconds: 300 };
    assert.equal(
      (await call(manager, 'PUT', `/v1/integrations/${integrationId}/budget`, budget)).status,
      200,
    );

    standin.faults.latencyMs = 200;
    const started = await call(manager, 'POST', `/v1/integrations/${integrationId}/syncs`, { kind: 'full' });
    assert.equal(started.status, 202, started.text);
    assert.equal((await call(manager, 'POST', `/v1/syncs/${started.body.id}/cancel`)).status, 202);
    standin.faults.latencyMs = 0;
    await syncEnded(started.body.id);

    const refused = await call(team.viewer.key, 'PUT', `/v1/integrations/${integrationId}/schedule`, {
      paused: false,
    });
    assert.equal(refused.status, 403);
    assert.equal((await call(team.viewer.key, 'GET', '/v1/audit')).status, 403);

    const log = await call(team.admin.key, 'GET', `/v1/audit?integrationId=${integrationId}`);
    assert.equal(log.status, 200);
    const entries = [...log.body.items].reverse();
    assert.deepEqual(
      entries.map((e: { action: string }) => e.action),
      [
        'integration.created',
        'integration.updated',
        'schedule.updated',
        'budget.updated',
        'sync.started',
        'sync.cancelled',
      ],
    );
    for (const entry of entries) {
      assert.deepEqual(entry.member, { id: team.sync_manager.id, name: 'Sam Syncer' });
      assert.equal(entry.apiKey.prefix, team.sync_manager.key.slice(0, 8));
      assert.equal(entry.ip, '127.0.0.1');
      assert.equal(entry.integrationId, integrationId);
      assert.ok(Date.now() - Date.parse(entry.at) < 120_000);
    }
    assert.deepEqual(entries[1].details, { fields: ['clientSecret'] });
    assert.deepEqual(entries[2].details.to, {
      incrementalEveryMinutes: 30,
      fullEveryHours: 24,
      paused: true,
    });
    assert.deepEqual(entries[3].details, { to: budget });
    assert.equal(entries[4].details.syncId, started.body.id);
    assert.equal(entries[5].details.syncId, started.body.id);
  });

  it('records the deletion, and sync managers read the log as admins do', async () => {
    assert.equal(
      (await call(team.sync_manager.key, 'DELETE', `/v1/integrations/${integrationId}`)).status,
      204,
    );
    const log = await call(team.sync_manager.key, 'GET', `/v1/audit?integrationId=${integrationId}&limit=1`);
    assert.equal(log.status, 200);
    assert.equal(log.body.items[0].action, 'integration.deleted');
  });

  it('never holds a secret value: not the client secret, old or new, nor any API key', async () => {
    const table = JSON.stringify(await database.sql`select * from audit_log`);
    const answer = (await call(team.admin.key, 'GET', '/v1/audit?limit=200')).text;
    for (const secret of [oldSecret, newSecret, team.admin.key, team.sync_manager.key, team.viewer.key]) {
      assert.ok(!table.includes(secret), 'a secret is in the audit_log table');
      assert.ok(!answer.includes(secret), 'a secret is in the audit answer');
    }
  });

  it('pages newest first by a cursor it checks, and stays within its limits', async () => {
    const all = (await call(team.admin.key, 'GET', '/v1/audit?limit=200')).body.items;
    assert.ok(all.length >= 7);
    const paged: unknown[] = [];
    let after: string | null = null;
    do {
      const page: { status: number; body: { items: unknown[]; nextCursor: string | null } } = await call(
        team.admin.key,
        'GET',
        `/v1/audit?limit=3${after ? `&after=${after}` : ''}`,
      );
      assert.equal(page.status, 200);
      assert.ok(page.body.items.length <= 3);
      paged.push(...page.body.items);
      after = page.body.nextCursor;
    } while (after);
    assert.deepEqual(paged, all);

    for (const tampered of [
      'bm90LWEtY3Vyc29y',
      'YXVkaXQ6LTE',
      "'; drop table audit_log; --",
      'x'.repeat(101),
    ]) {
      const bad = await call(team.admin.key, 'GET', `/v1/audit?after=${encodeURIComponent(tampered)}`);
      assert.equal(bad.status, 400, tampered);
      assert.ok('after' in bad.body.error.fields, bad.text);
      assert.match(bad.body.error.message, /cursor|after/);
    }
    for (const query of ['limit=0', 'limit=201', 'limit=ten', 'integrationId=nope', 'other=1']) {
      assert.equal((await call(team.admin.key, 'GET', `/v1/audit?${query}`)).status, 400, query);
    }
  });

  it('refuses to change or remove an entry, except with the account itself', async () => {
    await assert.rejects(database.sql`update audit_log set member_name = 'someone else'`, /append-only/);
    await assert.rejects(database.sql`delete from audit_log`, /append-only/);
    await assert.rejects(database.sql`truncate audit_log`, /append-only/);
    const [count] = await database.sql`select count(*)::int as n from audit_log`;
    assert.ok(Number(count?.['n']) >= 7);
    await database.sql`delete from accounts where id = ${team.accountId}`;
    const [left] =
      await database.sql`select count(*)::int as n from audit_log where account_id = ${team.accountId}`;
    assert.equal(left?.['n'], 0);
  });
});
