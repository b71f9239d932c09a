// The metrics' sums of ended runs, kept by triggers on sync_runs: a run adds its share when it ends, moves it
// when its counts change afterwards, and deleting runs takes nothing away.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createApiMetrics } from '../../api/metrics';
import { deleteSyncRun, finishSyncRun, insertSyncRun, recordPage } from '../../db/sync-runs-repository';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { seedIntegration } from '../support/seed';

void describe('sync run totals', () => {
  let t: TestDatabase;
  let accountId: string;
  let integrationId: string;

  before(async () => {
    t = await createTestDatabase();
    ({ accountId, integrationId } = await seedIntegration(t.db));
  });
  after(async () => {
    await t?.drop();
  });

  const totals = async () =>
    Object.fromEntries(
      (
        await t.sql<{ key: string; value: number }[]>`
          select kind || '/' || status || '/' || metric as key, value from sync_run_totals where value <> 0`
      ).map((r) => [r.key, r.value]),
    );
  const metric = async (line: string) => {
    const text = await createApiMetrics(t.db).render();
    const found = text.split('\n').find((l) => l.startsWith(`${line} `));
    return found === undefined ? undefined : Number(found.slice(line.length + 1));
  };
  const run = async (kind: 'full' | 'incremental' = 'full') => {
    const id = randomUUID();
    await insertSyncRun(t.db, {
      id,
      accountId,
      integrationId,
      kind,
      workflowId: `halo-sync-${integrationId}`,
    });
    return id;
  };
  const page = (syncRunId: string, pageNo: number, created: number) =>
    recordPage(t.db, {
      syncRunId,
      kind: 'hardware',
      pageNo,
      received: created,
      created,
      updated: 0,
      unchanged: 0,
    });

  void it('adds a run when it ends, not while it runs', async () => {
    const id = await run();
    await page(id, 1, 100);
    assert.deepEqual(await totals(), {});
    assert.equal(await metric('halo_syncs_running{kind="full"}'), 1);
    assert.equal(await metric('halo_syncs_started_total{kind="full"}'), 1);
    assert.equal(await metric('halo_sync_records_total{record_kind="assets",outcome="created"}'), 100);

    await finishSyncRun(t.db, id, { status: 'completed' });
    const after = await totals();
    assert.equal(after['full/completed/runs'], 1);
    assert.equal(after['full/completed/assets.created'], 100);
    assert.equal(after['full/completed/le:5'], 1, 'a run of under a second is in every bucket');
    assert.equal(await metric('halo_syncs_running{kind="full"}'), 0);
    assert.equal(await metric('halo_syncs_finished_total{kind="full",status="completed"}'), 1);
    assert.equal(await metric('halo_sync_records_total{record_kind="assets",outcome="created"}'), 100);
  });

  void it('moves the totals when a page is recorded after the end, and keeps them when runs are deleted', async () => {
    const id = await run('incremental');
    await page(id, 1, 10);
    await finishSyncRun(t.db, id, { status: 'cancelled' });
    await page(id, 2, 5);
    assert.equal((await totals())['incremental/cancelled/assets.created'], 15);
    assert.equal((await totals())['incremental/cancelled/runs'], 1);

    await deleteSyncRun(t.db, id);
    assert.equal((await totals())['incremental/cancelled/runs'], 1);
    assert.equal(await metric('halo_syncs_started_total{kind="incremental"}'), 1);
    assert.equal(await metric('halo_sync_records_total{record_kind="assets",outcome="created"}'), 115);
  });
});
