// The read phase: the API's reads at a million assets. A database seeded by PostgreSQL itself (read-api-seed.ts)
// is read through the real API (Fastify in this process, over HTTP on a loopback port), each call many times
// with varying values, and the latency percentiles are reported per call.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import postgres from 'postgres';
import { buildApp } from '../api/app';
import { parseEnv } from '../config/env';
import { createDatabase } from '../db/client';
import { parseEncryptionKey } from '../db/crypto';
import { migrateDatabase } from '../db/migrate';
import type { BenchArgs } from './args';
import { createBenchDatabase, type BenchDatabase } from './database';
import type { NotMeasured } from './report';
import { seedReadDatabase, type ReadSeed, type ReadSeedSizes } from './read-api-seed';

export interface ReadApiOptions {
  assets: number;
  iterations: number;
  /** A database kept between runs: seeded once when missing (or of another size), then reused. */
  databaseName: string | null;
  log: (message: string) => void;
}

export interface ReadCallFigures {
  name: string;
  example: string;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Items in the last answer, a check that the call found what it was asked for. */
  items: number;
}

export interface ReadApiFigures {
  measured: true;
  sizes: ReadSeedSizes;
  database: string;
  /** Null when an earlier run's database was reused. */
  seedMs: number | null;
  iterations: number;
  calls: ReadCallFigures[];
}

export type ReadApiResult = ReadApiFigures | NotMeasured;

const readTargetMs = 100;

interface Call {
  name: string;
  /** The path of the i-th request; values rotate so no answer is measured from one warm row. */
  path: (i: number) => string;
  auth?: string;
}

const seedTable = 'bench_read_seed';

function sizesFor(assets: number): ReadSeedSizes {
  return {
    assets,
    licences: Math.round(assets / 10),
    customers: Math.max(20, Math.min(2_000, Math.round(assets / 500))),
    otherIntegrations: 2_000,
    runs: 2_000,
  };
}

/** Seeds a database for the phase, or finds the one an earlier run seeded with the same sizes. */
async function openSeeded(
  opts: ReadApiOptions,
): Promise<{ database: BenchDatabase; seed: ReadSeed; reused: boolean }> {
  const sizes = sizesFor(opts.assets);
  const name = opts.databaseName ?? `halo_sync_bench_read_${process.pid}`;
  if (opts.databaseName) {
    const url = new URL('postgres://postgres@127.0.0.1:5432/postgres');
    url.pathname = `/${name}`;
    await migrateDatabase(url.toString());
    const handle = createDatabase(url.toString(), { max: 10 });
    const [row] = await handle.sql<{ seed: ReadSeed }[]>`
      select seed from ${handle.sql(seedTable)} where (seed -> 'sizes' ->> 'assets')::int = ${opts.assets}`.catch(
      () => [],
    );
    const database: BenchDatabase = {
      ...handle,
      name,
      url: url.toString(),
      drop: () => handle.close(),
    };
    if (row) return { database, seed: row.seed, reused: true };
    await handle.close();
  }
  const database = await createBenchDatabase(name, 10);
  opts.log(`   seeding ${opts.assets.toLocaleString('en')} assets…`);
  const seed = await seedReadDatabase(database, sizes);
  if (opts.databaseName) {
    await database.sql`create table ${database.sql(seedTable)} (seed jsonb not null)`;
    await database.sql`insert into ${database.sql(seedTable)} values (${JSON.stringify(seed)}::jsonb)`;
  }
  return { database, seed, reused: false };
}

/** Values to search for and ids to open, taken from the seeded rows. */
async function sampleValues(sql: postgres.Sql, integrationId: string) {
  const assets = await sql<
    {
      halo_id: number;
      key_field: string;
      key_field2: string;
      inventory_number: string;
      username: string;
      customer_halo_id: number;
    }[]
  >`
    select halo_id, key_field, key_field2, inventory_number, username, customer_halo_id
    from hardware_assets tablesample system (1)
    where integration_id = ${integrationId} and deleted_at is null and inventory_number <> ''
    limit 200`;
  const runs = await sql<{ id: string; started_at: string }[]>`
    select id, to_char(started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as started_at
    from sync_runs where integration_id = ${integrationId} order by started_at desc limit 2000`;
  if (assets.length === 0 || runs.length === 0) throw new Error('The read benchmark found no seeded rows');
  return { assets, runs };
}

const cursorOf = (text: string) => Buffer.from(text).toString('base64url');

async function measureReadApi(opts: ReadApiOptions): Promise<ReadApiFigures> {
  const { database, seed, reused } = await openSeeded(opts);
  opts.log(
    reused
      ? `   reusing database ${database.name}`
      : `   seeded in ${(seed.seedMs / 1000).toFixed(1)} s (database ${database.name})`,
  );
  const metricsToken = randomBytes(24).toString('hex');
  const config = {
    ...parseEnv({
      DATABASE_URL: database.url,
      API_RATE_LIMIT_PER_MINUTE: '1000000',
      METRICS_TOKEN: metricsToken,
    }),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
  };
  // No read route calls Temporal; a lazy connection is never opened.
  const connection = Connection.lazy({ address: '127.0.0.1:1' });
  const app = await buildApp({
    config,
    db: database.db,
    temporal: new Client({ connection }),
    encryptionKey: parseEncryptionKey(config.ENCRYPTION_KEY),
  });
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const { assets, runs } = await sampleValues(database.sql, seed.integrationId);
    const pick = <T>(items: readonly T[], i: number): T => items[i % items.length]!;
    const asset = (i: number) => pick(assets, i);
    const integration = seed.integrationId;
    const list = (query: string) => `/v1/assets?integrationId=${integration}&${query}`;
    const sorted = [...assets].sort((a, b) => a.halo_id - b.halo_id);
    const deep = sorted.slice(Math.floor(sorted.length / 2));
    const calls: Call[] = [
      { name: 'list, first page', path: () => list('kind=hardware&limit=50') },
      {
        name: 'list, deep cursor page',
        path: (i) => list(`kind=hardware&limit=50&cursor=${cursorOf(String(pick(deep, i).halo_id))}`),
      },
      { name: 'list, active only', path: () => list('kind=hardware&limit=50&includeInactive=false') },
      { name: 'list, with deleted', path: () => list('kind=hardware&limit=50&includeDeleted=true') },
      { name: 'search, hostname', path: (i) => list(`q=${asset(i).key_field}`) },
      { name: 'search, serial (6 characters)', path: (i) => list(`q=${asset(i).key_field2.slice(2, 8)}`) },
      { name: 'search, inventory number', path: (i) => list(`q=${asset(i).inventory_number}`) },
      { name: 'search, user', path: (i) => list(`q=${encodeURIComponent(asset(i).username)}`) },
      { name: "one customer's assets", path: (i) => list(`customerId=${asset(i).customer_halo_id}`) },
      {
        name: "one customer's assets, search",
        path: (i) => list(`customerId=${asset(i).customer_halo_id}&q=${asset(i + 1).username.slice(0, 5)}`),
      },
      { name: 'software, search', path: () => list('kind=software&q=acrobat') },
      {
        name: 'customers with counts, 50',
        path: () => `/v1/customers?integrationId=${integration}&limit=50`,
      },
      {
        name: 'customers with counts, 500',
        path: () => `/v1/customers?integrationId=${integration}&limit=500`,
      },
      {
        name: 'asset detail',
        path: (i) => `/v1/assets/hardware/${asset(i).halo_id}?integrationId=${integration}`,
      },
      { name: 'integrations', path: () => '/v1/integrations' },
      { name: 'sync history, first page', path: () => `/v1/integrations/${integration}/syncs?limit=20` },
      {
        name: 'sync history, deep page',
        path: (i) => {
          const run = pick(runs.slice(1000), i);
          return `/v1/integrations/${integration}/syncs?limit=20&cursor=${cursorOf(`${run.started_at}|${run.id}`)}`;
        },
      },
      { name: 'one sync', path: (i) => `/v1/syncs/${pick(runs, i).id}` },
      { name: 'metrics scrape', path: () => '/metrics', auth: metricsToken },
    ];
    const figures: ReadCallFigures[] = [];
    for (const call of calls) {
      figures.push(await timeCall(base, call, call.auth ?? seed.apiKey, opts.iterations));
      const last = figures.at(-1)!;
      opts.log(`   ${last.name}: p50 ${last.p50Ms} ms, p95 ${last.p95Ms} ms`);
    }
    return {
      measured: true,
      sizes: seed.sizes,
      database: database.name,
      seedMs: reused ? null : seed.seedMs,
      iterations: opts.iterations,
      calls: figures,
    };
  } finally {
    await app.close();
    await connection.close().catch(() => {});
    if (opts.databaseName) await database.close();
    else await database.drop();
  }
}

async function timeCall(base: string, call: Call, key: string, iterations: number): Promise<ReadCallFigures> {
  const times: number[] = [];
  let items = 0;
  const warmUp = Math.min(10, iterations);
  for (let i = 0; i < warmUp + iterations; i++) {
    const path = call.path(i);
    const started = performance.now();
    const response = await fetch(base + path, { headers: { authorization: `Bearer ${key}` } });
    const body = await response.text();
    const ms = performance.now() - started;
    if (!response.ok) throw new Error(`${call.name}: ${path} answered ${response.status}: ${body}`);
    if (i >= warmUp) times.push(ms);
    items = body.startsWith('{"items"') ? (JSON.parse(body) as { items: unknown[] }).items.length : 1;
  }
  times.sort((a, b) => a - b);
  const at = (share: number) =>
    Math.round(times[Math.min(times.length - 1, Math.floor(share * times.length))]! * 10) / 10;
  return { name: call.name, example: call.path(0), p50Ms: at(0.5), p95Ms: at(0.95), maxMs: at(1), items };
}

export function printReadReport(figures: ReadApiResult): void {
  if (!figures.measured) {
    console.log(`\nRead API: not measured (${figures.reason})`);
    return;
  }
  const { sizes } = figures;
  console.log(
    `\nRead API at ${sizes.assets.toLocaleString('en')} assets, ${sizes.licences.toLocaleString('en')} licences, ` +
      `${sizes.customers.toLocaleString('en')} customers, ${(sizes.otherIntegrations + 1).toLocaleString('en')} integrations ` +
      `(${figures.iterations} requests per call; target p95 < ${readTargetMs} ms):`,
  );
  const rows = figures.calls.map((c) => [
    c.name,
    `${c.p50Ms} ms`,
    `${c.p95Ms} ms`,
    `${c.maxMs} ms`,
    String(c.items),
    c.p95Ms < readTargetMs ? 'met' : 'MISSED',
  ]);
  const header = ['call', 'p50', 'p95', 'max', 'items', 'target'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join('  '));
}

/** The phase as `npm run bench` runs it: after the sync phases, or alone with --read-api-only. */
export async function readApiPhase(
  args: BenchArgs['readApi'],
  log: (message: string) => void,
): Promise<ReadApiResult> {
  if (!args.run) return { measured: false, reason: 'skipped (--no-read-api)' };
  log(`5. read API at ${args.assets.toLocaleString('en')} assets…`);
  return measureReadApi({ ...args, databaseName: args.database, log });
}

/** --read-api-only writes its figures beside the full runs', under a name of their own. */
export function writeReadReport(figures: ReadApiResult, dir: string, date: string): string {
  mkdirSync(dir, { recursive: true });
  const assets = figures.measured ? figures.sizes.assets : 0;
  const file = join(dir, `${date.replace(/[:.]/g, '-')}-read-${assets}.json`);
  const text = JSON.stringify({ date, readApi: figures }, null, 2) + '\n';
  writeFileSync(file, text);
  writeFileSync(join(dir, 'latest-read.json'), text);
  return file;
}
