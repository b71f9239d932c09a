import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { upsertRecords } from '../../db/records-repository';
import {
  claimSyncRun,
  countsKeyOf,
  deleteSyncRun,
  emptySyncCounts,
  findCommittedBatch,
  findRunningSyncRun,
  findSyncRun,
  findSyncRunById,
  finishSyncRun,
  insertSyncRun,
  listSyncRuns,
  recordPage,
  seenCounts,
  setSyncRunPhase,
} from '../../db/sync-runs-repository';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { customer, hardware } from './fixtures';
import { seedIntegration } from '../support/seed';

void describe('sync runs repository', () => {
  let t: TestDatabase;
  let accountId: string;
  let integrationId: string;
  let runId: string;

  before(async () => {
    t = await createTestDatabase();
  });
  after(async () => {
    await t.drop();
  });
  beforeEach(async () => {
    ({ accountId, integrationId } = await seedIntegration(t.db));
    runId = randomUUID();
    await insertSyncRun(t.db, {
      id: runId,
      accountId,
      integrationId,
      kind: 'full',
      workflowId: `full-${integrationId}`,
    });
  });

  void it('maps the API word assets to hardware', () => {
    assert.deepEqual(countsKeyOf, { customers: 'customers', hardware: 'assets', software: 'software' });
    assert.deepEqual(emptySyncCounts().assets, { seen: 0, created: 0, updated: 0, unchanged: 0, deleted: 0 });
  });

  void it('lets one sync claim an integration while another runs, and hands the loser the running one', async () => {
    const input = {
      accountId,
      integrationId,
      kind: 'incremental' as const,
      workflowId: `x-${integrationId}`,
    };
    const [a, b] = await Promise.all([
      claimSyncRun(t.db, { ...input, id: randomUUID() }),
      claimSyncRun(t.db, { ...input, id: randomUUID() }),
    ]);
    // The run made in beforeEach is still running, so neither claim wins.
    for (const claim of [a, b]) {
      assert.equal(claim.claimed, false);
      assert.equal(claim.run?.id, runId);
    }
    await finishSyncRun(t.db, runId, { status: 'completed' });
    const [c, d] = await Promise.all([
      claimSyncRun(t.db, { ...input, id: randomUUID() }),
      claimSyncRun(t.db, { ...input, id: randomUUID() }),
    ]);
    assert.equal([c, d].filter((x) => x.claimed).length, 1, 'exactly one concurrent claim wins');
    const winner = [c, d].find((x) => x.claimed)!;
    const loser = [c, d].find((x) => !x.claimed)!;
    assert.equal(loser.run?.id, winner.run?.id);
  });

  void it('inserts a running run once, whatever the retries', async () => {
    const again = await insertSyncRun(t.db, {
      id: runId,
      accountId,
      integrationId,
      kind: 'full',
      workflowId: 'ignored on repeat',
    });
    assert.equal(again.workflowId, `full-${integrationId}`);
    assert.equal(again.status, 'running');
    assert.equal(again.phase, 'starting');
    assert.deepEqual(again.counts, emptySyncCounts());
    assert.deepEqual(again.warnings, []);
    assert.equal((await findRunningSyncRun(t.db, integrationId))?.id, runId);
  });

  void it('scopes reads to the account', async () => {
    const other = await seedIntegration(t.db);
    assert.equal((await findSyncRun(t.db, accountId, runId))?.id, runId);
    assert.equal(await findSyncRun(t.db, other.accountId, runId), null);
    assert.equal(await findSyncRun(t.db, accountId, 'nope'), null);
    assert.equal((await findSyncRunById(t.db, runId))?.id, runId);
    assert.deepEqual(
      (await listSyncRuns(t.db, { accountId, integrationId, limit: 10 })).map((r) => r.id),
      [runId],
    );
    assert.deepEqual(await listSyncRuns(t.db, { accountId: other.accountId, integrationId, limit: 10 }), []);
  });

  void it('tells a retried batch how many of its pages an earlier attempt wrote, from the key alone', async () => {
    const counts = { received: 200, created: 200, updated: 0, unchanged: 0 };
    // Pages 5 to 8 were asked for; the attempt got slots for two and recorded them under page 6.
    await recordPage(t.db, { syncRunId: runId, kind: 'hardware', pageNo: 6, pages: 2, ...counts });
    assert.deepEqual(await findCommittedBatch(t.db, runId, 'hardware', 5, 4), { lastPage: 6, counts });
    assert.equal(await findCommittedBatch(t.db, runId, 'hardware', 9, 4), null);
    assert.equal(await findCommittedBatch(t.db, runId, 'customers', 5, 4), null);
  });

  void it('counts a page once however often it is recorded', async () => {
    const page = {
      syncRunId: runId,
      kind: 'hardware' as const,
      pageNo: 1,
      received: 100,
      created: 60,
      updated: 30,
      unchanged: 10,
    };
    const first = await t.db.transaction((tx) => recordPage(tx, page));
    assert.deepEqual(first, {
      firstTime: true,
      counts: { received: 100, created: 60, updated: 30, unchanged: 10 },
    });

    // A retry that saw different numbers (its upsert found the rows already written) gets the first numbers.
    const retry = await t.db.transaction((tx) =>
      recordPage(tx, { ...page, created: 0, updated: 0, unchanged: 100 }),
    );
    assert.deepEqual(retry, first && { ...first, firstTime: false });

    await recordPage(t.db, {
      ...page,
      kind: 'customers',
      pageNo: 1,
      received: 5,
      created: 5,
      updated: 0,
      unchanged: 0,
    });
    await recordPage(t.db, { ...page, pageNo: 2, received: 50, created: 50, updated: 0, unchanged: 0 });

    const run = await findSyncRunById(t.db, runId);
    assert.equal(run?.pagesDone, 3);
    assert.deepEqual(run?.counts, {
      ...emptySyncCounts(),
      assets: { seen: 150, created: 110, updated: 30, unchanged: 10, deleted: 0 },
      customers: { seen: 5, created: 5, updated: 0, unchanged: 0, deleted: 0 },
    });
  });

  void it('finishes a run once', async () => {
    const counts = {
      ...emptySyncCounts(),
      customers: { seen: 1, created: 1, updated: 0, unchanged: 0, deleted: 0 },
    };
    assert.equal(
      await finishSyncRun(t.db, runId, { status: 'completed', warnings: ['software skipped'], counts }),
      true,
    );
    assert.equal(await finishSyncRun(t.db, runId, { status: 'failed', error: 'late failure' }), false);
    const run = await findSyncRunById(t.db, runId);
    assert.equal(run?.status, 'completed');
    assert.equal(run?.error, null);
    // The phase a finished run shows is its outcome.
    assert.equal(run?.phase, 'completed');
    assert.ok(run?.finishedAt instanceof Date);
    assert.deepEqual(run?.warnings, ['software skipped']);
    assert.deepEqual(run?.counts, counts);
    assert.equal(await findRunningSyncRun(t.db, integrationId), null);

    // Progress writes after the end change nothing.
    await setSyncRunPhase(t.db, runId, { phase: 'hardware' });
    assert.equal((await findSyncRunById(t.db, runId))?.phase, 'completed');
  });

  void it('tracks phase and pages total', async () => {
    await setSyncRunPhase(t.db, runId, { phase: 'hardware', pagesTotal: 8 });
    const run = await findSyncRunById(t.db, runId);
    assert.equal(run?.phase, 'hardware');
    assert.equal(run?.pagesTotal, 8);
  });

  void it('counts the rows a run marked as seen', async () => {
    await upsertRecords(t.db, 'hardware', integrationId, [hardware(1), hardware(2)], { seenBySyncId: runId });
    await upsertRecords(t.db, 'hardware', integrationId, [hardware(3)], { seenBySyncId: null });
    await upsertRecords(t.db, 'customers', integrationId, [customer(1)], { seenBySyncId: runId });
    assert.deepEqual(await seenCounts(t.db, integrationId, runId), {
      customers: 1,
      hardware: 2,
      software: 0,
    });
  });

  void it('deletes a run with its pages', async () => {
    await recordPage(t.db, {
      syncRunId: runId,
      kind: 'software',
      pageNo: 1,
      received: 1,
      created: 1,
      updated: 0,
      unchanged: 0,
    });
    assert.equal(await deleteSyncRun(t.db, runId), true);
    assert.equal(await deleteSyncRun(t.db, runId), false);
    const [row] = await t.sql<
      { n: number }[]
    >`select count(*)::int as n from sync_pages where sync_run_id = ${runId}`;
    assert.equal(row?.n, 0);
  });
});
