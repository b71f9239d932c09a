import { accounts } from './accounts';
import { apiKeys } from './api-keys';
import { auditLog } from './audit-log';
import { customers } from './customers';
import { haloRequestBudgets } from './halo-request-budgets';
import { hardwareAssets } from './hardware-assets';
import { integrations } from './integrations';
import { lifecyclePolicies } from './lifecycle-policies';
import { lifecycleSummaryCache } from './lifecycle-summary-cache';
import { members } from './members';
import { recordChanges } from './record-changes';
import { softwareAssets } from './software-assets';
import { syncPages } from './sync-pages';
import { syncRunTotals } from './sync-run-totals';
import { syncRuns } from './sync-runs';
import { webhookDeliveries } from './webhook-deliveries';
import { webhooks } from './webhooks';

export {
  accounts,
  apiKeys,
  auditLog,
  customers,
  haloRequestBudgets,
  hardwareAssets,
  integrations,
  lifecyclePolicies,
  lifecycleSummaryCache,
  members,
  recordChanges,
  softwareAssets,
  syncPages,
  syncRunTotals,
  syncRuns,
  webhookDeliveries,
  webhooks,
};
export type { ChangeType } from './record-changes';
export type { DeliveryStatus, WebhookEvent } from './webhook-deliveries';
export type { SubscribableEvent, WebhookEventType, WebhookFormat } from './webhooks';
export type { KindCounts, SyncCounts, SyncRunKind, SyncRunStatus } from './sync-runs';

export type { Role } from './members';

export type Account = typeof accounts.$inferSelect;
export type Member = typeof members.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;
export type NewAccount = typeof accounts.$inferInsert;
export type Integration = typeof integrations.$inferSelect;
export type NewIntegration = typeof integrations.$inferInsert;
export type Customer = typeof customers.$inferSelect;
export type HardwareAsset = typeof hardwareAssets.$inferSelect;
export type SoftwareAsset = typeof softwareAssets.$inferSelect;
export type SyncRun = typeof syncRuns.$inferSelect;
export type NewSyncRun = typeof syncRuns.$inferInsert;
export type SyncPage = typeof syncPages.$inferSelect;
export type LifecyclePolicy = typeof lifecyclePolicies.$inferSelect;
export type HaloRequestBudget = typeof haloRequestBudgets.$inferSelect;
export type RecordChange = typeof recordChanges.$inferSelect;
export type Webhook = typeof webhooks.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
