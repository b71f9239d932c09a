// A person adds a webhook on the page, copies the secret shown once, sends a test event and watches it
// arrive in the delivery log; the receiver, written here, checks the signature with that secret.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { signatureHeader, timestampHeader, verifySignature } from '../../webhooks/sign';
import { startReceiver, type Receiver } from '../webhooks/receiver';
import { chromiumMissing, eventually, screenshotDir, startPageSystem, type PageSystem } from './system';

describe('webhooks on the web page in Chromium', { skip: chromiumMissing, timeout: 180_000 }, () => {
  let system: PageSystem;
  let page: Page;
  let receiver: Receiver;

  before(async () => {
    [system, receiver] = await Promise.all([
      startPageSystem({ customers: 2, assets: 5, licences: 1 }),
      startReceiver(),
    ]);
    page = system.page;
  });

  afterEach(async (t) => {
    const name = t.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, 60);
    await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
    assert.deepEqual(system.problems.splice(0), [], 'the page logged errors');
  });

  after(async () => {
    await Promise.all([system?.stop(), receiver?.close()]);
  });

  it('adds a webhook, shows its secret once, sends a signed test event and logs its delivery', async () => {
    await page.goto(`${system.api}/#key=${system.key}`);
    await page.getByRole('link', { name: 'Webhooks', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();

    await page.getByLabel('Receiver URL', { exact: true }).fill(receiver.url);
    await page.getByLabel('Name (optional)', { exact: true }).fill('Ops channel');
    await page.getByLabel('A sync completed').check();
    await page.getByRole('button', { name: 'Add webhook', exact: true }).click();
    const secret = (await page.locator('code.secret').textContent()) ?? '';
    assert.match(secret, /^whsec_/);

    await page.getByRole('link', { name: 'Open it to send a test event' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ops channel' }).waitFor();
    assert.ok(!(await page.content()).includes(secret), 'the secret is not shown again');
    await page.getByRole('button', { name: 'Send test event', exact: true }).click();

    const row = page.locator('table.deliveries tbody tr').first();
    await eventually('the delivery to show as delivered', async () =>
      /Delivered/.test((await row.textContent().catch(() => '')) ?? ''),
    );
    assert.match((await row.textContent()) ?? '', /webhook\.test.*Delivered.*1.*HTTP 200 thanks/);

    const [request] = receiver.received;
    assert.ok(request, 'the receiver got the event');
    const headers = {
      timestamp: request.headers[timestampHeader] as string,
      signature: request.headers[signatureHeader] as string,
    };
    const now = { nowSeconds: Math.floor(Date.now() / 1000), toleranceSeconds: 300 };
    assert.ok(verifySignature(secret, headers, request.body, now), 'signed with the secret the page showed');

    await page.getByRole('link', { name: 'Webhooks', exact: true }).first().click();
    await page.getByRole('link', { name: 'Ops channel' }).waitFor();
  });
});
