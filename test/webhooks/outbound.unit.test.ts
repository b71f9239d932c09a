// What leaves the service for a receiver: the bodies of each format, the events a run raises, and the guard
// that keeps receivers off private networks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SyncRun } from '../../db/schema/index';
import { emptySyncCounts } from '../../db/sync-runs-repository';
import { clearUrlGuardCache } from '../../halo/url-guard';
import { eventsOfRun } from '../../webhooks/events';
import { bodyOf } from '../../webhooks/formats';
import { sendWebhook } from '../../webhooks/send';
import { webhookBody } from '../../api/routes/webhooks';

const run = (overrides: Partial<SyncRun>): SyncRun => ({
  id: '5f0c6f3e-8a43-4a55-9d7e-2f3f2b0b9a11',
  accountId: 'a6c2d1b0-0000-4000-8000-000000000001',
  integrationId: 'b6c2d1b0-0000-4000-8000-000000000002',
  kind: 'full',
  status: 'completed',
  phase: 'completed',
  pagesDone: 3,
  pagesTotal: 3,
  counts: emptySyncCounts(),
  error: null,
  warnings: [],
  workflowId: 'w',
  workflowRunId: null,
  startedAt: new Date('2026-11-30T03:00:00Z'),
  finishedAt: new Date('2026-11-30T03:05:00Z'),
  ...overrides,
});

describe('what a run tells webhooks', () => {
  it('a completed run with warnings raises sync.completed and sync.warning; a cancelled one nothing', () => {
    const warned = eventsOfRun(run({ warnings: ['Deletions of hardware assets were refused: …'] }), 'acme');
    assert.deepEqual(
      warned.map((e) => e.type),
      ['sync.completed', 'sync.warning'],
    );
    assert.deepEqual(warned[1]!.data['warnings'], ['Deletions of hardware assets were refused: …']);
    assert.deepEqual(eventsOfRun(run({ status: 'cancelled', warnings: ['x'] }), 'acme'), []);
  });

  it('a failed run says what to do, by what failed', () => {
    const [auth] = eventsOfRun(
      run({ status: 'failed', error: 'Halo rejected the client credentials' }),
      'acme',
    );
    assert.match(String(auth!.data['whatToDo']), /credentials, permissions, tenant/);
    const [down] = eventsOfRun(
      run({ status: 'failed', error: 'A sync step did not finish in time' }),
      'acme',
    );
    assert.match(String(down!.data['whatToDo']), /next scheduled sync tries again/);
  });

  it('renders Slack text and a Teams Adaptive Card a person can read', () => {
    const [event] = eventsOfRun(
      run({ status: 'failed', error: 'Halo rejected the client credentials' }),
      'acme',
    );
    const slack = JSON.parse(bodyOf('slack', event!));
    assert.match(slack.text, /^\*Sync of acme failed\*\nHalo rejected the client credentials/);
    const teams = JSON.parse(bodyOf('teams', event!));
    assert.equal(teams.type, 'message');
    assert.equal(teams.attachments[0].contentType, 'application/vnd.microsoft.card.adaptive');
    assert.equal(teams.attachments[0].content.body[0].text, 'Sync of acme failed');
    assert.deepEqual(JSON.parse(bodyOf('json', event!)), event);
  });
});

describe('the receiver guard', () => {
  it('refuses private, loopback and plain-http receivers unless the operator allows them', () => {
    const schema = webhookBody(false);
    for (const url of [
      'http://hooks.example.com/x',
      'https://127.0.0.1/x',
      'https://10.1.2.3/x',
      'https://169.254.169.254/x',
    ]) {
      assert.equal(schema.safeParse({ url, events: ['sync.failed'] }).success, false, url);
    }
    assert.equal(
      schema.safeParse({ url: 'https://hooks.slack.com/services/T/B/x', events: ['sync.failed'] }).success,
      true,
    );
    assert.equal(
      webhookBody(true).safeParse({ url: 'http://127.0.0.1:9/x', events: ['sync.failed'] }).success,
      true,
    );
  });

  it('refuses at send time a name that resolves to a private address, without connecting', async () => {
    clearUrlGuardCache();
    const result = await sendWebhook('https://localhost:9/x', {}, '{}', {
      allowPrivate: false,
      timeoutMs: 1000,
    });
    assert.equal(result.ok, false);
    assert.equal(result.status, null);
    assert.ok('refused' in result && result.refused);
    assert.match(result.answer, /Refused to connect to localhost/);
  });
});
