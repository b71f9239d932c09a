import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createAccount } from '../../db/accounts-repository';
import { upsertRecords } from '../../db/records-repository';
import { customer, hardware } from '../db/fixtures';
import { seedIntegration } from '../support/seed';
import { buildOfflineApp } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { testConfig } from '../support/system';

describe('GET /v1/changes', () => {
  let database: TestDatabase;
  let api: { app: FastifyInstance; close(): Promise<void> };
  let key: string;
  let integrationId: string;

  before(async () => {
    database = await createTestDatabase();
    api = await buildOfflineApp(database, testConfig());
    const seeded = await seedIntegration(database.db);
    integrationId = seeded.integrationId;
    // seedIntegration's account has no key to hand: move the integration to an account whose key the test holds.
    const account = await createAccount(database.db, 'Feed MSP');
    key = account.apiKey;
    await database.sql`update integrations set account_id = ${account.accountId} where id = ${integrationId}`;
  });
  after(async () => {
    await api?.close();
    await database?.drop();
  });

  const get = (query: string, apiKey = key) =>
    api.app.inject({
      method: 'GET',
      url: `/v1/changes?${query}`,
      headers: { authorization: `Bearer ${apiKey}` },
    });

  it('pages through changes with the cursor, each with its typed record, and filters by kind', async () => {
    await upsertRecords(database.db, 'hardware', integrationId, [hardware(1), hardware(2)], {
      seenBySyncId: null,
    });
    await upsertRecords(database.db, 'customers', integrationId, [customer(7)], { seenBySyncId: null });
    await upsertRecords(database.db, 'hardware', integrationId, [hardware(1, { username: 'bob' })], {
      seenBySyncId: null,
    });

    const first = (await get(`integrationId=${integrationId}&limit=2`)).json();
    assert.deepEqual(
      first.items.map((i: any) => `${i.change} ${i.kind} ${i.haloId}`),
      ['created hardware 1', 'created hardware 2'],
    );
    assert.equal(first.hasMore, true);
    assert.equal(first.items[0].record.username, 'bob', 'the record as it is now');
    const rest = (await get(`integrationId=${integrationId}&after=${first.nextCursor}`)).json();
    assert.deepEqual(
      rest.items.map((i: any) => `${i.change} ${i.kind} ${i.haloId}`),
      ['created customers 7', 'updated hardware 1'],
    );
    const idle = (await get(`integrationId=${integrationId}&after=${rest.nextCursor}`)).json();
    assert.deepEqual(idle, { items: [], nextCursor: rest.nextCursor, hasMore: false });

    const customers = (await get(`integrationId=${integrationId}&kind=customers`)).json();
    assert.deepEqual(
      customers.items.map((i: any): [number, string] => [i.haloId, i.record.name]),
      [[7, 'Customer 7']],
    );
  });

  it("answers 404 for another account's integration and 400 for a cursor it did not hand out", async () => {
    const other = await createAccount(database.db, 'Other MSP');
    assert.equal((await get(`integrationId=${integrationId}`, other.apiKey)).statusCode, 404);
    const bad = await get(`integrationId=${integrationId}&after=bm9wZQ`);
    assert.equal(bad.statusCode, 400);
    assert.ok(bad.json().error.fields.after);
  });
});
