import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { encryptSecret, parseEncryptionKey } from '../../db/crypto';
import { insertWebhook } from '../../db/webhooks-repository';
import { waitFor } from '../../scripts/children';
import { CheckStale, PruneHistory } from '../../workflows/upkeep';
import { seedIntegration } from '../support/seed';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestWorker, testConfig } from '../support/system';
import { startTimeSkippingServer } from '../support/temporal';
import { startReceiver, type Receiver } from '../webhooks/receiver';

describe('the stale check and the history pruning', { timeout: 180_000 }, () => {
  let temporal: TestWorkflowEnvironment;
  let database: TestDatabase;
  let receiver: Receiver;
  let worker: { worker: Worker; running: Promise<void> };
  const config = testConfig();

  before(async () => {
    [temporal, database, receiver] = await Promise.all([
      startTimeSkippingServer(),
      createTestDatabase(),
      startReceiver(),
    ]);
    worker = await startTestWorker(temporal.nativeConnection, database, config);
  });

  after(async () => {
    worker?.worker.shutdown();
    await worker?.running;
    await Promise.all([temporal?.teardown(), database?.drop(), receiver?.close()]);
  });

  /** A run of the integration that started and ended `hoursAgo` hours ago. */
  async function addRun(
    integrationId: string,
    accountId: string,
    hoursAgo: number,
    opts: { status?: string; kind?: string } = {},
  ): Promise<string> {
    const id = randomUUID();
    const at = new Date(Date.now() - hoursAgo * 3_600_000);
    await database.sql`
      insert into sync_runs (id, account_id, integration_id, kind, status, counts, workflow_id, started_at, finished_at)
      values (${id}, ${accountId}, ${integrationId}, ${opts.kind ?? 'incremental'}, ${opts.status ?? 'completed'},
              '{}'::jsonb, 'w', ${at.toISOString()}, ${opts.status === 'running' ? null : at.toISOString()})`;
    return id;
  }

  const checkStale = () =>
    temporal.client.workflow.execute(CheckStale, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: `stale-${randomUUID()}`,
      args: [{ defaultHours: 26 }],
    });

  it('fires integration.stale once per stale period, not at every check', async () => {
    const { accountId, integrationId } = await seedIntegration(database.db);
    const quiet = await seedIntegration(database.db);
    await database.sql`update integrations set stale_after_hours = 48 where id = ${quiet.integrationId}`;
    for (const seeded of [{ accountId, integrationId }, quiet]) {
      const id = randomUUID();
      await insertWebhook(database.db, {
        id,
        accountId: seeded.accountId,
        settings: { url: receiver.url, events: ['integration.stale'], format: 'json', description: '' },
        secretEnc: encryptSecret(parseEncryptionKey(config.ENCRYPTION_KEY), 'whsec_x', id),
      });
      await addRun(seeded.integrationId, seeded.accountId, 30);
    }
    await checkStale();
    await checkStale();
    await waitFor('the stale event', async () => receiver.received.length >= 1, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(receiver.received.length, 1, 'one event for two checks; none for the 48-hour integration');
    const event = JSON.parse(receiver.received[0]!.body);
    assert.equal(event.type, 'integration.stale');
    assert.equal(event.integrationId, integrationId);
    assert.equal(event.data.staleAfterHours, 26);

    // A later success that goes stale in its turn is a new stale period.
    await addRun(integrationId, accountId, 27);
    await checkStale();
    await checkStale();
    await waitFor('the second stale event', async () => receiver.received.length >= 2, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(receiver.received.length, 2);
  });

  it('keeps 90 days of runs, always the newest 50 and the last completed of each kind, and pages of running runs only', async () => {
    const { accountId, integrationId } = await seedIntegration(database.db);
    const oldFull = await addRun(integrationId, accountId, 24 * 200, { kind: 'full' });
    const runs: string[] = [];
    for (let i = 0; i < 55; i += 1) runs.push(await addRun(integrationId, accountId, 24 * 100 - i));
    for (let i = 0; i < 5; i += 1)
      runs.push(await addRun(integrationId, accountId, 24 * 10 - i, { status: 'failed' }));
    const running = await addRun(integrationId, accountId, 0.1, { status: 'running' });
    for (const run of [running, ...runs.slice(-3)]) {
      await database.sql`
        insert into sync_pages (sync_run_id, kind, page_no, received, created, updated, unchanged)
        select ${run}, 'hardware', n, 100, 0, 0, 100 from generate_series(1, 3) as n`;
    }

    // The change feed: three changes past 90 days go, one within them stays.
    await database.sql`
      insert into record_changes (integration_id, kind, halo_id, change, created_at)
      select ${integrationId}, 'hardware', n, 'updated', now() - make_interval(days => 95 - n)
      from generate_series(0, 3) as n`;
    await database.sql`
      update record_changes set created_at = now() - interval '1 day'
      where integration_id = ${integrationId} and halo_id = 3`;

    const result = await temporal.client.workflow.execute(PruneHistory, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      workflowId: `prune-${randomUUID()}`,
      args: [{ keepDays: 90, keepRuns: 50 }],
    });

    const left = await database.sql<{ id: string }[]>`
      select id from sync_runs where integration_id = ${integrationId} order by started_at desc`;
    const newest50 = [running, ...runs.slice(-49).reverse()];
    assert.deepEqual(
      left.map((r) => r.id),
      [...newest50, oldFull],
      'the newest 50 (the running one among them) and the last completed full sync',
    );
    const pages = await database.sql<{ sync_run_id: string }[]>`
      select distinct sync_run_id from sync_pages where sync_run_id = any(${[running, ...runs]}::uuid[])`;
    assert.deepEqual(
      pages.map((p) => p.sync_run_id),
      [running],
    );
    assert.deepEqual(result, { runsDeleted: 11, pagesDeleted: 9, changesDeleted: 3 });
    const changes = await database.sql<{ halo_id: number }[]>`
      select halo_id from record_changes where integration_id = ${integrationId}`;
    assert.deepEqual(
      changes.map((c) => c.halo_id),
      [3],
    );
  });
});
