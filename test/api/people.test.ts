// Members, roles and API keys through the API: an admin adds people and keys, a key is shown once, a
// revoked or expired key answers 401 from the next request, an account always keeps an admin, and each
// of these changes is in the audit log.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildOfflineApp, injectAs } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { createTeam } from '../support/people';
import { testConfig } from '../support/system';

describe('members and API keys', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  let offline: Awaited<ReturnType<typeof buildOfflineApp>>;
  let app: FastifyInstance;
  let team: Awaited<ReturnType<typeof createTeam>>;

  const call = injectAs(() => app);

  before(async () => {
    database = await createTestDatabase();
    offline = await buildOfflineApp(database, testConfig({ API_RATE_LIMIT_PER_MINUTE: '100000' }));
    app = offline.app;
    team = await createTeam(database.db);
  });

  after(async () => {
    await offline?.close();
    await database?.drop();
  });

  it('tells each member who they are, their role and what they may do', async () => {
    const me = await call(team.sync_manager.key, 'GET', '/v1/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.member.name, 'Sam Syncer');
    assert.equal(me.body.member.role, 'sync_manager');
    assert.deepEqual(me.body.permissions, ['view', 'manage_sync']);
    assert.equal(me.body.apiKey.prefix, team.sync_manager.key.slice(0, 8));
    assert.deepEqual((await call(team.viewer.key, 'GET', '/v1/me')).body.permissions, ['view']);
    assert.deepEqual((await call(team.admin.key, 'GET', '/v1/me')).body.permissions, [
      'view',
      'manage_sync',
      'admin',
    ]);
  });

  it('lets an admin add a member, whose first key is shown once and works at once', async () => {
    const added = await call(team.admin.key, 'POST', '/v1/members', { name: 'Tess Tech', role: 'viewer' });
    assert.equal(added.status, 201, added.text);
    const key: string = added.body.apiKey.key;
    assert.match(key, /^hak_/);
    assert.equal(added.body.apiKey.prefix, key.slice(0, 8));
    assert.equal((await call(key, 'GET', '/v1/me')).body.member.name, 'Tess Tech');

    const listed = await call(team.admin.key, 'GET', `/v1/api-keys?memberId=${added.body.member.id}`);
    assert.equal(listed.body.items.length, 1);
    assert.equal(listed.body.items[0].prefix, key.slice(0, 8));
    assert.ok(!listed.text.includes(key), 'a list shows the key again');
    const members = await call(team.admin.key, 'GET', '/v1/members');
    assert.deepEqual(
      members.body.items.map((m: { name: string; role: string }) => `${m.name}:${m.role}`),
      ['Ada Admin:admin', 'Sam Syncer:sync_manager', 'Vic Viewer:viewer', 'Tess Tech:viewer'],
    );
    const stored = JSON.stringify(await database.sql`select * from api_keys`);
    assert.ok(!stored.includes(key), 'the key itself is stored');
  });

  it('refuses a bad member or key body, naming the field', async () => {
    const bad = await call(team.admin.key, 'POST', '/v1/members', { name: 'X', role: 'owner' });
    assert.equal(bad.status, 400);
    assert.ok('role' in bad.body.error.fields);
    const badKey = await call(team.viewer.key, 'POST', '/v1/api-keys', { name: '', expiresInDays: 0 });
    assert.equal(badKey.status, 400);
    assert.deepEqual(Object.keys(badKey.body.error.fields).sort(), ['expiresInDays', 'name']);
  });

  it("shows a member only their own keys; an admin sees everyone's", async () => {
    const mine = await call(team.viewer.key, 'GET', `/v1/api-keys?memberId=${team.admin.id}`);
    assert.ok(mine.body.items.length >= 1);
    assert.ok(mine.body.items.every((k: { memberId: string }) => k.memberId === team.viewer.id));
    const all = await call(team.admin.key, 'GET', '/v1/api-keys');
    const owners = new Set(all.body.items.map((k: { memberId: string }) => k.memberId));
    assert.ok(owners.has(team.viewer.id) && owners.has(team.sync_manager.id) && owners.has(team.admin.id));
  });

  it('makes a revoked key answer 401 on the very next request', async () => {
    const created = await call(team.viewer.key, 'POST', '/v1/api-keys', { name: 'laptop' });
    assert.equal(created.status, 201);
    const key: string = created.body.key;
    assert.equal((await call(key, 'GET', '/v1/integrations')).status, 200);
    // Someone else's key is not there for a non-admin.
    const othersKey = (await call(team.admin.key, 'GET', `/v1/api-keys?memberId=${team.admin.id}`)).body
      .items[0].id;
    assert.equal((await call(team.viewer.key, 'DELETE', `/v1/api-keys/${othersKey}`)).status, 404);

    const revoked = await call(team.viewer.key, 'DELETE', `/v1/api-keys/${created.body.id}`);
    assert.equal(revoked.status, 200);
    assert.equal(revoked.body.status, 'revoked');
    const refused = await call(key, 'GET', '/v1/integrations');
    assert.equal(refused.status, 401);
    assert.equal(refused.body.error.code, 'unauthorized');
    assert.equal((await call(team.viewer.key, 'GET', '/v1/integrations')).status, 200, 'other keys work');
  });

  it('makes an admin revoke any key of the account, and an expired key answer 401', async () => {
    const created = await call(team.admin.key, 'POST', `/v1/members/${team.sync_manager.id}/api-keys`, {
      name: 'ci',
      expiresInDays: 30,
    });
    assert.equal(created.status, 201, created.text);
    const key: string = created.body.key;
    assert.ok(Date.parse(created.body.expiresAt) > Date.now() + 29 * 86_400_000);
    assert.equal((await call(key, 'GET', '/v1/me')).status, 200);
    await database.sql`update api_keys set expires_at = now() - interval '1 second' where id = ${created.body.id}`;
    assert.equal((await call(key, 'GET', '/v1/me')).status, 401);
    const listed = await call(team.sync_manager.key, 'GET', '/v1/api-keys');
    assert.equal(listed.body.items.find((k: { id: string }) => k.id === created.body.id).status, 'expired');

    const second = await call(team.admin.key, 'POST', `/v1/members/${team.sync_manager.id}/api-keys`, {
      name: 'ci 2',
    });
    assert.equal((await call(team.admin.key, 'DELETE', `/v1/api-keys/${second.body.id}`)).status, 200);
    assert.equal((await call(second.body.key, 'GET', '/v1/me')).status, 401);
  });

  it('records "last used" at most once a minute, not on every request', async () => {
    const created = await call(team.viewer.key, 'POST', '/v1/api-keys', { name: 'busy script' });
    const lastUsed = async (): Promise<unknown> => {
      const [row] = await database.sql`select last_used_at from api_keys where id = ${created.body.id}`;
      return row?.['last_used_at'];
    };
    assert.equal(await lastUsed(), null);
    await call(created.body.key, 'GET', '/v1/me');
    const first = await lastUsed();
    assert.ok(first, 'last used was not recorded');
    for (let i = 0; i < 3; i++) await call(created.body.key, 'GET', '/v1/me');
    assert.equal(await lastUsed(), first);
    await database.sql`update api_keys set last_used_at = now() - interval '2 minutes' where id = ${created.body.id}`;
    await call(created.body.key, 'GET', '/v1/me');
    assert.ok(new Date(String(await lastUsed())).getTime() > Date.now() - 60_000);
  });

  it('changes a role, takes effect at the next request, and never leaves the account without an admin', async () => {
    const promoted = await call(team.admin.key, 'PATCH', `/v1/members/${team.viewer.id}`, {
      role: 'sync_manager',
    });
    assert.equal(promoted.status, 200);
    assert.equal((await call(team.viewer.key, 'GET', '/v1/audit')).status, 200);
    await call(team.admin.key, 'PATCH', `/v1/members/${team.viewer.id}`, { role: 'viewer' });
    assert.equal((await call(team.viewer.key, 'GET', '/v1/audit')).status, 403);

    const demoteSelf = await call(team.admin.key, 'PATCH', `/v1/members/${team.admin.id}`, {
      role: 'viewer',
    });
    assert.equal(demoteSelf.status, 409);
    assert.equal(demoteSelf.body.error.code, 'last_admin');
    assert.equal((await call(team.admin.key, 'DELETE', `/v1/members/${team.admin.id}`)).status, 409);
    assert.equal(
      (await call(team.admin.key, 'PATCH', `/v1/members/${randomUUID()}`, { role: 'viewer' })).status,
      404,
    );
  });

  it('lets only one of two admins demoting each other at the same moment succeed', async () => {
    const second = await call(team.admin.key, 'POST', '/v1/members', { name: 'Second admin', role: 'admin' });
    const secondId: string = second.body.member.id;
    const secondKey: string = second.body.apiKey.key;
    // Holding the admins' rows makes both requests pass authentication and then wait at the same check.
    let both: Promise<Awaited<ReturnType<typeof call>>[]> | undefined;
    await database.sql.begin(async (tx) => {
      await tx`select id from members where account_id = ${team.accountId} and role = 'admin' for update`;
      both = Promise.all([
        call(team.admin.key, 'PATCH', `/v1/members/${secondId}`, { role: 'viewer' }),
        call(secondKey, 'PATCH', `/v1/members/${team.admin.id}`, { role: 'viewer' }),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 500));
    });
    const answers = await both!;
    const statuses = answers.map((a) => a.status).sort();
    assert.deepEqual(statuses, [200, 409], answers.map((a) => a.text).join(' | '));
    const [admins] = await database.sql`
      select count(*)::int as n from members where account_id = ${team.accountId} and role = 'admin'`;
    assert.equal(admins?.['n'], 1);
    // Back to one admin, Ada, for the tests after this one.
    const adaWon = answers[0]?.status === 200;
    if (!adaWon) await call(secondKey, 'PATCH', `/v1/members/${team.admin.id}`, { role: 'admin' });
    assert.equal((await call(team.admin.key, 'DELETE', `/v1/members/${secondId}`)).status, 204);
  });

  it('removes a member, whose keys stop working at once', async () => {
    const added = await call(team.admin.key, 'POST', '/v1/members', { name: 'Leaver', role: 'sync_manager' });
    const key: string = added.body.apiKey.key;
    assert.equal((await call(key, 'GET', '/v1/me')).status, 200);
    assert.equal((await call(team.admin.key, 'DELETE', `/v1/members/${added.body.member.id}`)).status, 204);
    assert.equal((await call(key, 'GET', '/v1/me')).status, 401);
  });

  it('keeps members, keys and audit entries to their own account', async () => {
    const other = await createTeam(database.db, 'Other MSP');
    assert.equal(
      (await call(other.admin.key, 'PATCH', `/v1/members/${team.viewer.id}`, { role: 'admin' })).status,
      404,
    );
    const keyId = (await call(team.viewer.key, 'GET', '/v1/api-keys')).body.items[0].id;
    assert.equal((await call(other.admin.key, 'DELETE', `/v1/api-keys/${keyId}`)).status, 404);
    assert.equal(
      (await call(other.admin.key, 'POST', `/v1/members/${team.viewer.id}/api-keys`, { name: 'x' })).status,
      404,
    );
    assert.deepEqual((await call(other.admin.key, 'GET', '/v1/audit')).body.items, []);
  });

  it('writes who added, changed and removed members and keys to the audit log, never a key', async () => {
    const log = await call(team.admin.key, 'GET', '/v1/audit?limit=200');
    assert.equal(log.status, 200);
    const actions = new Set(log.body.items.map((e: { action: string }) => e.action));
    for (const action of [
      'member.added',
      'member.updated',
      'member.removed',
      'api_key.created',
      'api_key.revoked',
    ])
      assert.ok(actions.has(action), `${action} is missing`);
    const revokedBySelf = log.body.items.find(
      (e: { action: string; member: { name: string } }) =>
        e.action === 'api_key.revoked' && e.member.name === 'Vic Viewer',
    );
    assert.ok(revokedBySelf, 'the viewer revoking their own key was recorded under their name');
    assert.equal(revokedBySelf.apiKey.prefix, team.viewer.key.slice(0, 8));
    assert.equal(revokedBySelf.ip, '127.0.0.1');
    const updated = log.body.items.find(
      (e: { action: string; details: { memberId?: string } }) =>
        e.action === 'member.updated' && e.details.memberId === team.viewer.id,
    );
    assert.deepEqual(updated.details.changes, { role: { from: 'sync_manager', to: 'viewer' } });
    const table = JSON.stringify(await database.sql`select * from audit_log`);
    for (const key of [team.admin.key, team.viewer.key, team.sync_manager.key])
      assert.ok(!table.includes(key) && !table.includes(key.slice(8)), 'a key reached the audit log');
  });
});
