// Phases 1 to 3 (phase 4 is in rate-limited.ts). Each phase starts from a known state (stand-in counters
// reset, dirty pages flushed, the worker's peak RSS reset) and returns figures, or says why it could not.
import { workerNodeFlags } from '../scripts/children';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Config } from '../config/env';
import type { StandinStats } from '../standin/index';
import type { BenchArgs } from './args';
import { seedIntegration } from '../test/support/seed';
import { checkpoint, createBenchDatabase, rowsWrittenSince, writeMark } from './database';
import type { BenchDatabase } from './database';
import type { DirectInput, DirectResult, DirectTenant } from './direct';
import { spawnTs, startTsUntil, type BenchChild } from './processes';
import { peakRssOf, resetPeakRss, rssOf, round, sampleRss, watchCpu } from './proc-stats';
import type { CpuFigures, CpuWatch } from './proc-stats';
import type { DirectFigures, FullSyncFigures, IncrementalFigures, NotMeasured } from './report';
import type { StandinHandle } from './standin';
import { measureSync, type SyncTarget } from './temporal-sync';

export interface BenchContext {
  args: BenchArgs;
  runDir: string;
  config: Config;
  encryptionKey: Buffer;
  temporalAddress: string;
  temporalChild: BenchChild;
  temporal: Client;
  standin: StandinHandle;
  /** WORKFLOW_BUNDLE_PATH of a bundle built before the worker starts, when this build supports one. */
  bundleEnv: Record<string, string>;
  notes: string[];
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
export const statusCount = (stats: StandinStats, status: number) => stats.byStatus[String(status)] ?? 0;

/**
 * Outside the rate-limited phase the stand-in has no limit, so the request budget (if this build has one)
 * must not be what is measured: 100,000 requests a second, unless the environment says otherwise.
 */
const unlimitedBudget = {
  HALO_BUDGET_REQUESTS: process.env['HALO_BUDGET_REQUESTS'] ?? '100000',
  HALO_BUDGET_WINDOW_SECONDS: process.env['HALO_BUDGET_WINDOW_SECONDS'] ?? '1',
};

/**
 * The image runs the compiled worker (`npm run build`: dist/worker.js with dist/workflow-bundle.js), so webpack
 * and tsx never run inside it. The benchmark builds the same into its run folder and starts that, so the
 * worker's memory and CPU are measured as deployed; `--worker-entry FILE` runs a TypeScript entry through tsx
 * instead (with a prebuilt bundle unless --bundle-in-worker).
 */
export async function prepareWorker(ctx: BenchContext): Promise<Record<string, string>> {
  if (process.env['WORKFLOW_BUNDLE_PATH']) return {};
  const compiled = ctx.args.workerEntry === 'compiled';
  if (!compiled && !ctx.args.prebuiltBundle) return {};
  const outdir = join(ctx.runDir, 'dist');
  const [script, args] = compiled
    ? ['scripts/build.ts', [outdir]]
    : ['scripts/bundle-workflows.ts', [join(outdir, 'workflow-bundle.js')]];
  const child = spawnTs(
    'build',
    script,
    { env: process.env, logFile: join(ctx.runDir, 'build.log') },
    [],
    args,
  );
  const code = await child.exited;
  if (code !== 0) throw new Error(`Building the worker failed (${code}); see ${ctx.runDir}/build.log`);
  if (compiled) ctx.args.workerEntry = join(outdir, 'worker.js');
  return { WORKFLOW_BUNDLE_PATH: join(outdir, 'workflow-bundle.js') };
}

/** With --cpu-prof, a CPU profile of the process under the run's folder (the worker's and the direct loop's). */
function cpuProfileFlags(ctx: BenchContext): string[] {
  return ctx.args.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${join(ctx.runDir, 'profiles')}`] : [];
}

/** The worker as production runs it: worker/main.ts, configured only through the environment. */
export async function startWorker(
  ctx: BenchContext,
  name: string,
  database: BenchDatabase,
  taskQueue: string,
  extraEnv: Record<string, string> = {},
): Promise<BenchChild> {
  const env = {
    ...process.env,
    ...unlimitedBudget,
    ...ctx.bundleEnv,
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: ctx.temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    ENCRYPTION_KEY: ctx.config.ENCRYPTION_KEY,
    ALLOW_PRIVATE_HALO_URLS: 'true',
    ...ctx.args.workerEnv,
    ...extraEnv,
  };
  const sourceMaps = ctx.args.workerEntry.endsWith('.js') ? ['--enable-source-maps'] : [];
  const profile = cpuProfileFlags(ctx);
  return startTsUntil(
    name,
    ctx.args.workerEntry,
    { env, logFile: join(ctx.runDir, `${name}.log`) },
    (line) => line.includes('"worker started"'),
    [...workerNodeFlags, ...sourceMaps, ...profile],
  );
}

/**
 * Runs bench/direct.ts over `tenants` in `database` and watches the machine meanwhile: what the loop
 * reports, and the CPU seconds of it, the stand-in and the database's PostgreSQL work.
 */
export async function runDirectLoop(
  ctx: BenchContext,
  opts: {
    database: BenchDatabase;
    tenants: DirectTenant[];
    tenantConcurrency: number;
    concurrency: number;
    standinPid: number;
    logName: string;
  },
): Promise<{ result: DirectResult; cpuSeconds: CpuFigures; pagesPerTransaction: number }> {
  const input: DirectInput = {
    databaseUrl: opts.database.url,
    tenants: opts.tenants,
    tenantConcurrency: opts.tenantConcurrency,
    pageSize: ctx.config.HALO_PAGE_SIZE,
    concurrency: opts.concurrency,
    pagesPerTransaction:
      ctx.args.directPagesPerTransaction === 'activity'
        ? ctx.config.SYNC_PAGES_PER_ACTIVITY
        : ctx.args.directPagesPerTransaction,
    poolMax: ctx.config.DB_POOL_MAX,
  };
  const inputFile = join(ctx.runDir, `${opts.logName}-input.json`);
  writeFileSync(inputFile, JSON.stringify(input));
  let result: DirectResult | undefined;
  let cpu: CpuWatch | undefined;
  let cpuSeconds: CpuFigures | undefined;
  const child = spawnTs(
    opts.logName,
    'bench/direct.ts',
    {
      env: process.env,
      logFile: join(ctx.runDir, `${opts.logName}.log`),
      onLine: (line) => {
        if (line.startsWith('{"type":"direct-start"')) {
          cpu = watchCpu({ standin: opts.standinPid, temporal: ctx.temporalChild.pid }, [opts.database.name]);
        } else if (line.startsWith('{"type":"direct-result"')) {
          cpuSeconds = cpu?.stop();
          result = JSON.parse(line) as DirectResult;
          child.process.send('done');
        }
      },
      ipc: true,
    },
    // The worker's heap caps: their garbage-collection cost is the machine's, not Temporal's.
    [...workerNodeFlags, ...cpuProfileFlags(ctx)],
    [inputFile],
  );
  const code = await child.exited;
  if (code !== 0 || !result || !cpuSeconds) {
    throw new Error(`The direct loop failed (${code}); see ${ctx.runDir}/${opts.logName}.log`);
  }
  cpuSeconds.byProcess['direct'] = result.cpuSeconds;
  return { result, cpuSeconds, pagesPerTransaction: input.pagesPerTransaction };
}

export async function measureDirect(ctx: BenchContext): Promise<DirectFigures> {
  const database = await createBenchDatabase(`halo_sync_bench_${process.pid}_direct`);
  try {
    const { accountId, integrationId } = await seedIntegration(database.db, {
      settings: ctx.standin.settings,
      encryptionKey: ctx.encryptionKey,
      accountName: 'Benchmark MSP',
    });
    await checkpoint(database);
    await ctx.standin.resetStats();
    const { result, cpuSeconds, pagesPerTransaction } = await runDirectLoop(ctx, {
      database,
      tenants: [{ accountId, integrationId, settings: ctx.standin.settings }],
      tenantConcurrency: 1,
      concurrency: ctx.config.SYNC_PAGE_CONCURRENCY,
      standinPid: ctx.standin.child.pid,
      logName: 'direct',
    });
    const stats = await ctx.standin.stats();
    const seconds = result.wallMs / 1000;
    const records = result.records.customers + result.records.hardware + result.records.software;
    return {
      measured: true,
      wallMs: result.wallMs,
      assetsPerSecond: round(result.records.hardware / seconds),
      recordsPerSecond: round(records / seconds),
      haloRequests: stats.requests,
      peakRssMb: result.peakRssMb,
      pagesPerTransaction,
      cpuSeconds,
    };
  } finally {
    await database.drop();
  }
}

export async function measureFull(
  ctx: BenchContext,
  target: SyncTarget,
  worker: BenchChild,
): Promise<FullSyncFigures> {
  await checkpoint(target.database);
  await ctx.standin.resetStats();
  const lifePeak = peakRssOf(worker.pid) ?? 0;
  const idle = rssOf(worker.pid) ?? 0;
  const canReset = resetPeakRss(worker.pid);
  if (!canReset) ctx.notes.push('clear_refs refused: worker peak RSS is sampled every 250 ms instead');
  const rss = sampleRss(worker.pid);
  const cpu = watchCpu(
    {
      worker: worker.pid,
      standin: ctx.standin.child.pid,
      temporal: ctx.temporalChild.pid,
      bench: process.pid,
    },
    [target.database.name],
  );
  const m = await measureSync(target, 'full');
  const cpuSeconds = cpu.stop();
  const sampled = rss.stop();
  const peak = Math.max(sampled, canReset ? (peakRssOf(worker.pid) ?? 0) : 0);
  const stats = await ctx.standin.stats();
  const counts = m.counts;
  const hardware = counts?.assets.seen ?? 0;
  const records = hardware + (counts?.software.seen ?? 0) + (counts?.customers.seen ?? 0);
  const seconds = m.wallMs / 1000;
  return {
    measured: true,
    wallMs: m.wallMs,
    assetsPerSecond: round(hardware / seconds),
    recordsPerSecond: round(records / seconds),
    status: m.status,
    error: m.error,
    workerIdleRssMb: mb(idle),
    workerPeakRssMb: mb(peak),
    workerLifePeakRssMb: mb(Math.max(lifePeak, peak, peakRssOf(worker.pid) ?? 0)),
    maxEventsPerRun: m.maxEventsPerRun,
    workflowRuns: m.workflowRuns,
    haloRequests: stats.requests,
    http429: statusCount(stats, 429),
    cpuSeconds,
  };
}

export async function measureIncremental(
  ctx: BenchContext,
  target: SyncTarget,
): Promise<IncrementalFigures | NotMeasured> {
  await checkpoint(target.database);
  await ctx.standin.resetStats();
  const mark = await writeMark(target.database);
  const m = await measureSync(target, 'incremental');
  const stats = await ctx.standin.stats();
  return {
    measured: true,
    wallMs: m.wallMs,
    status: m.status,
    error: m.error,
    rowsWritten: await rowsWrittenSince(target.database, mark),
    haloRequests: stats.requests,
  };
}
