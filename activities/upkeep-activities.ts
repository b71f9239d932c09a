import { Context } from '@temporalio/activity';
import type { Database } from '../db/client';
import { pruneHistory } from '../db/retention-repository';
import { findNewlyStale, markStaleReported } from '../db/stale-repository';
import { staleEvent } from '../webhooks/events';
import { dispatchEvent } from './notify';

/** What the service-wide Schedules run: the stale check and the history pruning. */
export function createUpkeepActivities(deps: { db: Database }) {
  const { db } = deps;
  return {
    /**
     * Fires integration.stale once per stale period: the event's id names the last success, so a retry
     * enqueues nothing twice, and the mark keeps later checks quiet until a newer success goes stale.
     */
    async reportStaleIntegrations(input: { defaultHours: number }): Promise<number> {
      const ctx = Context.current();
      const stale = await findNewlyStale(db, input.defaultHours);
      for (const integration of stale) {
        await dispatchEvent(
          { db, temporal: ctx.client, taskQueue: ctx.info.taskQueue },
          staleEvent(integration),
        );
        await markStaleReported(db, integration.integrationId, integration.periodStart);
        ctx.heartbeat();
      }
      return stale.length;
    },

    async pruneHistory(input: { keepDays: number; keepRuns: number }) {
      return pruneHistory(db, input);
    },
  };
}

export type UpkeepActivities = ReturnType<typeof createUpkeepActivities>;
