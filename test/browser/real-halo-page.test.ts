// The page against a tenant shaped like a real one: its auth server is a bare host, so discovery must fill
// the form; a value typed differently gets a one-click suggestion; and a child asset's detail shows the
// asset it belongs to, whose own detail lists its children.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { chromiumMissing, eventually, screenshotAndCheck, startPageSystem, type PageSystem } from './system';

describe('the page with a real-shaped Halo tenant', { skip: chromiumMissing, timeout: 180_000 }, () => {
  let system: PageSystem;
  let page: Page;

  const field = (label: string) => page.getByLabel(label, { exact: true });
  const button = (name: string) => page.getByRole('button', { name, exact: true });
  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });

  before(async () => {
    system = await startPageSystem({
      customers: 10,
      assets: 200,
      licences: 10,
      authPath: '',
      tenant: 'acme-trial',
    });
    page = system.page;
  });

  afterEach((t) => screenshotAndCheck(system, t.name, 'real-halo-'));

  after(async () => {
    await system?.stop();
  });

  it('fills the Authorisation Server URL and Tenant from Halo once the Resource Server URL is in', async () => {
    await page.goto(`${system.api}/#key=${system.key}`);
    await heading('Add Halo ITSM integration').waitFor();
    await field('Resource Server URL').fill(system.standin.settings.resourceServerUrl);
    await field('Client ID').focus();
    await eventually('discovery to fill the form', async () => {
      return (await field('Authorisation Server URL').inputValue()) === system.standin.url;
    });
    assert.equal(await field('Tenant (optional)').inputValue(), 'acme-trial');
    await page.getByText("Filled in from Halo's discovery: Authorisation Server URL and Tenant.").waitFor();
  });

  // Seen in CI: the answer arrived while the Tenant was being typed, and the field ended up holding both.
  it('never writes into a field the person is typing in when discovery answers late', async () => {
    await page.reload();
    await heading('Add Halo ITSM integration').waitFor();
    system.standin.setFaults({ latencyMs: 800 });
    try {
      await field('Resource Server URL').fill(system.standin.settings.resourceServerUrl);
      await field('Tenant (optional)').focus();
      await eventually('discovery to fill the Authorisation Server URL', async () => {
        return (await field('Authorisation Server URL').inputValue()) === system.standin.url;
      });
      await field('Tenant (optional)').pressSequentially('acme');
      assert.equal(await field('Tenant (optional)').inputValue(), 'acme');
      const suggestion = page
        .getByRole('status')
        .filter({ hasText: 'For this Resource Server URL, Halo names' });
      assert.match(await suggestion.innerText(), /Tenant: acme-trial/);
    } finally {
      system.standin.setFaults({ latencyMs: 0 });
    }
  });

  it('offers what Halo names, in one click, where the person typed something else', async () => {
    await page.reload();
    await heading('Add Halo ITSM integration').waitFor();
    await field('Authorisation Server URL').fill(`${system.standin.url}/auth`);
    await field('Tenant (optional)').fill('acme');
    await field('Resource Server URL').fill(system.standin.settings.resourceServerUrl);
    await field('Client ID').focus();
    const suggestion = page
      .getByRole('status')
      .filter({ hasText: 'For this Resource Server URL, Halo names' });
    await suggestion.waitFor();
    assert.match(await suggestion.innerText(), /Tenant: acme-trial/);
    assert.equal(await field('Tenant (optional)').inputValue(), 'acme', 'typed values are not overwritten');
    await suggestion.getByRole('button', { name: 'Use these' }).click();
    assert.equal(await field('Authorisation Server URL').inputValue(), system.standin.url);
    assert.equal(await field('Tenant (optional)').inputValue(), 'acme-trial');

    await field('Client ID').fill(system.standin.settings.clientId);
    await field('Client Secret').fill(system.standin.settings.clientSecret);
    await button('Save HaloITSM Setup').click();
    await heading(/Full sync of acme-trial/).waitFor();
    await eventually(
      'the sync to complete',
      async () => (await page.locator('.status').textContent()) === 'Completed',
      90_000,
    );
  });

  it("shows a child asset's parent, and the parent's children", async () => {
    const child = system.standin.data.assets.find((a) => Number(a['parent_id']) > 0 && !a['inactive'])!;
    const parent = system.standin.data.assets.find((a) => a.id === Number(child['parent_id']))!;
    await page.goto(`${system.api}/#/assets/hardware`);
    await heading('Assets').waitFor();
    await field('Search hardware').fill(String(child['key_field2']));
    await button('Search').click();
    await page.getByText(/^Page 1: 1 hardware asset\.$/).waitFor();
    await page.locator('table.records tbody tr').first().locator('th button').click();
    const detail = page.getByRole('region', { name: 'Asset details' });
    await detail.getByRole('heading', { name: String(child['key_field']).trim() }).waitFor();
    const partOf = detail.getByRole('region', { name: 'Parent and child assets' });
    assert.match(
      await partOf.innerText(),
      new RegExp(`Part of ${String(parent['key_field']).trim()} \\(#${parent.id}\\)`),
    );
    await partOf.getByRole('button').first().click();
    await detail.getByRole('heading', { name: String(parent['key_field']).trim() }).waitFor();
    assert.match(await detail.innerText(), /Child assets/);
    assert.match(await detail.innerText(), new RegExp(`#${child.id}`));
  });
});
