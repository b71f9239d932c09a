import { createHash, randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Executor } from './client';
import { accounts } from './schema/index';

const API_KEY_PREFIX = 'hak_';

/** sha256 hex. API keys carry 256 random bits, so a fast unsalted hash is enough to make a leaked table useless. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

/** Creates an account and its API key. The key is returned once and only its hash is kept. */
export async function createAccount(
  db: Executor,
  name: string,
): Promise<{ accountId: string; apiKey: string }> {
  const apiKey = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  const [row] = await db
    .insert(accounts)
    .values({ name, apiKeyHash: hashApiKey(apiKey), apiKeyPrefix: apiKey.slice(0, 8) })
    .returning({ id: accounts.id });
  if (!row) throw new Error('Inserting the account returned no row');
  return { accountId: row.id, apiKey };
}

/**
 * Finds the account an API key belongs to. Every input is hashed and looked up the same way (no early exit on
 * a malformed key), so response time says nothing about what was sent.
 */
export async function findAccountByApiKey(
  db: Executor,
  apiKey: string,
): Promise<{ id: string; name: string } | null> {
  const [row] = await db
    .select({ id: accounts.id, name: accounts.name })
    .from(accounts)
    .where(eq(accounts.apiKeyHash, hashApiKey(apiKey)))
    .limit(1);
  return row ?? null;
}
