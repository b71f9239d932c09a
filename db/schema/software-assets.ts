import { boolean, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { instant } from './columns';
import { haloRecordKey, haloRecordTracking } from './halo-record-columns';

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
  ],
);
