import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { startHaloStandin, type HaloStandin } from '../../standin/index';
import { generateTenant } from '../../standin/generate';

let standin: HaloStandin;
let token: string;

before(async () => {
  standin = await startHaloStandin({
    assets: 250,
    customers: 30,
    licences: 40,
    honourLastUpdateFilter: true,
  });
  token = await tokenFor(standin);
});
after(() => standin.close());

async function tokenFor(
  s: HaloStandin,
  overrides: Record<string, string> = {},
  query = `?tenant=${s.settings.tenant}`,
) {
  const { status, body } = await post(s, `/auth/token${query}`, {
    grant_type: 'client_credentials',
    client_id: s.settings.clientId,
    client_secret: s.settings.clientSecret,
    scope: 'all',
    ...overrides,
  });
  assert.equal(status, 200, JSON.stringify(body));
  return (body as { access_token: string }).access_token;
}

async function post(s: HaloStandin, path: string, form: Record<string, string>) {
  const res = await request(`${s.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
}

async function get(path: string, bearer: string | null = token) {
  const res = await request(`${standin.url}${path}`, {
    headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
}

const paging =
  'pageinate=true&order=id&orderdesc=false&includeinactive=true&includeactive=true&includechildren=true';
const idsOf = (items: unknown) => (items as { id: number }[]).map((r) => r.id);

describe('the stand-in tenant', () => {
  it('is the same for the same seed and differs for another', () => {
    const a = generateTenant({ seed: 7, customers: 5, assets: 20, licences: 5 });
    const b = generateTenant({ seed: 7, customers: 5, assets: 20, licences: 5 });
    const c = generateTenant({ seed: 8, customers: 5, assets: 20, licences: 5 });
    assert.deepEqual(JSON.stringify(a), JSON.stringify(b));
    assert.notDeepEqual(JSON.stringify(a), JSON.stringify(c));
  });

  it('has ascending ids with gaps', () => {
    const ids = idsOf(standin.data.assets);
    assert.ok(ids.every((id, i) => i === 0 || id > ids[i - 1]!));
    assert.ok(ids.at(-1)! > ids.length, 'expected gaps between ids');
  });

  it('has the quirks a client must handle', () => {
    const assets = standin.data.assets;
    assert.ok(assets.some((a) => a['inactive'] === true));
    assert.ok(assets.some((a) => a['client_id'] === 0));
    assert.ok(assets.some((a) => a['warranty_end'] === '1900-01-01T00:00:00'));
    assert.ok(standin.data.licences.some((l) => l['is_active'] === false));
  });
});

describe('the token endpoint', () => {
  it('refuses a wrong secret with invalid_client', async () => {
    const { status, body } = await post(standin, `/auth/token?tenant=${standin.settings.tenant}`, {
      grant_type: 'client_credentials',
      client_id: standin.settings.clientId,
      client_secret: 'nope',
    });
    assert.equal(status, 401);
    assert.deepEqual(body, { error: 'invalid_client' });
  });

  it('answers a wrong tenant with a bare 500, as real tenants have been reported to', async () => {
    const { status, body } = await post(standin, '/auth/token?tenant=other', {
      grant_type: 'client_credentials',
    });
    assert.equal(status, 500);
    assert.deepEqual(body, { Message: 'An error has occurred.' });
  });

  it('or, when told to, with invalid_request', async () => {
    standin.config.wrongTenantStatus = 400;
    try {
      const { status, body } = await post(standin, '/auth/token?tenant=other', {
        grant_type: 'client_credentials',
      });
      assert.equal(status, 400);
      assert.equal(body['error'], 'invalid_request');
    } finally {
      standin.config.wrongTenantStatus = 500;
    }
  });

  it('grants with all exactly the application permissions, and refuses a named scope it lacks', async () => {
    standin.config.permissions = ['read:assets', 'read:customers'];
    try {
      const form = {
        grant_type: 'client_credentials',
        client_id: standin.settings.clientId,
        client_secret: standin.settings.clientSecret,
      };
      const path = `/auth/token?tenant=${standin.settings.tenant}`;
      const all = await post(standin, path, { ...form, scope: 'all' });
      assert.equal(all.body['scope'], 'read:assets read:customers');
      const lacking = await post(standin, path, { ...form, scope: 'read:assets read:software' });
      assert.equal(lacking.status, 400);
      assert.equal(lacking.body['error'], 'invalid_scope');
      const assetsOnly = (await post(standin, path, { ...form, scope: 'read:assets' })).body;
      const refused = await get(`/api/Client?${paging}`, String(assetsOnly['access_token']));
      assert.equal(refused.status, 403);
      assert.equal((await get(`/api/Asset?${paging}`, String(assetsOnly['access_token']))).status, 200);
    } finally {
      standin.config.permissions = ['read:assets', 'read:customers', 'read:software'];
    }
  });

  it('refuses other grant types', async () => {
    const { status, body } = await post(standin, `/auth/token?tenant=${standin.settings.tenant}`, {
      grant_type: 'password',
    });
    assert.equal(status, 400);
    assert.equal(body['error'], 'unsupported_grant_type');
  });
});

describe('the lists', () => {
  it('answer 401 without a valid token, and after the tokens are revoked', async () => {
    assert.equal((await get(`/api/Asset?${paging}`, null)).status, 401);
    assert.equal((await get(`/api/Asset?${paging}`, 'made-up')).status, 401);
    const own = await tokenFor(standin);
    standin.revokeAllTokens();
    assert.equal((await get(`/api/Asset?${paging}`, own)).status, 401);
    token = await tokenFor(standin);
  });

  it('wrap records in envelopes with page_no, page_size and record_count', async () => {
    const { body } = await get(`/api/Client?${paging}&page_size=10&page_no=2`);
    assert.deepEqual(Object.keys(body), ['page_no', 'page_size', 'record_count', 'clients']);
    assert.equal(body['record_count'], 30);
    assert.deepEqual(idsOf(body['clients']), idsOf(standin.data.customers.slice(10, 20)));
    assert.ok(Array.isArray((await get(`/api/SoftwareLicence?${paging}`)).body['licences']));
  });

  it('leave child assets out unless includechildren=true', async () => {
    const withChildren = await get(`/api/Asset?${paging}`);
    const without = await get(`/api/Asset?${paging.replace('&includechildren=true', '')}`);
    const children = standin.data.assets.filter((a) => Number(a['parent_id']) > 0).length;
    assert.ok(children > 0);
    assert.equal(without.body['record_count'], (withChildren.body['record_count'] as number) - children);
  });

  it('leave inactive records out unless includeinactive=true', async () => {
    const all = await get(`/api/Asset?${paging}`);
    const activeOnly = await get('/api/Asset?pageinate=true&page_size=50&includechildren=true');
    const inactive = standin.data.assets.filter((a) => a['inactive'] === true).length;
    assert.equal(activeOnly.body['record_count'], (all.body['record_count'] as number) - inactive);
  });

  it('never serve the hidden last-modified stamp in a list', async () => {
    const { body } = await get(`/api/Asset?${paging}&page_size=1`);
    assert.equal((body['assets'] as Record<string, unknown>[])[0]?.['last_modified'], undefined);
  });

  it('see records that tests add, in id order', async () => {
    const last = standin.data.assets.at(-1)!.id;
    standin.data.assets.push({ id: last + 100, key_field: 'NEW-1', inactive: false });
    standin.data.assets.unshift({ id: 1, key_field: 'FIRST', inactive: false });
    const { body } = await get(`/api/Asset?${paging}&page_size=100&page_no=999`);
    assert.equal(idsOf(body['assets']).at(-1), last + 100);
    const first = await get(`/api/Asset?${paging}&page_size=1`);
    assert.deepEqual(idsOf(first.body['assets']), [1]);
    standin.data.assets.splice(0, 1);
    standin.data.assets.pop();
  });

  it('honour lastupdatefromdate on assets when configured', async () => {
    const since = new Date(Date.now() - 1000).toISOString().slice(0, 19);
    const target = standin.data.assets[3]!;
    standin.touchAsset(target.id, { key_field: 'CHANGED' });
    const { body } = await get(`/api/Asset?${paging}&lastupdatefromdate=${since}`);
    assert.deepEqual(idsOf(body['assets']), [target.id]);
    standin.config.honourLastUpdateFilter = false;
    const ignored = await get(`/api/Asset?${paging}&lastupdatefromdate=${since}`);
    assert.equal(ignored.body['record_count'], standin.data.assets.length);
    standin.config.honourLastUpdateFilter = true;
  });
});

describe('a single asset', () => {
  it('comes back bare, with the detail fields', async () => {
    const id = standin.data.assets[3]!.id;
    const { status, body } = await get(`/api/Asset/${id}`);
    assert.equal(status, 200);
    assert.equal(body['id'], id);
    assert.match(String(body['last_modified']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
    assert.ok(Array.isArray(body['software']));
  });

  it('is 404 when unknown, and so is an unknown path', async () => {
    assert.equal((await get('/api/Asset/123456789')).status, 404);
    const unknown = await get('/api/Nonsense');
    assert.equal(unknown.status, 404);
    assert.match(String(unknown.body['Message']), /No HTTP resource/);
  });
});

describe('the stats', () => {
  it('count requests by path and status', async () => {
    standin.resetStats();
    await get(`/api/Asset/${standin.data.assets[0]!.id}`);
    await get('/api/Asset/1');
    assert.equal(standin.stats.requests, 2);
    assert.equal(standin.stats.byPath['/api/Asset/{id}'], 2);
    assert.deepEqual(standin.stats.byStatus, { 200: 1, 404: 1 });
  });
});

describe('the rate limit', () => {
  it('refuses requests past the rolling window with Halo words and no Retry-After, token requests included', async () => {
    standin.resetStats();
    standin.setFaults({ rateLimit: { requests: 3, windowMs: 400 } });
    try {
      const own = await tokenFor(standin);
      assert.equal((await get(`/api/Asset?${paging}`, own)).status, 200);
      assert.equal((await get(`/api/Asset?${paging}`, own)).status, 200);
      const refused = await request(`${standin.url}/api/Asset?${paging}`, {
        headers: { authorization: `Bearer ${own}` },
      });
      assert.equal(refused.statusCode, 429);
      assert.equal(refused.headers['retry-after'], undefined);
      assert.equal(
        await refused.body.text(),
        'Rate Limit Reached - 3 Requests per rolling 0.4 second window',
      );
      // Refused requests do not fill the window; once the first start is a window old there is room again.
      const again = await request(`${standin.url}/api/Asset?${paging}`, {
        headers: { authorization: `Bearer ${own}` },
      });
      await again.body.dump();
      assert.equal(again.statusCode, 429);
      await new Promise((resolve) => setTimeout(resolve, 420));
      assert.equal((await get(`/api/Asset?${paging}`, own)).status, 200);
      assert.equal(standin.stats.rateLimited, 2);
      assert.equal(standin.stats.byStatus['429'], 2);
    } finally {
      standin.setFaults({ rateLimit: null });
    }
  });

  it('words a five-minute window as Halo does', async () => {
    standin.setFaults({ rateLimit: { requests: 0, windowMs: 300_000 } });
    try {
      const res = await request(`${standin.url}/api/Asset`);
      assert.equal(await res.body.text(), 'Rate Limit Reached - 0 Requests per rolling 5 minute window');
    } finally {
      standin.setFaults({ rateLimit: null });
    }
  });
});

describe('short-lived tokens', () => {
  it('answer 401 once their lifetime has passed', async () => {
    standin.config.tokenLifetimeSeconds = 2;
    try {
      const own = await tokenFor(standin);
      assert.equal((await get(`/api/Client?${paging}`, own)).status, 200);
      await new Promise((resolve) => setTimeout(resolve, 2050));
      assert.equal((await get(`/api/Client?${paging}`, own)).status, 401);
    } finally {
      standin.config.tokenLifetimeSeconds = 3600;
    }
  });
});
