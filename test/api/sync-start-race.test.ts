// "Sync now" at any moment answers 202 with the sync it started or 409 naming the one running, never an
// outage that did not happen: in particular while another sync of the integration has recorded its end in
// the database but its workflow is still closing in Temporal (a real dev server and worker).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { Client } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import { parseEncryptionKey } from '../../db/crypto';
import { syncWorkflowId } from '../../config/temporal-identity';
import { startHaloStandin, type HaloStandin } from '../../standin';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestWorker, testConfig } from '../support/system';
import { seedIntegration } from '../support/seed';
import { startTemporalDevServer } from '../support/temporal';

describe('starting a sync while another one finishes', { timeout: 240_000 }, () => {
  const config = testConfig();
  let temporal: TestWorkflowEnvironment;
  let database: TestDatabase;
  let standin: HaloStandin;
  let worker: { worker: Worker; running: Promise<void> };
  let app: FastifyInstance;

  before(async () => {
    [temporal, database, standin] = await Promise.all([
      startTemporalDevServer(),
      createTestDatabase(),
      startHaloStandin({ customers: 2, assets: 3, licences: 1 }),
    ]);
    worker = await startTestWorker(temporal.nativeConnection, database, config);
    app = await buildApp({
      config,
      db: database.db,
      temporal: new Client({ connection: temporal.connection, namespace: config.TEMPORAL_NAMESPACE }),
      encryptionKey: parseEncryptionKey(config.ENCRYPTION_KEY),
    });
  });

  after(async () => {
    await app?.close();
    worker?.worker.shutdown();
    await worker?.running;
    await Promise.all([temporal?.teardown(), database?.drop(), standin?.close()]);
  });

  async function seeded() {
    const { account, integration } = await seedIntegration(database.db, {
      settings: standin.settings,
      encryptionKey: config.ENCRYPTION_KEY,
    });
    const start = () =>
      app.inject({
        method: 'POST',
        url: `/v1/integrations/${integration.id}/syncs`,
        headers: { authorization: `Bearer ${account.apiKey}` },
        payload: { kind: 'incremental' },
      });
    return { integration, start };
  }

  /** A workflow under the integration's sync id that the database knows nothing of: one still closing. */
  async function closingWorkflow(integrationId: string) {
    return temporal.client.workflow.start('FullSync', {
      // No worker polls this queue, so the workflow stays open until the test ends it.
      taskQueue: `nobody-${integrationId}`,
      workflowId: syncWorkflowId(integrationId),
      args: [],
    });
  }

  it('waits for a workflow that closes a moment later, then starts the sync', async () => {
    const { integration, start } = await seeded();
    const closing = await closingWorkflow(integration.id);
    setTimeout(() => void closing.terminate('finished'), 500);
    const response = await start();
    assert.equal(response.statusCode, 202, response.body);
    assert.equal(response.json<{ status: string }>().status, 'running');
  });

  it('answers 409 sync_in_progress, not 503, when that workflow does not close within a few seconds', async () => {
    const { integration, start } = await seeded();
    const closing = await closingWorkflow(integration.id);
    try {
      const response = await start();
      assert.equal(response.statusCode, 409, response.body);
      assert.equal(response.json<{ error: { code: string } }>().error.code, 'sync_in_progress');
      const runs = await database.sql`select id from sync_runs where integration_id = ${integration.id}`;
      assert.equal(runs.length, 0, 'no run is recorded for a sync that did not start');
    } finally {
      await closing.terminate('test over');
    }
  });

  it('answers every start sent while real runs finish with 202 or 409', async () => {
    const { start } = await seeded();
    const answers: number[] = [];
    // Each round starts a sync, then keeps pressing "Sync now" until the next one starts: the presses land
    // before, during and just after the moment the run records its end and its workflow closes.
    for (let round = 0; round < 6; round += 1) {
      for (;;) {
        const response = await start();
        answers.push(response.statusCode);
        assert.ok(
          [202, 409].includes(response.statusCode),
          `answered ${response.statusCode}: ${response.body}`,
        );
        if (response.statusCode === 202) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    assert.equal(answers.filter((s) => s === 202).length, 6);
  });
});
