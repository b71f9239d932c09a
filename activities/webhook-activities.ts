import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../db/client';
import { decryptSecret, type KeyInput } from '../db/crypto';
import { loadDelivery, markDeliveryFailed, recordAttempt } from '../db/webhooks-repository';
import { bodyOf } from '../webhooks/formats';
import { sendWebhook } from '../webhooks/send';
import { signatureHeader, signatureOf, timestampHeader } from '../webhooks/sign';

export interface WebhookActivityDeps {
  db: Database;
  encryptionKey: KeyInput;
  allowPrivateHaloUrls: boolean;
  /** One deadline for a whole POST to a receiver; default 10 s. */
  webhookTimeoutMs?: number;
}

/** Sending one delivery, attempt by attempt; the secret is read here by id, never passed in. */
export function createWebhookActivities(deps: WebhookActivityDeps) {
  const { db } = deps;
  return {
    async deliverWebhook(input: { deliveryId: string }): Promise<'delivered' | 'gone'> {
      const row = await loadDelivery(db, input.deliveryId);
      // The webhook was deleted since: nothing to send, and nothing to retry.
      if (!row) return 'gone';
      if (row.delivery.status === 'delivered') return 'delivered';
      const body = bodyOf(row.format, row.delivery.event);
      const timestamp = Math.floor(Date.now() / 1000);
      const secret = decryptSecret(deps.encryptionKey, row.secretEnc, row.delivery.webhookId);
      const result = await sendWebhook(
        row.url,
        {
          [timestampHeader]: String(timestamp),
          [signatureHeader]: signatureOf(secret, timestamp, body),
          'x-webhook-event': row.delivery.eventType,
          'x-webhook-delivery': row.delivery.id,
        },
        body,
        { allowPrivate: deps.allowPrivateHaloUrls, timeoutMs: deps.webhookTimeoutMs ?? 10_000 },
      );
      await recordAttempt(db, row.delivery.id, { delivered: result.ok, ...result });
      if (result.ok) return 'delivered';
      const said = result.status === null ? result.answer : `HTTP ${result.status}`;
      throw ApplicationFailure.create({
        type:
          result.status === null && 'refused' in result && result.refused
            ? 'WebhookUrlRejected'
            : 'WebhookNotAccepted',
        message: `The receiver did not accept the event: ${said}`,
        nonRetryable: 'refused' in result && result.refused === true,
      });
    },

    /** Retries ran out (or the URL is refused): the log says failed. */
    async giveUpDelivery(input: { deliveryId: string }): Promise<void> {
      await markDeliveryFailed(db, input.deliveryId);
    },
  };
}

export type WebhookActivities = ReturnType<typeof createWebhookActivities>;
