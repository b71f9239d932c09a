import { boolean, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import type { RawHaloRecord } from '../../halo/records';
import { createdAt, deletedAt, updatedAt } from './columns';
import { integrations } from './integrations';

export const customers = pgTable(
  'customers',
  {
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    haloId: integer('halo_id').notNull(),
    name: text('name').notNull(),
    toplevelId: integer('toplevel_id'),
    toplevelName: text('toplevel_name'),
    inactive: boolean('inactive').notNull(),
    raw: jsonb('raw').$type<RawHaloRecord>().notNull(),
    contentHash: text('content_hash').notNull(),
    /** The last full sync that saw this row; no FK so that run history can be pruned freely. */
    lastSeenSyncId: uuid('last_seen_sync_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    deletedAt: deletedAt(),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.haloId] })],
);
