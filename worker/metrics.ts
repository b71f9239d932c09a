// What one worker process knows that the database does not: its Halo traffic, its waits for the shared
// request budget, and the Node.js process itself. Sync outcomes are counted from PostgreSQL by the API
// (api/metrics.ts); Temporal's own worker metrics come from the Runtime's exporter (TEMPORAL_METRICS_PORT).
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { BudgetCounters } from '../halo/budget';

export interface HaloRequestInfo {
  method: string;
  path: string;
  /** 0 when no answer came (timeout, reset, refused). */
  status: number;
  ms: number;
}

export interface WorkerMetrics {
  registry: Registry;
  /** Pass as the Halo client's onRequest: counts every exchange by status. */
  observeHaloRequest(info: HaloRequestInfo): void;
}

/** Counters read from a live object at scrape time: set to its current value, never incremented here. */
function mirroredCounter(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

export function createWorkerMetrics(budget: { counters: BudgetCounters }): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const { counters } = budget;
  mirroredCounter(
    registry,
    'halo_requests_started_total',
    'Halo requests this worker started (each took a slot of the tenant request budget), token requests included.',
    () => counters.acquired,
  );
  mirroredCounter(
    registry,
    'halo_rate_limited_total',
    'Answers 429 (Too Many Requests) this worker received from Halo.',
    () => counters.rateLimited,
  );
  mirroredCounter(
    registry,
    'halo_budget_waits_total',
    'Halo requests of this worker that found the tenant request budget full or paused (their syncs waited on a timer).',
    () => counters.waited,
  );
  mirroredCounter(
    registry,
    'halo_budget_wait_seconds_total',
    'Waits for the tenant request budget this worker handed back to the workflows, in seconds as estimated.',
    () => counters.waitedMs / 1000,
  );

  const requests = new Counter({
    name: 'halo_requests_total',
    help: 'Halo HTTP exchanges by answer status (0: no answer).',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'halo_request_duration_seconds',
    help: 'Time from sending a Halo request to its full answer.',
    labelNames: ['status'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  return {
    registry,
    observeHaloRequest(info) {
      const status = String(info.status);
      requests.inc({ status });
      latency.observe({ status }, info.ms / 1000);
    },
  };
}
