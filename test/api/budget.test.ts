import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createAccount } from '../../db/accounts-repository';
import { budgetLimitsOf } from '../../db/request-budget-repository';
import { loadIntegrationWithSecret } from '../../db/integrations-repository';
import { buildOfflineApp } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { testConfig } from '../support/system';
import { seedIntegration } from '../support/seed';

describe("an integration's Halo request budget", { timeout: 60_000 }, () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let offline: Awaited<ReturnType<typeof buildOfflineApp>>;
  const config = testConfig({ HALO_BUDGET_REQUESTS: '270', HALO_BUDGET_WINDOW_SECONDS: '300' });

  before(async () => {
    database = await createTestDatabase();
    offline = await buildOfflineApp(database, config);
    app = offline.app;
  });

  after(async () => {
    await offline?.close();
    await database?.drop();
  });

  it('starts at the service default, takes its own limits, and goes back to the default', async () => {
    const settings = {
      resourceServerUrl: 'https://acme.haloitsm.com/api',
      authServerUrl: 'https://acme.haloitsm.com/auth',
      tenant: 'acme',
      clientId: 'client',
      clientSecret: 'secret',
    };
    const { account, integration } = await seedIntegration(database.db, {
      settings: settings,
      encryptionKey: config.ENCRYPTION_KEY,
    });
    const other = await createAccount(database.db, 'Other');
    const call = (method: 'GET' | 'PUT', body?: unknown, key = account.apiKey) =>
      app.inject({
        method,
        url: `/v1/integrations/${integration.id}/budget`,
        headers: { authorization: `Bearer ${key}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });

    assert.deepEqual((await call('GET')).json(), { requests: 270, windowSeconds: 300, usingDefaults: true });
    const set = await call('PUT', { requests: 450, windowSeconds: 300 });
    assert.equal(set.statusCode, 200);
    assert.deepEqual(set.json(), { requests: 450, windowSeconds: 300, usingDefaults: false });
    // What the activities hand the budget for this integration.
    assert.deepEqual(budgetLimitsOf((await loadIntegrationWithSecret(database.db, integration.id))!), {
      requests: 450,
      windowMs: 300_000,
    });

    assert.equal((await call('PUT', { requests: 0, windowSeconds: 300 })).statusCode, 400);
    assert.equal((await call('PUT', { requests: 10 })).statusCode, 400);
    assert.equal((await call('GET', undefined, other.apiKey)).statusCode, 404);
    assert.equal((await call('PUT', { requests: 1, windowSeconds: 1 }, other.apiKey)).statusCode, 404);

    assert.deepEqual((await call('PUT', { requests: null, windowSeconds: null })).json(), {
      requests: 270,
      windowSeconds: 300,
      usingDefaults: true,
    });
  });
});
