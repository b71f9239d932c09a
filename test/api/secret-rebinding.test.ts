// An API key alone cannot send the stored Client Secret to another host: a PUT that changes the
// Authorisation Server's or Resource Server's origin, or the Tenant, must bring the secret again, and until
// it does nothing is sent anywhere. A hostile "Halo" records what reaches it.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { loadIntegrationWithSecret } from '../../db/integrations-repository';
import { startTinyServer, type TinyServer } from '../halo/tiny-server';
import { startHaloStandin, type HaloStandin } from '../../standin';
import { buildOfflineApp } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { testConfig } from '../support/system';
import { seedIntegration } from '../support/seed';

describe('changing where an integration points', { timeout: 60_000 }, () => {
  const config = testConfig();
  let database: TestDatabase;
  let standin: HaloStandin;
  let hostile: TinyServer;
  const received: string[] = [];
  let offline: Awaited<ReturnType<typeof buildOfflineApp>>;
  let app: FastifyInstance;

  before(async () => {
    [database, standin, hostile] = await Promise.all([
      createTestDatabase(),
      startHaloStandin({ customers: 1, assets: 1, licences: 1 }),
      startTinyServer((req, res, body) => {
        received.push(`${req.method} ${req.url} ${body}`);
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'invalid_client' }));
      }),
    ]);
    offline = await buildOfflineApp(database, config);
    app = offline.app;
  });

  beforeEach(() => {
    received.length = 0;
  });

  after(async () => {
    await offline?.close();
    await Promise.all([database?.drop(), standin?.close(), hostile?.close()]);
  });

  async function integration() {
    const { account, integration } = await seedIntegration(database.db, {
      settings: standin.settings,
      encryptionKey: config.ENCRYPTION_KEY,
    });
    const put = (payload: Record<string, string>) =>
      app.inject({
        method: 'PUT',
        url: `/v1/integrations/${integration.id}`,
        headers: { authorization: `Bearer ${account.apiKey}` },
        payload,
      });
    return { id: integration.id, put };
  }

  for (const [field, value] of [
    ['authServerUrl', () => `${hostile.url}/auth`],
    ['resourceServerUrl', () => `${hostile.url}/api`],
    ['tenant', () => 'someone-else'],
  ] as const) {
    it(`refuses a new ${field} without the Client Secret, sending nothing anywhere`, async () => {
      const { id, put } = await integration();
      const [tokenRequests, before] = [
        standin.stats.tokenRequests,
        await loadIntegrationWithSecret(database.db, id),
      ];
      const response = await put({ [field]: value() });
      assert.equal(response.statusCode, 400, response.body);
      const { error } = response.json<{ error: { code: string; fields: Record<string, string> } }>();
      assert.equal(error.code, 'invalid_request');
      assert.match(error.fields['clientSecret'] ?? '', /Enter the Client Secret/);
      assert.deepEqual(received, [], 'the hostile host was contacted');
      assert.equal(standin.stats.tokenRequests, tokenRequests, 'Halo was asked for a token');
      assert.deepEqual(await loadIntegrationWithSecret(database.db, id), before);
    });
  }

  it('sends only the secret typed with the change, never the stored one', async () => {
    const { put } = await integration();
    const response = await put({
      authServerUrl: `${hostile.url}/auth`,
      clientSecret: 'typed-with-the-change',
    });
    assert.equal(response.statusCode, 422, response.body);
    assert.equal(received.length, 1);
    assert.match(received[0]!, /typed-with-the-change/);
    assert.ok(!received.join('\n').includes(standin.settings.clientSecret), 'the stored secret left');
  });

  it('needs no secret for a change that keeps the same Halo (same origins, same tenant)', async () => {
    const { put } = await integration();
    const tokenRequests = standin.stats.tokenRequests;
    const auth = new URL(standin.settings.authServerUrl);
    // Same origin, written differently: upper-case host, a trailing slash, the token endpoint pasted.
    const response = await put({
      authServerUrl: `${auth.protocol}//${auth.host.toUpperCase()}${auth.pathname}/token/`,
      clientId: ` ${standin.settings.clientId} `,
    });
    // Halo accepted; only the sync waits for Temporal, which this app cannot reach.
    assert.equal(standin.stats.tokenRequests, tokenRequests + 1);
    assert.equal(response.statusCode, 503, response.body);
    assert.deepEqual(received, []);
  });
});
