import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, proxyActivities, startChild } from '@temporalio/workflow';
import type { createScheduleActivities } from '../activities/schedule-activities';
import { syncRunLabels, syncWorkflowId } from '../config/temporal-identity';
import { FullSync, IncrementalSync, type SyncOptions } from './sync';

export interface ScheduledSyncInput {
  integrationId: string;
  fullEveryHours: number;
  options: SyncOptions;
}

export type ScheduledSyncOutcome =
  | { started: { kind: 'full' | 'incremental'; syncRunId: string; status: 'completed' | 'failed' } }
  | { skipped: string };

const { prepareScheduledSync, linkSyncRun, abandonSyncRun } = proxyActivities<
  ReturnType<typeof createScheduleActivities>
>({ startToCloseTimeout: '1 minute', retry: { maximumAttempts: 5 } });

/**
 * What the integration's Schedule starts. It runs the sync under the integration's one sync workflow id, so
 * a schedule firing while a manual or initial sync runs starts nothing: Temporal and the database both
 * refuse a second running sync of one integration.
 */
export async function ScheduledSync(input: ScheduledSyncInput): Promise<ScheduledSyncOutcome> {
  const prepared = await prepareScheduledSync({
    integrationId: input.integrationId,
    fullEveryHours: input.fullEveryHours,
  });
  if ('skipped' in prepared) return prepared;

  const { syncRunId, kind } = prepared;
  let child;
  try {
    child = await startChild(kind === 'full' ? FullSync : IncrementalSync, {
      workflowId: syncWorkflowId(input.integrationId),
      args: [{ syncRunId, integrationId: input.integrationId, options: input.options }],
      // The sync outlives this trigger if the trigger is terminated; cancelling the sync is done on it.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      ...syncRunLabels({ ...prepared, integrationId: input.integrationId, kind }),
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    await abandonSyncRun({ syncRunId });
    return { skipped: 'A sync of this integration is already running.' };
  }
  await linkSyncRun({ syncRunId, workflowRunId: child.firstExecutionRunId });
  const status = await child.result().then(
    () => 'completed' as const,
    () => 'failed' as const,
  );
  return { started: { kind, syncRunId, status } };
}
