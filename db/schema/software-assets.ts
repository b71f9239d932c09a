import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { instant } from './columns';
import { haloRecordKey, haloRecordTracking } from './halo-record-columns';
import { searchTextOf } from './search-text';

/** The columns `q` searches. */
export const softwareSearchKeys = ['name', 'type', 'manufacturer', 'vendor', 'productSku', 'status'] as const;

export const softwareAssets = pgTable(
  'software_assets',
  {
    ...haloRecordKey(),
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
    ...haloRecordTracking(),
  },
  (t) => [
    primaryKey({ columns: [t.integrationId, t.haloId] }),
    index('software_assets_customer_idx').on(t.integrationId, t.customerHaloId, t.haloId),
    // Read performance (README): per-customer counts read this index alone; `q` is a trigram search.
    index('software_assets_live_customer_idx')
      .on(t.integrationId, t.customerHaloId)
      .where(sql`deleted_at is null`),
    index('software_assets_search_idx').using(
      'gin',
      sql`${searchTextOf(softwareSearchKeys.map((k) => t[k]))} gin_trgm_ops`,
    ),
  ],
);
