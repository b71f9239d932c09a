import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { countRecords, upsertRecords } from '../../db/records-repository';
import { softDeleteUnseen } from '../../db/soft-delete-repository';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { hardware } from './fixtures';
import { seedIntegration } from '../support/seed';

void describe('softDeleteUnseen', () => {
  let t: TestDatabase;
  let integrationId: string;

  before(async () => {
    t = await createTestDatabase();
  });
  after(async () => {
    await t.drop();
  });
  beforeEach(async () => {
    ({ integrationId } = await seedIntegration(t.db));
    const ten = Array.from({ length: 10 }, (_, i) => hardware(i + 1));
    await upsertRecords(t.db, 'hardware', integrationId, ten, { seenBySyncId: randomUUID() });
  });

  const fullSyncSeeing = async (ids: number[]) => {
    const runId = randomUUID();
    await upsertRecords(
      t.db,
      'hardware',
      integrationId,
      ids.map((id) => hardware(id)),
      { seenBySyncId: runId },
    );
    return runId;
  };

  void it('soft-deletes the rows a full sync did not see, and a later sighting revives them', async () => {
    const runId = await fullSyncSeeing([1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(await softDeleteUnseen(t.db, 'hardware', integrationId, runId, { maxShare: 0.5 }), {
      total: 10,
      unseen: 2,
      deleted: 2,
      refused: false,
    });
    assert.equal(await countRecords(t.db, 'hardware', integrationId), 8);
    assert.equal(await countRecords(t.db, 'hardware', integrationId, { includeDeleted: true }), 10);

    // Running the sweep again finds nothing more to do.
    assert.deepEqual(await softDeleteUnseen(t.db, 'hardware', integrationId, runId, { maxShare: 0.5 }), {
      total: 8,
      unseen: 0,
      deleted: 0,
      refused: false,
    });

    const next = await fullSyncSeeing([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(await countRecords(t.db, 'hardware', integrationId), 9);
    assert.equal(
      (await softDeleteUnseen(t.db, 'hardware', integrationId, next, { maxShare: 0.5 })).deleted,
      0,
    );
  });

  void it('refuses to remove an implausible share and changes nothing', async () => {
    const runId = await fullSyncSeeing([1, 2, 3, 4]);
    assert.deepEqual(await softDeleteUnseen(t.db, 'hardware', integrationId, runId, { maxShare: 0.5 }), {
      total: 10,
      unseen: 6,
      deleted: 0,
      refused: true,
    });
    assert.equal(await countRecords(t.db, 'hardware', integrationId), 10);
  });
});
