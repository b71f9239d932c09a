// The API's Prometheus metrics. Sync outcomes are written to PostgreSQL by whichever worker ran them, so
// they are read from the database at scrape time: right however many workers there are, and the same from
// every API replica (aggregate replicas with max, not sum). HTTP traffic is this process's own.
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db/client';
import { registerLastSuccessGauge } from './metrics-last-success';

export interface ApiMetrics {
  registry: Registry;
  /** Counts this app's requests; call before routes are registered. */
  instrument(app: FastifyInstance): void;
  /** Reads the database, then renders every metric in Prometheus text format. */
  render(): Promise<string>;
}

const durationBuckets = [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21_600];
const recordKinds = ['assets', 'software', 'customers'] as const;
const outcomes = ['created', 'updated', 'unchanged', 'deleted'] as const;

interface RunRow {
  kind: string;
  status: string;
  runs: number;
  seconds: number;
  [bucket: `le${number}`]: number;
}

interface Snapshot {
  runs: RunRow[];
  records: { kind: string; outcome: string; total: number }[];
  rateLimited: number;
  integrations: number;
}

// Ended runs are read from sync_run_totals, which triggers keep (its migration), so a scrape costs the same
// however long the history; running runs are few and found through the one-running-per-integration index.
async function readSnapshot(db: Database): Promise<Snapshot> {
  const total = (metric: string) => sql`coalesce(sum(value) filter (where metric = ${metric}), 0)`;
  const buckets = sql.join(
    durationBuckets.map((b, i) => sql`${total(`le:${b}`)}::int as ${sql.raw(`le${i}`)}`),
    sql`, `,
  );
  const zeros = sql.join(
    durationBuckets.map((_, i) => sql`0 as ${sql.raw(`le${i}`)}`),
    sql`, `,
  );
  const runs = await db.execute(sql`
    select kind, status, ${total('runs')}::int as runs, ${total('seconds')}::float8 as seconds, ${buckets}
    from sync_run_totals group by kind, status
    union all
    select kind, status, count(*)::int, 0::float8, ${zeros}
    from sync_runs where status = 'running' group by kind, status`);
  const records = await db.execute(sql`
    select kind, outcome, sum(total)::float8 as total from (
      select split_part(metric, '.', 1) as kind, split_part(metric, '.', 2) as outcome, value as total
      from sync_run_totals where metric like '%.%'
      union all
      select k.kind, o.outcome, coalesce((r.counts -> k.kind ->> o.outcome)::float8, 0)
      from sync_runs r
      cross join (values ('assets'), ('software'), ('customers')) as k(kind)
      cross join (values ('created'), ('updated'), ('unchanged'), ('deleted')) as o(outcome)
      where r.status = 'running'
    ) as t group by kind, outcome`);
  const [totals] = await db.execute(sql`
    select (select coalesce(sum(rate_limited_total), 0)::float8 from halo_request_budgets) as rate_limited,
      (select count(*)::int from integrations) as integrations`);
  return {
    runs: runs as unknown as RunRow[],
    records: records as unknown as Snapshot['records'],
    rateLimited: Number(totals?.['rate_limited'] ?? 0),
    integrations: Number(totals?.['integrations'] ?? 0),
  };
}

const label = (value: string | number) =>
  String(value).replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/**
 * The sync duration histogram in Prometheus text. Its buckets are counted by the database, which
 * prom-client's Histogram (observations in this process) cannot be given, so it is written out here.
 */
function durationHistogramText(rows: RunRow[]): string {
  const name = 'halo_sync_duration_seconds';
  const lines = [
    `# HELP ${name} Wall-clock time of ended syncs, from start to final status, by kind and status.`,
    `# TYPE ${name} histogram`,
  ];
  for (const row of rows) {
    if (row.status === 'running') continue;
    const labels = `kind="${label(row.kind)}",status="${label(row.status)}"`;
    durationBuckets.forEach((le, i) =>
      lines.push(`${name}_bucket{${labels},le="${le}"} ${row[`le${i}`] ?? 0}`),
    );
    lines.push(`${name}_bucket{${labels},le="+Inf"} ${row.runs}`);
    lines.push(`${name}_sum{${labels}} ${row.seconds}`);
    lines.push(`${name}_count{${labels}} ${row.runs}`);
  }
  return lines.join('\n') + '\n';
}

export function createApiMetrics(db: Database): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let snapshot: Snapshot | null = null;

  const databaseUp = new Gauge({
    name: 'halo_metrics_database_up',
    help: '1 when the last scrape could read the sync history from PostgreSQL, else 0.',
    registers: [registry],
  });
  new Counter({
    name: 'halo_syncs_started_total',
    help: 'Syncs started, by kind (full, incremental), counted from sync_runs.',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const row of snapshot?.runs ?? []) this.inc({ kind: row.kind }, row.runs);
    },
  });
  new Counter({
    name: 'halo_syncs_finished_total',
    help: 'Syncs that ended, by kind and status (completed, failed, cancelled), counted from sync_runs.',
    labelNames: ['kind', 'status'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const row of snapshot?.runs ?? []) {
        if (row.status !== 'running') this.inc({ kind: row.kind, status: row.status }, row.runs);
      }
    },
  });
  new Gauge({
    name: 'halo_syncs_running',
    help: 'Syncs running now, by kind.',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const kind of ['full', 'incremental']) this.set({ kind }, 0);
      for (const row of snapshot?.runs ?? [])
        if (row.status === 'running') this.set({ kind: row.kind }, row.runs);
    },
  });
  new Counter({
    name: 'halo_sync_records_total',
    help: 'Records synced, by record kind (assets, software, customers) and outcome (created, updated, unchanged, deleted).',
    labelNames: ['record_kind', 'outcome'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const kind of recordKinds)
        for (const outcome of outcomes) this.inc({ record_kind: kind, outcome }, 0);
      for (const row of snapshot?.records ?? [])
        this.inc({ record_kind: row.kind, outcome: row.outcome }, row.total);
    },
  });
  new Counter({
    name: 'halo_rate_limited_recorded_total',
    help: 'Answers 429 from Halo recorded in the shared request budget by every worker, all tenants together.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(snapshot?.rateLimited ?? 0);
    },
  });
  new Gauge({
    name: 'halo_integrations',
    help: 'Halo integrations saved, all accounts together.',
    registers: [registry],
    collect() {
      this.set(snapshot?.integrations ?? 0);
    },
  });
  registerLastSuccessGauge(registry, db);
  const httpRequests = new Counter({
    name: 'halo_api_requests_total',
    help: 'HTTP requests this API process answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'halo_api_request_duration_seconds',
    help: 'Time this API process took to answer, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  return {
    registry,
    instrument(app) {
      app.addHook('onResponse', async (request, reply) => {
        // The pattern, never the raw URL: ids in paths would make a series per integration.
        const route = request.routeOptions.url ?? 'unmatched';
        httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
        httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
      });
    },
    async render() {
      try {
        snapshot = await readSnapshot(db);
        databaseUp.set(1);
      } catch {
        snapshot = null;
        databaseUp.set(0);
      }
      const text = await registry.metrics();
      return text + durationHistogramText(snapshot?.runs ?? []);
    },
  };
}
