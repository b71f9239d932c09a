import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Executor } from '../../db/client';
import { countRecords, listRecords, upsertRecords } from '../../db/records-repository';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { customer, hardware, software } from './fixtures';
import { seedIntegration } from '../support/seed';

void describe('records repository', () => {
  let t: TestDatabase;
  let integrationId: string;
  let accountId: string;

  before(async () => {
    t = await createTestDatabase();
  });
  after(async () => {
    await t.drop();
  });
  beforeEach(async () => {
    ({ accountId, integrationId } = await seedIntegration(t.db));
  });

  const versions = async () =>
    // updated_at comes back as text: drizzle turns off postgres.js's date parsing on the shared client.
    t.sql<{ halo_id: number; xmin: string; updated_at: string; last_seen_sync_id: string | null }[]>`
      select halo_id, xmin::text, updated_at, last_seen_sync_id from hardware_assets
      where integration_id = ${integrationId} order by halo_id`;

  void describe('upsertRecords', () => {
    void it('inserts a new batch and stores typed columns and raw', async () => {
      const batch = [1, 2, 3].map((id) => hardware(id));
      assert.deepEqual(await upsertRecords(t.db, 'hardware', integrationId, batch, { seenBySyncId: null }), {
        created: 3,
        updated: 0,
        unchanged: 0,
      });
      const [row] = await listRecords(t.db, 'hardware', { integrationId, limit: 1 });
      assert.ok(row);
      assert.equal(row.haloId, 1);
      assert.equal(row.keyField, 'host-1');
      assert.equal(row.customerHaloId, 12);
      assert.equal(row.inactive, false);
      assert.deepEqual(row.warrantyStart, new Date('2024-01-01T00:00:00Z'));
      assert.equal(row.purchaseDate, null);
      assert.deepEqual(row.raw, batch[0]?.raw);
      assert.equal(row.lastSeenSyncId, null);
      assert.equal(row.deletedAt, null);
    });

    void it('leaves every row untouched when the same batch comes again without a sync id', async () => {
      const batch = [1, 2, 3].map((id) => hardware(id));
      await upsertRecords(t.db, 'hardware', integrationId, batch, { seenBySyncId: null });
      const before = await versions();
      assert.deepEqual(await upsertRecords(t.db, 'hardware', integrationId, batch, { seenBySyncId: null }), {
        created: 0,
        updated: 0,
        unchanged: 3,
      });
      // Same xmin means no new row version was written at all.
      assert.deepEqual(await versions(), before);
    });

    void it('counts a changed record as updated and rewrites only that row', async () => {
      await upsertRecords(
        t.db,
        'hardware',
        integrationId,
        [1, 2, 3].map((id) => hardware(id)),
        {
          seenBySyncId: null,
        },
      );
      const before = await versions();
      const changed = [hardware(1), hardware(2, { raw: { id: 2, key_field: 'renamed' } }), hardware(3)];
      assert.deepEqual(
        await upsertRecords(t.db, 'hardware', integrationId, changed, { seenBySyncId: null }),
        {
          created: 0,
          updated: 1,
          unchanged: 2,
        },
      );
      const after = await versions();
      assert.deepEqual(after[0], before[0]);
      assert.deepEqual(after[2], before[2]);
      assert.notEqual(after[1]?.xmin, before[1]?.xmin);
      assert.notEqual(after[1]?.updated_at, before[1]?.updated_at);
    });

    void it('counts a change in a typed field alone as an update', async () => {
      await upsertRecords(t.db, 'hardware', integrationId, [hardware(1)], { seenBySyncId: null });
      const result = await upsertRecords(
        t.db,
        'hardware',
        integrationId,
        [hardware(1, { purchaseDate: new Date(0) })],
        {
          seenBySyncId: null,
        },
      );
      assert.deepEqual(result, { created: 0, updated: 1, unchanged: 0 });
    });

    void it('marks every row seen by a full sync and changes nothing else on unchanged rows', async () => {
      const batch = [1, 2, 3].map((id) => hardware(id));
      await upsertRecords(t.db, 'hardware', integrationId, batch, { seenBySyncId: null });
      const snapshot = () => t.sql`
        select * from hardware_assets where integration_id = ${integrationId} order by halo_id`;
      const before = await snapshot();
      const syncId = randomUUID();
      assert.deepEqual(
        await upsertRecords(t.db, 'hardware', integrationId, batch, { seenBySyncId: syncId }),
        {
          created: 0,
          updated: 0,
          unchanged: 3,
        },
      );
      const after = await snapshot();
      assert.deepEqual(
        after.map((r): unknown => r['last_seen_sync_id']),
        [syncId, syncId, syncId],
      );
      assert.deepEqual(
        after.map((r) => ({ ...r, last_seen_sync_id: null })),
        before.map((r) => ({ ...r, last_seen_sync_id: null })),
      );

      // Seen again by the same run (a retried page): nothing to write.
      const seen = await versions();
      await upsertRecords(t.db, 'hardware', integrationId, batch, { seenBySyncId: syncId });
      assert.deepEqual(await versions(), seen);

      // An incremental sync afterwards keeps the full sync's mark.
      await upsertRecords(t.db, 'hardware', integrationId, [hardware(1, { username: 'bob' })], {
        seenBySyncId: null,
      });
      assert.equal((await versions())[0]?.last_seen_sync_id, syncId);
    });

    void it('revives a soft-deleted row and counts it as updated', async () => {
      await upsertRecords(t.db, 'hardware', integrationId, [hardware(1), hardware(2)], {
        seenBySyncId: null,
      });
      await t.sql`update hardware_assets set deleted_at = now() where integration_id = ${integrationId} and halo_id = 2`;
      assert.deepEqual(
        await upsertRecords(t.db, 'hardware', integrationId, [hardware(1), hardware(2)], {
          seenBySyncId: null,
        }),
        { created: 0, updated: 1, unchanged: 1 },
      );
      const rows =
        await t.sql`select deleted_at from hardware_assets where integration_id = ${integrationId}`;
      assert.ok(rows.every((r) => r['deleted_at'] === null));
    });

    void it('keeps the last of duplicate ids in one batch', async () => {
      const batch = [hardware(1, { username: 'first' }), hardware(2), hardware(1, { username: 'last' })];
      assert.deepEqual(await upsertRecords(t.db, 'hardware', integrationId, batch, { seenBySyncId: null }), {
        created: 2,
        updated: 0,
        unchanged: 0,
      });
      const rows = await listRecords(t.db, 'hardware', { integrationId, limit: 10 });
      assert.equal(rows.find((r) => r.haloId === 1)?.username, 'last');
    });

    void it('answers zeros for an empty batch without touching the database', async () => {
      const noDatabase = new Proxy(
        {},
        {
          get(): never {
            throw new Error('the database was used');
          },
        },
      ) as Executor;
      assert.deepEqual(
        await upsertRecords(noDatabase, 'software', integrationId, [], { seenBySyncId: null }),
        {
          created: 0,
          updated: 0,
          unchanged: 0,
        },
      );
    });

    void it('stores odd strings exactly, except the characters PostgreSQL cannot hold', async () => {
      const odd = [
        'O\'Brien "quoted" \\ back\\slash',
        'literal \\u0000 text, not a NUL',
        'émojis 🖥️💾, ZWJ 👩‍💻, RTL שלום, CJK 資産',
        '%_[]*?{}$1 -- ; drop table accounts;',
        'line\nbreak\ttab\r\u0007bell',
        'x'.repeat(10_000),
      ];
      const records = odd.map((text, i) =>
        hardware(i + 1, { keyField: text, raw: { id: i + 1, text, [`k€y ${text.slice(0, 20)}`]: [text] } }),
      );
      await upsertRecords(t.db, 'hardware', integrationId, records, { seenBySyncId: null });
      const rows = await listRecords(t.db, 'hardware', { integrationId, limit: 100 });
      assert.deepEqual(
        rows.map((r) => r.keyField),
        odd,
      );
      assert.deepEqual(
        rows.map((r) => r.raw),
        records.map((r) => r.raw),
      );

      // NUL and unpaired surrogates cannot be stored; they become U+FFFD rather than failing the page.
      await upsertRecords(
        t.db,
        'hardware',
        integrationId,
        [hardware(99, { keyField: 'a\u0000b\ud800c', raw: { id: 99, ['n\u0000']: 'x\udc00' } })],
        { seenBySyncId: null },
      );
      const [bad] = await listRecords(t.db, 'hardware', { integrationId, afterHaloId: 98, limit: 1 });
      assert.equal(bad?.keyField, 'a\ufffdb\ufffdc');
      assert.deepEqual(bad?.raw, { id: 99, 'n\ufffd': 'x\ufffd' });
    });

    void it('writes software and customers, and keeps integrations apart', async () => {
      const other = await seedIntegration(t.db);
      assert.deepEqual(
        await upsertRecords(t.db, 'software', integrationId, [software(1), software(2)], {
          seenBySyncId: null,
        }),
        { created: 2, updated: 0, unchanged: 0 },
      );
      assert.deepEqual(
        await upsertRecords(t.db, 'software', other.integrationId, [software(1)], { seenBySyncId: null }),
        { created: 1, updated: 0, unchanged: 0 },
      );
      assert.deepEqual(
        await upsertRecords(t.db, 'customers', integrationId, [customer(1, { inactive: true })], {
          seenBySyncId: null,
        }),
        { created: 1, updated: 0, unchanged: 0 },
      );
      const [licence] = await listRecords(t.db, 'software', { integrationId, limit: 1 });
      assert.equal(licence?.licenceCount, 25);
      assert.deepEqual(licence?.startDate, new Date('2025-01-01T00:00:00Z'));
      const [client] = await listRecords(t.db, 'customers', { integrationId, limit: 1 });
      assert.equal(client?.inactive, true);
      assert.equal(await countRecords(t.db, 'software', integrationId), 2);
      assert.equal(await countRecords(t.db, 'software', other.integrationId), 1);
    });

    void it('writes a 1,000-record batch in one statement, quickly', async () => {
      const batch = Array.from({ length: 1000 }, (_, i) =>
        hardware(i + 1, {
          raw: { id: i + 1, fields: Array.from({ length: 20 }, (_, f) => ({ f, v: `value ${f}` })) },
        }),
      );
      let started = performance.now();
      await t.db.transaction((tx) =>
        upsertRecords(tx, 'hardware', integrationId, batch, { seenBySyncId: null }),
      );
      const insertMs = performance.now() - started;
      started = performance.now();
      const again = await upsertRecords(t.db, 'hardware', integrationId, batch, {
        seenBySyncId: randomUUID(),
      });
      const markMs = performance.now() - started;
      assert.equal(again.unchanged, 1000);
      // Generous bounds: a per-row round trip would take several times longer than these.
      assert.ok(insertMs < 3000, `insert took ${insertMs} ms`);
      assert.ok(markMs < 3000, `mark took ${markMs} ms`);
    });
  });

  void describe('listRecords', () => {
    beforeEach(async () => {
      const names = ['100% cotton', '100 cotton', 'a_b', 'axb', 'ACME Laptop', 'back\\slash'];
      const batch = Array.from({ length: 25 }, (_, i) =>
        hardware(i + 1, { keyField: names[i] ?? `host-${i + 1}`, customerHaloId: i % 2 === 0 ? 12 : 13 }),
      );
      await upsertRecords(t.db, 'hardware', integrationId, batch, { seenBySyncId: null });
    });

    void it('pages by halo id with a keyset cursor', async () => {
      const seen: number[] = [];
      let afterHaloId: number | undefined;
      for (;;) {
        const page = await listRecords(t.db, 'hardware', {
          integrationId,
          limit: 10,
          ...(afterHaloId === undefined ? {} : { afterHaloId }),
        });
        if (page.length === 0) break;
        seen.push(...page.map((r) => r.haloId));
        afterHaloId = page.at(-1)?.haloId;
      }
      assert.deepEqual(
        seen,
        Array.from({ length: 25 }, (_, i) => i + 1),
      );
    });

    void it('shows rows only to the account that owns the integration', async () => {
      const other = await seedIntegration(t.db);
      assert.equal(
        (await listRecords(t.db, 'hardware', { integrationId, accountId, limit: 100 })).length,
        25,
      );
      assert.deepEqual(
        await listRecords(t.db, 'hardware', { integrationId, accountId: other.accountId, limit: 100 }),
        [],
      );
    });

    void it('matches q case-insensitively with % and _ taken literally', async () => {
      const keys = async (q: string) =>
        (await listRecords(t.db, 'hardware', { integrationId, q, limit: 100 })).map((r) => r.keyField);
      assert.deepEqual(await keys('%'), ['100% cotton']);
      assert.deepEqual(await keys('_'), ['a_b']);
      assert.deepEqual(await keys('\\'), ['back\\slash']);
      assert.deepEqual(await keys('acme lap'), ['ACME Laptop']);
      assert.deepEqual(await keys('cotton'), ['100% cotton', '100 cotton']);
    });

    void it('filters by customer and hides soft-deleted rows unless asked', async () => {
      const ofCustomer = await listRecords(t.db, 'hardware', {
        integrationId,
        customerHaloId: 13,
        limit: 100,
      });
      assert.equal(ofCustomer.length, 12);
      assert.ok(ofCustomer.every((r) => r.customerHaloId === 13));

      await t.sql`update hardware_assets set deleted_at = now() where integration_id = ${integrationId} and halo_id <= 5`;
      assert.equal((await listRecords(t.db, 'hardware', { integrationId, limit: 100 })).length, 20);
      assert.equal(
        (await listRecords(t.db, 'hardware', { integrationId, includeDeleted: true, limit: 100 })).length,
        25,
      );
      assert.equal(await countRecords(t.db, 'hardware', integrationId), 20);
      assert.equal(await countRecords(t.db, 'hardware', integrationId, { includeDeleted: true }), 25);
    });
  });
});
