import { integer, jsonb, text, uuid } from 'drizzle-orm/pg-core';
import type { RawHaloRecord } from '../../halo/records';
import { createdAt, deletedAt, updatedAt } from './columns';
import { integrations } from './integrations';

// Every synced Halo record (customer, hardware asset, licence) is keyed and tracked the same way; only the
// typed columns between these two groups differ.

/** The key: (integration, Halo id). */
export const haloRecordKey = () => ({
  integrationId: uuid('integration_id')
    .notNull()
    .references(() => integrations.id, { onDelete: 'cascade' }),
  haloId: integer('halo_id').notNull(),
});

/** The whole Halo record, its content hash, the last full sync that saw it, and the row's own times. */
export const haloRecordTracking = () => ({
  raw: jsonb('raw').$type<RawHaloRecord>().notNull(),
  contentHash: text('content_hash').notNull(),
  /** The last full sync that saw this row; no FK so that run history can be pruned freely. */
  lastSeenSyncId: uuid('last_seen_sync_id'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  deletedAt: deletedAt(),
});
