// The client against the ways real tenants differ from one another (docs/halo-api.md §1, 1a, 3, 6, 8): where
// the token endpoint lives, which scopes the application may have, discovery, child assets, the UTC
// changed-since filter, and a wrong tenant answered with a 500.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createHaloClient, type HaloClientOptions } from '../../halo/client';
import { authInfoUrl, discoverHalo } from '../../halo/discovery';
import {
  HaloAuthError,
  HaloBadResponseError,
  HaloNotFoundError,
  HaloPermissionError,
  HaloServerError,
} from '../../halo/errors';
import { scopesStartingWith } from '../../halo/token';
import { createMemoryTokenCache } from '../../halo/token-cache';
import { startHaloStandin, type HaloStandin, type StandinOptions } from '../../standin';
import { startTinyServer } from './tiny-server';

const opened: HaloStandin[] = [];
async function tenant(opts: StandinOptions = {}): Promise<HaloStandin> {
  const standin = await startHaloStandin({ customers: 5, assets: 60, licences: 4, ...opts });
  opened.push(standin);
  return standin;
}
after(() => Promise.all(opened.map((s) => s.close())));

function clientFor(s: HaloStandin, extra: Partial<HaloClientOptions> = {}) {
  return createHaloClient({
    settings: s.settings,
    allowPrivate: true,
    tokenCache: createMemoryTokenCache(),
    ...extra,
  });
}

function recordPaths(s: HaloStandin): string[] {
  const seen: string[] = [];
  s.faults.intercept = (req) => (seen.push(req.url ?? ''), false);
  return seen;
}

describe('an auth server at a bare host', () => {
  it('gets its token from /token, never from an /auth the user did not enter', async () => {
    const bare = await tenant({ authPath: '' });
    assert.equal(bare.settings.authServerUrl, bare.url);
    const seen = recordPaths(bare);
    const token = await clientFor(bare).requestToken();
    assert.equal(token.scope, 'all');
    assert.deepEqual(seen, ['/token?tenant=standin']);
  });

  it('answers 404 at /auth/token, which the client reports as a wrong Authorisation Server URL', async () => {
    const bare = await tenant({ authPath: '' });
    const wrong = clientFor(bare, { settings: { ...bare.settings, authServerUrl: `${bare.url}/auth` } });
    const error = await wrong.requestToken().catch((e: unknown) => e);
    assert.ok(error instanceof HaloNotFoundError, String(error));
    assert.match(error.message, /check the Authorisation Server URL/);
  });
});

describe('the token scope', () => {
  it('asks for all, which grants exactly the application permissions', async () => {
    const guide = await tenant({ permissions: ['read:assets', 'read:customers'] });
    const client = clientFor(guide);
    assert.equal((await client.requestToken()).scope, 'all');
    assert.equal((await client.listPage('hardware', 1, 10)).items.length, 10);
    const refused = await client.listPage('software', 1, 10).catch((e: unknown) => e);
    assert.ok(refused instanceof HaloPermissionError);
    assert.match(refused.message, /read:software/);
    assert.match(refused.message, /agent the application logs in as/);
  });

  it('falls back to the named scopes when Halo refuses all, software first, and reports what it got', async () => {
    const strict = await tenant({ refuseAllScope: true, permissions: ['read:assets', 'read:customers'] });
    const forms: string[] = [];
    strict.faults.intercept = (req) => {
      if (req.url?.includes('token')) forms.push(req.url);
      return false;
    };
    const token = await clientFor(strict).requestToken();
    assert.equal(token.scope, 'read:assets read:customers');
    assert.equal(forms.length, 3, 'all, then with software, then the two the guide grants');

    // Remembered, the scope that worked is asked for first: one request.
    forms.length = 0;
    const again = await clientFor(strict, { scopes: scopesStartingWith(token.scope) }).requestToken();
    assert.equal(again.scope, token.scope);
    assert.equal(forms.length, 1);
  });

  it('says which permissions to give when every scope is refused', async () => {
    const none = await tenant({ refuseAllScope: true, permissions: [] });
    const error = await clientFor(none)
      .requestToken()
      .catch((e: unknown) => e);
    assert.ok(error instanceof HaloAuthError);
    assert.equal(error.haloError, 'invalid_scope');
    assert.match(error.message, /read:assets and read:customers/);
  });

  it('picks up a permission granted in Halo after its cached token was issued', async () => {
    const growing = await tenant({ permissions: ['read:assets', 'read:customers'] });
    const cache = createMemoryTokenCache();
    const first = clientFor(growing, { tokenCache: cache });
    assert.ok(
      (await first.listPage('software', 1, 10).catch((e: unknown) => e)) instanceof HaloPermissionError,
    );
    growing.config.permissions.push('read:software');
    const later = clientFor(growing, { tokenCache: cache });
    assert.equal((await later.listPage('software', 1, 10)).recordCount, 4);
  });
});

describe('child assets', () => {
  it('are asked for with includechildren=true and arrive with their parent_id', async () => {
    const s = await tenant({ assets: 100 });
    const children = s.data.assets.filter((a) => Number(a['parent_id']) > 0);
    assert.ok(children.length >= 5, 'the stand-in has child assets');
    const seen = recordPaths(s);
    const page = await clientFor(s).listPage('hardware', 1, 100);
    assert.equal(page.recordCount, 100);
    assert.ok(seen.some((url) => url.includes('/api/Asset?') && url.includes('includechildren=true')));
    const child = page.items.find((a) => a.id === children[0]!.id);
    assert.equal(child?.['parent_id'], children[0]!['parent_id']);
  });

  it('are hidden by the stand-in without the flag, as Halo hides them', async () => {
    const s = await tenant({ assets: 100 });
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: s.settings.clientId,
      client_secret: s.settings.clientSecret,
      scope: 'all',
    });
    const issued = (await (
      await fetch(`${s.settings.authServerUrl}/token?tenant=${s.settings.tenant}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      })
    ).json()) as { access_token: string };
    const list = (await (
      await fetch(`${s.settings.resourceServerUrl}/Asset?pageinate=true&page_size=100&includeinactive=true`, {
        headers: { authorization: `Bearer ${issued.access_token}` },
      })
    ).json()) as { record_count: number };
    assert.equal(list.record_count, 100 - s.data.assets.filter((a) => Number(a['parent_id']) > 0).length);
  });
});

describe('the changed-since filter', () => {
  it('is sent in UTC with a trailing Z', async () => {
    const s = await tenant();
    const seen = recordPaths(s);
    await clientFor(s).listPage('hardware', 1, 10, { changedSince: new Date('2026-03-01T10:20:30.456Z') });
    const sent = new URL(seen.at(-1)!, s.url).searchParams.get('lastupdatefromdate');
    assert.equal(sent, '2026-03-01T10:20:30.456Z');
  });
});

describe('a wrong tenant', () => {
  it('answered with a 500 is a retryable server error, not a refusal', async () => {
    const s = await tenant({ wrongTenantStatus: 500 });
    const error = await clientFor(s, { settings: { ...s.settings, tenant: 'someone-else' } })
      .requestToken()
      .catch((e: unknown) => e);
    assert.ok(error instanceof HaloServerError, String(error));
    assert.equal(error.retryable, true);
  });
});

describe('discovery', () => {
  const options = { allowPrivate: true, timeoutMs: 5_000 };

  it('reads the auth URL and tenant from {base}/api/authinfo', async () => {
    const s = await tenant({ authPath: '' });
    assert.equal(authInfoUrl(s.settings.resourceServerUrl).href, `${s.url}/api/authinfo`);
    assert.deepEqual(await discoverHalo(s.settings.resourceServerUrl, options), {
      authServerUrl: s.url,
      tenant: 'standin',
    });
    const onPrem = await tenant({ tenant: '' });
    assert.deepEqual(await discoverHalo(onPrem.settings.resourceServerUrl, options), {
      authServerUrl: `${onPrem.url}/auth`,
      tenant: '',
    });
  });

  it('fails with what came back when the tenant has no discovery, or answers nonsense', async () => {
    const silent = await tenant({ authInfo: false });
    const missing = await discoverHalo(silent.settings.resourceServerUrl, options).catch((e: unknown) => e);
    assert.ok(missing instanceof HaloNotFoundError, String(missing));

    const odd = await startTinyServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ auth_url: 'javascript:alert(1)', tenant_id: 'x' }));
    });
    try {
      const error = await discoverHalo(`${odd.url}/api`, options).catch((e: unknown) => e);
      assert.ok(error instanceof HaloBadResponseError, String(error));
      assert.match(error.message, /auth_url that cannot be used/);
    } finally {
      await odd.close();
    }
  });

  it('never follows a discovered URL that a public deployment may not reach', async () => {
    const s = await tenant();
    const error = await discoverHalo(s.settings.resourceServerUrl, {
      allowPrivate: false,
      timeoutMs: 2_000,
    }).catch((e: unknown) => e);
    assert.ok(error instanceof Error && /Refused/.test(error.message), String(error));
  });
});
