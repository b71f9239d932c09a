import { sql } from 'drizzle-orm';
import { timestamp } from 'drizzle-orm/pg-core';

// All instants are timestamptz: Halo gives UTC, and a server in another zone must not shift them.
export const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const createdAt = () => instant('created_at').notNull().defaultNow();

// $onUpdate covers Drizzle update builders; the set-based upserts in records-repository.ts set it themselves
// so that an unchanged row keeps its old value.
export const updatedAt = () =>
  instant('updated_at')
    .notNull()
    .defaultNow()
    .$onUpdate(() => sql`now()`);

/** Soft delete: a row missing from a complete full sync is kept with this set, never removed. */
export const deletedAt = () => instant('deleted_at');
