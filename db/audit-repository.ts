import { and, desc, eq, lt } from 'drizzle-orm';
import type { Executor } from './client';
import { auditLog, type AuditEntry } from './schema/index';

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'createdAt'>;

/** Appends one entry. There is no update or delete here, and the table's trigger refuses both. */
export async function insertAuditEntry(db: Executor, entry: NewAuditEntry): Promise<void> {
  await db.insert(auditLog).values(entry);
}

/** An account's entries, newest first, before the entry `beforeId` when given; one index range scan. */
export async function listAuditEntries(
  db: Executor,
  query: { accountId: string; limit: number; beforeId?: number; integrationId?: string },
): Promise<AuditEntry[]> {
  return db
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.accountId, query.accountId),
        query.integrationId === undefined ? undefined : eq(auditLog.integrationId, query.integrationId),
        query.beforeId === undefined ? undefined : lt(auditLog.id, query.beforeId),
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(query.limit);
}
