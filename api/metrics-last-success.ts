// halo_integration_last_success_timestamp_seconds: when each integration's newest completed sync ended. One
// index probe per integration (sync_runs_last_success_idx), so a scrape costs the same however long the
// run history is. Labelled by integration id only: one series per integration, never tenant names or text.
import { Gauge, type Registry } from 'prom-client';
import type { Database } from '../db/client';
import { lastSuccessPerIntegration } from '../db/stale-repository';

export const lastSuccessMetric = 'halo_integration_last_success_timestamp_seconds';

export function registerLastSuccessGauge(registry: Registry, db: Database): void {
  new Gauge({
    name: lastSuccessMetric,
    help: 'Unix time at which the newest completed sync of each integration ended (absent until one has).',
    labelNames: ['integration_id'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      // A database outage shows in halo_metrics_database_up; the gauge is then empty rather than stale.
      const rows = await lastSuccessPerIntegration(db).catch(() => []);
      for (const row of rows) this.set({ integration_id: row.integrationId }, row.at.getTime() / 1000);
    },
  });
}
