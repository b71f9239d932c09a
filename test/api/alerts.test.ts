import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createAccount } from '../../db/accounts-repository';
import { seedIntegration } from '../support/seed';
import { buildOfflineApp } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { testConfig } from '../support/system';

describe('GET/PUT /v1/integrations/:id/alerts', () => {
  let database: TestDatabase;
  let api: { app: FastifyInstance; close(): Promise<void> };

  before(async () => {
    database = await createTestDatabase();
    api = await buildOfflineApp(database, testConfig({ STALE_AFTER_HOURS: '26' }));
  });
  after(async () => {
    await api?.close();
    await database?.drop();
  });

  it("sets an integration's own stale period, returns to the default with null, and keeps accounts apart", async () => {
    const account = await createAccount(database.db, 'Alerts MSP');
    const { integrationId } = await seedIntegration(database.db);
    await database.sql`update integrations set account_id = ${account.accountId} where id = ${integrationId}`;
    const call = (method: 'GET' | 'PUT', body?: object, key = account.apiKey) =>
      api.app.inject({
        method,
        url: `/v1/integrations/${integrationId}/alerts`,
        headers: { authorization: `Bearer ${key}` },
        ...(body ? { payload: body } : {}),
      });

    assert.deepEqual((await call('GET')).json(), { staleAfterHours: 26, usingDefault: true });
    assert.deepEqual((await call('PUT', { staleAfterHours: 6 })).json(), {
      staleAfterHours: 6,
      usingDefault: false,
    });
    assert.deepEqual((await call('GET')).json(), { staleAfterHours: 6, usingDefault: false });
    assert.equal((await call('PUT', { staleAfterHours: 0 })).statusCode, 400);
    assert.deepEqual((await call('PUT', { staleAfterHours: null })).json(), {
      staleAfterHours: 26,
      usingDefault: true,
    });

    const other = await createAccount(database.db, 'Other MSP');
    assert.equal((await call('GET', undefined, other.apiKey)).statusCode, 404);
    assert.equal((await call('PUT', { staleAfterHours: 1 }, other.apiKey)).statusCode, 404);
  });
});
