// `npm run bench -- lifecycle [--assets N] [--customers N] [--requests N] [--keep-database]`: the lifecycle
// reads at scale, through the real API process over HTTP, against a seeded database of its own: summary
// for all customers and for one, the list filtered to one customer's expiring warranties, and a CSV export
// of every hardware row with the API's RSS watched, beside the same COPY run straight from PostgreSQL.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { projectRoot } from '../config/env';
import { createAccount } from '../db/accounts-repository';
import { insertIntegration } from '../db/integrations-repository';
import { defaultPolicy } from '../db/lifecycle-policy';
import { defaultExpiringWithinDays, resolveClock } from '../db/lifecycle-sql';
import { hardwareSummarySql } from '../db/lifecycle-summary';
import { exportCopySql } from '../db/records-export';
import { httpOk, waitFor } from '../scripts/children';
import { createBenchDatabase, type BenchDatabase } from './database';
import { seedLifecycle } from './lifecycle-seed';
import { peakRssOf, resetPeakRss, rssOf } from './proc-stats';
import { freePort, spawnChild, stopAllChildren } from './processes';

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const log = (message: string) =>
  console.error(`[bench lifecycle ${new Date().toISOString().slice(11, 19)}] ${message}`);

function percentiles(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  return {
    n: sorted.length,
    p50: Math.round(at(50) * 10) / 10,
    p95: Math.round(at(95) * 10) / 10,
    max: Math.round(at(100) * 10) / 10,
  };
}

async function countLines(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
): Promise<{ lines: number; bytes: number }> {
  let lines = 0;
  let bytes = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return { lines, bytes };
}

export async function runLifecycleBench(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      assets: { type: 'string', default: '1000000' },
      customers: { type: 'string', default: '2000' },
      requests: { type: 'string', default: '40' },
      'keep-database': { type: 'boolean', default: false },
    },
  });
  const assets = Number(values.assets.replace(/_/g, ''));
  const customers = Number(values.customers);
  const requests = Number(values.requests);
  const runDir = join(
    projectRoot,
    '.bench',
    'runs',
    `${new Date().toISOString().replace(/[:.]/g, '-')}-lifecycle-${assets}`,
  );
  mkdirSync(runDir, { recursive: true });
  let database: BenchDatabase | undefined;
  try {
    database = await createBenchDatabase(`halo_sync_bench_lifecycle_${process.pid}`);
    const { accountId, apiKey } = await createAccount(database.db, 'Bench MSP');
    const integrationId = randomUUID();
    await insertIntegration(database.db, {
      id: integrationId,
      accountId,
      settings: {
        resourceServerUrl: 'https://bench.example/api',
        authServerUrl: 'https://bench.example/auth',
        tenant: 'bench',
        clientId: 'bench',
      },
      clientSecretEnc: 'v1.x.y.z',
      clientSecretLast4: 'none',
    });
    log(
      `seeding ${assets.toLocaleString('en')} hardware assets, ${Math.round(assets / 10).toLocaleString('en')} licences, ${customers} customers…`,
    );
    const seedStart = performance.now();
    await seedLifecycle(database, {
      integrationId,
      hardware: assets,
      software: Math.round(assets / 10),
      customers,
    });
    const seedMs = performance.now() - seedStart;
    log(`seeded in ${(seedMs / 1000).toFixed(1)} s`);

    // The plans, for the record: where the time goes if a figure misses.
    const clock = await resolveClock(database.db, { expiringWithinDays: defaultExpiringWithinDays });
    const plans: string[] = [];
    for (const [name, scope] of [
      ['summary, all customers', { integrationId }],
      ['summary, one customer', { integrationId, customerHaloId: 7 }],
    ] as const) {
      const plan = await database.db.execute<{ 'QUERY PLAN': string }>(
        // drizzle's sql objects nest; EXPLAIN is prefixed to the same statement the API runs.
        sql`explain (analyze, buffers) ${hardwareSummarySql(scope, defaultPolicy(), clock)}`,
      );
      plans.push(`-- ${name}\n${plan.map((r) => r['QUERY PLAN']).join('\n')}\n`);
    }
    writeFileSync(join(runDir, 'explain.txt'), plans.join('\n'));

    const port = await freePort();
    const api = spawnChild('api', process.execPath, ['--import', 'tsx', 'api/server.ts'], {
      env: {
        PATH: process.env['PATH'],
        HOME: process.env['HOME'],
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: '127.0.0.1:1',
        ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        LOG_LEVEL: 'warn',
        API_RATE_LIMIT_PER_MINUTE: '1000000',
      },
      logFile: join(runDir, 'api.log'),
    });
    const base = `http://127.0.0.1:${port}`;
    await waitFor('the API', () => httpOk(`${base}/healthz`), 60_000);
    const headers = { authorization: `Bearer ${apiKey}` };
    const timed = async (path: string) => {
      const start = performance.now();
      const response = await fetch(`${base}${path}`, { headers });
      await response.text();
      if (!response.ok) throw new Error(`${path} answered ${response.status}`);
      return performance.now() - start;
    };
    const series = async (name: string, pathOf: (i: number) => string) => {
      for (let i = 0; i < 3; i++) await timed(pathOf(i));
      const ms: number[] = [];
      for (let i = 0; i < requests; i++) ms.push(await timed(pathOf(i)));
      const figures = percentiles(ms);
      log(`${name}: p50 ${figures.p50} ms, p95 ${figures.p95} ms (${figures.n} requests)`);
      return figures;
    };
    const customerOf = (i: number) => 1 + ((i * 37) % customers);
    // The first summary after a sync computes it from every row; the ones after it come from its cache.
    const summaryAllFirstMs = Math.round(await timed(`/v1/lifecycle/summary?integrationId=${integrationId}`));
    log(`summary, all customers, first after the data changed: ${summaryAllFirstMs} ms`);
    const summaryAll = await series(
      'summary, all customers',
      () => `/v1/lifecycle/summary?integrationId=${integrationId}`,
    );
    const summaryOne = await series(
      'summary, one customer',
      (i) => `/v1/lifecycle/summary?integrationId=${integrationId}&customerId=${customerOf(i)}`,
    );
    const listExpiring = await series(
      'list, warranty=expiring, one customer',
      (i) =>
        `/v1/assets?integrationId=${integrationId}&customerId=${customerOf(i)}&warranty=expiring&limit=50`,
    );

    // The export: every live hardware row, inactive ones too, through the API; RSS sampled throughout.
    log('CSV export of every hardware row through the API…');
    const rssBefore = rssOf(api.pid) ?? 0;
    resetPeakRss(api.pid);
    let sampledPeak = rssBefore;
    const sampler = setInterval(() => {
      sampledPeak = Math.max(sampledPeak, rssOf(api.pid) ?? 0);
    }, 50);
    const exportStart = performance.now();
    const response = await fetch(`${base}/v1/assets?integrationId=${integrationId}&format=csv`, { headers });
    if (!response.ok || !response.body) throw new Error(`the export answered ${response.status}`);
    const exported = await countLines(response.body);
    const exportMs = performance.now() - exportStart;
    clearInterval(sampler);
    const peak = Math.max(sampledPeak, peakRssOf(api.pid) ?? 0);
    const apiExport = {
      rows: exported.lines - 1,
      bytes: exported.bytes,
      seconds: Math.round(exportMs / 100) / 10,
      rowsPerSecond: Math.round((exported.lines - 1) / (exportMs / 1000)),
      rssBeforeMb: mb(rssBefore),
      rssPeakMb: mb(peak),
      rssGrowthMb: mb(peak - rssBefore),
    };
    log(`API export: ${JSON.stringify(apiExport)}`);

    log('the same COPY … TO STDOUT straight from PostgreSQL, without the API…');
    const copyText = exportCopySql(
      'hardware',
      { integrationId, includeInactive: true, accountId },
      { policy: defaultPolicy(), clock },
    );
    const copyStart = performance.now();
    const copy = await database.sql.unsafe(copyText).readable();
    const copied = await countLines(copy);
    const copyMs = performance.now() - copyStart;
    const rawCopy = {
      rows: copied.lines - 1,
      bytes: copied.bytes,
      seconds: Math.round(copyMs / 100) / 10,
      rowsPerSecond: Math.round((copied.lines - 1) / (copyMs / 1000)),
    };
    log(`raw COPY: ${JSON.stringify(rawCopy)}`);

    const result = {
      date: new Date().toISOString(),
      sizes: { hardware: assets, software: Math.round(assets / 10), customers },
      seedSeconds: Math.round(seedMs / 100) / 10,
      summaryAllFirstMs,
      summaryAll,
      summaryOne,
      listExpiring,
      apiExport,
      rawCopy,
      exportShareOfCopy: Math.round((apiExport.rowsPerSecond / rawCopy.rowsPerSecond) * 100) / 100,
      targets: {
        'summary, all customers: p95 < 150 ms': summaryAll.p95 < 150,
        'summary, one customer: p95 < 150 ms': summaryOne.p95 < 150,
        'list, warranty=expiring, one customer: p95 < 100 ms': listExpiring.p95 < 100,
        'CSV export: API RSS growth < 50 MB': apiExport.rssGrowthMb < 50,
        'CSV export: every row': apiExport.rows === assets,
      },
    };
    writeFileSync(join(runDir, 'lifecycle.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
    console.log(`\nfigures and plans written to ${runDir}`);
    return Object.values(result.targets).every(Boolean) ? 0 : 1;
  } finally {
    await stopAllChildren();
    if (!values['keep-database']) await database?.drop();
  }
}
