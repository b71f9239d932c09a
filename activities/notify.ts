// Turns an event into durable deliveries: rows first (so nothing is lost if Temporal is briefly away and
// the caller retries), then one delivery workflow per row, with a deterministic id so a retry starts none twice.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Database } from '../db/client';
import type { WebhookEvent } from '../db/schema/index';
import { loadIntegrationWithSecret } from '../db/integrations-repository';
import { findSyncRunById } from '../db/sync-runs-repository';
import { enqueueDeliveries } from '../db/webhooks-repository';
import { eventsOfRun } from '../webhooks/events';
import { deliveryWorkflowId } from '../config/temporal-identity';

export interface NotifyDeps {
  db: Database;
  temporal: Client;
  taskQueue: string;
}

export async function dispatchEvent(
  deps: NotifyDeps,
  event: WebhookEvent,
  opts: { webhookId?: string } = {},
): Promise<string[]> {
  const ids = await enqueueDeliveries(deps.db, event, opts);
  for (const deliveryId of ids) {
    try {
      await deps.temporal.workflow.start('DeliverWebhook', {
        taskQueue: deps.taskQueue,
        workflowId: deliveryWorkflowId(deliveryId),
        // Only the row's id: the event and the secret stay in the database.
        args: [{ deliveryId }],
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
  return ids;
}

/** After a run is recorded as finished: its events go to the account's webhooks (none for a cancel). */
export async function notifyRunFinished(deps: NotifyDeps, syncRunId: string): Promise<void> {
  const run = await findSyncRunById(deps.db, syncRunId);
  if (!run || run.status === 'running') return;
  const integration = await loadIntegrationWithSecret(deps.db, run.integrationId);
  for (const event of eventsOfRun(run, integration?.tenant ?? '')) await dispatchEvent(deps, event);
}
