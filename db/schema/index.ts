import { accounts } from './accounts';
import { customers } from './customers';
import { haloRequestBudgets } from './halo-request-budgets';
import { hardwareAssets } from './hardware-assets';
import { integrations } from './integrations';
import { recordChanges } from './record-changes';
import { softwareAssets } from './software-assets';
import { syncPages } from './sync-pages';
import { syncRuns } from './sync-runs';
import { webhookDeliveries } from './webhook-deliveries';
import { webhooks } from './webhooks';

export {
  accounts,
  customers,
  haloRequestBudgets,
  hardwareAssets,
  integrations,
  recordChanges,
  softwareAssets,
  syncPages,
  syncRuns,
  webhookDeliveries,
  webhooks,
};
export type { ChangeType } from './record-changes';
export type { DeliveryStatus, WebhookEvent } from './webhook-deliveries';
export type { SubscribableEvent, WebhookEventType, WebhookFormat } from './webhooks';
export type { KindCounts, SyncCounts, SyncRunKind, SyncRunStatus } from './sync-runs';

export type Account = typeof accounts.$inferSelect;
export type NewAccount = typeof accounts.$inferInsert;
export type Integration = typeof integrations.$inferSelect;
export type NewIntegration = typeof integrations.$inferInsert;
export type Customer = typeof customers.$inferSelect;
export type HardwareAsset = typeof hardwareAssets.$inferSelect;
export type SoftwareAsset = typeof softwareAssets.$inferSelect;
export type SyncRun = typeof syncRuns.$inferSelect;
export type NewSyncRun = typeof syncRuns.$inferInsert;
export type SyncPage = typeof syncPages.$inferSelect;
export type HaloRequestBudget = typeof haloRequestBudgets.$inferSelect;
export type RecordChange = typeof recordChanges.$inferSelect;
export type Webhook = typeof webhooks.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
