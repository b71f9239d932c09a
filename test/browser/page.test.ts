// A person uses the page in a real browser against the real system: signs in through the link `npm start`
// prints, adds the Halo integration, watches the sync, browses what arrived, cancels a sync, changes the
// schedule, and deletes the integration. Every test leaves a screenshot in .test-output/screenshots/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  chromiumMissing,
  eventually,
  screenshotAndCheck,
  screenshotDir,
  startPageSystem,
  type PageSystem,
} from './system';

const tenant = { customers: 40, assets: 2000, licences: 150 };
// 1 page of customers, 20 of hardware, 2 of software at Halo's 100 records a page.
const totalPages = 23;
const hostile = '<img src=x id=injected> Evil host';

describe('the web page in Chromium', { skip: chromiumMissing, timeout: 180_000 }, () => {
  let system: PageSystem;
  let page: Page;
  let integrationId: string;

  async function call(path: string, init: RequestInit = {}) {
    const response = await fetch(`${system.api}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${system.key}`,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
  }

  const field = (label: string) => page.getByLabel(label, { exact: true });
  const button = (name: string) => page.getByRole('button', { name, exact: true });
  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name });
  const statusText = () => page.locator('.status').textContent();
  const tableRows = () => page.locator('table.records tbody tr');

  async function fillSetup(values: Record<string, string>) {
    await field('Resource Server URL').fill(values['resourceServerUrl'] ?? '');
    await field('Authorisation Server URL').fill(values['authServerUrl'] ?? '');
    await field('Tenant (optional)').fill(values['tenant'] ?? '');
    await field('Client ID').fill(values['clientId'] ?? '');
    await field('Client Secret').fill(values['clientSecret'] ?? '');
  }

  before(async () => {
    system = await startPageSystem(tenant);
    page = system.page;
    // Halo data may contain markup; the page must show it as text.
    system.standin.data.assets[0]!['key_field'] = hostile;
  });

  afterEach((t) => screenshotAndCheck(system, t.name));

  after(async () => {
    await system?.stop();
  });

  it('signs in from the #key= link and keeps the key out of the URL and the page', async () => {
    await page.goto(`${system.api}/#key=${system.key}`);
    await heading('Add Halo ITSM integration').waitFor();
    assert.equal(page.url(), `${system.api}/#/integrations/new`);
    assert.equal(await page.evaluate('sessionStorage.getItem("halo-sync.apiKey")'), system.key);
    assert.ok(!(await page.content()).includes(system.key), 'the key is in the page');
    // The hints say where in Halo each value lives.
    const form = page.locator('form.setup-form');
    assert.match(
      await form.innerText(),
      /Configuration > Integrations > HaloITSM API > View Applications > New/,
    );
    assert.match(await form.innerText(), /read:assets/);
    assert.match(await form.innerText(), /only once/);
  });

  it("shows field errors beside their fields and Halo's refusal beside the form, storing nothing", async () => {
    const { settings } = system.standin;
    await fillSetup({ ...settings, authServerUrl: 'acme auth' });
    await button('Save HaloITSM Setup').click();
    const authUrl = field('Authorisation Server URL');
    await page.locator('[aria-invalid="true"]').waitFor();
    assert.equal(await authUrl.getAttribute('aria-invalid'), 'true');
    const describedBy = (await authUrl.getAttribute('aria-describedby')) ?? '';
    const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
    assert.ok(errorId, describedBy);
    assert.match(await page.locator(`#${errorId}`).innerText(), /not a URL/);
    assert.equal(await field('Resource Server URL').getAttribute('aria-invalid'), null);

    // One press, one request: the button is disabled while Halo is asked.
    await authUrl.fill(settings.authServerUrl);
    await field('Client Secret').fill('a-wrong-secret-value');
    system.standin.setFaults({ latencyMs: 600, faultsOnToken: true });
    const tokenRequests = system.standin.stats.tokenRequests;
    const save = page.getByRole('button', { name: /Save HaloITSM Setup|Checking with Halo/ });
    await save.click();
    assert.equal(await save.isDisabled(), true);
    assert.equal(await save.innerText(), 'Checking with Halo…');
    await save.click({ force: true, timeout: 1000 }).catch(() => undefined);
    await page.keyboard.press('Enter');
    const refusal = page.getByRole('alert').filter({ hasText: 'Halo refused these credentials' });
    await refusal.waitFor();
    system.standin.setFaults({ latencyMs: 0, faultsOnToken: false });
    assert.equal(system.standin.stats.tokenRequests - tokenRequests, 1);
    assert.match(await refusal.innerText(), /invalid_client/);
    assert.match(await refusal.innerText(), /Client ID and Client Secret/);
    assert.deepEqual((await call('/v1/integrations')).body, { items: [] });
  });

  it('saves the five values and shows the sync through to completion', async () => {
    await fillSetup(system.standin.settings);
    await button('Save HaloITSM Setup').click();
    await heading('Full sync of standin').waitFor();
    assert.match(page.url(), /#\/syncs\/[0-9a-f-]{36}$/);
    await page.getByText('Saved. Halo accepted the credentials').waitFor();
    await eventually('the sync to complete', async () => (await statusText()) === 'Completed', 90_000);

    const progress = page.getByLabel('Pages synced');
    assert.equal(await progress.getAttribute('max'), String(totalPages));
    assert.equal(await progress.getAttribute('value'), String(totalPages));
    assert.match(
      await page.locator('.progress-text').innerText(),
      new RegExp(`${totalPages} of ${totalPages} pages \\(100%\\)`),
    );
    const hardware = await page.getByRole('row', { name: /^Hardware/ }).innerText();
    assert.match(hardware, /^Hardware\s+2,000\s+2,000\s+0\s+0\s+0$/);
    const temporalLink = page.getByRole('link', { name: 'Open this run in the Temporal UI' });
    assert.match(
      (await temporalLink.getAttribute('href')) ?? '',
      /\/namespaces\/default\/workflows\/halo-sync-/,
    );
    assert.equal(await button('Cancel sync').isVisible(), false);
    integrationId = (await call('/v1/integrations')).body.items[0].id;
  });

  it('finds the hardware, with search, the customer filter, paging and the raw record', async () => {
    const { assets, customers } = system.standin.data;
    await page.getByRole('link', { name: 'Browse hardware' }).click();
    await heading('Assets').waitFor();
    await page.getByText(/^Page 1: 50 hardware assets, more on the next page\.$/).waitFor();
    const firstActive = assets.find((a) => !a['inactive'])!;
    assert.equal(
      (await tableRows().first().locator('th').innerText()).trim(),
      String(firstActive['key_field']).trim(),
    );

    // Markup in Halo data is shown as text, never parsed.
    await field('Search hardware').fill('Evil host');
    await button('Search').click();
    await page.getByText(/^Page 1: 1 hardware asset\.$/).waitFor();
    assert.equal((await tableRows().first().locator('th button').innerText()).trim(), hostile);
    assert.equal(await page.locator('#injected').count(), 0);

    // Search by a serial number (key field 2), then open the detail panel.
    const sample = assets.find((a, i) => i > 120 && !a['inactive'])!;
    await field('Search hardware').fill(String(sample['key_field2']));
    await button('Search').click();
    await page.getByText(/^Page 1: 1 hardware asset\.$/).waitFor();
    await tableRows().first().locator('th button').click();
    const detail = page.getByRole('region', { name: 'Asset details' });
    await detail.getByRole('heading', { name: String(sample['key_field']).trim() }).waitFor();
    assert.match(await detail.innerText(), new RegExp(`Key field 2\\s+${String(sample['key_field2'])}`));
    const raw = JSON.parse(await detail.getByLabel('Raw Halo record as JSON').innerText());
    assert.deepEqual(raw, JSON.parse(JSON.stringify(sample)));
    await detail.getByRole('button', { name: 'Close details' }).click();
    assert.equal(await detail.isVisible(), false);

    // One customer's assets, inactive ones included, across pages.
    const counts = new Map<number, number>();
    for (const a of assets)
      counts.set(a['client_id'] as number, (counts.get(a['client_id'] as number) ?? 0) + 1);
    const customer = customers.find((c) => (counts.get(c.id) ?? 0) > 50)!;
    await field('Search hardware').fill('');
    await button('Search').click();
    await field('Show inactive').check();
    await page.waitForURL(/inactive=1/);
    await field('Customer').selectOption(String(customer.id));
    await page.waitForURL(new RegExp(`customerId=${customer.id}`));
    await page.getByText(/^Page 1: 50 hardware assets, more on the next page\.$/).waitFor();
    const shown: string[] = [];
    shown.push(...(await tableRows().locator('th button').allInnerTexts()));
    await tableRows().nth(1).locator('th button').click();
    await detail.getByRole('heading', { name: shown[1]! }).waitFor();
    await page.screenshot({ path: join(screenshotDir, 'assets-with-detail.png') });
    await detail.getByRole('button', { name: 'Close details' }).click();
    await button('Next page').click();
    await page.getByText(/^Page 2: /).waitFor();
    shown.push(...(await tableRows().locator('th button').allInnerTexts()));
    const expected = assets
      .filter((a) => a['client_id'] === customer.id)
      .map((a) => String(a['key_field']).trim());
    assert.deepEqual(shown, expected.slice(0, shown.length));
    assert.ok(shown.length === Math.min(expected.length, 100));
    const customerCells = await tableRows().locator('td:nth-child(3)').allInnerTexts();
    assert.ok(
      customerCells.every((c) => c === String(customer['name']).trim() || c === customer['name']),
      customerCells.join('|'),
    );
    await button('Previous page').click();
    await page.getByText(/^Page 1: /).waitFor();
  });

  it('finds the software and the customers with their asset counts', async () => {
    const { assets, licences, customers } = system.standin.data;
    await page.getByRole('link', { name: 'Software', exact: true }).click();
    await page.waitForURL(/#\/assets\/software/);
    await field('Customer').selectOption('');
    await field('Show inactive').check();
    await page.waitForURL((url) => !url.hash.includes('customerId'));
    await page.getByText(/^Page 1: 50 software assets, more on the next page\.$/).waitFor();
    const acrobat = licences.filter((l) => String(l['name']).includes('Acrobat'));
    await field('Search software').fill('Acrobat');
    await button('Search').click();
    // The count of the search's own answer: the unsearched page's "Page 1: 50 …" must not satisfy the wait.
    await page
      .getByText(new RegExp(`^Page 1: ${Math.min(acrobat.length, 50)} software assets?\\b`))
      .waitFor();
    const names = await tableRows().locator('th button').allInnerTexts();
    assert.equal(names.length, Math.min(acrobat.length, 50));
    assert.ok(names.every((n) => n.includes('Adobe Acrobat Pro')));

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Customers' }).click();
    await heading('Customers').waitFor();
    await page.getByText(/^Page 1: 40 customers\.$/).waitFor();
    const customer = customers[3]!;
    const hardware = assets.filter((a) => a['client_id'] === customer.id).length;
    const software = licences.filter((l) => l['client_id'] === customer.id).length;
    const row = page.getByRole('row', {
      name: new RegExp(`^${escapeRegExp(String(customer['name']).trim())}`),
    });
    assert.match(await row.innerText(), new RegExp(`\\s${hardware}\\s+${software}\\s+${customer.id}$`));
    await row.getByRole('link', { name: new RegExp(`^${hardware} hardware assets of`) }).click();
    await page.waitForURL(new RegExp(`#/assets/hardware\\?customerId=${customer.id}`));
    await page.getByText(/^Page 1: /).waitFor();
    assert.equal(await field('Customer').inputValue(), String(customer.id));
  });

  it('shows the saved values with the secret masked, the run history, and pauses the schedule', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Integration' }).click();
    await heading('Halo ITSM: standin').waitFor();
    const values = await page.getByRole('region', { name: 'Saved values' }).innerText();
    const { settings } = system.standin;
    assert.ok(values.includes(settings.resourceServerUrl) && values.includes(settings.clientId));
    assert.ok(values.includes(settings.clientSecret.slice(-4)));
    assert.ok(!(await page.content()).includes(settings.clientSecret), 'the secret is in the page');

    const history = page.getByRole('region', { name: 'Run history' }).locator('tbody tr');
    assert.match(
      await history.last().innerText(),
      /Full\s+Completed\s+.+\s+40 seen · 40 new\s+2,000 seen · 2,000 new\s+150 seen · 150 new/,
    );

    await field('Sync every (minutes)').fill('2');
    await button('Save schedule').click();
    await page.getByText('Enter a whole number from 5 to 10080.').first().waitFor();
    assert.equal(await field('Sync every (minutes)').getAttribute('aria-invalid'), 'true');
    await field('Sync every (minutes)').fill('30');
    await field('Pause scheduled syncs').check();
    await button('Save schedule').click();
    await page.getByText('Schedule saved. It is paused: only manual syncs run.').waitFor();
    assert.deepEqual((await call(`/v1/integrations/${integrationId}/schedule`)).body, {
      incrementalEveryMinutes: 30,
      fullEveryHours: 24,
      paused: true,
    });
  });

  it('edits the values, and keeps the saved ones when Halo refuses the change', async () => {
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await heading('Edit Halo ITSM integration').waitFor();
    assert.equal(await field('Client ID').inputValue(), system.standin.settings.clientId);
    assert.equal(await field('Client Secret').inputValue(), '');
    await field('Client Secret').fill('another-wrong-secret');
    await button('Save HaloITSM Setup').click();
    await page.getByRole('alert').filter({ hasText: 'Halo refused these credentials' }).waitFor();
    const saved = (await call(`/v1/integrations/${integrationId}`)).body;
    assert.equal(saved.clientSecretLast4, system.standin.settings.clientSecret.slice(-4));
    await page.getByRole('link', { name: '← Back to the integration' }).click();
    await heading('Halo ITSM: standin').waitFor();
  });

  it('asks for the Client Secret again when the change would send it to another Halo', async () => {
    await page.getByRole('link', { name: 'Edit', exact: true }).click();
    await heading('Edit Halo ITSM integration').waitFor();
    const secret = field('Client Secret');
    const secretHint = async () =>
      page
        .locator(`[id="${((await secret.getAttribute('aria-describedby')) ?? '').split(' ')[0]}"]`)
        .innerText();
    assert.equal(await secret.getAttribute('aria-required'), 'false');
    assert.match(await secretHint(), /Leave empty to keep the saved secret/);

    const puts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT') puts.push(request.url());
    });
    await field('Authorisation Server URL').fill('https://halo.example.net/auth');
    assert.equal(await secret.getAttribute('aria-required'), 'true');
    assert.match(await secretHint(), /Required: the Authorisation Server URL changed/);
    await button('Save HaloITSM Setup').click();
    await page.getByRole('alert').filter({ hasText: 'needs the Client Secret again' }).waitFor();
    assert.equal(await secret.getAttribute('aria-invalid'), 'true');
    assert.deepEqual(puts, [], 'the change was sent without the secret');

    // Back to the saved origin, written differently: the saved secret may stay.
    await field('Authorisation Server URL').fill(`${system.standin.settings.authServerUrl}/`);
    assert.equal(await secret.getAttribute('aria-required'), 'false');
    assert.match(await secretHint(), /Leave empty to keep the saved secret/);
    await page.getByRole('link', { name: '← Back to the integration' }).click();
    await heading('Halo ITSM: standin').waitFor();
    const saved = (await call(`/v1/integrations/${integrationId}`)).body;
    assert.equal(saved.authServerUrl, system.standin.settings.authServerUrl);
  });

  it('answers a second sync with the running one, and cancels it from the sync view', async () => {
    // A Schedule firing on the hour may still be running; this test starts its own.
    await eventually(
      'no sync to be running',
      async () => {
        const runs = (await call(`/v1/integrations/${integrationId}/syncs`)).body.items as {
          status: string;
        }[];
        return runs.every((run) => run.status !== 'running');
      },
      60_000,
    );
    system.standin.faults.latencyMs = 300;
    try {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Integration' }).click();
      await heading('Halo ITSM: standin').waitFor();
      await button('Full sync now').click();
      await heading('Full sync of standin').waitFor();
      assert.equal(await statusText(), 'Running');
      await page.goBack();
      await heading('Halo ITSM: standin').waitFor();
      await button('Incremental sync now').click();
      const busy = page.getByText(/A full sync of this integration is already running/);
      await busy.waitFor();
      await page.getByRole('link', { name: 'Follow the running sync' }).click();
      await heading('Full sync of standin').waitFor();
      const progress = page.getByLabel('Pages synced');
      await eventually('a few pages', async () => Number(await progress.getAttribute('value')) >= 2, 20_000);
      await page.screenshot({ path: join(screenshotDir, 'sync-running.png') });
      await button('Cancel sync').click();
      await eventually('the sync to end', async () => (await statusText()) !== 'Running', 30_000);
      assert.equal(await statusText(), 'Cancelled');
      assert.equal(await button('Cancel sync').isVisible(), false);
    } finally {
      system.standin.faults.latencyMs = 0;
    }
    // The run history shows it, newest first.
    await page.getByRole('link', { name: /^← standin/ }).click();
    await heading('Halo ITSM: standin').waitFor();
    const newest = page.getByRole('region', { name: 'Run history' }).locator('tbody tr').first();
    assert.match(await newest.innerText(), /Full\s+Cancelled/);
  });

  it('reads at phone width without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Assets' }).click();
    await page.getByText(/^Page 1: 50 hardware assets/).waitFor();
    const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
    assert.ok(width <= 390, `the page is ${width} px wide`);
    // Keyboard only: Tab from the search box reaches the first asset, with a visible focus ring, and Enter
    // opens it.
    const firstAsset = (await tableRows().first().locator('th button').innerText()).trim();
    const focused = () => page.evaluate('document.activeElement?.textContent?.trim()');
    await field('Search hardware').focus();
    for (let i = 0; i < 12 && (await focused()) !== firstAsset; i++) await page.keyboard.press('Tab');
    assert.equal(await focused(), firstAsset);
    assert.equal(await page.evaluate('getComputedStyle(document.activeElement).outlineStyle'), 'solid');
    await page.keyboard.press('Enter');
    await page.getByRole('region', { name: 'Asset details' }).getByRole('heading').waitFor();
    assert.equal(await page.evaluate('document.activeElement?.id'), 'detail-heading');
  });

  it('deletes the integration only after confirmation', async () => {
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.goto(`${system.api}/#/integrations/${integrationId}`);
    await heading('Halo ITSM: standin').waitFor();
    await button('Delete…').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    assert.equal((await call(`/v1/integrations/${integrationId}`)).status, 200);
    await button('Delete…').click();
    await dialog.getByRole('button', { name: 'Delete integration' }).click();
    await heading('Add Halo ITSM integration').waitFor();
    assert.equal((await call(`/v1/integrations/${integrationId}`)).status, 404);
  });

  it('signs out, refuses a wrong key, and signs in again with the right one', async () => {
    await button('Sign out').click();
    await heading('Sign in').waitFor();
    assert.equal(await page.evaluate('sessionStorage.length'), 0);
    await field('API key').fill('hak_not-a-key');
    await button('Sign in').click();
    await page.getByRole('alert').filter({ hasText: 'That API key was not accepted' }).waitFor();
    await page.screenshot({ path: join(screenshotDir, 'sign-in-refused.png') });
    await field('API key').fill(system.key);
    await page.keyboard.press('Enter');
    await heading('Add Halo ITSM integration').waitFor();
    assert.ok(!page.url().includes(system.key));
    assert.ok(!(await page.content()).includes(system.key), 'the key is in the page');
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
