// The lifecycle rules at their edges, on a fixed day (asOf) so that "today" and "in 90 days" are exact.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { replacePolicy, loadPolicy } from '../../db/lifecycle-policies-repository';
import { hardwareLifecycleCondition, lifecycleOf, type LifecycleFilter } from '../../db/lifecycle-repository';
import { resolveClock, type LifecycleClock } from '../../db/lifecycle-sql';
import { listRecords, upsertRecords } from '../../db/records-repository';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { hardware } from './fixtures';
import { seedIntegration } from '../support/seed';

const clock: LifecycleClock = { asOf: '2026-06-15', expiringWithinDays: 90 };
const at = (iso: string) => new Date(iso);

// Each asset is named for what it tests; ids in the order written.
const assets = [
  hardware(1, { keyField: 'ended yesterday', warrantyEnd: at('2026-06-14T00:00:00Z') }),
  hardware(2, { keyField: 'ends today', warrantyEnd: at('2026-06-15T00:00:00Z') }),
  hardware(3, { keyField: 'ends late today', warrantyEnd: at('2026-06-15T23:59:59Z') }),
  hardware(4, { keyField: 'ends in 90 days', warrantyEnd: at('2026-09-13T00:00:00Z') }),
  hardware(5, { keyField: 'ends in 91 days', warrantyEnd: at('2026-09-14T00:00:00Z') }),
  hardware(6, { keyField: 'no warranty end', warrantyEnd: null, warrantyStart: null, purchaseDate: null }),
  // Written as they would be had halo/parse.ts not nulled them: Halo's "no date".
  hardware(7, {
    keyField: '1900 dates',
    warrantyEnd: at('1900-01-01T00:00:00Z'),
    purchaseDate: at('1900-01-01T00:00:00Z'),
    warrantyStart: at('2021-06-15T00:00:00Z'),
  }),
  // 23:30 in New York on the 14th is 04:30 UTC on the 15th: today, in UTC.
  hardware(8, { keyField: 'ends late yesterday in New York', warrantyEnd: at('2026-06-14T23:30:00-05:00') }),
  hardware(9, { keyField: 'bought 4 years ago today', purchaseDate: at('2022-06-15T00:00:00Z') }),
  hardware(10, { keyField: 'bought 4 years ago tomorrow', purchaseDate: at('2022-06-16T00:00:00Z') }),
  hardware(11, {
    keyField: 'server bought 4 years ago',
    assetTypeName: 'Server',
    assetTypeId: 9,
    purchaseDate: at('2022-01-01T00:00:00Z'),
  }),
  hardware(12, {
    keyField: 'switch bought 6 years ago',
    assetTypeName: 'Core Switch',
    assetTypeId: 10,
    purchaseDate: at('2020-01-01T00:00:00Z'),
    customerHaloId: 13,
  }),
  hardware(13, {
    keyField: 'tablet bought 2 years ago',
    assetTypeName: 'Tablet',
    assetTypeId: 11,
    purchaseDate: at('2024-03-01T00:00:00Z'),
    customerHaloId: 13,
  }),
];

void describe('lifecycle state of hardware assets', () => {
  let t: TestDatabase;
  let integrationId: string;
  let accountId: string;

  before(async () => {
    t = await createTestDatabase();
    ({ accountId, integrationId } = await seedIntegration(t.db));
    // The fixture's warranty start (2024-01-01) is the age source where no purchase date is given.
    await upsertRecords(t.db, 'hardware', integrationId, assets, { seenBySyncId: null });
  });
  after(async () => {
    await t?.drop();
  });

  const states = async (c: LifecycleClock = clock) =>
    lifecycleOf(
      t.db,
      integrationId,
      assets.map((a) => a.haloId),
      await loadPolicy(t.db, accountId),
      await resolveClock(t.db, c),
    );
  const names = async (filter: LifecycleFilter, c: LifecycleClock = clock) => {
    const rows = await listRecords(t.db, 'hardware', {
      integrationId,
      limit: 100,
      where: hardwareLifecycleCondition(
        filter,
        await loadPolicy(t.db, accountId),
        await resolveClock(t.db, c),
      ),
    });
    return rows.map((r) => r.keyField);
  };

  void it('calls a warranty that ended yesterday expired, and one ending today or within 90 days expiring', async () => {
    const s = await states();
    assert.equal(s.get(1)?.warranty, 'expired');
    assert.equal(s.get(2)?.warranty, 'expiring');
    assert.equal(s.get(3)?.warranty, 'expiring');
    assert.equal(s.get(4)?.warranty, 'expiring');
    assert.equal(s.get(5)?.warranty, 'active');
  });

  void it('calls a missing or 1900 warranty end unknown, and ages from the warranty start past a 1900 purchase date', async () => {
    const s = await states();
    assert.deepEqual(s.get(6), {
      warranty: 'unknown',
      ageYears: null,
      ageFrom: null,
      category: 'laptop',
      replacementYears: 4,
      replacementDue: false,
    });
    assert.equal(s.get(7)?.warranty, 'unknown');
    assert.equal(s.get(7)?.ageFrom, 'warrantyStart');
    assert.equal(s.get(7)?.ageYears, 5);
  });

  void it('reads dates in UTC whatever the session time zone', async () => {
    for (const zone of ['UTC', 'America/New_York', 'Pacific/Kiritimati']) {
      const s = await t.db.transaction(async (tx) => {
        await tx.execute(sql.raw(`set local time zone '${zone}'`));
        return lifecycleOf(
          tx,
          integrationId,
          [2, 8, 9, 10],
          await loadPolicy(tx, accountId),
          await resolveClock(tx, clock),
        );
      });
      assert.equal(s.get(8)?.warranty, 'expiring', zone);
      assert.equal(s.get(2)?.warranty, 'expiring', zone);
      assert.equal(s.get(9)?.ageYears, 4, zone);
      assert.equal(s.get(10)?.ageYears, 3, zone);
    }
  });

  void it("takes today as the UTC date by the database's clock, whatever the session time zone", async () => {
    for (const zone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      const edges = await t.db.transaction(async (tx) => {
        await tx.execute(sql.raw(`set local time zone '${zone}'`));
        return resolveClock(tx, { expiringWithinDays: 90 });
      });
      assert.equal(edges.asOf, new Date().toISOString().slice(0, 10), zone);
    }
  });

  void it('makes a laptop due for replacement on the day it turns 4, not the day before', async () => {
    const s = await states();
    assert.equal(s.get(9)?.replacementDue, true);
    assert.equal(s.get(10)?.replacementDue, false);
    assert.equal(s.get(9)?.ageFrom, 'purchaseDate');
  });

  void it('gives servers and network gear 5 years and anything else 5 by default', async () => {
    const s = await states();
    assert.deepEqual(
      [s.get(11)?.category, s.get(11)?.replacementYears, s.get(11)?.replacementDue],
      ['server', 5, false],
    );
    assert.deepEqual(
      [s.get(12)?.category, s.get(12)?.replacementYears, s.get(12)?.replacementDue],
      ['network', 5, true],
    );
    assert.deepEqual([s.get(13)?.category, s.get(13)?.replacementYears], ['other', 5]);
  });

  void it('applies a changed policy at once: a category, then one asset type by name over its category', async () => {
    await replacePolicy(t.db, accountId, { categories: { server: 3 }, assetTypes: [] });
    assert.equal((await states()).get(11)?.replacementDue, true);
    await replacePolicy(t.db, accountId, {
      categories: { server: 3 },
      assetTypes: [{ name: ' server ', years: 10 }],
    });
    assert.deepEqual(
      [(await states()).get(11)?.replacementYears, (await states()).get(11)?.replacementDue],
      [10, false],
    );
    await replacePolicy(t.db, accountId, { categories: {}, assetTypes: [] });
    assert.equal((await states()).get(11)?.replacementYears, 5);
  });

  void it('filters by warranty state, window, age, band, replacement due, asset type and month', async () => {
    assert.deepEqual(await names({ warranty: 'expired' }), ['ended yesterday']);
    assert.deepEqual(await names({ warranty: 'unknown' }), ['no warranty end', '1900 dates']);
    assert.deepEqual(await names({ warranty: 'expiring' }, { ...clock, expiringWithinDays: 0 }), [
      'ends today',
      'ends late today',
      'ends late yesterday in New York',
    ]);
    assert.ok((await names({ warranty: 'active' })).includes('ends in 91 days'));
    assert.ok(!(await names({ warranty: 'active' })).includes('ends in 90 days'));
    assert.deepEqual(await names({ replacementDue: true }), [
      '1900 dates',
      'bought 4 years ago today',
      'switch bought 6 years ago',
    ]);
    assert.deepEqual(await names({ minAgeYears: 6 }), ['switch bought 6 years ago']);
    assert.deepEqual(await names({ ageBand: 'unknown' }), ['no warranty end']);
    assert.deepEqual(await names({ ageBand: 3 }), ['bought 4 years ago tomorrow']);
    assert.deepEqual(await names({ assetTypeId: 11 }), ['tablet bought 2 years ago']);
    assert.deepEqual(await names({ endsInMonth: '2026-09' }), ['ends in 90 days', 'ends in 91 days']);
  });
});
