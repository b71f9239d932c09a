// Every route the API has, called by every role, answers as the one table in api/permissions.ts says: a
// role holding the route's permission gets past the check (no 401/403), any other gets 403 `forbidden`
// naming the permission. Requests carry random ids or empty bodies, so an allowed call changes nothing.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { errorHandler } from '../../api/errors';
import { authorize, mayDo, permissionNames, routePermissions } from '../../api/permissions';
import type { Role } from '../../db/schema/index';
import { buildOfflineApp } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { createTeam } from '../support/people';
import { testConfig } from '../support/system';

const roles: Role[] = ['admin', 'sync_manager', 'viewer'];

/** A concrete URL for a Fastify path: ids are random (so "allowed" means 404, not a change). */
function concrete(url: string): string {
  return url
    .replace(':kind', 'hardware')
    .replace(':haloId', '1')
    .replace(/:[A-Za-z]+/g, () => randomUUID())
    .replace(/\*$/, 'none.js');
}

describe('who may call which route', { timeout: 120_000 }, () => {
  let database: TestDatabase;
  let offline: Awaited<ReturnType<typeof buildOfflineApp>>;
  let app: FastifyInstance;
  let team: Awaited<ReturnType<typeof createTeam>>;

  before(async () => {
    database = await createTestDatabase();
    offline = await buildOfflineApp(database, testConfig({ API_RATE_LIMIT_PER_MINUTE: '100000' }));
    app = offline.app;
    await app.ready();
    team = await createTeam(database.db);
  });

  after(async () => {
    await offline?.close();
    await database?.drop();
  });

  it('has one permission entry for every registered route, and none for routes that do not exist', () => {
    const registered = app.registeredRoutes.map((r) => `${r.method} ${r.url}`).sort();
    assert.ok(registered.length >= 30, `${registered.length} routes`);
    assert.deepEqual(registered, Object.keys(routePermissions).sort());
    for (const key of registered.filter((k) => k.split(' ')[1]!.startsWith('/v1/'))) {
      assert.notEqual(routePermissions[key as keyof typeof routePermissions], 'public', key);
    }
  });

  it('lets a viewer change nothing but their own API keys', () => {
    const ownKeys = ['POST /v1/api-keys', 'DELETE /v1/api-keys/:id'];
    for (const [route, permission] of Object.entries(routePermissions)) {
      const [method, url] = route.split(' ') as [string, string];
      if (!url.startsWith('/v1/') || method === 'GET' || ownKeys.includes(route)) continue;
      assert.ok(['manage_sync', 'admin'].includes(permission), `${route} is ${permission}`);
    }
  });

  it('answers every route for every role exactly as the table says', async () => {
    // All at once: /readyz alone waits ~20 s for the Temporal it cannot reach.
    const calls = app.registeredRoutes.flatMap((route) =>
      roles.map(async (role) => {
        const permission = routePermissions[`${route.method} ${route.url}` as keyof typeof routePermissions];
        assert.ok(permission, `${route.method} ${route.url} has no entry`);
        const method = route.method as 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
        const response = await app.inject({
          method,
          url: concrete(route.url),
          headers: { authorization: `Bearer ${team[role].key}` },
          ...(['POST', 'PUT', 'PATCH'].includes(method) ? { payload: {} } : {}),
        });
        const what = `${role} → ${route.method} ${route.url}: ${response.statusCode} ${response.body.slice(0, 200)}`;
        if (mayDo(role, permission)) {
          assert.ok(![401, 403].includes(response.statusCode), what);
          return 'allowed';
        }
        assert.equal(response.statusCode, 403, what);
        const error = response.json().error;
        assert.equal(error.code, 'forbidden', what);
        assert.equal(error.permission, permission, what);
        assert.ok(error.message.includes(permissionNames[permission as 'view']), what);
        return 'denied';
      }),
    );
    const answers = await Promise.all(calls);
    assert.equal(answers.length, app.registeredRoutes.length * roles.length);
    // Both kinds of answer happened, so the walk proves something in each direction.
    assert.ok(answers.includes('allowed') && answers.includes('denied'));
  });

  it("documents each route's permission, from the same table, in the OpenAPI document", async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/openapi.json' })).json();
    const remove = doc.paths['/v1/integrations/{id}'].delete;
    assert.equal(remove['x-permission'], 'manage_sync');
    assert.match(remove.responses['403'].description, /Manage Sync Settings/);
    assert.equal(doc.paths['/v1/members'].post['x-permission'], 'admin');
    assert.equal(doc.paths['/healthz'].get['x-permission'], undefined);
  });

  it('says "Manage Sync Settings" when a viewer tries to change sync settings', async () => {
    const response = await app.inject({
      method: 'DELETE',
      url: `/v1/integrations/${randomUUID()}`,
      headers: { authorization: `Bearer ${team.viewer.key}` },
    });
    assert.equal(response.statusCode, 403);
    assert.match(response.json().error.message, /Manage Sync Settings permission/);
  });

  it('refuses everyone a route that declares no permission', async () => {
    const other = Fastify();
    other.decorateRequest('member', null);
    other.setErrorHandler(errorHandler);
    other.addHook('onRequest', async (request) => {
      request.member = { id: randomUUID(), name: 'Ada', role: 'admin' };
    });
    other.addHook('onRequest', authorize);
    other.get('/v1/not-in-the-table', () => ({ ok: true }));
    other.get('/v1/integrations', () => ({ items: [] }));
    const unlisted = await other.inject({ method: 'GET', url: '/v1/not-in-the-table' });
    assert.equal(unlisted.statusCode, 403);
    assert.equal(unlisted.json().error.code, 'forbidden');
    assert.equal((await other.inject({ method: 'GET', url: '/v1/integrations' })).statusCode, 200);
    await other.close();
  });
});
