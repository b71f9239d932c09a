// Cursors come back from callers, so they are input like any other: a tampered one is a 400 naming
// `cursor`, never a database error.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createAccount } from '../../db/accounts-repository';
import { insertIntegration } from '../../db/integrations-repository';
import { buildOfflineApp } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { testConfig } from '../support/system';

const b64 = (text: string) => Buffer.from(text).toString('base64url');

describe('tampered cursors', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  let offline: Awaited<ReturnType<typeof buildOfflineApp>>;
  let key: string;
  let integrationId: string;

  before(async () => {
    database = await createTestDatabase();
    offline = await buildOfflineApp(database, testConfig({ API_RATE_LIMIT_PER_MINUTE: '100000' }));
    const account = await createAccount(database.db, 'Cursors');
    key = account.apiKey;
    integrationId = randomUUID();
    await insertIntegration(database.db, {
      id: integrationId,
      accountId: account.accountId,
      settings: {
        resourceServerUrl: 'https://acme.haloitsm.com/api',
        authServerUrl: 'https://acme.haloitsm.com/auth',
        tenant: 'acme',
        clientId: randomUUID(),
      },
      clientSecretEnc: 'v1.x.y.z',
      clientSecretLast4: 'abcd',
    });
  });

  after(async () => {
    await offline?.close();
    await database?.drop();
  });

  async function get(url: string) {
    const response = await offline.app.inject({
      method: 'GET',
      url,
      headers: { authorization: `Bearer ${key}` },
    });
    return { status: response.statusCode, body: JSON.parse(response.body) };
  }

  function assertNamesCursor(response: { status: number; body: any }, what: string) {
    assert.equal(response.status, 400, `${what}: ${JSON.stringify(response.body)}`);
    assert.equal(response.body.error.code, 'invalid_request', what);
    assert.equal(typeof response.body.error.fields?.cursor, 'string', what);
  }

  it('refuses a listing cursor whose id is beyond what Halo ids can be', async () => {
    for (const id of ['2147483648', '9007199254740991', '99999999999']) {
      for (const path of ['/v1/assets', '/v1/assets?kind=software', '/v1/customers']) {
        const url = `${path}${path.includes('?') ? '&' : '?'}cursor=${b64(id)}`;
        assertNamesCursor(await get(url), url);
      }
    }
  });

  it('still accepts a listing cursor at the largest id', async () => {
    const response = await get(`/v1/assets?cursor=${b64('2147483647')}`);
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { items: [], nextCursor: null });
  });

  it('refuses a history cursor with an extreme or malformed date', async () => {
    const id = randomUUID();
    for (const at of [
      '+275760-09-13T00:00:00.000Z',
      '-271821-04-20T00:00:00.000Z',
      '0001-01-01T00:00:00.000Z',
      '+010000-01-01T00:00:00.000Z',
      'yesterday',
    ]) {
      assertNamesCursor(
        await get(`/v1/integrations/${integrationId}/syncs?cursor=${b64(`${at}|${id}`)}`),
        at,
      );
    }
    assertNamesCursor(
      await get(`/v1/integrations/${integrationId}/syncs?cursor=${b64('2025-01-01T00:00:00.000Z|x')}`),
      'id',
    );
  });

  it('still accepts a history cursor of a plausible time', async () => {
    const cursor = b64(`2025-06-01T12:00:00.000Z|${randomUUID()}`);
    const response = await get(`/v1/integrations/${integrationId}/syncs?cursor=${cursor}`);
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { items: [], nextCursor: null });
  });
});
