import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { lastSuccessMetric, registerLastSuccessGauge } from '../../api/metrics-last-success';
import { seedIntegration } from '../support/seed';
import { createTestDatabase, type TestDatabase } from '../support/database';

describe('the last-success gauge', () => {
  let database: TestDatabase;

  before(async () => {
    database = await createTestDatabase();
  });
  after(async () => {
    await database?.drop();
  });

  async function addRun(integrationId: string, accountId: string, status: string, finishedAt: Date) {
    await database.sql`
      insert into sync_runs (id, account_id, integration_id, kind, status, counts, workflow_id, started_at, finished_at)
      values (${randomUUID()}, ${accountId}, ${integrationId}, 'full', ${status}, '{}'::jsonb, 'w',
              ${finishedAt.toISOString()}, ${finishedAt.toISOString()})`;
  }

  it('shows when each integration last completed a sync, one series per integration', async () => {
    const a = await seedIntegration(database.db);
    const b = await seedIntegration(database.db);
    const never = await seedIntegration(database.db);
    await addRun(a.integrationId, a.accountId, 'completed', new Date('2026-11-01T10:00:00Z'));
    await addRun(a.integrationId, a.accountId, 'completed', new Date('2026-11-02T10:00:00Z'));
    await addRun(a.integrationId, a.accountId, 'failed', new Date('2026-11-03T10:00:00Z'));
    await addRun(b.integrationId, b.accountId, 'completed', new Date('2026-11-04T10:00:00Z'));
    await addRun(never.integrationId, never.accountId, 'failed', new Date('2026-11-04T10:00:00Z'));

    const registry = new Registry();
    registerLastSuccessGauge(registry, database.db);
    const values = (await registry.getSingleMetric(lastSuccessMetric)!.get()).values;
    assert.deepEqual(Object.fromEntries(values.map((v) => [v.labels['integration_id'], v.value])), {
      [a.integrationId]: Date.parse('2026-11-02T10:00:00Z') / 1000,
      [b.integrationId]: Date.parse('2026-11-04T10:00:00Z') / 1000,
    });
  });

  it('reads the run history through its index, not by scanning it', async () => {
    // On one connection: a tiny table is cheaper to scan, so the planner is told to prefer an index if any fits.
    const conn = await database.sql.reserve();
    await conn`set enable_seqscan = off`;
    const plan = await conn<{ 'QUERY PLAN': string }[]>`
      explain select finished_at from sync_runs
      where integration_id = ${randomUUID()} and status = 'completed'
      order by finished_at desc nulls last limit 1`;
    conn.release();
    assert.match(plan.map((r) => r['QUERY PLAN']).join('\n'), /sync_runs_last_success_idx/);
  });
});
