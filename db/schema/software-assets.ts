import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import type { RawHaloRecord } from '../../halo/records';
import { createdAt, deletedAt, instant, updatedAt } from './columns';
import { integrations } from './integrations';

export const softwareAssets = pgTable(
  'software_assets',
  {
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    haloId: integer('halo_id').notNull(),
    name: text('name'),
    type: text('type'),
    manufacturer: text('manufacturer'),
    vendor: text('vendor'),
    customerHaloId: integer('customer_halo_id'),
    siteId: integer('site_id'),
    licenceCount: integer('licence_count'),
    licencesInUse: integer('licences_in_use'),
    productSku: text('product_sku'),
    status: text('status'),
    inactive: boolean('inactive').notNull(),
    startDate: instant('start_date'),
    endDate: instant('end_date'),
    raw: jsonb('raw').$type<RawHaloRecord>().notNull(),
    contentHash: text('content_hash').notNull(),
    lastSeenSyncId: uuid('last_seen_sync_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.integrationId, t.haloId] }),
    index('software_assets_customer_idx').on(t.integrationId, t.customerHaloId, t.haloId),
  ],
);
