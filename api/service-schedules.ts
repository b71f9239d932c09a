// The two service-wide Temporal Schedules: the stale check and the history pruning. Created at API start,
// idempotently: an existing Schedule is brought in line with the config in place (its history stays).
import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptions,
} from '@temporalio/client';
import type { Config } from '../config/env';
import { retentionScheduleId, staleCheckScheduleId } from '../config/temporal-identity';
import type { CheckStaleInput, PruneHistoryInput } from '../workflows/upkeep';

function schedulesOf(config: Config): ScheduleOptions[] {
  const common = {
    // One check at a time; after an outage one catch-up run is enough.
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes', pauseOnFailure: false },
  };
  const stale: [CheckStaleInput] = [{ defaultHours: config.STALE_AFTER_HOURS }];
  const retention: [PruneHistoryInput] = [
    { keepDays: config.RETENTION_KEEP_DAYS, keepRuns: config.RETENTION_KEEP_RUNS },
  ];
  return [
    {
      scheduleId: staleCheckScheduleId,
      spec: { intervals: [{ every: `${config.STALE_CHECK_EVERY_MINUTES} minutes` }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'CheckStale',
        workflowId: 'halo-stale-check',
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        args: stale,
      },
      ...common,
    },
    {
      scheduleId: retentionScheduleId,
      spec: { intervals: [{ every: '1 hour' }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'PruneHistory',
        workflowId: 'halo-history-retention',
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        args: retention,
      },
      ...common,
    },
  ];
}

export async function ensureServiceSchedules(temporal: Client, config: Config): Promise<void> {
  for (const options of schedulesOf(config)) {
    try {
      await temporal.schedule.create(options);
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      await temporal.schedule.getHandle(options.scheduleId).update((previous) => ({
        ...previous,
        spec: options.spec,
        action: { ...previous.action, ...options.action },
      }));
    }
  }
}

/** At API start Temporal may still be coming up: keep trying in the background until the Schedules exist. */
export function keepEnsuringServiceSchedules(
  temporal: Client,
  config: Config,
  log: (error: unknown) => void,
): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const attempt = () => {
    ensureServiceSchedules(temporal, config).catch((error: unknown) => {
      log(error);
      if (!stopped) timer = setTimeout(attempt, 30_000).unref();
    });
  };
  attempt();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
