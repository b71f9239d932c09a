import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

// One level up from this file, and from the compiled entry points, which scripts/build.ts writes flat into
// dist/ for that reason.
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .default('false')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = (fallback: number, max: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback);

const optionalBoolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .optional()
  .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1' || v === 'yes'));

const optionalText = z.string().trim().min(1).optional();

const optionalPort = z.coerce.number().int().min(1).max(65535).optional();

const hostPort = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, 'expected host:port, like 127.0.0.1:7233');

/** Every setting the api and worker read, in one place; both processes validate it once at boot. */
export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'expected a postgres:// URL' })
    .default('postgres://postgres@127.0.0.1:5432/halo_sync'),
  TEMPORAL_ADDRESS: hostPort.default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().trim().min(1).default('halo-sync'),
  TEMPORAL_UI_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8233'),
  ENCRYPTION_KEY: z.string().trim().optional(),
  ALLOW_PRIVATE_HALO_URLS: booleanFromEnv,
  DATA_DIR: z.string().trim().min(1).default(join(projectRoot, '.data')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HALO_TIMEOUT_MS: positiveInt(30_000, 600_000),
  HALO_PAGE_SIZE: positiveInt(100, 1000),
  /** Requests per tenant per rolling window (docs/halo-api.md §7: Halo allows about 300 per 5 minutes). */
  HALO_BUDGET_REQUESTS: positiveInt(270, 100_000),
  HALO_BUDGET_WINDOW_SECONDS: positiveInt(300, 86_400),
  /** Longest a request waits out 429s before failing; unset means one window and a fifth. */
  HALO_RATE_LIMIT_MAX_WAIT_SECONDS: z.coerce.number().int().min(1).max(86_400).optional(),
  SYNC_PAGE_CONCURRENCY: positiveInt(4, 64),
  /**
   * Pages one activity fetches and writes in one transaction. Temporal's cost is per activity: against 4, 10
   * cut a 2,000-asset tenant's history from 49 events to 38 and the worker's CPU on a fleet by a sixth (README,
   * Benchmark), with at most 1,000 records per activity in memory.
   */
  SYNC_PAGES_PER_ACTIVITY: positiveInt(10, 50),
  SYNC_MAX_PAGES_PER_RUN: positiveInt(500, 5000),
  /**
   * Activity slots per worker. A slot is held only while pages are fetched and written, never through a wait,
   * so the work in the slots is CPU work: about four per core keeps the cores busy, and more only crowds them.
   * In the benchmark's fleet on two cores, 16 slots cost every process more CPU per record than 8 did
   * (README, Benchmark). Set it to about four times the worker's cores.
   */
  WORKER_MAX_CONCURRENT_ACTIVITIES: positiveInt(8, 1000),
  /**
   * Workflows a worker keeps in memory between their tasks. A sync evicted from this cache is replayed from
   * its whole history at its next task, so it should hold every sync running at once on the worker. The
   * Temporal SDK's own default is sized from the heap limit (about 50 at 256 MB, about 500 at the worker's
   * 1024 MB), so it is set here rather than left to follow a heap flag; 200 cached syncs fitted in the
   * benchmark's fleet with no more memory than 50.
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(500),
  DB_POOL_MAX: positiveInt(10, 200),
  SYNC_MAX_DELETE_SHARE: z.coerce.number().min(0).max(1).default(0.5),
  SYNC_INCREMENTAL_OVERLAP_MINUTES: z.coerce.number().int().min(0).max(1440).default(10),
  SCHEDULE_INCREMENTAL_EVERY_MINUTES: positiveInt(60, 7 * 24 * 60),
  SCHEDULE_FULL_EVERY_HOURS: positiveInt(24, 24 * 90),
  API_RATE_LIMIT_PER_MINUTE: positiveInt(600, 1_000_000),
  /** Requests without a valid API key per client address per minute; refused before any key lookup. */
  API_UNAUTHENTICATED_PER_MINUTE: positiveInt(60, 1_000_000),
  /**
   * Behind a load balancer: Fastify's trustProxy, as a hop count or a comma-separated list of proxy
   * addresses or CIDRs, so the per-address limit sees each client rather than the balancer.
   */
  API_TRUST_PROXY: optionalText,
  SYNC_HEARTBEAT_SECONDS: positiveInt(30, 600),
  /** One deadline for a whole POST to a webhook receiver (connect, answer, the few KB of it that are read). */
  WEBHOOK_TIMEOUT_SECONDS: positiveInt(10, 60),
  /** integration.stale fires after this many hours without a completed sync, unless the integration says. */
  STALE_AFTER_HOURS: positiveInt(26, 24 * 90),
  /** How often the stale-check Schedule looks. */
  STALE_CHECK_EVERY_MINUTES: positiveInt(15, 24 * 60),
  /** Sync runs younger than this are kept; older ones are pruned beyond the newest RETENTION_KEEP_RUNS. */
  RETENTION_KEEP_DAYS: positiveInt(90, 36_500),
  /** The newest runs of each integration that are always kept, however old. */
  RETENTION_KEEP_RUNS: positiveInt(50, 100_000),

  // Any Temporal: TLS, mTLS and API keys, named as Temporal's own environment configuration names them
  // (config/temporal-connection.ts turns them into connection options). Unset TEMPORAL_TLS means "on when
  // an API key, certificate, CA or server name is given".
  TEMPORAL_TLS: optionalBoolean,
  TEMPORAL_TLS_CLIENT_CERT_PATH: optionalText,
  TEMPORAL_TLS_CLIENT_CERT_DATA: optionalText,
  TEMPORAL_TLS_CLIENT_KEY_PATH: optionalText,
  TEMPORAL_TLS_CLIENT_KEY_DATA: optionalText,
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optionalText,
  TEMPORAL_TLS_SERVER_CA_CERT_DATA: optionalText,
  TEMPORAL_TLS_SERVER_NAME: optionalText,
  TEMPORAL_API_KEY: optionalText,
  /** A workflow bundle built ahead of time (npm run build, or scripts/bundle-workflows.ts); unset bundles at start. */
  WORKFLOW_BUNDLE_PATH: optionalText,
  /** How long a stopping worker lets running pages finish before cancelling them. */
  WORKER_SHUTDOWN_GRACE_SECONDS: positiveInt(30, 3600),
  /** Check every JSON answer against its route's response schema (a mismatch answers 500); tests set it. */
  API_CHECK_RESPONSES: booleanFromEnv,
  /** How long a stopping API waits for requests in flight before it exits anyway. */
  API_SHUTDOWN_GRACE_SECONDS: positiveInt(10, 600),
  /** Where the extra listeners bind: the API's METRICS_PORT, the worker's two ports below. */
  METRICS_HOST: z.string().trim().min(1).default('127.0.0.1'),
  /** API: serve GET /metrics on this separate port, without a token. */
  METRICS_PORT: optionalPort,
  /** GET /metrics then answers only `Authorization: Bearer <token>`; the API's own port serves it only then. */
  METRICS_TOKEN: z.string().trim().min(16, 'expected at least 16 characters').optional(),
  /** Worker: a small HTTP listener with /healthz, /readyz and /metrics. */
  WORKER_HTTP_PORT: optionalPort,
  /** Worker: the Temporal SDK's own Prometheus exporter (task slots, poll and activity latencies). */
  TEMPORAL_METRICS_PORT: optionalPort,
});

export type Env = z.infer<typeof envSchema>;
export type Config = Omit<Env, 'ENCRYPTION_KEY'> & { ENCRYPTION_KEY: string };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment; the message names each bad variable and never echoes a value. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
}

/**
 * Local runs need no setup: when ENCRYPTION_KEY is unset a key is generated once and kept in the data
 * folder (git-ignored). Production sets ENCRYPTION_KEY explicitly.
 */
function resolveEncryptionKey(env: Env): string {
  if (env.ENCRYPTION_KEY) return env.ENCRYPTION_KEY;
  const file = join(env.DATA_DIR, 'encryption-key');
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, randomBytes(32).toString('hex') + '\n', { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file, 'utf8').trim();
}

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const env = parseEnv(source);
  return { ...env, ENCRYPTION_KEY: resolveEncryptionKey(env) };
}

/** The Halo request budget every integration gets unless it sets its own. */
export function budgetDefaultsOf(config: Pick<Env, 'HALO_BUDGET_REQUESTS' | 'HALO_BUDGET_WINDOW_SECONDS'>) {
  return { requests: config.HALO_BUDGET_REQUESTS, windowMs: config.HALO_BUDGET_WINDOW_SECONDS * 1000 };
}
