// The body each webhook format expects. JSON receivers get the event itself; Slack and Teams get a message
// a person reads, in the shapes their incoming webhooks accept.
import type { WebhookEvent, WebhookFormat } from '../db/schema/index';
import { summaryOf } from './events';

export function bodyOf(format: WebhookFormat, event: WebhookEvent): string {
  const { title, text } = summaryOf(event);
  switch (format) {
    case 'json':
      return JSON.stringify(event);
    case 'slack':
      return JSON.stringify({ text: `*${title}*\n${text}` });
    case 'teams':
      return JSON.stringify({
        type: 'message',
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            contentUrl: null,
            content: {
              $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
              type: 'AdaptiveCard',
              version: '1.4',
              body: [
                { type: 'TextBlock', text: title, weight: 'Bolder', size: 'Medium', wrap: true },
                { type: 'TextBlock', text, wrap: true },
              ],
            },
          },
        ],
      });
  }
}
