// The system as `npm start` runs it (worker and API processes from their entry points, a Temporal dev server,
// PostgreSQL, the Halo stand-in), plus Debian's Chromium driven by playwright-core, for the page's tests.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { projectRoot } from '../../config/env';
import { createAccount } from '../../db/accounts-repository';
import { waitFor, type Child } from '../../scripts/children';
import { freePort, processEnv, startServiceProcesses } from '../support/processes';
import { startHaloStandin, type HaloStandin, type StandinOptions } from '../../standin';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTemporalDevServer } from '../support/temporal';

export const chromiumPath = '/usr/bin/chromium';
export const chromiumMissing = existsSync(chromiumPath)
  ? false
  : `Debian's Chromium (${chromiumPath}) is missing; scripts/setup.sh installs it`;
export const screenshotDir = join(projectRoot, '.test-output', 'screenshots');

export interface PageSystem {
  api: string;
  key: string;
  standin: HaloStandin;
  database: TestDatabase;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors other than failed HTTP answers (which the page shows on purpose). */
  problems: string[];
  /** What the processes printed, for a failing test's message. */
  logs: string[];
  stop(): Promise<void>;
}

export async function startPageSystem(standinOptions: StandinOptions): Promise<PageSystem> {
  const children: Child[] = [];
  const logs: string[] = [];
  let temporal: TestWorkflowEnvironment | undefined;
  let database: TestDatabase | undefined;
  let standin: HaloStandin | undefined;
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close();
    await Promise.all(children.map((c) => c.stop()));
    await Promise.all([temporal?.teardown(), database?.drop(), standin?.close()]);
  };
  try {
    [temporal, database, standin, browser] = await Promise.all([
      startTemporalDevServer(),
      createTestDatabase(),
      startHaloStandin(standinOptions),
      chromium.launch({
        executablePath: chromiumPath,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--disable-quic',
        ],
      }),
    ]);
    const port = await freePort();
    const env: NodeJS.ProcessEnv = processEnv({
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_TASK_QUEUE: `browser-${randomUUID()}`,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SYNC_MAX_PAGES_PER_RUN: '5',
      SYNC_PAGE_CONCURRENCY: '2',
      LOG_LEVEL: 'warn',
    });
    const output = (line: string) => logs.push(line);
    const api = `http://127.0.0.1:${port}`;
    children.push(...(await startServiceProcesses(env, api, output)));
    const { apiKey } = await createAccount(database.db, 'Browser MSP');

    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-GB' });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        problems.push(`console: ${message.text()}`);
      }
    });
    mkdirSync(screenshotDir, { recursive: true });
    return { api, key: apiKey, standin, database, browser, context, page, problems, logs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * After each test: a screenshot of its last screen in .test-output/screenshots/ (named after the test, with
 * `prefix`), and no errors logged by the page.
 */
export async function screenshotAndCheck(system: PageSystem, testName: string, prefix = ''): Promise<void> {
  const name = testName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  await system.page.screenshot({ path: join(screenshotDir, `${prefix}${name}.png`), fullPage: true });
  assert.deepEqual(system.problems.splice(0), [], 'the page logged errors');
}

/** Polls until `check` is true; playwright-core has no `expect`, so tests wait with this. */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 15_000) {
  await waitFor(what, check, timeoutMs);
}
