import { proxyActivities } from '@temporalio/workflow';
import type { UpkeepActivities } from '../activities/upkeep-activities';
import type { PruneResult } from '../db/retention-repository';

const { reportStaleIntegrations, pruneHistory } = proxyActivities<UpkeepActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '10 seconds', maximumInterval: '5 minutes', maximumAttempts: 5 },
});

export interface CheckStaleInput {
  /** Hours without a completed sync after which an integration without its own setting is stale. */
  defaultHours: number;
}

/** Started by the stale-check Schedule: reports integrations newly stale. */
export async function CheckStale(input: CheckStaleInput): Promise<number> {
  return reportStaleIntegrations(input);
}

export interface PruneHistoryInput {
  keepDays: number;
  keepRuns: number;
}

/** Started by the retention Schedule: removes run history past what the service promises to keep. */
export async function PruneHistory(input: PruneHistoryInput): Promise<PruneResult> {
  return pruneHistory(input);
}
