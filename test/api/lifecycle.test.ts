// The lifecycle routes over HTTP: policies, summaries, the asset list's filters and CSV exports, each
// scoped to the caller's account.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createAccount } from '../../db/accounts-repository';
import { upsertRecords } from '../../db/records-repository';
import { claimSyncRun, finishSyncRun } from '../../db/sync-runs-repository';
import { buildOfflineApp } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { testConfig } from '../support/system';
import { seedIntegration } from '../support/seed';
import { customer, hardware, software } from '../db/fixtures';

const day = 86_400_000;
const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
const fromToday = (days: number) => new Date(today + days * day);
const settings = {
  resourceServerUrl: 'https://acme.haloitsm.com/api',
  authServerUrl: 'https://acme.haloitsm.com/auth',
  tenant: 'acme',
  clientId: 'client',
  clientSecret: 'secret',
};

describe('lifecycle over the API', { timeout: 120_000 }, () => {
  let database: TestDatabase;
  let offline: Awaited<ReturnType<typeof buildOfflineApp>>;
  let app: FastifyInstance;
  let key: string;
  let otherKey: string;
  let integrationId: string;
  const config = testConfig();

  before(async () => {
    database = await createTestDatabase();
    offline = await buildOfflineApp(database, config);
    app = offline.app;
    const { account, integration } = await seedIntegration(database.db, {
      settings: settings,
      encryptionKey: config.ENCRYPTION_KEY,
    });
    key = account.apiKey;
    integrationId = integration.id;
    otherKey = (await createAccount(database.db, 'Other MSP')).apiKey;
    await upsertRecords(
      database.db,
      'customers',
      integrationId,
      [customer(12, { name: 'Acme' }), customer(13, { name: '=Evil Corp' })],
      {
        seenBySyncId: null,
      },
    );
    await upsertRecords(
      database.db,
      'hardware',
      integrationId,
      [
        hardware(1, {
          keyField: 'old-laptop',
          warrantyEnd: fromToday(-10),
          purchaseDate: fromToday(-6 * 366),
        }),
        hardware(2, { keyField: 'soon', warrantyEnd: fromToday(30) }),
        hardware(3, { keyField: 'fine', warrantyEnd: fromToday(400) }),
        hardware(4, {
          keyField: '=HYPERLINK("http://evil")',
          warrantyEnd: null,
          warrantyStart: null,
          customerHaloId: 13,
          customerName: '+Evil, "Corp"',
        }),
        hardware(5, {
          keyField: 'other-customer-expired',
          warrantyEnd: fromToday(-1),
          customerHaloId: 13,
          assetTypeId: 9,
          assetTypeName: 'Server',
        }),
      ],
      { seenBySyncId: null },
    );
    await upsertRecords(
      database.db,
      'software',
      integrationId,
      [
        software(1, { endDate: fromToday(20) }),
        software(2, { customerHaloId: 13, licenceCount: 5, licencesInUse: 5 }),
      ],
      {
        seenBySyncId: null,
      },
    );
  });

  after(async () => {
    await offline?.close();
    await database?.drop();
  });

  const get = (url: string, apiKey = key, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${apiKey}`, ...headers } });
  const put = (body: unknown, apiKey = key) =>
    app.inject({
      method: 'PUT',
      url: '/v1/lifecycle/policies',
      headers: { authorization: `Bearer ${apiKey}` },
      payload: body as object,
    });
  const listed = async (query: string) => {
    const response = await get(`/v1/assets?integrationId=${integrationId}&${query}`);
    assert.equal(response.statusCode, 200, response.body);
    return (response.json().items as { keyField: string }[]).map((a) => a.keyField);
  };

  it('lists each hardware asset with its lifecycle state', async () => {
    const { items } = (await get(`/v1/assets?integrationId=${integrationId}`)).json();
    assert.deepEqual(items[0].lifecycle, {
      warranty: 'expired',
      ageYears: 6,
      ageFrom: 'purchaseDate',
      category: 'laptop',
      replacementYears: 4,
      replacementDue: true,
    });
    assert.deepEqual(
      items.map((a: { lifecycle: { warranty: string } }) => a.lifecycle.warranty),
      ['expired', 'expiring', 'active', 'unknown', 'expired'],
    );
  });

  it('filters the list by warranty, window, replacement due, age, asset type and customer', async () => {
    assert.deepEqual(await listed('warranty=expired'), ['old-laptop', 'other-customer-expired']);
    assert.deepEqual(await listed('warranty=expired&customerId=13'), ['other-customer-expired']);
    assert.deepEqual(await listed('warranty=expiring'), ['soon']);
    assert.deepEqual(await listed('expiringWithinDays=10'), []);
    assert.deepEqual(await listed('warranty=active&expiringWithinDays=10'), ['soon', 'fine']);
    assert.deepEqual(await listed('warranty=unknown'), ['=HYPERLINK("http://evil")']);
    assert.deepEqual(await listed('replacementDue=true'), ['old-laptop']);
    assert.deepEqual(await listed('minAgeYears=3'), ['old-laptop']);
    assert.deepEqual(await listed('assetTypeId=9'), ['other-customer-expired']);
    const month = fromToday(20).toISOString().slice(0, 7);
    const software = await get(
      `/v1/assets?integrationId=${integrationId}&kind=software&endsInMonth=${month}`,
    );
    assert.deepEqual(
      software.json().items.map((l: { haloId: number }) => l.haloId),
      [1],
    );
  });

  it('refuses bad filter values and hardware filters on software, naming the field', async () => {
    for (const [query, field] of [
      ['warranty=broken', 'warranty'],
      ['expiringWithinDays=-1', 'expiringWithinDays'],
      ['replacementDue=yes', 'replacementDue'],
      ['endsInMonth=2026-13', 'endsInMonth'],
      ['kind=software&warranty=expired', 'warranty'],
    ] as const) {
      const response = await get(`/v1/assets?integrationId=${integrationId}&${query}`);
      assert.equal(response.statusCode, 400, query);
      assert.ok(response.json().error.fields[field], `${query}: ${response.body}`);
    }
  });

  it('sums warranty states, replacements and seats for all customers, ranked, and for one', async () => {
    const all = (await get(`/v1/lifecycle/summary?integrationId=${integrationId}`)).json();
    assert.deepEqual(all.hardware.warranty, { expired: 2, expiring: 1, active: 1, unknown: 1 });
    assert.equal(all.hardware.replacementDue, 1);
    assert.equal(all.hardware.ageBands.length, 7);
    assert.equal(all.hardware.expirationsByMonth.length, 12);
    assert.equal(all.months.length, 12);
    assert.deepEqual(all.software.seats, { bought: 30, inUse: 25 });
    assert.deepEqual(
      all.customers.map((c: { name: string; warranty: { expired: number } }) => [c.name, c.warranty.expired]),
      [
        ['Acme', 1],
        ['=Evil Corp', 1],
      ].sort(() => 0),
    );
    const one = (await get(`/v1/lifecycle/summary?integrationId=${integrationId}&customerId=13`)).json();
    assert.deepEqual(one.hardware.warranty, { expired: 1, expiring: 0, active: 0, unknown: 1 });
    assert.deepEqual(one.software.seats, { bought: 5, inUse: 5 });
  });

  it('keeps policies per account, refuses a bad one, and answers with the change at once', async () => {
    assert.equal((await put({ categories: { laptop: 0 } })).statusCode, 400);
    assert.ok((await put({ categories: { tablet: 3 } })).json().error.fields['categories']);
    const saved = await put({ categories: { server: 1 }, assetTypes: [{ name: 'Laptop', years: 10 }] });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.deepEqual(saved.json().assetTypes, [{ name: 'Laptop', years: 10 }]);
    // The laptop's own type now lasts 10 years; the server (from its 2024 warranty start) is past 1.
    assert.deepEqual(await listed('replacementDue=true'), ['other-customer-expired']);
    assert.equal((await get('/v1/lifecycle/policies', otherKey)).json().assetTypes.length, 0);
    assert.equal((await get('/v1/lifecycle/policies', otherKey)).json().categories[2].years, 5);
    assert.equal((await put({ categories: {} })).statusCode, 200);
    assert.deepEqual(await listed('replacementDue=true'), ['old-laptop']);
  });

  it("answers 404 for another account's integration on every lifecycle read and export", async () => {
    for (const url of [
      `/v1/lifecycle/summary?integrationId=${integrationId}`,
      `/v1/lifecycle/summary?integrationId=${integrationId}&format=csv`,
      `/v1/assets?integrationId=${integrationId}&warranty=expired`,
      `/v1/assets?integrationId=${integrationId}&format=csv`,
    ]) {
      const response = await get(url, otherKey);
      assert.equal(response.statusCode, 404, url);
      assert.equal(response.json().error.code, 'not_found');
    }
    assert.equal((await get('/v1/lifecycle/policies', 'hak_nope')).statusCode, 401);
    assert.equal((await put({ categories: {} }, 'hak_nope')).statusCode, 401);
  });

  it('exports a filtered list as CSV with a BOM and formula-looking cells made inert', async () => {
    const response = await get(`/v1/assets?integrationId=${integrationId}&customerId=13`, key, {
      accept: 'text/csv',
    });
    assert.equal(response.statusCode, 200);
    assert.match(response.headers['content-type'] as string, /^text\/csv; charset=utf-8/);
    assert.match(
      response.headers['content-disposition'] as string,
      /attachment; filename="hardware-assets.csv"/,
    );
    const text = response.body;
    assert.ok(text.startsWith('\uFEFFHalo id,Inventory number,Name,'), text.slice(0, 40));
    const lines = text.slice(1).split('\n');
    assert.equal(lines.length, 4, text);
    assert.ok(
      lines[1]?.startsWith(
        `4,INV-4,"'=HYPERLINK(""http://evil"")",SN4,Latitude 5440,13,"'+Evil, ""Corp""",HQ,Laptop,`,
      ),
      lines[1],
    );
    assert.match(lines[1] ?? '', /,unknown,,laptop,4,false,$/);
    assert.equal(lines[3], '');
    const filtered = (await get(`/v1/assets?integrationId=${integrationId}&warranty=expiring&format=csv`))
      .body;
    assert.equal(filtered.split('\n').length, 3);
  });

  it('serves a repeated summary from its cache only while a sync, the policy and the day are the same', async () => {
    const summary = async () =>
      (await get(`/v1/lifecycle/summary?integrationId=${integrationId}`)).json<{
        hardware: { total: number; replacementDue: number };
      }>();
    const before = await summary();
    const accountId = (
      await database.sql`select account_id from integrations where id = ${integrationId}`
    )[0]!;
    const addAsset = (haloId: number) =>
      upsertRecords(
        database.db,
        'hardware',
        integrationId,
        [hardware(haloId, { warrantyEnd: fromToday(-3) })],
        {
          seenBySyncId: null,
        },
      );

    // Rows change only through syncs, so a row written outside one does not show until a sync ends.
    await addAsset(40);
    assert.equal((await summary()).hardware.total, before.hardware.total, 'served from the cache');
    const run = (id: string) => ({
      id,
      accountId: String(accountId['account_id']),
      integrationId,
      kind: 'incremental' as const,
      workflowId: `halo-sync-${integrationId}`,
    });
    const first = randomUUID();
    await claimSyncRun(database.db, run(first));
    // While a sync writes, every summary is computed afresh.
    await addAsset(41);
    assert.equal((await summary()).hardware.total, before.hardware.total + 2);
    await finishSyncRun(database.db, first, { status: 'completed', warnings: [] });
    assert.equal((await summary()).hardware.total, before.hardware.total + 2);

    // A changed policy is a different answer at once.
    const dueBefore = (await summary()).hardware.replacementDue;
    assert.equal((await put({ categories: { other: 1, laptop: 1 } })).statusCode, 200);
    assert.ok((await summary()).hardware.replacementDue > dueBefore);
    assert.equal((await put({ categories: {} })).statusCode, 200);
    assert.equal((await summary()).hardware.replacementDue, dueBefore);
    const [kept] = await database.sql`select count(*)::int as n from lifecycle_summary_cache`;
    assert.ok(Number(kept!['n']) >= 2);

    // Leave the tenant as the other tests expect it, with a newer sync so the cache moves on too.
    await database.sql`delete from hardware_assets where integration_id = ${integrationId} and halo_id in (40, 41)`;
    const second = randomUUID();
    await claimSyncRun(database.db, run(second));
    await finishSyncRun(database.db, second, { status: 'completed', warnings: [] });
  });

  it('exports the summary as CSV, one line per customer after the total', async () => {
    const response = await get(`/v1/lifecycle/summary?integrationId=${integrationId}&format=csv`);
    assert.equal(response.statusCode, 200);
    const lines = response.body.slice(1).split('\n');
    assert.ok(lines[0]?.startsWith('Customer id,Customer,Hardware,Warranty expired,'));
    assert.ok(lines[1]?.startsWith(',All customers,5,2,1,1,1,1,'), lines[1]);
    assert.ok(
      lines.some((l) => l.startsWith(`13,'=Evil Corp,2,1,0,0,1,0,`)),
      lines.join('\n'),
    );
  });
});
