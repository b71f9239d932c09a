import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { syncOptionsOf } from '../../api/sync-service';
import { encryptSecret, parseEncryptionKey } from '../../db/crypto';
import { insertSyncRun } from '../../db/sync-runs-repository';
import { insertWebhook } from '../../db/webhooks-repository';
import { waitFor } from '../../scripts/children';
import { FullSync } from '../../workflows/sync';
import { startHaloStandin, type HaloStandin } from '../../standin';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestWorker, testConfig } from '../support/system';
import { seedIntegration } from '../support/seed';
import { startTimeSkippingServer } from '../support/temporal';
import { startReceiver, type Receiver } from './receiver';

describe('webhooks hear how syncs end', { timeout: 180_000 }, () => {
  let temporal: TestWorkflowEnvironment;
  let database: TestDatabase;
  let standin: HaloStandin;
  let receiver: Receiver;
  let worker: { worker: Worker; running: Promise<void> };
  const config = testConfig();

  before(async () => {
    [temporal, database, standin, receiver] = await Promise.all([
      startTimeSkippingServer(),
      createTestDatabase(),
      startHaloStandin({ customers: 5, assets: 30, licences: 4 }),
      startReceiver(),
    ]);
    worker = await startTestWorker(temporal.nativeConnection, database, config);
  });

  after(async () => {
    worker?.worker.shutdown();
    await worker?.running;
    await Promise.all([temporal?.teardown(), database?.drop(), standin?.close(), receiver?.close()]);
  });

  async function syncWithWebhook(clientSecret: string, format: 'json' | 'slack' | 'teams') {
    const before = receiver.received.length;
    const { account, integration } = await seedIntegration(database.db, {
      settings: {
        ...standin.settings,
        clientSecret,
      },
      encryptionKey: config.ENCRYPTION_KEY,
    });
    const id = randomUUID();
    await insertWebhook(database.db, {
      id,
      accountId: account.accountId,
      settings: { url: receiver.url, events: ['sync.completed', 'sync.failed'], format, description: '' },
      secretEnc: encryptSecret(parseEncryptionKey(config.ENCRYPTION_KEY), 'whsec_test', id),
    });
    const run = await insertSyncRun(database.db, {
      id: randomUUID(),
      accountId: account.accountId,
      integrationId: integration.id,
      kind: 'full',
      workflowId: `events-${integration.id}`,
    });
    await temporal.client.workflow
      .execute(FullSync, {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowId: run.workflowId,
        args: [{ syncRunId: run.id, integrationId: integration.id, options: syncOptionsOf(config) }],
      })
      .catch(() => undefined);
    await waitFor('the event to arrive', async () => receiver.received.length > before, 30_000);
    return { run, received: receiver.received.slice(before) };
  }

  it('sends sync.completed with the counts when a sync completes', async () => {
    const { run, received } = await syncWithWebhook(standin.settings.clientSecret, 'json');
    const event = JSON.parse(received[0]!.body);
    assert.equal(event.type, 'sync.completed');
    assert.equal(event.id, `sync.completed:${run.id}`);
    assert.equal(event.data.counts.assets.created, 30);
  });

  it('sends sync.failed with the reason and what to do, here to Slack', async () => {
    const { received } = await syncWithWebhook('not-the-secret', 'slack');
    const message = JSON.parse(received[0]!.body);
    assert.match(message.text, /failed/);
    assert.match(message.text, /credentials|Client Secret|client secret/i);
    assert.match(message.text, /then run a full sync/);
  });
});
