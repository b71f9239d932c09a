// Every endpoint fed what people and scripts really send: each gets its documented 4xx, nothing is stored,
// nothing reaches Halo, and the process stays healthy.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createAccount } from '../../db/accounts-repository';
import { buildOfflineApp } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { testConfig } from '../support/system';

const good = {
  resourceServerUrl: 'https://acme.haloitsm.com/api',
  authServerUrl: 'https://acme.haloitsm.com/auth',
  tenant: 'acme',
  clientId: '6f1c2a7e-3b4d-4e8f-9a01-23456789abcd',
  clientSecret: 'secret-value-for-tests-only',
};

describe('bad input to every endpoint', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let offline: Awaited<ReturnType<typeof buildOfflineApp>>;
  let key: string;
  let otherKey: string;
  // The guard on, as in production: private and loopback Halo URLs are refused.
  const config = testConfig({ ALLOW_PRIVATE_HALO_URLS: 'false', API_RATE_LIMIT_PER_MINUTE: '100000' });

  before(async () => {
    database = await createTestDatabase();
    // Nothing here may reach Temporal.
    offline = await buildOfflineApp(database, config);
    app = offline.app;
    key = (await createAccount(database.db, 'Bad input')).apiKey;
    otherKey = (await createAccount(database.db, 'Other')).apiKey;
  });

  after(async () => {
    await offline?.close();
    await database?.drop();
  });

  async function send(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) {
    const response = await app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${key}`,
        ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(payload !== undefined
        ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }
        : {}),
    });
    return {
      status: response.statusCode,
      body: response.body ? JSON.parse(response.body) : null,
      headers: response.headers,
    };
  }

  function assertError(response: { status: number; body: any }, status: number, code: string) {
    assert.equal(response.status, status, JSON.stringify(response.body));
    assert.equal(response.body.error.code, code);
    assert.equal(typeof response.body.error.message, 'string');
    assert.equal(typeof response.body.requestId, 'string');
    const text = JSON.stringify(response.body);
    assert.ok(!/\bat .+\.(ts|js):\d+/.test(text), 'a stack trace leaked');
    assert.ok(!text.includes(good.clientSecret), 'the secret was echoed');
  }

  const hostile = [
    "'; drop table integrations; --",
    '" OR 1=1 --',
    '<script>alert(1)</script>',
    '\u202eevil\u200b\u0000',
    'x'.repeat(20_000),
    '\ud800',
    '𝕳𝖆𝖑𝖔 🙂',
  ];

  it('refuses malformed, mistyped, incomplete, extra and hostile setup bodies with 400 naming the field', async () => {
    assertError(
      await send('POST', '/v1/integrations/halo', '{"resourceServerUrl": '),
      400,
      'invalid_request',
    );
    assertError(await send('POST', '/v1/integrations/halo', 'null'), 400, 'invalid_request');
    assertError(await send('POST', '/v1/integrations/halo', '[]'), 400, 'invalid_request');
    assertError(await send('POST', '/v1/integrations/halo', '"a string"'), 400, 'invalid_request');
    for (const field of Object.keys(good)) {
      const missing = await send('POST', '/v1/integrations/halo', { ...good, [field]: undefined });
      if (field === 'tenant') continue; // Tenant may be empty: on-premises Halo has none.
      assertError(missing, 400, 'invalid_request');
      assert.ok(field in missing.body.error.fields, `${field} not named`);
      for (const wrong of [42, true, null, ['x'], { nested: 1 }]) {
        const typed = await send('POST', '/v1/integrations/halo', { ...good, [field]: wrong });
        assertError(typed, 400, 'invalid_request');
        assert.ok(field in typed.body.error.fields, `${field}=${JSON.stringify(wrong)} not named`);
      }
    }
    const extra = await send('POST', '/v1/integrations/halo', { ...good, isAdmin: true });
    assertError(extra, 400, 'invalid_request');
    assert.ok('isAdmin' in extra.body.error.fields || 'body' in extra.body.error.fields);

    for (const value of hostile) {
      for (const field of ['tenant', 'clientId', 'clientSecret', 'resourceServerUrl', 'authServerUrl']) {
        const response = await send('POST', '/v1/integrations/halo', {
          ...good,
          authServerUrl: 'https://127.0.0.1/auth', // keeps every body from reaching out, whatever else passes
          [field]: value,
        });
        assert.ok(
          [400, 413].includes(response.status),
          `${field}=${value.slice(0, 20)} got ${response.status}`,
        );
      }
    }
  });

  it('refuses Halo URLs that point at loopback, private, link-local or metadata addresses, or other schemes', async () => {
    const urls = [
      'https://127.0.0.1/api',
      'https://localhost/api',
      'https://169.254.169.254/api',
      'https://10.1.2.3/api',
      'https://192.168.1.10/api',
      'https://[::1]/api',
      'https://2130706433/api',
      'http://acme.haloitsm.com/api',
      'file:///etc/passwd',
      'gopher://acme.haloitsm.com/api',
      'https://user:pass@acme.haloitsm.com/api',
    ];
    for (const url of urls) {
      for (const field of ['resourceServerUrl', 'authServerUrl'] as const) {
        const response = await send('POST', '/v1/integrations/halo', { ...good, [field]: url });
        assertError(response, 400, 'invalid_request');
        assert.ok(field in response.body.error.fields, `${url} in ${field} not named`);
      }
    }
  });

  it('answers oversized bodies with 413 and other media types with 415', async () => {
    const huge = JSON.stringify({ ...good, tenant: 'a'.repeat(200_000) });
    assertError(await send('POST', '/v1/integrations/halo', huge), 413, 'payload_too_large');
    assertError(
      await send('POST', '/v1/integrations/halo', 'tenant=acme', {
        'content-type': 'application/x-www-form-urlencoded',
      }),
      415,
      'unsupported_media_type',
    );
  });

  it('answers bad ids with 404 and bad queries and bodies with 400 on every other route', async () => {
    const id = randomUUID();
    for (const [method, url] of [
      ['GET', '/v1/integrations/not-a-uuid'],
      ['GET', `/v1/integrations/${id}`],
      ['PUT', `/v1/integrations/${id}`],
      ['DELETE', `/v1/integrations/${id}`],
      ['DELETE', "/v1/integrations/1' or '1'='1"],
      ['POST', `/v1/integrations/${id}/syncs`],
      ['GET', `/v1/integrations/${id}/syncs`],
      ['GET', `/v1/integrations/${id}/schedule`],
      ['PUT', `/v1/integrations/${id}/schedule`],
      ['GET', '/v1/syncs/%00'],
      ['GET', `/v1/syncs/${id}`],
      ['POST', `/v1/syncs/${id}/cancel`],
      ['GET', '/v1/assets/hardware/not-a-number'],
      ['GET', '/v1/nothing-here'],
    ] as const) {
      assertError(
        await send(method, url, method === 'GET' || method === 'DELETE' ? undefined : {}),
        404,
        'not_found',
      );
    }
    for (const query of [
      'kind=printers',
      'limit=0',
      'limit=100000',
      'limit=abc',
      'cursor=%27%3B--',
      'customerId=-1',
      'customerId=1e400',
      'integrationId=nope',
      'includeDeleted=maybe',
      `q=${'x'.repeat(500)}`,
      'unknown=1',
    ]) {
      const response = await send('GET', `/v1/assets?${query}`);
      assertError(response, 400, 'invalid_request');
    }
    assertError(await send('GET', '/v1/customers?limit=-5'), 400, 'invalid_request');
    // A query that is only odd, not wrong, is answered normally.
    const odd = await send('GET', `/v1/assets?q=${encodeURIComponent("%_\\'; drop table x; --")}`);
    assert.equal(odd.status, 200);
    assert.deepEqual(odd.body, { items: [], nextCursor: null });
  });

  it('refuses missing and wrong keys with 401, and limits each key separately', async () => {
    assertError(await send('GET', '/v1/integrations', undefined, { authorization: '' }), 401, 'unauthorized');
    assertError(
      await send('GET', '/v1/integrations', undefined, { authorization: `Bearer ${key}x` }),
      401,
      'unauthorized',
    );
    assertError(
      await send('GET', '/v1/integrations', undefined, { authorization: `Basic ${key}` }),
      401,
      'unauthorized',
    );

    const limited = await buildOfflineApp(database, { ...config, API_RATE_LIMIT_PER_MINUTE: 3 });
    try {
      const get = (apiKey: string) =>
        limited.app.inject({
          method: 'GET',
          url: '/v1/integrations',
          headers: { authorization: `Bearer ${apiKey}` },
        });
      for (let i = 0; i < 3; i++) assert.equal((await get(key)).statusCode, 200);
      const refused = await get(key);
      assert.equal(refused.statusCode, 429);
      assert.equal(JSON.parse(refused.body).error.code, 'rate_limited');
      assert.ok(Number(refused.headers['retry-after']) >= 1);
      assert.equal((await get(otherKey)).statusCode, 200, 'another key is not limited');
    } finally {
      await limited.close();
    }
  });

  it('limits requests without a valid key per address, before looking the key up', async () => {
    const limited = await buildOfflineApp(database, {
      ...config,
      API_UNAUTHENTICATED_PER_MINUTE: 3,
    });
    try {
      const get = (authorization: string, remoteAddress: string) =>
        limited.app.inject({
          method: 'GET',
          url: '/v1/integrations',
          headers: { authorization },
          remoteAddress,
        });
      for (const wrong of ['', 'Bearer hak_guess1', `Bearer ${key}x`]) {
        assert.equal((await get(wrong, '203.0.113.7')).statusCode, 401);
      }
      const refused = await get('Bearer hak_guess4', '203.0.113.7');
      assertError({ status: refused.statusCode, body: JSON.parse(refused.body) }, 429, 'rate_limited');
      assert.ok(Number(refused.headers['retry-after']) >= 1);
      // Refused before the lookup: even a valid key from that address is not looked at until the window ends.
      assert.equal((await get(`Bearer ${key}`, '203.0.113.7')).statusCode, 429);
      assert.equal((await get('Bearer hak_guess5', '198.51.100.2')).statusCode, 401, 'another address');
      assert.equal((await get(`Bearer ${key}`, '198.51.100.2')).statusCode, 200);
      // Valid keys do not count against their address.
      for (let i = 0; i < 5; i++) assert.equal((await get(`Bearer ${key}`, '192.0.2.9')).statusCode, 200);
    } finally {
      await limited.close();
    }
  });

  it('behind a trusted proxy, limits each client the proxy names rather than the proxy', async () => {
    const proxied = await buildOfflineApp(database, {
      ...config,
      API_UNAUTHENTICATED_PER_MINUTE: 2,
      API_TRUST_PROXY: '1',
    });
    try {
      const get = (client: string) =>
        proxied.app.inject({
          method: 'GET',
          url: '/v1/integrations',
          headers: { authorization: 'Bearer hak_guess', 'x-forwarded-for': client },
          remoteAddress: '10.0.0.5',
        });
      for (let i = 0; i < 2; i++) assert.equal((await get('203.0.113.50')).statusCode, 401);
      assert.equal((await get('203.0.113.50')).statusCode, 429);
      assert.equal((await get('203.0.113.51')).statusCode, 401, 'another client behind the same proxy');
    } finally {
      await proxied.close();
    }
  });

  it('stored nothing and is still healthy', async () => {
    const count =
      await database.sql`select (select count(*) from integrations)::int as i, (select count(*) from sync_runs)::int as s`;
    assert.deepEqual(count[0], { i: 0, s: 0 });
    const health = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(health.statusCode, 200);
  });
});
