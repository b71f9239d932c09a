// Phase 4: a full sync of a tenant of its own behind the stand-in's simulated Halo rate limit, with the
// worker's request budget set just below it. Measured only where both pieces exist in this build.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../config/env';
import { seedIntegration } from '../test/support/seed';
import { createBenchDatabase } from './database';
import { startWorker, statusCount, type BenchContext } from './phases';
import { round } from './proc-stats';
import type { NotMeasured, RateLimitFigures } from './report';
import { startStandinProcess } from './standin';
import { measureSync, type SyncTarget } from './temporal-sync';

/**
 * Whether the worker paces its Halo requests through the request budget. The budget is being wired in
 * elsewhere, so this looks for it rather than assuming it: the module, and a worker or activity that uses it.
 */
function budgetInUse(): boolean {
  if (!existsSync(join(projectRoot, 'halo', 'budget.ts'))) return false;
  const users = ['worker/main.ts', 'worker/create-worker.ts', 'activities/sync-activities.ts'];
  return users.some((file) => /budget/i.test(readFileSync(join(projectRoot, file), 'utf8')));
}

/** The worker's budget below a simulated limit by `share`, as the variables that set it. */
export function budgetEnvBelow(limit: { requests: number; windowMs: number }, share: number) {
  return {
    HALO_BUDGET_REQUESTS: String(Math.max(1, Math.floor(limit.requests * share))),
    HALO_BUDGET_WINDOW_SECONDS: String(Math.max(1, Math.round(limit.windowMs / 1000))),
  };
}

export async function measureRateLimited(ctx: BenchContext): Promise<RateLimitFigures | NotMeasured> {
  const missing = [
    ...(budgetInUse() ? [] : ['the request budget in the worker']),
    ...(ctx.standin.rateLimitSupported ? [] : ["the stand-in's rateLimit"]),
  ];
  if (missing.length > 0) return { measured: false, reason: `not built yet: ${missing.join(', ')}` };

  const { args } = ctx;
  const limit = { requests: args.rateLimitRequests, windowMs: args.rateLimitWindowMs };
  // Below the limit by the same share as the production default (270 of Halo's 300 per 5 minutes).
  const env = budgetEnvBelow(limit, args.budgetShare);
  const standin = await startStandinProcess(
    'standin-rate-limited',
    {
      seed: args.seed + 1,
      assets: args.rateLimitAssets,
      licences: Math.round(args.rateLimitAssets / 10),
      customers: Math.min(args.customers, Math.max(1, Math.round(args.rateLimitAssets / 50))),
      honourLastUpdateFilter: args.honourLastUpdateFilter,
      pageCap: args.pageCap,
      rateLimit: limit,
    },
    ctx.runDir,
  );
  const database = await createBenchDatabase(`halo_sync_bench_${process.pid}_rate`);
  const taskQueue = `bench-rate-${randomUUID()}`;
  const worker = await startWorker(ctx, 'worker-rate-limited', database, taskQueue, env);
  try {
    const seeded = await seedIntegration(database.db, {
      settings: standin.settings,
      encryptionKey: ctx.encryptionKey,
      accountName: 'Benchmark MSP',
    });
    const config = { ...ctx.config, TEMPORAL_TASK_QUEUE: taskQueue };
    const target: SyncTarget = {
      config,
      database,
      temporal: ctx.temporal,
      tenant: standin.settings.tenant,
      ...seeded,
    };
    await standin.resetStats();
    const m = await measureSync(target, 'full');
    const stats = await standin.stats();
    const perSecond = stats.requests / (m.wallMs / 1000);
    const allowed = limit.requests / (limit.windowMs / 1000);
    const http429 = statusCount(stats, 429);
    if (m.wallMs < 3 * limit.windowMs) {
      ctx.notes.push(
        'the rate-limited sync lasted under three windows, so the first window’s burst dominates its share; ' +
          'use a larger --rate-limit-assets',
      );
    }
    return {
      measured: true,
      limit,
      budgetEnv: env,
      assets: args.rateLimitAssets,
      wallMs: m.wallMs,
      status: m.status,
      error: m.error,
      haloRequests: stats.requests,
      achievedPerSecond: round(perSecond, 2),
      shareOfLimit: round(perSecond / allowed, 3),
      http429,
      http429PerThousand: round((http429 * 1000) / Math.max(1, stats.requests), 2),
    };
  } finally {
    await worker.stop();
    await standin.child.stop();
    await database.drop();
  }
}
