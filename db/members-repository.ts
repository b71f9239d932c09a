import { and, asc, eq, sql } from 'drizzle-orm';
import type { Executor } from './client';
import { isUuid } from './ids';
import { members, type Member, type Role } from './schema/index';

export type MemberView = Pick<Member, 'id' | 'name' | 'role' | 'createdAt'>;

const viewColumns = {
  id: members.id,
  name: members.name,
  role: members.role,
  createdAt: members.createdAt,
};

export async function insertMember(
  db: Executor,
  input: { accountId: string; name: string; role: Role },
): Promise<MemberView> {
  const [row] = await db.insert(members).values(input).returning(viewColumns);
  if (!row) throw new Error('Inserting the member returned no row');
  return row;
}

export async function listMembers(db: Executor, accountId: string): Promise<MemberView[]> {
  return db
    .select(viewColumns)
    .from(members)
    .where(eq(members.accountId, accountId))
    .orderBy(asc(members.createdAt), asc(members.id));
}

export async function findMember(db: Executor, accountId: string, id: string): Promise<MemberView | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select(viewColumns)
    .from(members)
    .where(and(eq(members.accountId, accountId), eq(members.id, id)))
    .limit(1);
  return row ?? null;
}

/**
 * Whether the account has an admin other than `memberId`. Run in the same transaction as the change: it locks
 * the account's admins in id order, so two admins demoting each other at once wait in turn, and the second
 * sees that it would leave none.
 */
export async function hasOtherAdmin(db: Executor, accountId: string, memberId: string): Promise<boolean> {
  const rows = await db
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.accountId, accountId), eq(members.role, 'admin')))
    .orderBy(asc(members.id))
    .for('update');
  return rows.some((row) => row.id !== memberId);
}

export async function updateMember(
  db: Executor,
  accountId: string,
  id: string,
  patch: { name?: string; role?: Role },
): Promise<MemberView | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .update(members)
    .set({ ...patch, updatedAt: sql`now()` })
    .where(and(eq(members.accountId, accountId), eq(members.id, id)))
    .returning(viewColumns);
  return row ?? null;
}

/** Removes a member; their keys go with them (ON DELETE CASCADE), so they stop working at once. */
export async function deleteMember(db: Executor, accountId: string, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await db
    .delete(members)
    .where(and(eq(members.accountId, accountId), eq(members.id, id)))
    .returning({ id: members.id });
  return rows.length > 0;
}
