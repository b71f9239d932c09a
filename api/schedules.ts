// Each integration has one Temporal Schedule that keeps its copy fresh. The Schedule starts ScheduledSync,
// which runs an incremental sync, or a full one when the last full sync is older than fullEveryHours.
import { ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Config } from '../config/env';
import { scheduleId, syncRunLabels } from '../config/temporal-identity';
import type { ScheduledSync, ScheduledSyncInput } from '../workflows/scheduled-sync';
import { syncOptionsOf, type SyncTarget } from './sync-service';
import { withTemporalDeadline } from './unreachable';

export interface ScheduleSettings {
  incrementalEveryMinutes: number;
  fullEveryHours: number;
  paused: boolean;
}

export function defaultScheduleSettings(config: Config): ScheduleSettings {
  return {
    incrementalEveryMinutes: config.SCHEDULE_INCREMENTAL_EVERY_MINUTES,
    fullEveryHours: config.SCHEDULE_FULL_EVERY_HOURS,
    paused: false,
  };
}

/**
 * Interval schedules line up with the epoch by default, so every integration would sync on the hour, and the
 * first firing could come minutes after Save, on top of the first full sync. Offsetting by the moment the
 * schedule is set spreads tenants out and makes the first firing one whole interval later.
 */
function intervalFrom(settings: ScheduleSettings, now: number): { every: number; offset: number } {
  const every = settings.incrementalEveryMinutes * 60_000;
  return { every, offset: now % every };
}

export function createSchedules(deps: { config: Config; temporal: Client }) {
  const { config, temporal } = deps;

  const actionArgs = (target: SyncTarget, settings: ScheduleSettings): [ScheduledSyncInput] => [
    {
      integrationId: target.integrationId,
      fullEveryHours: settings.fullEveryHours,
      options: syncOptionsOf(config),
    },
  ];

  async function create(target: SyncTarget, settings: ScheduleSettings): Promise<void> {
    await withTemporalDeadline(temporal, () => createNow(target, settings));
  }

  async function createNow(target: SyncTarget, settings: ScheduleSettings): Promise<void> {
    await temporal.schedule.create({
      scheduleId: scheduleId(target.integrationId),
      spec: { intervals: [intervalFrom(settings, Date.now())] },
      action: {
        type: 'startWorkflow',
        workflowType: 'ScheduledSync',
        workflowId: `halo-sync-trigger-${target.integrationId}`,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        args: actionArgs(target, settings),
        ...syncRunLabels({ ...target, kind: 'scheduled' }),
      },
      policies: {
        // A trigger still waiting on a long sync is enough; a sync already running is skipped anyway.
        overlap: ScheduleOverlapPolicy.SKIP,
        // After an outage, run one catch-up sync at most, not one per missed interval.
        catchupWindow: '10 minutes',
        pauseOnFailure: false,
      },
      state: { paused: settings.paused },
    });
  }

  async function read(integrationId: string): Promise<ScheduleSettings | null> {
    try {
      const description = await withTemporalDeadline(temporal, () =>
        temporal.schedule.getHandle(scheduleId(integrationId)).describe(),
      );
      const every = description.spec.intervals?.[0]?.every;
      const args = description.action.type === 'startWorkflow' ? description.action.args : [];
      const input = args?.[0] as ScheduledSyncInput | undefined;
      return {
        incrementalEveryMinutes: Math.round(Number(every ?? 0) / 60_000),
        fullEveryHours: input?.fullEveryHours ?? config.SCHEDULE_FULL_EVERY_HOURS,
        paused: description.state.paused,
      };
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return null;
      throw error;
    }
  }

  /** Changes the Schedule in place (its id, history and next times stay), never by recreating it. */
  async function update(target: SyncTarget, settings: ScheduleSettings): Promise<void> {
    const handle = temporal.schedule.getHandle(scheduleId(target.integrationId));
    await withTemporalDeadline(temporal, () =>
      handle.update<typeof ScheduledSync>((previous) => ({
        ...previous,
        spec: { ...previous.spec, intervals: [intervalFrom(settings, Date.now())] },
        action: { ...previous.action, args: actionArgs(target, settings) },
        state: { ...previous.state, paused: settings.paused },
      })),
    );
  }

  async function remove(integrationId: string): Promise<void> {
    try {
      await withTemporalDeadline(temporal, () =>
        temporal.schedule.getHandle(scheduleId(integrationId)).delete(),
      );
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
  }

  return { create, read, update, remove };
}

export type Schedules = ReturnType<typeof createSchedules>;
