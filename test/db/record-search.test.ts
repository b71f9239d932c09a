// `q` keeps its meaning whichever way it is answered: a case-insensitive substring of any one searched
// column, through the trigram index from three characters on, column by column below that.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { listRecords, upsertRecords } from '../../db/records-repository';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { hardware, software } from './fixtures';
import { seedIntegration } from '../support/seed';

void describe('search', () => {
  let t: TestDatabase;
  let integrationId: string;

  before(async () => {
    t = await createTestDatabase();
    ({ integrationId } = await seedIntegration(t.db));
    await upsertRecords(
      t.db,
      'hardware',
      integrationId,
      [
        hardware(1, { keyField: 'LT-000417', keyField2: 'SN7Q4XZ', inventoryNumber: 'INV-0000417' }),
        hardware(2, { keyField: 'abc', keyField2: 'def', username: 'Renée Lefèvre', customerName: 'Globex' }),
        hardware(3, { keyField3: 'ThinkPad T14', siteName: 'Zürich Büro', statusName: 'In Repair' }),
        hardware(4, { assetTypeName: 'Firewall', inventoryNumber: null, username: null }),
      ],
      { seenBySyncId: null },
    );
    await upsertRecords(
      t.db,
      'software',
      integrationId,
      [software(1, { productSku: 'CFQ7TTC0LCHC' }), software(2, { vendor: 'Pax8', name: 'Acrobat Pro' })],
      { seenBySyncId: null },
    );
  });
  after(async () => {
    await t?.drop();
  });

  const hardwareIds = async (q: string) =>
    (await listRecords(t.db, 'hardware', { integrationId, q, limit: 100 })).map((r) => r.haloId);
  const softwareIds = async (q: string) =>
    (await listRecords(t.db, 'software', { integrationId, q, limit: 100 })).map((r) => r.haloId);

  void it('finds hostname, serial, inventory number and user by any part, in any case', async () => {
    assert.deepEqual(await hardwareIds('lt-000417'), [1]);
    assert.deepEqual(await hardwareIds('7q4x'), [1]);
    assert.deepEqual(await hardwareIds('inv-0000417'), [1]);
    assert.deepEqual(await hardwareIds('RENÉE'), [2]);
    assert.deepEqual(await hardwareIds('lefèvre'), [2]);
  });

  void it('searches every other listed column too', async () => {
    assert.deepEqual(await hardwareIds('thinkpad'), [3]);
    assert.deepEqual(await hardwareIds('zürich'), [3]);
    assert.deepEqual(await hardwareIds('repair'), [3]);
    assert.deepEqual(await hardwareIds('firewall'), [4]);
    assert.deepEqual(await hardwareIds('globex'), [2]);
    assert.deepEqual(await softwareIds('7ttc0'), [1]);
    assert.deepEqual(await softwareIds('pax8'), [2]);
    assert.deepEqual(await softwareIds('acrobat'), [2]);
  });

  void it('never matches across the boundary of two columns', async () => {
    // Record 2 has keyField "abc" and keyField2 "def": "bcde" is in neither.
    assert.deepEqual(await hardwareIds('bcde'), []);
    assert.deepEqual(await hardwareIds('abc'), [2]);
    assert.deepEqual(await hardwareIds(`abc\u001fdef`), []);
  });

  void it('answers one and two characters with the same meaning', async () => {
    assert.deepEqual(await hardwareIds('q4'), [1]);
    assert.deepEqual(await hardwareIds('Ü'), [3]);
    assert.deepEqual(await hardwareIds('7q'), [1]);
    assert.deepEqual(await softwareIds('x8'), [2]);
  });

  void it('pages a text that thousands of rows share in halo id order, as a rare one', async () => {
    // More matches than the trigram index is asked for: the list is walked in order instead.
    const many = Array.from({ length: 5_100 }, (_, i) => hardware(1_000 + i, { keyField: `Common-${i}` }));
    await upsertRecords(t.db, 'hardware', integrationId, many, { seenBySyncId: null });
    const page = async (q: string, afterHaloId?: number) =>
      (
        await listRecords(t.db, 'hardware', {
          integrationId,
          q,
          limit: 3,
          ...(afterHaloId === undefined ? {} : { afterHaloId }),
        })
      ).map((r) => r.haloId);
    assert.deepEqual(await page('common'), [1_000, 1_001, 1_002]);
    assert.deepEqual(await page('COMMON-', 5_000), [5_001, 5_002, 5_003]);
    assert.deepEqual(await page('common-5099'), [6_099]);
    assert.deepEqual(await page('common-5099', 6_099), []);
  });
});
