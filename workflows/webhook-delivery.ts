import { proxyActivities } from '@temporalio/workflow';
import type { WebhookActivities } from '../activities/webhook-activities';

export interface DeliverWebhookInput {
  deliveryId: string;
}

// A receiver that is down for a night still gets the event: retries back off to one an hour and go on for
// a day and an hour. Each attempt is short (the POST has its own deadline), so waiting holds no worker slot.
// A receiver the URL guard refuses is not retried: the activity's failure says so itself (nonRetryable).
const { deliverWebhook } = proxyActivities<WebhookActivities>({
  startToCloseTimeout: '1 minute',
  scheduleToCloseTimeout: '25 hours',
  retry: {
    initialInterval: '10 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 hour',
  },
});
const { giveUpDelivery } = proxyActivities<WebhookActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumInterval: '1 minute' },
});

/** Sends one event to one webhook until it is accepted or a day has passed. */
export async function DeliverWebhook(input: DeliverWebhookInput): Promise<string> {
  try {
    return await deliverWebhook(input);
  } catch {
    await giveUpDelivery(input);
    return 'failed';
  }
}
