import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { progressQuery } from '../../workflows/sync';
import { startHaloStandin, type HaloStandin } from '../../standin';
import { assertMatchesStandin } from '../support/compare';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { historyText, largestPayload, runHistories } from '../support/histories';
import { startTestWorker, syncServiceFor, syncToEnd, targetOf, testConfig } from '../support/system';
import { seedIntegration } from '../support/seed';
import { startTemporalDevServer } from '../support/temporal';

describe('FullSync on a real Temporal dev server and PostgreSQL', { timeout: 240_000 }, () => {
  let temporal: TestWorkflowEnvironment;
  let database: TestDatabase;
  let standin: HaloStandin;
  let worker: { worker: Worker; running: Promise<void> };
  // Small runs force continue-as-new several times over the 2,500 assets.
  const config = testConfig({
    SYNC_MAX_PAGES_PER_RUN: '8',
    SYNC_PAGE_CONCURRENCY: '4',
    SYNC_PAGES_PER_ACTIVITY: '2',
    HALO_PAGE_SIZE: '1000',
  });

  before(async () => {
    [temporal, database, standin] = await Promise.all([
      startTemporalDevServer(),
      createTestDatabase(),
      startHaloStandin({ customers: 150, assets: 2500, licences: 300 }),
    ]);
    worker = await startTestWorker(temporal.nativeConnection, database, config);
  });

  after(async () => {
    worker?.worker.shutdown();
    await worker?.running;
    await Promise.all([temporal?.teardown(), database?.drop(), standin?.close()]);
  });

  const syncOf = (account: { accountId: string }, integration: { id: string; tenant: string }) =>
    syncToEnd(config, database, temporal.client, targetOf(account, integration));

  it('lands every customer, asset and licence exactly, through continue-as-new, with exact counts', async () => {
    const { account, integration } = await seedIntegration(database.db, {
      settings: standin.settings,
      encryptionKey: config.ENCRYPTION_KEY,
    });
    const tokensBefore = standin.stats.tokenRequests;
    const run = await syncOf(account, integration);

    assert.equal(run.status, 'completed', run.error ?? '');
    await assertMatchesStandin(database.sql, integration.id, standin);
    assert.deepEqual(run.counts.customers, { seen: 150, created: 150, updated: 0, unchanged: 0, deleted: 0 });
    assert.deepEqual(run.counts.assets, { seen: 2500, created: 2500, updated: 0, unchanged: 0, deleted: 0 });
    assert.deepEqual(run.counts.software, { seen: 300, created: 300, updated: 0, unchanged: 0, deleted: 0 });
    // Halo capped page_size=1000 at 100, so the pages are 2 + 25 + 3, all of them counted.
    assert.equal(run.pagesDone, 30);
    assert.equal(run.pagesTotal, 30);
    // One token served the whole sync.
    assert.equal(standin.stats.tokenRequests - tokensBefore, 1);

    // The progress query answers from the last run, with the counters carried across every hand-over.
    const progress = await temporal.client.workflow.getHandle(run.workflowId).query(progressQuery);
    assert.equal(progress.phase, 'completed');
    assert.equal(progress.pagesDone, 30);
    assert.equal(progress.pagesTotal, 30);
    assert.equal(progress.counts.hardware.received, 2500);

    // 30 pages, at most 8 started per run: at least four runs, each but the last ending in continue-as-new.
    const histories = await runHistories(temporal.client, run.workflowId, run.workflowRunId!);
    assert.ok(
      histories.length >= 4,
      `expected several runs through continue-as-new, got ${histories.length}`,
    );
    for (const history of histories) assert.ok((history.events?.length ?? 0) < 200);
  });

  it('carries no asset data, client secret or access token through Temporal', async () => {
    const { account, integration } = await seedIntegration(database.db, {
      settings: standin.settings,
      encryptionKey: config.ENCRYPTION_KEY,
    });
    const run = await syncOf(account, integration);
    assert.equal(run.status, 'completed', run.error ?? '');

    const histories = await runHistories(temporal.client, run.workflowId, run.workflowRunId!);
    const samples = [
      ...standin.data.assets.slice(0, 50).flatMap((a) => [a['key_field'], a['inventory_number']]),
      ...standin.data.customers.slice(0, 20).map((c) => c['name']),
      ...standin.data.licences.slice(0, 20).map((l) => l['name']),
    ].filter((v): v is string => typeof v === 'string' && v.length >= 6);
    assert.ok(samples.length > 50);
    for (const history of histories) {
      const text = historyText(history);
      assert.ok(!text.includes(standin.settings.clientSecret), 'client secret in history');
      for (const token of standin.issuedTokens()) assert.ok(!text.includes(token), 'access token in history');
      for (const sample of samples)
        assert.ok(!text.includes(JSON.stringify(sample).slice(1, -1)), `record data in history: ${sample}`);
      assert.ok(largestPayload(history) < 2048, 'a payload is larger than ids and counts need');
    }
  });

  it('rewrites nothing on a second full sync of an unchanged tenant, and picks up an edit', async () => {
    const { account, integration } = await seedIntegration(database.db, {
      settings: standin.settings,
      encryptionKey: config.ENCRYPTION_KEY,
    });
    await syncOf(account, integration);
    const edited = standin.data.assets[42]!;
    standin.touchAsset(edited.id, { key_field: 'renamed-host-42' });

    const run = await syncOf(account, integration);
    assert.equal(run.status, 'completed', run.error ?? '');
    assert.deepEqual(run.counts.assets, { seen: 2500, created: 0, updated: 1, unchanged: 2499, deleted: 0 });
    assert.equal(run.counts.customers.unchanged, 150);
    await assertMatchesStandin(database.sql, integration.id, standin);
  });

  it('follows records added while it pages through', async () => {
    const local = await startHaloStandin({ seed: 7, customers: 5, assets: 600, licences: 5 });
    try {
      const { account, integration } = await seedIntegration(database.db, {
        settings: local.settings,
        encryptionKey: config.ENCRYPTION_KEY,
      });
      const lastId = local.data.assets.at(-1)!.id;
      let added = false;
      local.faults.intercept = (req) => {
        // Once paging is under way, Halo gains 150 assets at the end of the id order.
        if (!added && req.url?.includes('/api/Asset') && req.url.includes('page_no=3')) {
          added = true;
          for (let i = 1; i <= 150; i++) local.data.assets.push({ ...local.data.assets[0]!, id: lastId + i });
        }
        return false;
      };
      const run = await syncOf(account, integration);
      assert.equal(run.status, 'completed', run.error ?? '');
      assert.ok(added);
      await assertMatchesStandin(database.sql, integration.id, local);
      assert.equal(run.counts.assets.seen, 750);
    } finally {
      await local.close();
    }
  });

  it('skips software it may not read, says why, and still syncs hardware and customers', async () => {
    const local = await startHaloStandin({
      seed: 3,
      customers: 20,
      assets: 230,
      licences: 40,
      softwareForbidden: true,
    });
    try {
      const { account, integration } = await seedIntegration(database.db, {
        settings: local.settings,
        encryptionKey: config.ENCRYPTION_KEY,
      });
      const run = await syncOf(account, integration);
      assert.equal(run.status, 'completed', run.error ?? '');
      assert.equal(run.warnings.length, 1);
      assert.match(run.warnings[0]!, /software/i);
      assert.match(run.warnings[0]!, /permission/i);
      await assertMatchesStandin(database.sql, integration.id, local, ['customers', 'hardware']);
      assert.equal(run.counts.software.seen, 0);
    } finally {
      await local.close();
    }
  });

  it('fails at once with an actionable message when Halo rejects the credentials', async () => {
    const local = await startHaloStandin({ seed: 4, customers: 3, assets: 10, licences: 1 });
    try {
      const { account, integration } = await seedIntegration(database.db, {
        settings: {
          ...local.settings,
          clientSecret: 'not-the-secret',
        },
        encryptionKey: config.ENCRYPTION_KEY,
      });
      const started = Date.now();
      const run = await syncOf(account, integration);
      assert.equal(run.status, 'failed');
      assert.match(run.error ?? '', /invalid_client/);
      assert.match(run.error ?? '', /Client ID and Secret/);
      assert.ok(!(run.error ?? '').includes('not-the-secret'));
      // Not retried: a bad secret cannot get better by waiting.
      assert.ok(Date.now() - started < 15_000);
      assert.equal(local.stats.tokenRequests, 1);
    } finally {
      await local.close();
    }
  });

  it('starts no second sync while one runs for the same integration', async () => {
    const { account, integration } = await seedIntegration(database.db, {
      settings: standin.settings,
      encryptionKey: config.ENCRYPTION_KEY,
    });
    const syncs = syncServiceFor(config, database, temporal.client);
    const first = await syncs.startSync(targetOf(account, integration), 'full');
    const second = await syncs.startSync(targetOf(account, integration), 'full');
    assert.equal(first.started, true);
    assert.equal(second.started, false);
    assert.equal(second.run.id, first.run.id);
    await temporal.client.workflow.getHandle(first.run.workflowId).result();
    const count =
      await database.sql`select count(*)::int as n from sync_runs where integration_id = ${integration.id}`;
    assert.equal(count[0]!['n'], 1);
  });
});
