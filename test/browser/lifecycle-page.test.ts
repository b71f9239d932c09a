// The Lifecycle page in Chromium against the real API process and a seeded database (no sync needed, so
// no Temporal): the charts draw the summary, a bar opens the list it counts, and a customer's page prints.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createAccount } from '../../db/accounts-repository';
import { insertIntegration } from '../../db/integrations-repository';
import { upsertRecords } from '../../db/records-repository';
import { httpOk, startTsChild, waitFor, type Child } from '../../scripts/children';
import { customer, hardware, software } from '../db/fixtures';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { freePort, processEnv } from '../support/processes';
import { chromiumMissing, chromiumPath, screenshotDir } from './system';

const day = 86_400_000;
const now = new Date();
const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
const fromToday = (days: number) => new Date(today + days * day);

describe('the Lifecycle page in Chromium', { skip: chromiumMissing, timeout: 120_000 }, () => {
  let database: TestDatabase;
  let api: Child;
  let browser: Browser;
  let page: Page;
  let base: string;
  let integrationId: string;
  const problems: string[] = [];
  const logs: string[] = [];

  before(async () => {
    database = await createTestDatabase();
    const { accountId, apiKey } = await createAccount(database.db, 'Browser MSP');
    integrationId = (
      await insertIntegration(database.db, {
        id: crypto.randomUUID(),
        accountId,
        settings: {
          resourceServerUrl: 'https://a.example/api',
          authServerUrl: 'https://a.example/auth',
          tenant: 'a',
          clientId: 'c',
        },
        clientSecretEnc: 'v1.x.y.z',
        clientSecretLast4: 'abcd',
      })
    ).id;
    const write = { seenBySyncId: null };
    await upsertRecords(
      database.db,
      'customers',
      integrationId,
      [customer(12, { name: 'Acme' }), customer(13, { name: 'Beta Ltd' })],
      write,
    );
    await upsertRecords(
      database.db,
      'hardware',
      integrationId,
      [
        ...[1, 2, 3].map((id) =>
          hardware(id, {
            keyField: `expired-${id}`,
            warrantyEnd: fromToday(-id * 40),
            purchaseDate: fromToday(-5 * 366),
          }),
        ),
        ...[4, 5].map((id) => hardware(id, { keyField: `expiring-${id}`, warrantyEnd: fromToday(id * 10) })),
        ...[6, 7, 8, 9].map((id) =>
          hardware(id, {
            keyField: `active-${id}`,
            warrantyEnd: fromToday(200 + id),
            customerHaloId: 13,
            customerName: 'Beta Ltd',
          }),
        ),
        hardware(10, {
          keyField: 'unknown-10',
          warrantyEnd: null,
          warrantyStart: null,
          customerHaloId: 13,
          customerName: 'Beta Ltd',
        }),
      ],
      write,
    );
    await upsertRecords(
      database.db,
      'software',
      integrationId,
      [software(1, { endDate: fromToday(45) })],
      write,
    );

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = startTsChild('api', 'api/server.ts', {
      env: processEnv({
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: database.url,
        // Nothing here starts a sync: Temporal points at a closed port.
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        LOG_LEVEL: 'warn',
      }),
      output: (line) => logs.push(line),
    });
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu'],
    });
    await waitFor('the API', () => httpOk(`${base}/healthz`), 60_000);
    page = await (
      await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' })
    ).newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    await page.goto(`${base}/#key=${apiKey}`);
    mkdirSync(screenshotDir, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await api?.stop();
    await database?.drop();
  });

  const bar = (name: string) => page.locator(`a.chart-bar[aria-label^="${name}:"]`);

  it('draws the warranty, age and month charts from the summary', async () => {
    await page.goto(`${base}/#/lifecycle`);
    await page.getByRole('heading', { level: 1, name: 'Lifecycle' }).waitFor();
    assert.equal(await page.locator('figure.chart').count(), 4);
    assert.equal(await bar('Warranty expired').getAttribute('data-value'), '3');
    assert.equal(await bar('Warranty expiring').getAttribute('data-value'), '2');
    assert.equal(await bar('Warranty active').getAttribute('data-value'), '4');
    assert.equal(await bar('Warranty unknown').getAttribute('data-value'), '1');
    assert.equal(await bar('5 years or more').getAttribute('data-value'), '3');
    // Taller bar, larger count: the SVG is drawn to scale.
    const heightOf = async (name: string) => Number(await bar(name).locator('rect').getAttribute('height'));
    assert.ok((await heightOf('Warranty active')) > (await heightOf('Warranty expired')));
    const ranked = await page.locator('table.ranked tbody th').allInnerTexts();
    assert.deepEqual(ranked, ['Acme', 'Beta Ltd']);
    // What the README shows (docs/screenshots/lifecycle.png is a copy): the first screen of the page.
    await page.screenshot({ path: join(screenshotDir, 'lifecycle-all-customers.png') });
    // At phone width the header (one more link) and the charts still fit without sideways scrolling.
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
      assert.ok(width <= 390, `the page is ${width} px wide`);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
    assert.deepEqual(problems.splice(0), [], logs.join('\n'));
  });

  it('opens the asset list filtered to a bar when the bar is clicked', async () => {
    await bar('Warranty expired').click();
    await page.getByRole('heading', { level: 1, name: 'Assets' }).waitFor();
    assert.match(page.url(), /#\/assets\/hardware\?.*warranty=expired/);
    await waitFor(
      'the filtered rows',
      async () => (await page.locator('table.records tbody tr').count()) === 3,
      15_000,
    );
    const names = await page.locator('table.records tbody th').allInnerTexts();
    assert.deepEqual(
      names.map((n) => n.trim()),
      ['expired-1', 'expired-2', 'expired-3'],
    );
    assert.match(await page.locator('.lifecycle-filter').innerText(), /warranty = expired/);
    assert.match(
      await page.locator('table.records tbody tr').first().innerText(),
      /Out of warranty · 5 y\s*Replace/,
    );
    assert.deepEqual(problems.splice(0), [], logs.join('\n'));
  });

  it("prints a customer's page with the charts and without the page's controls", async () => {
    await page.goto(`${base}/#/lifecycle?integrationId=${integrationId}&customerId=13`);
    await page.getByRole('heading', { level: 1, name: 'Lifecycle: Beta Ltd' }).waitFor();
    assert.equal(await bar('Warranty active').getAttribute('data-value'), '4');
    assert.equal(await page.locator('table.ranked').count(), 0);
    await page.emulateMedia({ media: 'print' });
    try {
      assert.equal(await page.locator('.site-header').isVisible(), false);
      assert.equal(await page.getByRole('button', { name: 'Print' }).isVisible(), false);
      assert.equal(await page.locator('figure.chart').first().isVisible(), true);
      assert.equal(
        await page.evaluate('getComputedStyle(document.body).backgroundColor'),
        'rgb(255, 255, 255)',
      );
      const pdf = await page.pdf({ format: 'A4' });
      assert.ok(pdf.subarray(0, 5).toString() === '%PDF-', 'a PDF came out');
      await page.screenshot({ path: join(screenshotDir, 'lifecycle-customer-print.png'), fullPage: true });
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
    assert.deepEqual(problems.splice(0), [], logs.join('\n'));
  });
});
