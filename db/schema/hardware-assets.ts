import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { instant } from './columns';
import { categoryOfAssetTypeSql } from './lifecycle-category';
import { haloRecordKey, haloRecordTracking } from './halo-record-columns';
import { searchTextOf } from './search-text';

/** The columns `q` searches (hostname, serial and model are Halo's key fields 1 to 3). */
export const hardwareSearchKeys = [
  'inventoryNumber',
  'keyField',
  'keyField2',
  'keyField3',
  'customerName',
  'siteName',
  'assetTypeName',
  'statusName',
  'username',
] as const;

export const hardwareAssets = pgTable(
  'hardware_assets',
  {
    ...haloRecordKey(),
    inventoryNumber: text('inventory_number'),
    keyField: text('key_field'),
    keyField2: text('key_field2'),
    keyField3: text('key_field3'),
    customerHaloId: integer('customer_halo_id'),
    customerName: text('customer_name'),
    siteId: integer('site_id'),
    siteName: text('site_name'),
    assetTypeId: integer('asset_type_id'),
    assetTypeName: text('asset_type_name'),
    statusId: integer('status_id'),
    statusName: text('status_name'),
    inactive: boolean('inactive').notNull(),
    username: text('username'),
    warrantyStart: instant('warranty_start'),
    warrantyEnd: instant('warranty_end'),
    purchaseDate: instant('purchase_date'),
    /** The parent asset's Halo id for a child asset (a component or attached device); null at the top. */
    parentId: integer('parent_id'),
    /**
     * The replacement-policy category of the asset type name (db/lifecycle-policy.ts), stored so that
     * summaries over a million rows compare a short word instead of running patterns per row.
     */
    lifecycleCategory: text('lifecycle_category').notNull().generatedAlwaysAs(categoryOfAssetTypeSql),
    ...haloRecordTracking(),
  },
  (t) => [
    primaryKey({ columns: [t.integrationId, t.haloId] }),
    index('hardware_assets_customer_idx').on(t.integrationId, t.customerHaloId, t.haloId),
    // Children under a parent, for the asset detail; most assets have none, so only children are indexed.
    index('hardware_assets_parent_idx')
      .on(t.integrationId, t.parentId, t.haloId)
      .where(sql`${t.parentId} is not null`),
    // Read performance (README): per-customer counts read this index alone; `q` is a trigram search.
    index('hardware_assets_live_customer_idx')
      .on(t.integrationId, t.customerHaloId)
      .where(sql`deleted_at is null`),
    index('hardware_assets_search_idx').using(
      'gin',
      sql`${searchTextOf(hardwareSearchKeys.map((k) => t[k]))} gin_trgm_ops`,
    ),
    // Lifecycle filters and summaries (db/lifecycle-repository.ts): one customer's warranty range is a
    // range scan, and a summary reads only this index (an index-only scan once vacuumed) instead of the
    // wide rows with their raw JSON.
    index('hardware_assets_lifecycle_idx')
      .on(
        t.integrationId,
        t.customerHaloId,
        t.warrantyEnd,
        t.purchaseDate,
        t.warrantyStart,
        t.lifecycleCategory,
        t.assetTypeName,
        t.inactive,
      )
      .where(sql`${t.deletedAt} is null`),
  ],
);
