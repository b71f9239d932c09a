// `npm run bench -- [options]`. Tuning of the system under test comes from the environment, as it does in
// production (SYNC_PAGE_CONCURRENCY, HALO_PAGE_SIZE, WORKER_MAX_CONCURRENT_ACTIVITIES, DB_POOL_MAX, ...).
import { parseArgs } from 'node:util';

export interface BenchArgs {
  assets: number;
  licences: number;
  customers: number;
  seed: number;
  /** The whole run is stopped (and everything it started cleaned up) after this long. */
  timeoutMs: number;
  direct: boolean;
  incremental: boolean;
  rateLimit: boolean;
  rateLimitRequests: number;
  rateLimitWindowMs: number;
  /** The worker's budget as a share of the simulated limit. */
  budgetShare: number;
  /** The rate-limited sync gets a tenant of its own, small enough to finish in about a minute. */
  rateLimitAssets: number;
  honourLastUpdateFilter: boolean;
  /** Writes CPU profiles of the worker and of the direct loop under the run's folder. */
  cpuProfile: boolean;
  keepDatabases: boolean;
  label: string;
  /** Extra environment for the worker process only (e.g. NODE_OPTIONS), from repeated --worker-env K=V. */
  workerEnv: Record<string, string>;
  /** Pages per transaction in the direct baseline: 1, or the activity's SYNC_PAGES_PER_ACTIVITY ('activity'). */
  directPagesPerTransaction: number | 'activity';
  /** Build the workflow bundle before the worker starts, as production does (where supported). */
  prebuiltBundle: boolean;
  /** The worker's entry point; another file tries a variant of worker/main.ts in the same conditions. */
  workerEntry: string;
  /** The stand-in's page size cap (Halo's is 100); raising it is a what-if for fewer, larger activities. */
  pageCap: number;
  /** The read phase (bench/read-api.ts): assets seeded, requests per call, a database kept between runs. */
  readApi: { run: boolean; only: boolean; assets: number; iterations: number; database: string | null };
  /** Phase 5: tenants in the fleet (0 skips it), assets each, each tenant's own limit, and a second round. */
  fleet: number;
  fleetAssets: number;
  fleetRateLimitRequests: number;
  fleetRateLimitWindowMs: number;
  fleetTwoWorkers: boolean;
}

export const usage = `npm run bench -- [--assets N] [--licences N] [--customers N] [--seed N]
  [--timeout-minutes N] [--no-direct] [--no-incremental] [--no-rate-limit]
  [--rate-limit REQUESTS/SECONDS] [--rate-limit-assets N] [--budget-share 0.9] [--no-honour-last-update]
  [--cpu-prof] [--keep-databases] [--label TEXT] [--worker-env NAME=VALUE]... [--page-cap N]
  [--worker-entry FILE (default: the compiled worker)] [--bundle-in-worker] [--direct-pages-per-transaction N|activity (default)]
  [--no-read-api | --read-api-only] [--read-assets N] [--read-iterations N] [--read-database NAME]

  [--fleet N (default 200; 0 skips)] [--fleet-assets N] [--fleet-rate-limit REQUESTS/SECONDS] [--fleet-one-worker]`;

function count(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw new Error(`--${name} must be a whole number up to ${max}`);
  return n;
}

/** A database the read phase may drop and seed: only one named as the benchmark's own are. */
function benchDatabaseName(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (!/^halo_sync_bench_[a-z0-9_]+$/.test(value))
    throw new Error('--read-database must be named halo_sync_bench_<letters, digits, _>: it may be dropped');
  return value;
}

function share(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n <= 1)) throw new Error('--budget-share must be a share between 0 and 1');
  return n;
}

export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      assets: { type: 'string' },
      licences: { type: 'string' },
      customers: { type: 'string' },
      seed: { type: 'string' },
      'timeout-minutes': { type: 'string' },
      'no-direct': { type: 'boolean', default: false },
      'no-incremental': { type: 'boolean', default: false },
      'no-rate-limit': { type: 'boolean', default: false },
      'rate-limit': { type: 'string', default: '60/10' },
      'rate-limit-assets': { type: 'string' },
      'budget-share': { type: 'string', default: '0.9' },
      'no-honour-last-update': { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      'keep-databases': { type: 'boolean', default: false },
      label: { type: 'string', default: '' },
      'worker-env': { type: 'string', multiple: true, default: [] },
      'page-cap': { type: 'string' },
      'worker-entry': { type: 'string', default: 'compiled' },
      'bundle-in-worker': { type: 'boolean', default: false },
      'direct-pages-per-transaction': { type: 'string', default: 'activity' },
      'no-read-api': { type: 'boolean', default: false },
      'read-api-only': { type: 'boolean', default: false },
      'read-assets': { type: 'string' },
      'read-iterations': { type: 'string' },
      'read-database': { type: 'string' },
      fleet: { type: 'string' },
      'fleet-assets': { type: 'string' },
      'fleet-rate-limit': { type: 'string', default: '20/10' },
      'fleet-one-worker': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const assets = count('assets', values.assets, 100_000, 1_000_000);
  const limit = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(values['rate-limit']);
  if (!limit) throw new Error('--rate-limit must look like 60/10 (requests per seconds)');
  const fleetLimit = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(values['fleet-rate-limit']);
  if (!fleetLimit) throw new Error('--fleet-rate-limit must look like 20/10 (requests per seconds)');
  const fleet = count('fleet', values.fleet, 200, 5000);
  // About 25 s of fetching plus 3 s per 10,000 assets at the target speed, with a wide margin for noise.
  const defaultMinutes = Math.ceil(10 + assets / 50_000 + fleet / 20);
  return {
    assets,
    licences: count('licences', values.licences, 10_000, 1_000_000),
    customers: count('customers', values.customers, 2_000, 100_000),
    seed: count('seed', values.seed, 1, 2 ** 31),
    timeoutMs: count('timeout-minutes', values['timeout-minutes'], defaultMinutes, 600) * 60_000,
    direct: !values['no-direct'],
    incremental: !values['no-incremental'],
    rateLimit: !values['no-rate-limit'],
    rateLimitRequests: Number(limit[1]),
    rateLimitWindowMs: Math.round(Number(limit[2]) * 1000),
    budgetShare: share(values['budget-share']),
    rateLimitAssets: count('rate-limit-assets', values['rate-limit-assets'], 20_000, 1_000_000),
    honourLastUpdateFilter: !values['no-honour-last-update'],
    cpuProfile: values['cpu-prof'],
    keepDatabases: values['keep-databases'],
    label: values.label,
    workerEnv: Object.fromEntries(
      values['worker-env'].map((pair) => {
        const at = pair.indexOf('=');
        if (at < 1) throw new Error(`--worker-env must look like NAME=value, got ${pair}`);
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
    ),
    workerEntry: values['worker-entry'],
    prebuiltBundle: !values['bundle-in-worker'],
    directPagesPerTransaction:
      values['direct-pages-per-transaction'] === 'activity'
        ? 'activity'
        : Math.max(1, count('direct-pages-per-transaction', values['direct-pages-per-transaction'], 1, 50)),
    pageCap: count('page-cap', values['page-cap'], 100, 10_000),
    readApi: {
      run: !values['no-read-api'],
      only: values['read-api-only'],
      assets: count('read-assets', values['read-assets'], assets, 5_000_000),
      iterations: Math.max(1, count('read-iterations', values['read-iterations'], 200, 100_000)),
      database: benchDatabaseName(values['read-database']),
    },
    fleet,
    fleetAssets: count('fleet-assets', values['fleet-assets'], 2000, 1_000_000),
    fleetRateLimitRequests: Number(fleetLimit[1]),
    fleetRateLimitWindowMs: Math.round(Number(fleetLimit[2]) * 1000),
    fleetTwoWorkers: !values['fleet-one-worker'],
  };
}
