import { sql } from 'drizzle-orm';
import { bigserial, check, customType, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import type { HaloKind } from '../../halo/records';
import { createdAt } from './columns';
import { integrations } from './integrations';

export type ChangeType = 'created' | 'updated' | 'deleted';

/** A 64-bit transaction id; read as text because it outgrows a JavaScript number's exact range. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

/**
 * The change feed (GET /v1/changes): one row per record whose content changed, written in the same
 * transaction as the change itself (records-repository.ts, soft-delete-repository.ts). `xid` is the writing
 * transaction's id; readers only hand out rows below the oldest transaction still running, so a write that
 * commits late can never land behind a cursor already given out (db/changes-repository.ts).
 */
export const recordChanges = pgTable(
  'record_changes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    xid: xid8('xid')
      .notNull()
      .default(sql`pg_current_xact_id()`),
    integrationId: uuid('integration_id')
      .notNull()
      .references(() => integrations.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<HaloKind>().notNull(),
    haloId: integer('halo_id').notNull(),
    change: text('change').$type<ChangeType>().notNull(),
    changedAt: createdAt(),
  },
  (t) => [
    // Keyset reads by (xid, id) within an integration, with or without a kind: the tail costs what the head does.
    index('record_changes_feed_idx').on(t.integrationId, t.xid, t.id),
    index('record_changes_kind_feed_idx').on(t.integrationId, t.kind, t.xid, t.id),
    check('record_changes_kind_check', sql`${t.kind} in ('customers', 'hardware', 'software')`),
    check('record_changes_change_check', sql`${t.change} in ('created', 'updated', 'deleted')`),
  ],
);
