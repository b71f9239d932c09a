// Phase 5: a fleet of tenants, each behind its own compressed Halo rate limit, synced at once by one worker
// with default settings, then by two; against one tenant alone in the same run. The ideal is the larger of
// one tenant alone (the fleet limited by Halo's budgets) and the fleet's records at the direct loop's
// records per second (limited by this machine; the faster of phase 2's run and one just before the fleet);
// a fleet limited by waiting on worker slots shows as more.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createSyncService } from '../api/sync-service';
import { findSyncRunById } from '../db/sync-runs-repository';
import type { StandinStats } from '../standin/index';
import { runHistories } from '../test/support/histories';
import { checkpoint, createBenchDatabase, type BenchDatabase } from './database';
import { seedIntegration } from '../test/support/seed';
import { budgetEnvBelow } from './rate-limited';
import type { FleetStandinOptions, FleetStandinReady } from './fleet-standin-process';
import { measureDirect, runDirectLoop, startWorker, statusCount, type BenchContext } from './phases';
import { spawnTs, type BenchChild } from './processes';
import { eachAtMost } from './at-most';
import {
  cpuSecondsOf,
  peakRssOf,
  resetPeakRss,
  round,
  sampleRss,
  watchCpu,
  type CpuFigures,
} from './proc-stats';
import type { DirectFigures, FleetDirectFigures, FleetFigures, FleetRound, NotMeasured } from './report';
import type { StandinReply, StandinRequest } from './standin-process';

interface FleetStandin {
  child: BenchChild;
  settings: FleetStandinReady['settings'];
  stats(reset?: boolean): Promise<StandinStats>;
  /** Turns every tenant's rate limit off (for the direct loop, which knows no budget) or on again. */
  limits(on: boolean): Promise<StandinStats>;
}

async function startFleetStandin(options: FleetStandinOptions, logDir: string): Promise<FleetStandin> {
  const child = spawnTs(
    'standin-fleet',
    'bench/fleet-standin-process.ts',
    { env: process.env, logFile: join(logDir, 'standin-fleet.log'), ipc: true },
    ['--max-old-space-size=4096'],
    [JSON.stringify(options)],
  );
  const ready = await new Promise<FleetStandinReady>((resolve, reject) => {
    child.process.once('message', (message: FleetStandinReady) => resolve(message));
    void child.exited.then((code) => reject(new Error(`the fleet stand-in exited (${code})`)));
  });
  let nextId = 1;
  const pending = new Map<number, (stats: StandinStats) => void>();
  child.process.on('message', (message: StandinReply) => {
    pending.get(message.id)?.(message.stats);
    pending.delete(message.id);
  });
  const request = (type: StandinRequest['type']) =>
    new Promise<StandinStats>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      child.process.send({ id, type } satisfies StandinRequest);
    });
  return {
    child,
    settings: ready.settings,
    stats: (reset = false) => request(reset ? 'reset' : 'stats'),
    limits: (on) => request(on ? 'limited' : 'unlimited'),
  };
}

interface Tenant {
  accountId: string;
  integrationId: string;
  tenant: string;
}

const startsAtOnce = 8;

/** Syncs every tenant at once; wall time from the first start to the last end, and each run's events. */
async function syncAll(
  ctx: BenchContext,
  database: BenchDatabase,
  taskQueue: string,
  tenants: Tenant[],
  ended: () => void = () => {},
): Promise<{ wallMs: number; failed: number; records: number; events: number[] }> {
  const service = createSyncService({
    config: { ...ctx.config, TEMPORAL_TASK_QUEUE: taskQueue, DATABASE_URL: database.url },
    db: database.db,
    temporal: ctx.temporal,
  });
  const began = performance.now();
  // Started a few at a time, as people pressing Save would: each start has the API's deadline (3 s), which a
  // burst of hundreds of starts on a machine the first syncs already keep busy can outlast.
  const runs: Awaited<ReturnType<typeof service.startSync>>['run'][] = [];
  await eachAtMost(tenants, startsAtOnce, async (tenant, i) => {
    runs[i] = (await service.startSync(tenant, 'full')).run;
  });
  await Promise.all(
    runs.map((run) =>
      ctx.temporal.workflow
        .getHandle(run.workflowId)
        .result()
        .catch(() => undefined),
    ),
  );
  const wallMs = Math.round(performance.now() - began);
  ended();
  let failed = 0;
  let records = 0;
  const events: number[] = [];
  for (const run of runs) {
    const row = await findSyncRunById(database.db, run.id);
    if (row?.status !== 'completed') failed++;
    const c = row?.counts;
    records += (c?.assets.seen ?? 0) + (c?.software.seen ?? 0) + (c?.customers.seen ?? 0);
    const histories = await runHistories(ctx.temporal, run.workflowId, run.workflowRunId!);
    events.push(histories.reduce((n, h) => n + (h.events?.length ?? 0), 0));
  }
  return { wallMs, failed, records, events };
}

async function seedTenants(database: BenchDatabase, ctx: BenchContext, settings: FleetStandin['settings']) {
  const tenants: Tenant[] = [];
  for (const s of settings) {
    tenants.push({
      ...(await seedIntegration(database.db, {
        settings: s,
        encryptionKey: ctx.encryptionKey,
        accountName: 'Benchmark MSP',
      })),
      tenant: s.tenant,
    });
  }
  return tenants;
}

async function fleetRound(
  ctx: BenchContext,
  standin: FleetStandin,
  workerCount: number,
  fleetSettings: FleetStandin['settings'],
  budgetEnv: Record<string, string>,
  limitPerSecond: number,
): Promise<FleetRound> {
  const database = await createBenchDatabase(`halo_sync_bench_${process.pid}_fleet${workerCount}`);
  const taskQueue = `bench-fleet-${randomUUID()}`;
  const workers: BenchChild[] = [];
  try {
    for (let i = 0; i < workerCount; i++) {
      workers.push(
        await startWorker(ctx, `worker-fleet${workerCount}-${i + 1}`, database, taskQueue, budgetEnv),
      );
    }
    const tenants = await seedTenants(database, ctx, fleetSettings);
    // Every tenant's window starts empty: nothing left over from the round before.
    await new Promise((r) => setTimeout(r, ctx.args.fleetRateLimitWindowMs));
    await standin.stats(true);
    for (const w of workers) resetPeakRss(w.pid);
    const rss = workers.map((w) => sampleRss(w.pid));
    const cpuBefore = workers.map((w) => cpuSecondsOf(w.pid) ?? 0);
    // Everything this round runs on, to the moment the last sync ends: which of them the machine ran out for.
    const others = watchCpu({ standin: standin.child.pid, temporal: ctx.temporalChild.pid }, [database.name]);
    let othersCpu: ReturnType<typeof others.stop> | undefined;
    let cpu: number[] = [];
    const m = await syncAll(ctx, database, taskQueue, tenants, () => {
      othersCpu = others.stop();
      cpu = workers.map((w, i) => round((cpuSecondsOf(w.pid) ?? 0) - cpuBefore[i]!, 1));
    });
    const peaks = workers.map((w, i) => Math.max(rss[i]!.stop(), peakRssOf(w.pid) ?? 0));
    const stats = await standin.stats();
    const seconds = m.wallMs / 1000;
    return {
      workers: workerCount,
      wallMs: m.wallMs,
      failed: m.failed,
      records: m.records,
      haloRequests: stats.requests,
      requestsPerSecond: round(stats.requests / seconds, 1),
      shareOfLimits: round(stats.requests / seconds / limitPerSecond, 3),
      http429: statusCount(stats, 429),
      workerPeakRssMb: peaks.map((b) => Math.round(b / 2 ** 20)),
      workerCpuSeconds: cpu,
      cpuSeconds: {
        standin: othersCpu?.byProcess['standin'] ?? 0,
        temporal: othersCpu?.byProcess['temporal'] ?? 0,
        postgres: othersCpu?.byProcess['postgres'] ?? 0,
        machine: othersCpu?.machine ?? 0,
      },
      eventsPerTenant: {
        mean: Math.round(m.events.reduce((a, b) => a + b, 0) / Math.max(1, m.events.length)),
        max: Math.max(0, ...m.events),
      },
    };
  } finally {
    for (const w of workers) await w.stop();
    await database.drop();
  }
}

/**
 * The fleet's work without Temporal: bench/direct.ts over the same tenants, as many at once as the worker
 * has activity slots, one batch in flight each, with the stand-in's limits off (the loop knows no budget).
 */
async function directOverFleet(
  ctx: BenchContext,
  standin: FleetStandin,
  fleetSettings: FleetStandin['settings'],
): Promise<FleetDirectFigures> {
  const database = await createBenchDatabase(`halo_sync_bench_${process.pid}_fleet_direct`);
  try {
    const tenants = await seedTenants(database, ctx, fleetSettings);
    await checkpoint(database);
    await standin.limits(false);
    const { result, cpuSeconds } = await runDirectLoop(ctx, {
      database,
      tenants: tenants.map((t, i) => ({
        accountId: t.accountId,
        integrationId: t.integrationId,
        settings: fleetSettings[i]!,
      })),
      tenantConcurrency: ctx.config.WORKER_MAX_CONCURRENT_ACTIVITIES,
      concurrency: 1,
      standinPid: standin.child.pid,
      logName: 'direct-fleet',
    });
    return {
      wallMs: result.wallMs,
      records: result.records.customers + result.records.hardware + result.records.software,
      cpuSeconds: round(directLoopCpu(cpuSeconds), 1),
    };
  } finally {
    await standin.limits(true);
    await database.drop();
  }
}

/** CPU seconds of the direct loop's own processes: the loop, the stand-in and PostgreSQL's work for it. */
function directLoopCpu(cpu: CpuFigures): number {
  const p = cpu.byProcess;
  return (p['direct'] ?? 0) + (p['standin'] ?? 0) + (p['postgres'] ?? 0);
}

export async function measureFleet(
  ctx: BenchContext,
  direct: DirectFigures | NotMeasured,
): Promise<FleetFigures | NotMeasured> {
  const { args } = ctx;
  const limit = { requests: args.fleetRateLimitRequests, windowMs: args.fleetRateLimitWindowMs };
  // Below each tenant's limit by the same share as the production default (270 of Halo's 300).
  const budgetEnv = budgetEnvBelow(limit, args.budgetShare);
  const standin = await startFleetStandin(
    {
      tenants: args.fleet + 1,
      seed: args.seed + 100,
      customers: Math.max(1, Math.round(args.fleetAssets / 50)),
      assets: args.fleetAssets,
      licences: Math.max(1, Math.round(args.fleetAssets / 20)),
      rateLimit: limit,
    },
    ctx.runDir,
  );
  try {
    const [aloneSettings, ...fleetSettings] = standin.settings;
    // One tenant alone, on a worker of its own, in a database of its own.
    const aloneDb = await createBenchDatabase(`halo_sync_bench_${process.pid}_alone`);
    const aloneQueue = `bench-alone-${randomUUID()}`;
    const aloneWorker = await startWorker(ctx, 'worker-alone', aloneDb, aloneQueue, budgetEnv);
    let aloneMs: number;
    let aloneRecords: number;
    try {
      const tenants = await seedTenants(aloneDb, ctx, [aloneSettings!]);
      const m = await syncAll(ctx, aloneDb, aloneQueue, tenants);
      aloneMs = m.wallMs;
      aloneRecords = m.records;
    } finally {
      await aloneWorker.stop();
      await aloneDb.drop();
    }
    const limitPerSecond = (args.fleet * limit.requests) / (limit.windowMs / 1000);
    // The machine's pace again, next to the fleet in time; the faster of the two runs sets the ideal.
    const again = direct.measured ? await measureDirect(ctx) : null;
    const fleetDirect = direct.measured ? await directOverFleet(ctx, standin, fleetSettings) : null;
    const one = await fleetRound(ctx, standin, 1, fleetSettings, budgetEnv, limitPerSecond);
    const two = args.fleetTwoWorkers
      ? await fleetRound(ctx, standin, 2, fleetSettings, budgetEnv, limitPerSecond)
      : null;
    const faster =
      direct.measured && again ? (again.recordsPerSecond > direct.recordsPerSecond ? again : direct) : null;
    const machineMs = faster ? (one.records / faster.recordsPerSecond) * 1000 : null;
    const idealMs = Math.max(aloneMs, machineMs ?? 0);
    return {
      measured: true,
      tenants: args.fleet,
      assetsPerTenant: args.fleetAssets,
      limit,
      budgetEnv,
      aloneMs,
      aloneRecords,
      directRecordsPerSecond:
        direct.measured && again
          ? { phase2: direct.recordsPerSecond, beforeFleet: again.recordsPerSecond }
          : null,
      directCpuPer1000Records: faster
        ? round((directLoopCpu(faster.cpuSeconds) / (faster.recordsPerSecond * faster.wallMs)) * 1e6, 4)
        : null,
      fleetDirect,
      machineMs: machineMs === null ? null : Math.round(machineMs),
      idealMs: Math.round(idealMs),
      limitedBy: machineMs !== null && machineMs > aloneMs ? 'this machine' : "Halo's budgets",
      limitPerSecond: round(limitPerSecond, 1),
      rounds: two ? [one, two] : [one],
    };
  } finally {
    await standin.child.stop();
  }
}
