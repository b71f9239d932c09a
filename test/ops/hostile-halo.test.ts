// One account points its Halo URLs at a server that answers the credential check with a huge error body
// crafted to be slow to read. The real API process must answer it promptly and keep answering every other
// account meanwhile: its event loop may never be held by one account's Halo.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createAccount } from '../../db/accounts-repository';
import { httpOk, startTsChild, waitFor, type Child } from '../../scripts/children';
import { startTinyServer, type TinyServer } from '../halo/tiny-server';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { freePort, processEnv } from '../support/processes';

// Error bodies: each shape took the old parser time growing with the square of its size (150 KB ~14 s).
// The 2xx one is parsed whole as JSON, which takes seconds for tens of MB of nesting.
const hostileAnswers: Record<string, { status: number; body: string; code: string }> = {
  'repeated <title': { status: 400, body: `<html>${'<title'.repeat(1_000_000)}`, code: 'halo_auth_failed' },
  'repeated <script': { status: 400, body: `<html>${'<script>'.repeat(700_000)}`, code: 'halo_auth_failed' },
  'repeated &#': { status: 400, body: `<html><p>${'&#'.repeat(2_500_000)}`, code: 'halo_auth_failed' },
  'nested arrays in a 200 answer': { status: 200, body: '['.repeat(40_000_000), code: 'halo_unreachable' },
};

describe('a hostile Halo against the API process', { timeout: 120_000 }, () => {
  let database: TestDatabase;
  let hostile: TinyServer;
  let api: Child;
  let base: string;
  let attackerKey: string;
  let otherKey: string;
  let answer = { status: 200, body: '' };
  const logs: string[] = [];

  before(async () => {
    database = await createTestDatabase();
    hostile = await startTinyServer((_req, res) => {
      res.writeHead(answer.status, { 'content-type': 'text/html' }).end(answer.body);
    });
    attackerKey = (await createAccount(database.db, 'Attacker')).apiKey;
    otherKey = (await createAccount(database.db, 'Bystander')).apiKey;
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = startTsChild('api', 'api/server.ts', {
      env: processEnv({
        PORT: String(port),
        DATABASE_URL: database.url,
        // Never reached: a refused credential check starts nothing.
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        ENCRYPTION_KEY: randomBytes(32).toString('hex'),
        LOG_LEVEL: 'warn',
      }),
      output: (line) => logs.push(line),
    });
    await waitFor('the API', () => httpOk(`${base}/healthz`), 60_000);
  });

  after(async () => {
    await api?.stop();
    await Promise.all([database?.drop(), hostile?.close()]);
  });

  for (const [shape, crafted] of Object.entries(hostileAnswers)) {
    const mb = Math.round(crafted.body.length / 1024 / 1024);
    it(`answers other accounts while the credential check meets ${mb} MB of ${shape}`, async () => {
      answer = crafted;
      const save = fetch(`${base}/v1/integrations/halo`, {
        method: 'POST',
        headers: { authorization: `Bearer ${attackerKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          resourceServerUrl: `${hostile.url}/api`,
          authServerUrl: `${hostile.url}/auth`,
          tenant: 'evil',
          clientId: 'evil-client',
          clientSecret: 'evil-secret',
        }),
        signal: AbortSignal.timeout(10_000),
      });
      let saved = false;
      const settled = save.finally(() => (saved = true));
      settled.catch(() => {});

      // Another account's requests, one after another, for as long as the save is in flight (and a few more).
      const waits: number[] = [];
      while (!saved || waits.length < 5) {
        const started = performance.now();
        const response = await fetch(`${base}/v1/integrations`, {
          headers: { authorization: `Bearer ${otherKey}` },
          signal: AbortSignal.timeout(5_000),
        });
        assert.equal(response.status, 200);
        await response.arrayBuffer();
        waits.push(performance.now() - started);
      }

      const saveAnswer = await settled;
      const { error } = (await saveAnswer.json()) as { error: { code: string; message: string } };
      assert.equal(error.code, crafted.code);
      assert.ok(error.message.length < 1000, error.message);
      const slowest = Math.max(...waits);
      assert.ok(slowest < 1000, `another account waited ${slowest.toFixed(0)} ms`);
    });
  }
});
