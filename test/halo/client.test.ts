import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHaloClient, type HaloClientOptions } from '../../halo/client';
import {
  HaloAuthError,
  HaloBadResponseError,
  HaloPermissionError,
  HaloUnreachableError,
  HaloUrlRejectedError,
  isHaloError,
} from '../../halo/errors';
import { createMemoryTokenCache } from '../../halo/token-cache';
import { startHaloStandin, type HaloStandin } from '../../standin';
import { startTinyServer } from './tiny-server';

let standin: HaloStandin;

before(async () => {
  standin = await startHaloStandin({ assets: 430, customers: 40, licences: 30 });
});
after(() => standin.close());

function clientFor(s: HaloStandin = standin, extra: Partial<HaloClientOptions> = {}) {
  return createHaloClient({
    settings: s.settings,
    allowPrivate: true,
    tokenCache: createMemoryTokenCache(),
    ...extra,
  });
}

/** Every text an error exposes: message, fields and cause. */
function everythingIn(e: unknown): string {
  const error = e as Error & { cause?: Error };
  return [error.message, JSON.stringify(error), error.cause?.message ?? '', String(error.stack)].join('\n');
}

describe('the token request', () => {
  it('sends the tenant and returns the token type and expiry, but not the token', async () => {
    const seen: string[] = [];
    standin.faults.intercept = (req) => (seen.push(req.url ?? ''), false);
    const before = Date.now();
    const token = await clientFor().requestToken();
    standin.faults.intercept = undefined;
    assert.deepEqual(Object.keys(token).sort(), ['expiresAt', 'scope', 'tokenType']);
    assert.equal(token.scope, 'all');
    assert.equal(token.tokenType, 'Bearer');
    assert.ok(token.expiresAt >= before + 3_599_000);
    assert.deepEqual(seen, ['/auth/token?tenant=standin']);
  });

  it('leaves ?tenant= off when the tenant is empty, as on-premises installs need', async () => {
    const onPrem = await startHaloStandin({ tenant: '', assets: 5 });
    try {
      const seen: string[] = [];
      onPrem.faults.intercept = (req) => (seen.push(req.url ?? ''), false);
      await clientFor(onPrem).requestToken();
      assert.deepEqual(seen, ['/auth/token']);
    } finally {
      await onPrem.close();
    }
  });

  it('reports a wrong secret as HaloAuthError with invalid_client and without the secret', async () => {
    const secret = 'wrong-secret-0123456789abcdef';
    const client = clientFor(standin, { settings: { ...standin.settings, clientSecret: secret } });
    const error = await client.requestToken().catch((e: unknown) => e);
    assert.ok(error instanceof HaloAuthError);
    assert.equal(error.code, 'halo_auth_failed');
    assert.equal(error.retryable, false);
    assert.equal(error.status, 401);
    assert.equal(error.haloError, 'invalid_client');
    assert.match(
      error.message,
      /rejected the client credentials \(invalid_client\): re-enter the Client ID and Secret/,
    );
    assert.match(error.message, /POST http:\/\/127\.0\.0\.1:\d+\/auth\/token\?tenant=standin answered 401/);
    assert.ok(!everythingIn(error).includes(secret));
  });

  it('keeps every issued token out of errors, even when Halo repeats the request back', async () => {
    const client = clientFor();
    await client.listPage('hardware', 1, 1);
    standin.faults.intercept = (req, res) => {
      if (!req.url?.startsWith('/api/')) return false;
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Message: `Failed for header ${req.headers.authorization ?? ''}` }));
      return true;
    };
    try {
      const error = await client.listPage('hardware', 1, 1).catch((e: unknown) => e);
      assert.ok(isHaloError(error));
      assert.match(error.message, /Failed for header Bearer \[redacted\]/);
      for (const token of standin.issuedTokens()) assert.ok(!everythingIn(error).includes(token));
    } finally {
      standin.faults.intercept = undefined;
    }
  });

  it('reports a wrong tenant refused with invalid_request as HaloAuthError pointing at the Tenant', async () => {
    standin.config.wrongTenantStatus = 400;
    try {
      const client = clientFor(standin, { settings: { ...standin.settings, tenant: 'someone-else' } });
      const error = await client.requestToken().catch((e: unknown) => e);
      assert.ok(error instanceof HaloAuthError);
      assert.equal(error.haloError, 'invalid_request');
      assert.match(error.message, /check the Tenant/);
    } finally {
      standin.config.wrongTenantStatus = 500;
    }
  });

  it('never repeats a secret that Halo echoes back in its error', async () => {
    const echo = await startTinyServer((req, res, body) => {
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: 'invalid_grant', error_description: `bad request: ${body}` }));
      void req;
    });
    try {
      const settings = { ...standin.settings, authServerUrl: `${echo.url}/auth` };
      const error = await clientFor(standin, { settings })
        .requestToken()
        .catch((e: unknown) => e);
      assert.ok(error instanceof HaloAuthError);
      assert.match(error.message, /\[redacted\]/);
      assert.ok(!everythingIn(error).includes(standin.settings.clientSecret));
    } finally {
      await echo.close();
    }
  });
});

describe('listing pages', () => {
  it('uses one token for many pages', async () => {
    standin.resetStats();
    const client = clientFor();
    for (let page = 1; page <= 5; page++) await client.listPage('hardware', page, 100);
    assert.equal(standin.stats.tokenRequests, 1);
    assert.equal(standin.stats.byPath['/api/Asset'], 5);
  });

  it('asks for one token when many pages start at once', async () => {
    standin.resetStats();
    const client = clientFor();
    await Promise.all([1, 2, 3, 4, 5].map((page) => client.listPage('hardware', page, 50)));
    assert.equal(standin.stats.tokenRequests, 1);
  });

  it('gets a new token once and retries when Halo stops accepting the old one', async () => {
    const client = clientFor();
    await client.listPage('customers', 1, 10);
    standin.resetStats();
    standin.revokeAllTokens();
    const page = await client.listPage('customers', 1, 10);
    assert.equal(page.items.length, 10);
    assert.equal(standin.stats.tokenRequests, 1);
    assert.equal(standin.stats.byStatus['401'], 1);
  });

  it('gives up with HaloAuthError when a fresh token is refused too', async () => {
    standin.faults.intercept = (req, res) => {
      if (!req.url?.startsWith('/api/')) return false;
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end('{"Message":"Authorization has been denied for this request."}');
      return true;
    };
    try {
      const error = await clientFor()
        .listPage('hardware', 1, 10)
        .catch((e: unknown) => e);
      assert.ok(error instanceof HaloAuthError);
      assert.match(error.message, /refused a freshly issued access token for assets/);
      assert.match(error.message, /answered 401: Authorization has been denied/);
    } finally {
      standin.faults.intercept = undefined;
    }
  });

  it('renews a token shortly before it expires', async () => {
    const shortLived = await startHaloStandin({ tokenLifetimeSeconds: 1, assets: 5 });
    try {
      const client = clientFor(shortLived);
      await client.listPage('hardware', 1, 5);
      await new Promise((resolve) => setTimeout(resolve, 600));
      await client.listPage('hardware', 1, 5);
      assert.equal(shortLived.stats.tokenRequests, 2);
      assert.equal(shortLived.stats.byStatus['401'], undefined);
    } finally {
      await shortLived.close();
    }
  });

  it('accepts a page smaller than asked for, with record_count still the total', async () => {
    const page = await clientFor().listPage('hardware', 1, 1000);
    assert.equal(page.items.length, 100);
    assert.equal(page.recordCount, standin.data.assets.length);
    assert.deepEqual(
      page.items.map((a) => a.id),
      standin.data.assets.slice(0, 100).map((a) => a.id),
    );
  });

  it('sees the last page again past the end, as Halo does', async () => {
    const client = clientFor();
    const last = await client.listPage('hardware', 5, 100);
    const beyond = await client.listPage('hardware', 6, 100);
    assert.equal(last.items.length, 30);
    assert.deepEqual(
      beyond.items.map((a) => a.id),
      last.items.map((a) => a.id),
    );
  });

  it('reads customers and software licences from their own envelopes', async () => {
    const client = clientFor();
    const customers = await client.listPage('customers', 1, 100);
    const licences = await client.listPage('software', 1, 100);
    assert.equal(customers.recordCount, 40);
    assert.equal(licences.recordCount, 30);
    assert.equal(customers.items[0]?.['name'], standin.data.customers[0]?.['name']);
  });

  it('reports a 403 on software licences as HaloPermissionError naming both places Halo checks', async () => {
    standin.config.softwareForbidden = true;
    try {
      const error = await clientFor()
        .listPage('software', 1, 100)
        .catch((e: unknown) => e);
      assert.ok(error instanceof HaloPermissionError);
      assert.equal(error.resource, 'SoftwareLicence');
      assert.equal(error.retryable, false);
      assert.match(error.message, /application's permissions .* must include read:software/);
      assert.match(error.message, /role of the agent the application logs in as/);
      assert.match(error.message, /answered 403: HaloForbiddenException: You do not have permission/);
    } finally {
      standin.config.softwareForbidden = false;
    }
  });
});

describe('a single asset', () => {
  it('comes back as the bare detail object', async () => {
    const id = standin.data.assets[7]!.id;
    const asset = await clientFor().getAsset(id);
    assert.equal(asset?.id, id);
    assert.equal(typeof asset?.['last_modified'], 'string');
  });

  it('is null once Halo no longer has it', async () => {
    assert.equal(await clientFor().getAsset(999_999_999), null);
  });
});

describe('transport failures', () => {
  it('reports a body cut off mid-way as HaloBadResponseError', async () => {
    const cut = await startTinyServer((req, res) => {
      if (req.url?.startsWith('/auth/token')) {
        res.writeHead(200).end('{"access_token":"cut-token-123456","token_type":"Bearer","expires_in":3600}');
        return;
      }
      res.writeHead(200, { 'content-length': '1000' });
      res.write('{"record_count":1,"assets":[');
      setTimeout(() => res.destroy(), 20);
    });
    try {
      const settings = {
        ...standin.settings,
        resourceServerUrl: `${cut.url}/api`,
        authServerUrl: `${cut.url}/auth`,
      };
      const error = await clientFor(standin, { settings })
        .listPage('hardware', 1, 10)
        .catch((e: unknown) => e);
      assert.ok(error instanceof HaloBadResponseError, String(error));
      assert.match(error.message, /body was cut off/);
    } finally {
      await cut.close();
    }
  });

  it('reports a server that never answers as HaloUnreachableError after the timeout', async () => {
    const silent = await startTinyServer(() => undefined);
    try {
      const settings = { ...standin.settings, authServerUrl: `${silent.url}/auth` };
      const started = Date.now();
      const error = await clientFor(standin, { settings, timeoutMs: 200 })
        .requestToken()
        .catch((e: unknown) => e);
      assert.ok(error instanceof HaloUnreachableError, String(error));
      assert.equal(error.retryable, true);
      assert.match(error.message, /did not answer within 0\.2 s/);
      assert.ok(Date.now() - started < 2000);
    } finally {
      await silent.close();
    }
  });

  it('reports a refused connection as HaloUnreachableError', async () => {
    const gone = await startTinyServer(() => undefined);
    await gone.close();
    const settings = { ...standin.settings, authServerUrl: `${gone.url}/auth` };
    const error = await clientFor(standin, { settings })
      .requestToken()
      .catch((e: unknown) => e);
    assert.ok(error instanceof HaloUnreachableError, String(error));
    assert.match(error.message, /connection was refused/);
  });

  it('refuses to reach a private address unless allowed, before sending anything', async () => {
    standin.resetStats();
    const error = await clientFor(standin, { allowPrivate: false })
      .requestToken()
      .catch((e: unknown) => e);
    assert.ok(error instanceof HaloUrlRejectedError);
    assert.equal(error.retryable, false);
    assert.equal(standin.stats.requests, 0);
  });

  it('tells onRequest about every exchange', async () => {
    const seen: { method: string; path: string; status: number }[] = [];
    const client = clientFor(standin, {
      onRequest: ({ method, path, status }) => seen.push({ method, path, status }),
    });
    await client.listPage('hardware', 1, 1);
    assert.deepEqual(seen, [
      { method: 'POST', path: '/auth/token', status: 200 },
      { method: 'GET', path: '/api/Asset', status: 200 },
    ]);
  });
});
