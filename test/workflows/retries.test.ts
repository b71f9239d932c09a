import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { syncOptionsOf } from '../../api/sync-service';
import { findSyncRunById, insertSyncRun } from '../../db/sync-runs-repository';
import { FullSync } from '../../workflows/sync';
import { startHaloStandin, type HaloStandin } from '../../standin';
import { assertMatchesStandin } from '../support/compare';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestWorker, testConfig } from '../support/system';
import { seedIntegration } from '../support/seed';
import { startTimeSkippingServer } from '../support/temporal';

describe('FullSync through Halo faults, on the time-skipping test server', { timeout: 120_000 }, () => {
  let temporal: TestWorkflowEnvironment;
  let database: TestDatabase;
  let standin: HaloStandin;
  let worker: { worker: Worker; running: Promise<void> };
  const config = testConfig({ SYNC_MAX_PAGES_PER_RUN: '5' });

  before(async () => {
    [temporal, database, standin] = await Promise.all([
      startTimeSkippingServer(),
      createTestDatabase(),
      startHaloStandin({ customers: 30, assets: 450, licences: 20 }),
    ]);
    worker = await startTestWorker(temporal.nativeConnection, database, config);
  });

  after(async () => {
    worker?.worker.shutdown();
    await worker?.running;
    await Promise.all([temporal?.teardown(), database?.drop(), standin?.close()]);
  });

  it('retries pages Halo answers with 503 or an HTML error page, and still lands every record once', async () => {
    const failuresLeft = new Map<string, number>();
    standin.faults.intercept = (req, res) => {
      const url = req.url ?? '';
      if (!url.includes('/api/Asset') || !/page_no=(2|4)&/.test(url + '&')) return false;
      const left = failuresLeft.get(url) ?? 3;
      if (left === 0) return false;
      failuresLeft.set(url, left - 1);
      res
        .writeHead(503, { 'content-type': 'text/html' })
        .end('<html><body><h1>Service Unavailable</h1></body></html>');
      return true;
    };
    const { account, integration } = await seedIntegration(database.db, {
      settings: standin.settings,
      encryptionKey: config.ENCRYPTION_KEY,
    });
    // Started directly: the time-skipping server knows no custom search attributes, which the service sets.
    const run = await insertSyncRun(database.db, {
      id: randomUUID(),
      accountId: account.accountId,
      integrationId: integration.id,
      kind: 'full',
      workflowId: `retries-${integration.id}`,
    });
    await temporal.client.workflow.execute(FullSync, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: run.workflowId,
      args: [{ syncRunId: run.id, integrationId: integration.id, options: syncOptionsOf(config) }],
    });

    const finished = await findSyncRunById(database.db, run.id);
    assert.equal(finished?.status, 'completed', finished?.error ?? '');
    assert.ok(failuresLeft.size >= 2, 'the faults were hit');
    for (const left of failuresLeft.values()) assert.equal(left, 0);
    await assertMatchesStandin(database.sql, integration.id, standin);
    assert.deepEqual(finished?.counts.assets, {
      seen: 450,
      created: 450,
      updated: 0,
      unchanged: 0,
      deleted: 0,
    });
  });

  it('fails a run whose pages cannot be written with a sentence for the user, no database text', async () => {
    const { account, integration } = await seedIntegration(database.db, {
      settings: standin.settings,
      encryptionKey: config.ENCRYPTION_KEY,
    });
    // Every new hardware row is refused, with the statement's values in drizzle's message.
    await database.sql`alter table hardware_assets add constraint refuse_writes check (false) not valid`;
    try {
      const run = await insertSyncRun(database.db, {
        id: randomUUID(),
        accountId: account.accountId,
        integrationId: integration.id,
        kind: 'full',
        workflowId: `db-fault-${integration.id}`,
      });
      const handle = await temporal.client.workflow.start(FullSync, {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowId: run.workflowId,
        args: [{ syncRunId: run.id, integrationId: integration.id, options: syncOptionsOf(config) }],
      });
      await assert.rejects(handle.result());

      const finished = await findSyncRunById(database.db, run.id);
      assert.equal(finished?.status, 'failed');
      assert.equal(
        finished?.error,
        'The sync could not read or write its database; the step was retried, and the next sync will try again.',
      );
      const history = JSON.stringify(await handle.fetchHistory());
      for (const text of ['Failed query', 'params:', 'refuse_writes', 'hardware_assets']) {
        assert.ok(!history.includes(text), `${text} reached the workflow history`);
      }
    } finally {
      await database.sql`alter table hardware_assets drop constraint refuse_writes`;
    }
  });
});
