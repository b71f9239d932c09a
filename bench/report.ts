// The benchmark's figures: one table on the terminal, the same as JSON under .bench/, and the targets.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { coreCount, round, type CpuFigures } from './proc-stats';
import type { ReadApiResult } from './read-api';

export type NotMeasured = { measured: false; reason: string };

export interface FullSyncFigures {
  measured: true;
  wallMs: number;
  assetsPerSecond: number;
  recordsPerSecond: number;
  status: string;
  error: string | null;
  /** The worker's RSS before the sync; its peak during the sync, and over its whole life (start-up included). */
  workerIdleRssMb: number;
  workerPeakRssMb: number;
  workerLifePeakRssMb: number;
  maxEventsPerRun: number;
  workflowRuns: number;
  haloRequests: number;
  http429: number;
  /** CPU seconds used during the sync, per process and for the whole machine. */
  cpuSeconds: CpuFigures;
}

export interface DirectFigures {
  measured: true;
  wallMs: number;
  assetsPerSecond: number;
  recordsPerSecond: number;
  haloRequests: number;
  peakRssMb: number;
  pagesPerTransaction: number;
  cpuSeconds: CpuFigures;
}

export interface IncrementalFigures {
  measured: true;
  wallMs: number;
  status: string;
  error: string | null;
  /** Record rows inserted or rewritten, counted in the database by row version; the target is 0. */
  rowsWritten: number;
  haloRequests: number;
}

export interface RateLimitFigures {
  measured: true;
  limit: { requests: number; windowMs: number };
  budgetEnv: Record<string, string>;
  assets: number;
  wallMs: number;
  status: string;
  error: string | null;
  haloRequests: number;
  achievedPerSecond: number;
  shareOfLimit: number;
  http429: number;
  http429PerThousand: number;
}

export interface FleetRound {
  workers: number;
  wallMs: number;
  /** Syncs that did not complete. */
  failed: number;
  records: number;
  haloRequests: number;
  requestsPerSecond: number;
  /** Requests per second against the sum of every tenant's limit. */
  shareOfLimits: number;
  http429: number;
  /** Per worker process. */
  workerPeakRssMb: number[];
  workerCpuSeconds: number[];
  /** CPU seconds over the round: the stand-in, Temporal, PostgreSQL's work for this round, the machine. */
  cpuSeconds: { standin: number; temporal: number; postgres: number; machine: number };
  /** History events per tenant, over every run of its chain. */
  eventsPerTenant: { mean: number; max: number };
}

/** The direct loop over the fleet's own tenants: the same records and tenants, no Temporal. */
export interface FleetDirectFigures {
  wallMs: number;
  records: number;
  /** CPU seconds of the loop, the stand-in and PostgreSQL's work for its database. */
  cpuSeconds: number;
}

export interface FleetFigures {
  measured: true;
  tenants: number;
  assetsPerTenant: number;
  limit: { requests: number; windowMs: number };
  budgetEnv: Record<string, string>;
  /** One tenant alone: what Halo's budget allows one sync. */
  aloneMs: number;
  aloneRecords: number;
  /**
   * The direct loop's records per second: phase 2's, and a second run just before the fleet. The faster
   * sets the ideal, so a slow spell of the machine during one of them cannot flatter the fleet.
   */
  directRecordsPerSecond: { phase2: number; beforeFleet: number } | null;
  /**
   * CPU seconds per 1,000 records of the direct loop's own processes (it, the stand-in, PostgreSQL), in the
   * run that set the ideal: less disturbed by other load than wall time, so each round is also set against it.
   */
  directCpuPer1000Records: number | null;
  /** The same tenants through the direct loop; null when the direct phase was skipped. */
  fleetDirect: FleetDirectFigures | null;
  /** The fleet's records at the faster direct loop's records per second: what this machine allows. */
  machineMs: number | null;
  idealMs: number;
  limitedBy: string;
  limitPerSecond: number;
  rounds: FleetRound[];
}

export interface BenchResult {
  date: string;
  label: string;
  machine: { cores: number; memoryGiB: number; cpu: string };
  sizes: { assets: number; licences: number; customers: number };
  tuning: Record<string, string>;
  full: FullSyncFigures | NotMeasured;
  direct: DirectFigures | NotMeasured;
  /** Full sync through Temporal as a share of the direct baseline, in assets per second. */
  ratio: number | null;
  incremental: IncrementalFigures | NotMeasured;
  rateLimit: RateLimitFigures | NotMeasured;
  fleet: FleetFigures | NotMeasured;
  targets: Target[];
  notes: string[];
  readApi?: ReadApiResult;
}

export interface Target {
  name: string;
  target: string;
  value: string;
  met: boolean | null;
}

export function machine(): BenchResult['machine'] {
  return {
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
  };
}

/** 20 s for 100,000 assets, 240 s for 1,000,000, straight in between (and 20 s below). */
function wallTargetMs(assets: number): number {
  if (assets <= 100_000) return 20_000;
  return 20_000 + ((Math.min(assets, 1_000_000) - 100_000) / 900_000) * 220_000;
}

export function targetsOf(r: Omit<BenchResult, 'targets'>): Target[] {
  const t: Target[] = [];
  const full = r.full.measured ? r.full : null;
  t.push({
    name: 'through Temporal vs direct (assets/s)',
    target: '>= 60%',
    value: r.ratio === null ? 'n/a' : `${Math.round(r.ratio * 100)}%`,
    met: r.ratio === null ? null : r.ratio >= 0.6,
  });
  const wallTarget = wallTargetMs(r.sizes.assets);
  t.push({
    name: `full sync wall time (${r.sizes.assets.toLocaleString('en')} assets)`,
    target: `< ${Math.round(wallTarget / 1000)} s`,
    value: full ? `${(full.wallMs / 1000).toFixed(1)} s` : 'n/a',
    met: full ? full.status === 'completed' && full.wallMs < wallTarget : null,
  });
  t.push({
    name: 'worker peak RSS during the sync',
    target: '< 400 MB',
    value: full ? `${full.workerPeakRssMb} MB` : 'n/a',
    met: full ? full.workerPeakRssMb < 400 : null,
  });
  t.push({
    name: 'largest workflow run (history events)',
    target: '<= 10,000',
    value: full ? String(full.maxEventsPerRun) : 'n/a',
    met: full ? full.maxEventsPerRun <= 10_000 : null,
  });
  const inc = r.incremental.measured ? r.incremental : null;
  t.push({
    name: 'incremental sync rows written',
    target: '0',
    value: inc ? String(inc.rowsWritten) : 'n/a',
    met: inc ? inc.status === 'completed' && inc.rowsWritten === 0 : null,
  });
  const rl = r.rateLimit.measured ? r.rateLimit : null;
  t.push({
    name: 'rate-limited: share of allowed rate',
    target: '>= 90%',
    value: rl ? `${Math.round(rl.shareOfLimit * 100)}%` : 'n/a',
    met: rl ? rl.shareOfLimit >= 0.9 : null,
  });
  t.push({
    name: 'rate-limited: 429s per 1,000 requests',
    target: '<= 1',
    value: rl ? rl.http429PerThousand.toFixed(1) : 'n/a',
    met: rl ? rl.http429PerThousand <= 1 : null,
  });
  const fleet = r.fleet.measured ? r.fleet : null;
  const oneWorker = fleet?.rounds[0];
  t.push({
    name: `fleet of ${fleet?.tenants ?? 'n/a'} on one worker: actual / ideal`,
    target: '<= 1.25',
    value: fleet && oneWorker ? (oneWorker.wallMs / fleet.idealMs).toFixed(2) : 'n/a',
    met: fleet && oneWorker ? oneWorker.failed === 0 && oneWorker.wallMs <= 1.25 * fleet.idealMs : null,
  });
  t.push({
    name: 'fleet: 429s',
    target: '0',
    value: fleet ? fleet.rounds.map((x) => x.http429).join(' / ') : 'n/a',
    met: fleet ? fleet.rounds.every((x) => x.http429 === 0) : null,
  });
  return t;
}

/** CPU the machine spent on anything but the benchmark's own processes: how noisy the measurement was. */
function otherLoad(cpu: CpuFigures, wallMs: number, cores: number): string {
  const ours = Object.values(cpu.byProcess).reduce((a, b) => a + b, 0);
  const other = Math.max(0, cpu.machine - ours);
  return `${other.toFixed(1)} CPU s (${Math.round((100 * other) / ((wallMs / 1000) * cores))}% of the machine)`;
}

const na = (x: NotMeasured) => `n/a (${x.reason})`;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const n = (v: number) => Math.round(v).toLocaleString('en');

/** Rows of (figure, value) for the terminal. */
function figureRows(r: BenchResult): [string, string][] {
  const rows: [string, string][] = [];
  const f = r.full;
  rows.push([
    '1. full sync through Temporal: wall time',
    f.measured ? `${s(f.wallMs)} (${f.status})` : na(f),
  ]);
  if (f.measured) {
    rows.push(['   assets per second', n(f.assetsPerSecond)]);
    rows.push(['   records per second (all kinds)', n(f.recordsPerSecond)]);
    rows.push([
      '   worker RSS: idle / peak in sync / peak in life',
      `${f.workerIdleRssMb} / ${f.workerPeakRssMb} / ${f.workerLifePeakRssMb} MB`,
    ]);
    rows.push(['   largest run (events) / runs', `${n(f.maxEventsPerRun)} / ${f.workflowRuns}`]);
    rows.push(['   Halo requests (429s)', `${n(f.haloRequests)} (${f.http429})`]);
    const cpu = Object.entries(f.cpuSeconds.byProcess).map(([k, v]) => `${k} ${v}`);
    rows.push(['   CPU s (machine; by process)', `${f.cpuSeconds.machine}; ${cpu.join(', ')}`]);
    rows.push(['   other load meanwhile', otherLoad(f.cpuSeconds, f.wallMs, r.machine.cores)]);
    if (f.error) rows.push(['   error', f.error]);
  }
  const d = r.direct;
  rows.push([
    `2. direct baseline (${d.measured ? d.pagesPerTransaction : '?'} page/tx): assets per second`,
    d.measured ? `${n(d.assetsPerSecond)} (${s(d.wallMs)})` : na(d),
  ]);
  if (d.measured) {
    const cpu = Object.entries(d.cpuSeconds.byProcess).map(([k, v]) => `${k} ${v}`);
    rows.push(['   CPU s (machine; by process)', `${d.cpuSeconds.machine}; ${cpu.join(', ')}`]);
    rows.push(['   other load meanwhile', otherLoad(d.cpuSeconds, d.wallMs, r.machine.cores)]);
  }
  rows.push(['   ratio 1 / 2', r.ratio === null ? 'n/a' : `${Math.round(r.ratio * 100)}%`]);
  if (f.measured && d.measured) {
    // Less sensitive to other load than wall time: what each path costs the machine in CPU.
    const ours = (cpu: CpuFigures) => Object.values(cpu.byProcess).reduce((a, b) => a + b, 0);
    const share = ours(d.cpuSeconds) / ours(f.cpuSeconds);
    rows.push(['   CPU cost ratio 2 / 1 (own processes)', `${Math.round(share * 100)}%`]);
  }
  const i = r.incremental;
  rows.push([
    '3. incremental sync: wall time, rows written',
    i.measured ? `${s(i.wallMs)} (${i.status}), ${n(i.rowsWritten)} rows, ${i.haloRequests} requests` : na(i),
  ]);
  const l = r.rateLimit;
  rows.push([
    '4. rate-limited full sync: share of limit, 429s',
    l.measured
      ? `${Math.round(l.shareOfLimit * 100)}% of ${l.limit.requests}/${l.limit.windowMs / 1000}s ` +
        `(${l.achievedPerSecond.toFixed(2)} req/s over ${s(l.wallMs)}), ${l.http429} 429s ` +
        `(${l.http429PerThousand.toFixed(1)}/1000)`
      : na(l),
  ]);
  const fl = r.fleet;
  if (!fl.measured) {
    rows.push(['5. fleet', na(fl)]);
    return rows;
  }
  rows.push([
    `5. fleet: ${fl.tenants} tenants × ${n(fl.assetsPerTenant)} assets, limit ${fl.limit.requests}/${fl.limit.windowMs / 1000}s each`,
    `budget ${fl.budgetEnv['HALO_BUDGET_REQUESTS']}/${fl.budgetEnv['HALO_BUDGET_WINDOW_SECONDS']}s`,
  ]);
  rows.push(['   one tenant alone', `${s(fl.aloneMs)} (${n(fl.aloneRecords)} records)`]);
  if (fl.directRecordsPerSecond) {
    const d = fl.directRecordsPerSecond;
    rows.push([
      '   direct loop records/s: phase 2, just before the fleet',
      `${n(d.phase2)}, ${n(d.beforeFleet)} (the faster sets the ideal)`,
    ]);
  }
  rows.push([
    '   ideal: max(alone, records ÷ direct records/s)',
    `${s(fl.idealMs)} (machine: ${fl.machineMs === null ? 'n/a' : s(fl.machineMs)}; limited by ${fl.limitedBy})`,
  ]);
  const fd = fl.fleetDirect;
  if (fd) {
    rows.push([
      '   the same tenants through the direct loop (no Temporal): wall time, CPU s',
      `${s(fd.wallMs)}, ${fd.cpuSeconds} (${n(fd.records)} records; ${(fd.wallMs / fl.idealMs).toFixed(2)}× the ideal)`,
    ]);
  }
  for (const x of fl.rounds) {
    const w = `${x.workers} worker${x.workers > 1 ? 's' : ''}`;
    // The round's CPU seconds in all, and without Temporal's server (what the direct loop also runs).
    const withoutTemporal =
      x.workerCpuSeconds.reduce((a, b) => a + b, 0) + x.cpuSeconds.standin + x.cpuSeconds.postgres;
    const total = withoutTemporal + x.cpuSeconds.temporal;
    rows.push([
      `   ${w}: wall time, actual / ideal`,
      `${s(x.wallMs)}, ${(x.wallMs / fl.idealMs).toFixed(2)}× (${x.failed} failed, ${n(x.records)} records)`,
    ]);
    if (fd) {
      rows.push([
        `   ${w}: against the same tenants through the direct loop, wall / CPU s`,
        `${(x.wallMs / fd.wallMs).toFixed(2)}× / ${(total / fd.cpuSeconds).toFixed(2)}× ` +
          `(${(withoutTemporal / fd.cpuSeconds).toFixed(2)}× leaving Temporal's server out)`,
      ]);
      // A worker that cost no more CPU than the direct loop would still carry the fleet's shape (the direct
      // loop's own ratio to the ideal) and Temporal's server on the same cores.
      const shape = fd.wallMs / fl.idealMs;
      const server = total / withoutTemporal;
      rows.push([
        `   ${w}: floor here: same tenants direct / ideal × (CPU with Temporal's server / without)`,
        `${shape.toFixed(2)} × ${server.toFixed(2)} = ${(shape * server).toFixed(2)}×`,
      ]);
    }
    rows.push([
      `   ${w}: requests/s of the limits' sum, 429s`,
      `${x.requestsPerSecond} of ${fl.limitPerSecond} (${Math.round(x.shareOfLimits * 100)}%), ${x.http429} 429s`,
    ]);
    rows.push([
      `   ${w}: peak RSS MB, CPU s (per worker)`,
      `${x.workerPeakRssMb.join(' + ')} MB, ${x.workerCpuSeconds.join(' + ')} s`,
    ]);
    if (fl.directCpuPer1000Records !== null) {
      const direct = (fl.directCpuPer1000Records * x.records) / 1000;
      rows.push([
        `   ${w}: CPU s of its processes, against the direct loop's for as many records`,
        `${round(total, 1)} against ${round(direct, 1)}, ${(total / direct).toFixed(2)}×`,
      ]);
    }
    rows.push([
      `   ${w}: CPU s of the stand-in, Temporal, PostgreSQL; machine busy`,
      `${x.cpuSeconds.standin}, ${x.cpuSeconds.temporal}, ${x.cpuSeconds.postgres}; ` +
        `${x.cpuSeconds.machine} of ${round((x.wallMs / 1000) * coreCount)}`,
    ]);
    rows.push([
      `   ${w}: Temporal events per tenant (mean / max)`,
      `${x.eventsPerTenant.mean} / ${x.eventsPerTenant.max}`,
    ]);
  }
  return rows;
}

export function printReport(r: BenchResult): void {
  const rows = figureRows(r);
  const width = Math.max(...rows.map(([k]) => k.length));
  const { assets, licences, customers } = r.sizes;
  console.log(
    `\nHalo sync benchmark, ${r.date}, ${r.machine.cores} cores / ${r.machine.memoryGiB} GiB` +
      `: ${n(assets)} assets, ${n(licences)} licences, ${n(customers)} customers`,
  );
  if (Object.keys(r.tuning).length > 0) console.log(`tuning: ${JSON.stringify(r.tuning)}`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  console.log('\ntargets:');
  const tw = Math.max(...r.targets.map((t) => t.name.length));
  for (const t of r.targets) {
    const mark = t.met === null ? 'n/a ' : t.met ? 'met ' : 'MISS';
    console.log(`  ${mark}  ${t.name.padEnd(tw)}  ${t.value.padStart(9)}  (target ${t.target})`);
  }
  for (const note of r.notes) console.log(`note: ${note}`);
}

/** Writes the figures as .bench/<date>-<assets>.json and .bench/latest.json; returns the first path. */
export function writeReport(r: BenchResult, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${r.date.replace(/[:.]/g, '-')}-${r.sizes.assets}.json`);
  const text = JSON.stringify(r, null, 2) + '\n';
  writeFileSync(file, text);
  writeFileSync(join(dir, 'latest.json'), text);
  return file;
}
