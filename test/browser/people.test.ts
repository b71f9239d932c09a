// People and permissions in a real browser against the real system: a sync manager adds the integration,
// a viewer sees every change disabled with the reason and cannot make one, and an admin adds a member,
// revokes a key in the Members view (which stops working at once), and reads the Audit view.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { chromiumMissing, eventually, screenshotDir, startPageSystem, type PageSystem } from './system';

describe('people and permissions on the page', { skip: chromiumMissing, timeout: 240_000 }, () => {
  let system: PageSystem;
  let page: Page;
  const keys: Record<'sync_manager' | 'viewer', string> = { sync_manager: '', viewer: '' };

  async function call(path: string, key = system.key, init: { method?: string; body?: object } = {}) {
    const response = await fetch(`${system.api}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${key}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  const button = (name: string) => page.getByRole('button', { name, exact: true });
  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });

  async function signInAs(key: string) {
    await page.goto('about:blank');
    await page.goto(`${system.api}/#key=${key}`);
    await page.locator('#who:not([hidden])').waitFor();
  }

  before(async () => {
    system = await startPageSystem({ customers: 10, assets: 300, licences: 20 });
    page = system.page;
    for (const [role, name] of [
      ['sync_manager', 'Sam Syncer'],
      ['viewer', 'Vic Viewer'],
    ] as const) {
      const added = await call('/v1/members', system.key, { method: 'POST', body: { name, role } });
      assert.equal(added.status, 201);
      keys[role] = added.body.apiKey.key;
    }
  });

  afterEach(async (t) => {
    const name = `people-${t.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, 50)}`;
    await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
    assert.deepEqual(system.problems.splice(0), [], 'the page logged errors');
  });

  after(async () => {
    await system?.stop();
  });

  it('lets a sync manager add the integration', async () => {
    await signInAs(keys.sync_manager);
    assert.equal(await page.locator('#who').innerText(), 'Sam Syncer · Sync manager');
    assert.equal(await page.getByRole('link', { name: 'Audit' }).isVisible(), true);
    assert.equal(await page.getByRole('link', { name: 'Members' }).isVisible(), false);
    await heading('Add Halo ITSM integration').waitFor();
    const { settings } = system.standin;
    await page.getByLabel('Resource Server URL', { exact: true }).fill(settings.resourceServerUrl);
    await page.getByLabel('Authorisation Server URL', { exact: true }).fill(settings.authServerUrl);
    await page.getByLabel('Tenant (optional)', { exact: true }).fill(settings.tenant);
    await page.getByLabel('Client ID', { exact: true }).fill(settings.clientId);
    await page.getByLabel('Client Secret', { exact: true }).fill(settings.clientSecret);
    await button('Save HaloITSM Setup').click();
    await heading(/^Full sync of /).waitFor();
    await eventually(
      'the sync to complete',
      async () => (await page.locator('.status').textContent()) === 'Completed',
      90_000,
    );
    assert.equal((await call('/v1/integrations')).body.items.length, 1);
  });

  it('shows a viewer every change disabled with the reason, and lets them make none', async () => {
    const auditBefore = (await call('/v1/audit?limit=200')).body.items.length;
    await signInAs(keys.viewer);
    assert.equal(await page.locator('#who').innerText(), 'Vic Viewer · Viewer');
    assert.equal(await page.getByRole('link', { name: 'Audit' }).isVisible(), false);
    assert.equal(await page.getByRole('link', { name: 'Members' }).isVisible(), false);
    await heading(/^Halo ITSM: /).waitFor();

    for (const name of ['Full sync now', 'Incremental sync now', 'Delete…']) {
      assert.equal(await button(name).isDisabled(), true, name);
      assert.match((await button(name).getAttribute('title')) ?? '', /Manage Sync Settings/);
    }
    const edit = page.getByRole('link', { name: 'Edit' });
    assert.equal(await edit.count(), 0, 'Edit is still a link');
    assert.equal(await page.locator('a[aria-disabled="true"]', { hasText: 'Edit' }).count(), 1);
    assert.equal(await button('Save schedule').isDisabled(), true);
    const notes = await page.locator('.permission-note:visible').allInnerTexts();
    assert.ok(notes.length >= 3, notes.join(' | '));
    for (const note of notes)
      assert.match(note, /Needs the Manage Sync Settings permission; you are signed in as Viewer/);
    // Nothing that changes anything is enabled on the page.
    const enabled = page.locator(
      'main button:enabled:visible, main input:enabled:visible, main select:enabled:visible',
    );
    assert.equal(await enabled.count(), 0, `still enabled: ${(await enabled.allInnerTexts()).join(', ')}`);
    await page.screenshot({ path: join(screenshotDir, 'people-viewer-integration.png'), fullPage: true });

    await button('Full sync now')
      .click({ force: true, timeout: 1000 })
      .catch(() => undefined);
    await button('Delete…')
      .click({ force: true, timeout: 1000 })
      .catch(() => undefined);
    assert.equal(await page.locator('dialog[open]').count(), 0);

    // Typed addresses give the same answer: a disabled form, and the API's own refusal.
    await page.goto(`${system.api}/#/integrations/new`);
    await heading('Add Halo ITSM integration').waitFor();
    assert.equal(await button('Save HaloITSM Setup').isDisabled(), true);
    assert.equal(await page.getByLabel('Client Secret', { exact: true }).isDisabled(), true);
    await page.goto(`${system.api}/#/members`);
    await heading('Not open to your role').waitFor();
    await page.getByText(/needs the Admin permission/).waitFor();
    assert.equal((await call('/v1/audit?limit=200')).body.items.length, auditBefore, 'a change was recorded');
  });

  it('lets an admin add a member, show their key once, and revoke a key that then stops working', async () => {
    await signInAs(system.key);
    await page.getByRole('link', { name: 'Members' }).click();
    await heading('Members').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Tess Tech');
    await page.getByLabel('Role of the new member').selectOption('viewer');
    await button('Add member').click();
    const shown = page.getByLabel('New API key for Tess Tech');
    await shown.waitFor();
    const key = await shown.inputValue();
    assert.match(key, /^hak_/);
    assert.equal((await call('/v1/me', key)).body.member.name, 'Tess Tech');

    const tess = page.getByRole('region', { name: 'Tess Tech', exact: true });
    await tess.getByRole('button', { name: 'Revoke' }).click();
    await tess.getByText('Revoked').waitFor();
    assert.equal((await call('/v1/me', key)).status, 401, 'the revoked key still works');

    const sam = page.getByRole('region', { name: 'Sam Syncer', exact: true });
    await sam.getByLabel('Role of Sam Syncer').selectOption('viewer');
    await eventually(
      'the role to change',
      async () => (await call('/v1/me', keys.sync_manager)).body.member.role === 'viewer',
    );
    assert.equal((await call('/v1/audit', keys.sync_manager)).status, 403);

    await tess.getByRole('button', { name: 'Remove' }).click();
    await tess.getByRole('button', { name: 'Remove Tess Tech and their keys?' }).click();
    await eventually('Tess to be gone', async () => (await tess.count()) === 0);
    assert.ok(!(await call('/v1/members')).body.items.some((m: { name: string }) => m.name === 'Tess Tech'));
  });

  it('shows the admin the audit log: who did what, and from where', async () => {
    await page.getByRole('link', { name: 'Audit' }).click();
    await heading('Audit log').waitFor();
    const rows = page.locator('table.audit tbody tr');
    await rows.first().waitFor();
    const text = await page.locator('table.audit').innerText();
    assert.match(text, /Integration added/);
    assert.match(text, /Sam Syncer/);
    assert.match(text, /API key revoked/);
    assert.match(text, /Member changed/);
    assert.match(text, /role: sync_manager → viewer/);
    assert.match(text, /Member removed/);
    assert.ok(!text.includes(system.standin.settings.clientSecret));
  });
});
