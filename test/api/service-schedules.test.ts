import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureServiceSchedules } from '../../api/service-schedules';
import { retentionScheduleId, staleCheckScheduleId } from '../../config/temporal-identity';
import { testConfig } from '../support/system';
import { startTemporalDevServer } from '../support/temporal';

describe('the service-wide Schedules', { timeout: 120_000 }, () => {
  let temporal: TestWorkflowEnvironment;

  before(async () => {
    temporal = await startTemporalDevServer();
  });
  after(async () => {
    await temporal?.teardown();
  });

  it('are created once, and brought in line with the config in place on every start', async () => {
    const config = testConfig({ STALE_AFTER_HOURS: '26', STALE_CHECK_EVERY_MINUTES: '15' });
    await ensureServiceSchedules(temporal.client, config);
    await ensureServiceSchedules(temporal.client, config);
    const stale = await temporal.client.schedule.getHandle(staleCheckScheduleId).describe();
    assert.equal(stale.action.type === 'startWorkflow' && stale.action.workflowType, 'CheckStale');
    assert.equal(stale.spec.intervals?.[0]?.every, 15 * 60_000);
    const retention = await temporal.client.schedule.getHandle(retentionScheduleId).describe();
    assert.equal(retention.action.type === 'startWorkflow' && retention.action.workflowType, 'PruneHistory');
    assert.deepEqual(retention.action.type === 'startWorkflow' && retention.action.args, [
      { keepDays: 90, keepRuns: 50 },
    ]);

    await ensureServiceSchedules(temporal.client, {
      ...config,
      STALE_AFTER_HOURS: 12,
      RETENTION_KEEP_RUNS: 10,
    });
    const updated = await temporal.client.schedule.getHandle(staleCheckScheduleId).describe();
    assert.deepEqual(updated.action.type === 'startWorkflow' && updated.action.args, [{ defaultHours: 12 }]);
  });
});
