import { boolean, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { haloRecordKey, haloRecordTracking } from './halo-record-columns';

export const customers = pgTable(
  'customers',
  {
    ...haloRecordKey(),
    name: text('name').notNull(),
    toplevelId: integer('toplevel_id'),
    toplevelName: text('toplevel_name'),
    inactive: boolean('inactive').notNull(),
    ...haloRecordTracking(),
  },
  (t) => [primaryKey({ columns: [t.integrationId, t.haloId] })],
);
