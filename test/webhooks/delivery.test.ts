import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../api/app';
import { createAccount } from '../../db/accounts-repository';
import { parseEncryptionKey } from '../../db/crypto';
import { signatureHeader, timestampHeader, verifySignature } from '../../webhooks/sign';
import { deliveryWorkflowId } from '../../config/temporal-identity';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTestWorker, testConfig } from '../support/system';
import { startTimeSkippingServer } from '../support/temporal';
import { startReceiver, type Receiver } from './receiver';

describe('webhook delivery, on the time-skipping test server', { timeout: 300_000 }, () => {
  let temporal: TestWorkflowEnvironment;
  let database: TestDatabase;
  let worker: { worker: Worker; running: Promise<void> };
  let app: FastifyInstance;
  let receiver: Receiver;
  let key: string;
  const config = testConfig({ WEBHOOK_TIMEOUT_SECONDS: '1' });

  before(async () => {
    [temporal, database, receiver] = await Promise.all([
      startTimeSkippingServer(),
      createTestDatabase(),
      startReceiver(),
    ]);
    worker = await startTestWorker(temporal.nativeConnection, database, config);
    app = await buildApp({
      config,
      db: database.db,
      temporal: temporal.client,
      encryptionKey: parseEncryptionKey(config.ENCRYPTION_KEY),
    });
    key = (await createAccount(database.db, 'Webhook MSP')).apiKey;
  });

  after(async () => {
    await app?.close();
    worker?.worker.shutdown();
    await worker?.running;
    await Promise.all([temporal?.teardown(), database?.drop(), receiver?.close()]);
  });

  beforeEach(() => {
    receiver.received.length = 0;
    receiver.answer = (res) => res.writeHead(200).end('thanks');
  });

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: object, apiKey = key) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${apiKey}` },
      ...(body ? { payload: body } : {}),
    });

  async function addWebhook(body: object = {}) {
    const response = await call('POST', '/v1/webhooks', {
      url: receiver.url,
      events: ['sync.failed'],
      ...body,
    });
    assert.equal(response.statusCode, 201, response.body);
    return response.json<{ webhook: { id: string }; secret: string }>();
  }

  /** Sends a test event and waits until its delivery workflow has finished, however many retries it took. */
  async function sendTest(webhookId: string) {
    const response = await call('POST', `/v1/webhooks/${webhookId}/test`);
    assert.equal(response.statusCode, 202, response.body);
    const delivery = response.json<{ id: string }>();
    const handle = temporal.client.workflow.getHandle(deliveryWorkflowId(delivery.id));
    const outcome = await handle.result();
    const [logged] = (await call('GET', `/v1/webhooks/${webhookId}/deliveries`)).json<{ items: any[] }>()
      .items;
    return { outcome, logged, handle };
  }

  it('signs a JSON event so that a receiver holding the secret can verify it and refuse a tampered one', async () => {
    const { webhook, secret } = await addWebhook();
    assert.match(secret, /^whsec_/);
    const listed = (await call('GET', `/v1/webhooks/${webhook.id}`)).body;
    assert.ok(!listed.includes(secret), 'the secret is shown once only');

    const { outcome, logged, handle } = await sendTest(webhook.id);
    assert.equal(outcome, 'delivered');
    // Payloads are bytes; read them as text, as anyone with access to the history could.
    const history = JSON.stringify(await handle.fetchHistory(), (key, value: unknown) =>
      key === 'data' && typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : value,
    );
    assert.ok(history.includes(logged.id), 'the history is read as text here');
    assert.ok(!history.includes(secret), 'the secret never passes through Temporal');
    assert.ok(!history.includes('webhook.test'), 'nor does the event: only the delivery id does');
    const [request] = receiver.received;
    assert.ok(request);
    const headers = {
      timestamp: request.headers[timestampHeader] as string,
      signature: request.headers[signatureHeader] as string,
    };
    const now = { nowSeconds: Math.floor(Date.now() / 1000), toleranceSeconds: 300 };
    assert.ok(verifySignature(secret, headers, request.body, now), 'the signature verifies');
    assert.ok(
      !verifySignature(secret, headers, request.body.replace('test', 'tset'), now),
      'tampering shows',
    );
    assert.ok(!verifySignature('whsec_other', headers, request.body, now), 'another secret does not verify');
    assert.ok(
      !verifySignature(secret, headers, request.body, { ...now, nowSeconds: now.nowSeconds + 3600 }),
      'an old timestamp is refused, so a replay is',
    );
    const event = JSON.parse(request.body);
    assert.equal(event.type, 'webhook.test');
    assert.equal(request.headers['x-webhook-event'], 'webhook.test');
    assert.deepEqual(
      {
        status: logged.status,
        attempts: logged.attempts,
        lastStatus: logged.lastStatus,
        lastAnswer: logged.lastAnswer,
      },
      { status: 'delivered', attempts: 1, lastStatus: 200, lastAnswer: 'thanks' },
    );
  });

  it('retries through a receiver that fails, then recovers, and logs every attempt', async () => {
    const { webhook } = await addWebhook();
    receiver.answer = (res, n) =>
      n <= 3 ? res.writeHead(503).end('down for maintenance') : res.writeHead(204).end();
    const { outcome, logged } = await sendTest(webhook.id);
    assert.equal(outcome, 'delivered');
    assert.equal(receiver.received.length, 4);
    const ids = new Set(receiver.received.map((r) => r.headers['x-webhook-delivery']));
    assert.equal(ids.size, 1, 'every attempt names the same delivery, so a receiver can drop duplicates');
    assert.deepEqual(
      { status: logged.status, attempts: logged.attempts, lastStatus: logged.lastStatus },
      { status: 'delivered', attempts: 4, lastStatus: 204 },
    );
  });

  it('keeps retrying a receiver that never recovers for more than a day, then logs the delivery as failed', async () => {
    const { webhook } = await addWebhook();
    receiver.answer = (res) => res.writeHead(500).end('broken');
    const { outcome, logged, handle } = await sendTest(webhook.id);
    assert.equal(outcome, 'failed');
    const { startTime, closeTime } = await handle.describe();
    const hours = (closeTime!.getTime() - startTime.getTime()) / 3_600_000;
    assert.ok(hours >= 24, `retried for ${hours.toFixed(1)} hours`);
    assert.equal(logged.status, 'failed');
    assert.equal(logged.attempts, receiver.received.length);
    assert.deepEqual([logged.lastStatus, logged.lastAnswer], [500, 'broken']);
  });

  it('gives a receiver that hangs one short deadline per attempt', async () => {
    const { webhook } = await addWebhook();
    // The first attempt never gets an answer; the second one does.
    receiver.answer = (res, n) => (n === 1 ? undefined : res.writeHead(200).end('late but fine'));
    const started = Date.now();
    const { outcome, logged } = await sendTest(webhook.id);
    assert.equal(outcome, 'delivered');
    assert.equal(logged.attempts, 2);
    assert.ok(Date.now() - started < 15_000, `took ${Date.now() - started} ms`);
  });

  it('reads only the first few KB of a 10 MB answer and drops the connection', async () => {
    const { webhook } = await addWebhook();
    let written = 0;
    let finished = false;
    receiver.answer = (res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (written < 10 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end(() => (finished = true));
      };
      res.on('error', () => undefined);
      pump();
    };
    const started = Date.now();
    const { outcome, logged } = await sendTest(webhook.id);
    assert.equal(outcome, 'delivered');
    assert.ok(Date.now() - started < 10_000);
    assert.ok(logged.lastAnswer.length <= 500 && /^x+$/.test(logged.lastAnswer));
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(
      !finished,
      `the receiver could not push its 10 MB (${written} bytes written before it was cut off)`,
    );
  });

  it('shows an account only its own webhooks and deliveries', async () => {
    const { webhook } = await addWebhook();
    const other = (await createAccount(database.db, 'Other MSP')).apiKey;
    for (const [method, url] of [
      ['GET', `/v1/webhooks/${webhook.id}`],
      ['GET', `/v1/webhooks/${webhook.id}/deliveries`],
      ['POST', `/v1/webhooks/${webhook.id}/test`],
      ['PUT', `/v1/webhooks/${webhook.id}`],
      ['DELETE', `/v1/webhooks/${webhook.id}`],
    ] as const) {
      const response = await call(
        method,
        url,
        method === 'PUT' ? { description: 'mine now' } : undefined,
        other,
      );
      assert.equal(response.statusCode, 404, `${method} ${url}`);
    }
    assert.deepEqual((await call('GET', '/v1/webhooks', undefined, other)).json(), { items: [] });
  });
});
