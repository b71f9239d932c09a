// `npm run bench`: starts a Temporal dev server, the Halo stand-in with a generated tenant, databases of its
// own and the worker; measures a full sync through Temporal, a direct baseline without it, an incremental
// sync and a rate-limited sync; prints one table and writes the figures under .bench/. Everything it
// started is stopped at the end, on failure, on Ctrl-C and when the time limit (--timeout-minutes) passes.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { envSchema, parseEnv, projectRoot } from '../config/env';
import { parseEncryptionKey } from '../db/crypto';
import { parseBenchArgs } from './args';
import { createBenchDatabase, dropAllBenchDatabases } from './database';
import { seedIntegration } from '../test/support/seed';
import { measureDirect, measureFull, measureIncremental, prepareWorker, startWorker } from './phases';
import type { BenchContext } from './phases';
import { measureFleet } from './fleet';
import { measureRateLimited } from './rate-limited';
import { printReadReport, readApiPhase, writeReadReport } from './read-api';
import { startTemporal, stopAllChildren } from './processes';
import { machine, printReport, targetsOf, writeReport, type BenchResult, type NotMeasured } from './report';
import { startStandinProcess } from './standin';
import type { SyncTarget } from './temporal-sync';

// `npm run bench -- lifecycle …` measures the lifecycle reads instead (bench/lifecycle.ts), on its own.
if (process.argv[2] === 'lifecycle') {
  const { runLifecycleBench } = await import('./lifecycle');
  process.exit(await runLifecycleBench(process.argv.slice(3)));
}

const args = parseBenchArgs(process.argv.slice(2));
const date = new Date().toISOString();
const benchDir = join(projectRoot, '.bench');
const runDir = join(benchDir, 'runs', `${date.replace(/[:.]/g, '-')}-${args.assets}`);
mkdirSync(runDir, { recursive: true });

let closing: Promise<void> | undefined;
let connection: Connection | undefined;
function cleanUp(): Promise<void> {
  closing ??= (async () => {
    await stopAllChildren();
    await connection?.close().catch(() => {});
    if (!args.keepDatabases) await dropAllBenchDatabases();
  })();
  return closing;
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    console.error(`\n[bench] ${signal}: stopping everything it started…`);
    void cleanUp().finally(() => process.exit(130));
  });
}
const deadline = setTimeout(() => {
  console.error(`[bench] still running after ${args.timeoutMs / 60_000} minutes: stopping`);
  void cleanUp().finally(() => process.exit(2));
}, args.timeoutMs);

const log = (message: string) =>
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
const notMeasured = (reason: string): NotMeasured => ({ measured: false, reason });
const tuningKeys = [
  'HALO_PAGE_SIZE',
  'SYNC_PAGE_CONCURRENCY',
  'SYNC_PAGES_PER_ACTIVITY',
  'SYNC_MAX_PAGES_PER_RUN',
  'WORKER_MAX_CONCURRENT_ACTIVITIES',
  'DB_POOL_MAX',
] as const satisfies (keyof typeof envSchema.shape)[];

async function run(): Promise<BenchResult> {
  log(`logs in ${runDir}`);
  log(`starting Temporal and generating the tenant (${args.assets.toLocaleString('en')} assets)…`);
  const [temporalServer, standin] = await Promise.all([
    startTemporal(runDir),
    startStandinProcess(
      'standin',
      {
        seed: args.seed,
        assets: args.assets,
        licences: args.licences,
        customers: args.customers,
        honourLastUpdateFilter: args.honourLastUpdateFilter,
        pageCap: args.pageCap,
      },
      runDir,
    ),
  ]);
  log(`stand-in ready (generated in ${standin.generateMs} ms); Temporal at ${temporalServer.address}`);
  connection = await Connection.connect({ address: temporalServer.address });
  const temporal = new Client({ connection });
  const taskQueue = `bench-${randomUUID()}`;
  const config = {
    ...parseEnv({
      ...process.env,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused',
      TEMPORAL_ADDRESS: temporalServer.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      ALLOW_PRIVATE_HALO_URLS: 'true',
    }),
    ENCRYPTION_KEY: randomBytes(32).toString('hex'),
  };
  const ctx: BenchContext = {
    args,
    runDir,
    config,
    encryptionKey: parseEncryptionKey(config.ENCRYPTION_KEY),
    temporalAddress: temporalServer.address,
    temporalChild: temporalServer.child,
    temporal,
    standin,
    bundleEnv: {},
    notes: [],
  };

  const database = await createBenchDatabase(`halo_sync_bench_${process.pid}`);
  const seeded = await seedIntegration(database.db, {
    settings: standin.settings,
    encryptionKey: ctx.encryptionKey,
    accountName: 'Benchmark MSP',
  });
  const target: SyncTarget = {
    config: { ...config, DATABASE_URL: database.url },
    database,
    temporal,
    tenant: standin.settings.tenant,
    ...seeded,
  };
  const workerFrom = args.workerEntry;
  log(workerFrom === 'compiled' ? 'building the worker (npm run build)…' : 'preparing the worker…');
  ctx.bundleEnv = await prepareWorker(ctx);
  log(
    ctx.bundleEnv['WORKFLOW_BUNDLE_PATH']
      ? `starting the worker (${ctx.args.workerEntry}) with a prebuilt workflow bundle…`
      : 'starting the worker (it bundles the workflows first)…',
  );
  const worker = await startWorker(ctx, 'worker', database, taskQueue);

  let direct: BenchResult['direct'] = notMeasured('skipped (--no-direct)');
  if (args.direct) {
    log('2. direct baseline…');
    direct = await measureDirect(ctx);
    log(`   ${(direct.wallMs / 1000).toFixed(1)} s`);
  }
  log('1. full sync through Temporal…');
  const full = await measureFull(ctx, target, worker);
  log(`   ${(full.wallMs / 1000).toFixed(1)} s, ${full.status}`);
  let incremental: BenchResult['incremental'] = notMeasured('skipped (--no-incremental)');
  if (args.incremental && full.status === 'completed') {
    log('3. incremental sync…');
    incremental = await measureIncremental(ctx, target);
  }
  let rateLimit: BenchResult['rateLimit'] = notMeasured('skipped (--no-rate-limit)');
  if (args.rateLimit) {
    log('4. rate-limited full sync…');
    rateLimit = await measureRateLimited(ctx);
  }
  const readApi = await readApiPhase(args.readApi, log);
  let fleet: BenchResult['fleet'] = notMeasured('skipped (--fleet 0)');
  if (args.fleet > 0) {
    log(`6. fleet of ${args.fleet} tenants…`);
    await worker.stop();
    fleet = await measureFleet(ctx, direct);
  }

  const partial: Omit<BenchResult, 'targets'> = {
    date,
    label: args.label,
    machine: machine(),
    sizes: {
      assets: standin.counts.assets,
      licences: standin.counts.licences,
      customers: standin.counts.customers,
    },
    tuning: {
      ...Object.fromEntries(tuningKeys.map((k) => [k, String(config[k])])),
      ...(args.pageCap === 100 ? {} : { standinPageCap: String(args.pageCap) }),
      worker: workerFrom === 'compiled' ? 'compiled (npm run build)' : `${workerFrom} through tsx`,
      workflowBundle: ctx.bundleEnv['WORKFLOW_BUNDLE_PATH'] ? 'prebuilt' : 'bundled in the worker',
      ...Object.fromEntries(Object.entries(args.workerEnv).map(([k, v]) => [`worker ${k}`, v])),
    },
    full,
    direct,
    ratio:
      direct.measured && full.status === 'completed' ? full.assetsPerSecond / direct.assetsPerSecond : null,
    incremental,
    rateLimit,
    fleet,
    notes: ctx.notes,
    readApi,
  };
  return { ...partial, targets: targetsOf(partial) };
}

// The read phase needs none of the processes above: --read-api-only runs it alone.
if (args.readApi.only) {
  const readApi = await readApiPhase({ ...args.readApi, run: true }, log).catch((error: unknown) => {
    console.error('[bench] failed:', error);
    process.exitCode = 1;
    return null;
  });
  if (readApi) {
    printReadReport(readApi);
    console.log(`\nfigures written to ${writeReadReport(readApi, benchDir, date)}`);
  }
  clearTimeout(deadline);
  await cleanUp();
  process.exit();
}

try {
  const result = await run();
  printReport(result);
  if (result.readApi) printReadReport(result.readApi);
  console.log(`\nfigures written to ${writeReport(result, benchDir)}`);
} catch (error) {
  console.error('[bench] failed:', error);
  process.exitCode = 1;
} finally {
  clearTimeout(deadline);
  await cleanUp();
  // A phase that failed part-way can leave client calls waiting on the stopped Temporal server.
  process.exit();
}
