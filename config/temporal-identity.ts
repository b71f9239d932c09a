// How this service names things in Temporal (workflow and schedule ids, search attributes, labels), shared
// by the API, the activities and the scripts. Pure: safe in workflow code too.
import { defineSearchAttributeKey } from '@temporalio/common';

/** One workflow id per integration: Temporal itself refuses a second concurrent sync of it. */
export function syncWorkflowId(integrationId: string): string {
  return `halo-sync-${integrationId}`;
}

export function scheduleId(integrationId: string): string {
  return `halo-sync-schedule-${integrationId}`;
}

/** One delivery workflow per delivery row: enqueueing an event twice starts it once. */
export function deliveryWorkflowId(deliveryId: string): string {
  return `webhook-delivery-${deliveryId}`;
}

/** The service-wide Schedules: one stale check and one history pruning for every integration. */
export const staleCheckScheduleId = 'halo-stale-check';
export const retentionScheduleId = 'halo-history-retention';

/** Filters for the Temporal UI: "HaloIntegrationId = '…'" finds every run of one integration. */
export const searchAttributes = {
  integrationId: defineSearchAttributeKey('HaloIntegrationId', 'KEYWORD'),
  accountId: defineSearchAttributeKey('HaloAccountId', 'KEYWORD'),
  syncKind: defineSearchAttributeKey('HaloSyncKind', 'KEYWORD'),
} as const;

/** For registering the attributes on a server: name and the type as the CLI and operator API spell it. */
export const searchAttributeDefinitions = Object.values(searchAttributes).map((key) => ({
  name: key.name,
  type: 'Keyword' as const,
}));

export interface SyncLabels {
  integrationId: string;
  accountId: string;
  kind: 'full' | 'incremental' | 'scheduled';
  tenant: string;
}

/** Search attributes, memo and summary a person sees on a run in the Temporal UI. */
export function syncRunLabels(labels: SyncLabels) {
  const tenant = labels.tenant || 'on-premises Halo';
  return {
    typedSearchAttributes: [
      { key: searchAttributes.integrationId, value: labels.integrationId },
      { key: searchAttributes.accountId, value: labels.accountId },
      { key: searchAttributes.syncKind, value: labels.kind },
    ],
    memo: { tenant, kind: labels.kind, integrationId: labels.integrationId },
    staticSummary: `${labels.kind === 'scheduled' ? 'Scheduled sync' : labels.kind === 'full' ? 'Full sync' : 'Incremental sync'} of ${tenant}`,
  };
}

/**
 * The failure types activities report besides the Halo errors' own names (halo/errors.ts), read by the
 * workflows. Whether one is retried is said by the failure itself (nonRetryable), never by a list here.
 */
export const failureTypes = {
  /** The integration was deleted while its sync ran: never retried. */
  integrationNotFound: 'IntegrationNotFoundError',
  /** A wait for Halo's request budget, slept out by the workflow on a timer: never retried. */
  budgetWait: 'HaloBudgetWait',
  /** Sentences put in place of a database error or a bug, which may hold data (activities/failures.ts). */
  database: 'SyncDatabaseError',
  internal: 'SyncInternalError',
} as const;
