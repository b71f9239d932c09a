// The worker bundles this file: it must export every workflow and import nothing with side effects.
export { FullSync, IncrementalSync, progressQuery } from './sync';
export { ScheduledSync } from './scheduled-sync';
export { DeliverWebhook } from './webhook-delivery';
export { CheckStale, PruneHistory } from './upkeep';
