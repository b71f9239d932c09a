// Tenants shaped like real ones, end to end through the real worker and API processes (docs/halo-api.md §1,
// 1a, 3, 5, 8): a bare-host auth server, one at /auth, an on-premises install without a tenant, the two
// permissions of the setup guide and a permission granted later, Halo refusing the scope `all`, child
// assets and their deletion, discovery, and a wrong tenant answered with a 500.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createAccount } from '../../db/accounts-repository';
import type { Child } from '../../scripts/children';
import { startHaloStandin, type HaloStandin, type StandinOptions } from '../../standin';
import { assertMatchesStandin } from '../support/compare';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { apiCaller, syncEnded, type Body } from '../support/http';
import { freePort, processEnv, startServiceProcesses } from '../support/processes';
import { startTemporalDevServer } from '../support/temporal';

describe('real Halo tenants, end to end', { timeout: 300_000 }, () => {
  let temporal: TestWorkflowEnvironment;
  let database: TestDatabase;
  let api: string;
  let key: string;
  const children: Child[] = [];
  const standins: HaloStandin[] = [];
  const logs: string[] = [];

  const apiCall = apiCaller(
    () => api,
    () => key,
  );
  const call = (method: string, path: string, body?: unknown, apiKey?: string | null) =>
    apiCall(method, path, {
      ...(body !== undefined ? { body } : {}),
      ...(apiKey !== undefined ? { key: apiKey } : {}),
    });

  async function tenant(opts: StandinOptions): Promise<HaloStandin> {
    const standin = await startHaloStandin({ customers: 12, assets: 240, licences: 30, ...opts });
    standins.push(standin);
    return standin;
  }

  /** Save HaloITSM Setup with these values, and wait for its first full sync. */
  async function saveAndSync(values: Record<string, string>): Promise<{ integration: Body; sync: Body }> {
    const saved = await call('POST', '/v1/integrations/halo', values);
    assert.equal(saved.status, 202, JSON.stringify(saved.body));
    const sync = await syncEnded(apiCall, saved.body['sync'].id);
    assert.equal(sync['status'], 'completed', sync['error']);
    return { integration: saved.body['integration'], sync };
  }

  async function fullSync(integrationId: string): Promise<Body> {
    const started = await call('POST', `/v1/integrations/${integrationId}/syncs`, { kind: 'full' });
    assert.equal(started.status, 202, JSON.stringify(started.body));
    const sync = await syncEnded(apiCall, started.body['id']);
    assert.equal(sync['status'], 'completed', sync['error']);
    return sync;
  }

  before(async () => {
    [temporal, database] = await Promise.all([startTemporalDevServer(), createTestDatabase()]);
    const port = await freePort();
    api = `http://127.0.0.1:${port}`;
    const env = processEnv({
      PORT: String(port),
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: `real-halo-${randomUUID()}`,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      // Each account has several integrations here; the API's own per-key limit must not get in the way.
      API_RATE_LIMIT_PER_MINUTE: '10000',
      LOG_LEVEL: 'warn',
    });
    ({ apiKey: key } = await createAccount(database.db, 'Real tenants MSP'));
    const output = (line: string) => logs.push(line);
    children.push(...(await startServiceProcesses(env, api, output)));
  });

  after(async () => {
    await Promise.all(children.map((c) => c.stop()));
    await Promise.all([temporal?.teardown(), database?.drop(), ...standins.map((s) => s.close())]);
  });

  it('saves and syncs a tenant whose auth server is a bare host, as entered', async () => {
    const bare = await tenant({ authPath: '' });
    const { integration, sync } = await saveAndSync({ ...bare.settings, authServerUrl: `${bare.url}/` });
    assert.equal(integration['authServerUrl'], bare.url, 'stored as entered, without /auth');
    assert.equal(integration['tokenScope'], 'all');
    assert.deepEqual(sync['warnings'], []);
    await assertMatchesStandin(database.sql, integration['id'], bare);
  });

  it('saves and syncs a tenant at /auth, and an on-premises install without a tenant', async () => {
    const hosted = await tenant({ seed: 2 });
    const onPrem = await tenant({ seed: 3, tenant: '' });
    const [a, b] = await Promise.all([
      saveAndSync(hosted.settings),
      saveAndSync({ ...onPrem.settings, tenant: '' }),
    ]);
    assert.equal(a.integration['authServerUrl'], `${hosted.url}/auth`);
    assert.equal(b.integration['tenant'], '');
    await assertMatchesStandin(database.sql, a.integration['id'], hosted);
    await assertMatchesStandin(database.sql, b.integration['id'], onPrem);
    assert.ok((onPrem.stats.byPath['/auth/token'] ?? 0) > 0, 'no ?tenant= for an on-premises install');
  });

  it("with the guide's two permissions, syncs hardware and customers and says how to get software", async () => {
    const guide = await tenant({ seed: 4, permissions: ['read:assets', 'read:customers'] });
    const { integration, sync } = await saveAndSync(guide.settings);
    assert.equal(sync['counts'].software.seen, 0);
    assert.equal(sync['counts'].assets.seen, 240);
    assert.equal(sync['warnings'].length, 1);
    const [warning] = sync['warnings'] as string[];
    assert.match(warning!, /Software assets were skipped/);
    assert.match(warning!, /read:software/);
    assert.match(warning!, /role of the agent the application logs in as/);
    await assertMatchesStandin(database.sql, integration['id'], guide, ['customers', 'hardware']);

    // The user grants the permission in Halo; nothing changes here, and the next sync brings software.
    guide.config.permissions.push('read:software');
    const next = await fullSync(integration['id']);
    assert.deepEqual(next['warnings'], []);
    assert.equal(next['counts'].software.seen, 30);
    await assertMatchesStandin(database.sql, integration['id'], guide);
    const after = (await call('GET', `/v1/integrations/${integration['id']}`)).body;
    assert.equal(after['updatedAt'], integration['updatedAt'], 'the stored integration did not change');
  });

  it('falls back to named scopes when Halo refuses all, and remembers the one that worked', async () => {
    const strict = await tenant({ seed: 5, refuseAllScope: true });
    const { integration } = await saveAndSync(strict.settings);
    assert.equal(integration['tokenScope'], 'read:assets read:customers read:software');
    await assertMatchesStandin(database.sql, integration['id'], strict);
  });

  it('brings child assets with their parent, and finds their deletion like any other', async () => {
    const family = await tenant({ seed: 6 });
    const { integration } = await saveAndSync(family.settings);
    const child = family.data.assets.find((a) => Number(a['parent_id']) > 0)!;
    const parentId = Number(child['parent_id']);

    const childView = await call('GET', `/v1/assets/hardware/${child.id}?integrationId=${integration['id']}`);
    assert.equal(childView.body['parentId'], parentId);
    assert.equal(childView.body['parent'].haloId, parentId);
    const parentView = await call(
      'GET',
      `/v1/assets/hardware/${parentId}?integrationId=${integration['id']}`,
    );
    assert.deepEqual(
      parentView.body['children'].map((c: Body) => Number(c['haloId'])),
      family.data.assets.filter((a) => Number(a['parent_id']) === parentId).map((a) => a.id),
    );
    const listed = await call('GET', `/v1/assets?integrationId=${integration['id']}&parentId=${parentId}`);
    assert.deepEqual(
      listed.body['items'].map((c: Body) => Number(c['haloId'])),
      [child.id],
    );

    // The child is removed in Halo: the next full sync soft-deletes it.
    family.data.assets.splice(family.data.assets.indexOf(child), 1);
    const sync = await fullSync(integration['id']);
    assert.equal(sync['counts'].assets.deleted, 1);
    const gone = await call('GET', `/v1/assets/hardware/${child.id}?integrationId=${integration['id']}`);
    assert.ok(gone.body['deletedAt'], 'the child is soft-deleted');
  });

  it('discovers the auth URL and tenant from the Resource Server URL, and says what it tried when it cannot', async () => {
    const bare = await tenant({ seed: 7, authPath: '', tenant: 'acme-trial' });
    const found = await call('POST', '/v1/halo/discover', { resourceServerUrl: ` ${bare.url}/api/ ` });
    assert.equal(found.status, 200, JSON.stringify(found.body));
    assert.deepEqual(found.body, { authServerUrl: bare.url, tenant: 'acme-trial' });

    const silent = await tenant({ seed: 8, authInfo: false });
    const failed = await call('POST', '/v1/halo/discover', {
      resourceServerUrl: silent.settings.resourceServerUrl,
    });
    assert.equal(failed.status, 422);
    assert.equal(failed.body['error'].code, 'halo_discovery_failed');
    assert.match(failed.body['error'].message, /tried GET http:\/\/127\.0\.0\.1:\d+\/api\/authinfo/);

    const bad = await call('POST', '/v1/halo/discover', { resourceServerUrl: 'not a url' });
    assert.equal(bad.status, 400);
    assert.ok('resourceServerUrl' in bad.body['error'].fields);
    assert.equal(
      (await call('POST', '/v1/halo/discover', { resourceServerUrl: bare.url }, null)).status,
      401,
    );
    const stored =
      await database.sql`select count(*)::int as n from integrations where resource_server_url like ${`${bare.url}%`}`;
    assert.equal(stored[0]!['n'], 0, 'discovery stores nothing');
  });

  it('tells a user with a wrong tenant that the Tenant may be wrong, and what discovery found', async () => {
    const acme = await tenant({ seed: 9, tenant: 'acme' });
    const wrong = await call('POST', '/v1/integrations/halo', { ...acme.settings, tenant: 'acme-typo' });
    assert.equal(wrong.status, 502);
    assert.equal(wrong.body['error'].code, 'halo_unreachable');
    assert.match(wrong.body['error'].message, /The Tenant or the Authorisation Server URL may be wrong/);
    assert.match(wrong.body['error'].message, /the Tenant "acme"/);
    assert.deepEqual(wrong.body['error'].discovered, { authServerUrl: `${acme.url}/auth`, tenant: 'acme' });

    // And one who added /auth to a bare-host auth server is pointed at the one Halo names.
    const bare = await tenant({ seed: 10, authPath: '' });
    const misplaced = await call('POST', '/v1/integrations/halo', {
      ...bare.settings,
      authServerUrl: `${bare.url}/auth`,
    });
    assert.equal(misplaced.status, 502);
    assert.match(misplaced.body['error'].message, /check the Authorisation Server URL/);
    assert.equal(misplaced.body['error'].discovered.authServerUrl, bare.url);
    const stored = await database.sql`select count(*)::int as n from integrations where tenant = 'acme-typo'`;
    assert.equal(stored[0]!['n'], 0);
  });
});
