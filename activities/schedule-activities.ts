import { randomUUID } from 'node:crypto';
import type { Database } from '../db/client';
import { loadIntegrationWithSecret } from '../db/integrations-repository';
import {
  claimSyncRun,
  deleteSyncRun,
  lastCompletedSyncStart,
  setSyncRunWorkflowRunId,
} from '../db/sync-runs-repository';
import { syncWorkflowId } from '../config/temporal-identity';
import { withUserFailures } from './failures';
import type { PreparedScheduledSync, PrepareScheduledSyncInput } from './types';

/** What a schedule firing needs done outside the workflow: choose the kind and record the run. */
export function createScheduleActivities(deps: { db: Database }) {
  const { db } = deps;
  return withUserFailures({
    async prepareScheduledSync(input: PrepareScheduledSyncInput): Promise<PreparedScheduledSync> {
      const integration = await loadIntegrationWithSecret(db, input.integrationId);
      if (!integration) return { skipped: 'The integration no longer exists.' };
      // A full sync is the only way deletions are found, so one is due on its own, slower cadence.
      const lastFull = await lastCompletedSyncStart(db, input.integrationId, 'full');
      const fullDue = !lastFull || Date.now() - lastFull.getTime() >= input.fullEveryHours * 3_600_000;
      const kind = fullDue ? 'full' : 'incremental';
      const syncRunId = randomUUID();
      const claim = await claimSyncRun(db, {
        id: syncRunId,
        accountId: integration.accountId,
        integrationId: integration.id,
        kind,
        workflowId: syncWorkflowId(integration.id),
      });
      // A sync already running (the first full sync, a manual one) wins; the schedule skips this firing.
      if (!claim.claimed) {
        const running = claim.run;
        return {
          skipped: running
            ? `A ${running.kind} sync (${running.id}) is already running.`
            : 'Another sync started at the same moment.',
        };
      }
      return { syncRunId, kind, accountId: integration.accountId, tenant: integration.tenant };
    },

    async linkSyncRun(input: { syncRunId: string; workflowRunId: string }): Promise<void> {
      await setSyncRunWorkflowRunId(db, input.syncRunId, input.workflowRunId);
    },

    /** The sync could not start (one was already running in Temporal): forget the row recorded for it. */
    async abandonSyncRun(input: { syncRunId: string }): Promise<void> {
      await deleteSyncRun(db, input.syncRunId);
    },
  });
}
