import type { Executor } from './client';
import { createApiKey, findKeyHolder } from './api-keys-repository';
import { insertMember } from './members-repository';
import { accounts } from './schema/index';

export { hashApiKey } from './api-keys-repository';

/**
 * Creates an account with its first admin and that admin's first API key, in one transaction. The key is
 * returned once and only its hash is kept.
 */
export async function createAccount(
  db: Executor,
  name: string,
  adminName = 'First admin',
): Promise<{ accountId: string; memberId: string; apiKey: string }> {
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(accounts).values({ name }).returning({ id: accounts.id });
    if (!row) throw new Error('Inserting the account returned no row');
    const member = await insertMember(tx, { accountId: row.id, name: adminName, role: 'admin' });
    const { key } = await createApiKey(tx, { accountId: row.id, memberId: member.id, name: 'First key' });
    return { accountId: row.id, memberId: member.id, apiKey: key };
  });
}

/** The account a live API key belongs to (see findKeyHolder for what "live" means). */
export async function findAccountByApiKey(
  db: Executor,
  apiKey: string,
): Promise<{ id: string; name: string } | null> {
  return (await findKeyHolder(db, apiKey))?.account ?? null;
}
