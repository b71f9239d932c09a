import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Executor } from './client';
import { isUuid } from './ids';
import { accounts, apiKeys, members, type Role } from './schema/index';

const API_KEY_PREFIX = 'hak_';

/** sha256 hex. API keys carry 256 random bits, so a fast unsalted hash is enough to make a leaked table useless. */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

/** A key as its owner and admins may see it: never the key, never its hash. */
export interface ApiKeyView {
  id: string;
  memberId: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

const viewColumns = {
  id: apiKeys.id,
  memberId: apiKeys.memberId,
  name: apiKeys.name,
  prefix: apiKeys.keyPrefix,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  expiresAt: apiKeys.expiresAt,
  revokedAt: apiKeys.revokedAt,
};

/** Creates a key for a member. The key is returned here once; only its hash and prefix are kept. */
export async function createApiKey(
  db: Executor,
  input: { accountId: string; memberId: string; name: string; expiresAt?: Date | null },
): Promise<{ key: string; apiKey: ApiKeyView }> {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  const [row] = await db
    .insert(apiKeys)
    .values({
      accountId: input.accountId,
      memberId: input.memberId,
      name: input.name,
      keyHash: hashApiKey(key),
      keyPrefix: key.slice(0, 8),
      expiresAt: input.expiresAt ?? null,
    })
    .returning(viewColumns);
  if (!row) throw new Error('Inserting the API key returned no row');
  return { key, apiKey: row };
}

/** Who holds a key: what every authenticated request knows about its caller. */
export interface KeyHolder {
  account: { id: string; name: string };
  member: { id: string; name: string; role: Role };
  key: { id: string; name: string; prefix: string; expiresAt: Date | null; lastUsedAt: Date | null };
}

/**
 * The holder of a live key (not revoked, not expired), in one query on the unique hash index. Nothing is
 * cached, so a revoke takes effect at the next request in every API process. Every input is hashed and
 * looked up the same way, so response time says nothing about what was sent.
 */
export async function findKeyHolder(db: Executor, key: string): Promise<KeyHolder | null> {
  const [row] = await db
    .select({
      accountId: accounts.id,
      accountName: accounts.name,
      memberId: members.id,
      memberName: members.name,
      role: members.role,
      keyId: apiKeys.id,
      keyName: apiKeys.name,
      prefix: apiKeys.keyPrefix,
      expiresAt: apiKeys.expiresAt,
      lastUsedAt: apiKeys.lastUsedAt,
    })
    .from(apiKeys)
    .innerJoin(members, eq(members.id, apiKeys.memberId))
    .innerJoin(accounts, eq(accounts.id, apiKeys.accountId))
    .where(
      and(
        eq(apiKeys.keyHash, hashApiKey(key)),
        isNull(apiKeys.revokedAt),
        or(isNull(apiKeys.expiresAt), sql`${apiKeys.expiresAt} > now()`),
      ),
    )
    .limit(1);
  if (!row) return null;
  return {
    account: { id: row.accountId, name: row.accountName },
    member: { id: row.memberId, name: row.memberName, role: row.role },
    key: {
      id: row.keyId,
      name: row.keyName,
      prefix: row.prefix,
      expiresAt: row.expiresAt,
      lastUsedAt: row.lastUsedAt,
    },
  };
}

/** Marks a key used, at most once a minute, so a busy key costs one write a minute rather than one a request. */
export async function touchApiKey(db: Executor, keyId: string): Promise<void> {
  await db
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(
        eq(apiKeys.id, keyId),
        or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, sql`now() - interval '1 minute'`)),
      ),
    );
}

/** An account's keys, or one member's, newest first. */
export async function listApiKeys(db: Executor, accountId: string, memberId?: string): Promise<ApiKeyView[]> {
  if (memberId !== undefined && !isUuid(memberId)) return [];
  return db
    .select(viewColumns)
    .from(apiKeys)
    .where(and(eq(apiKeys.accountId, accountId), memberId ? eq(apiKeys.memberId, memberId) : undefined))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

export async function findApiKey(db: Executor, accountId: string, id: string): Promise<ApiKeyView | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .select(viewColumns)
    .from(apiKeys)
    .where(and(eq(apiKeys.accountId, accountId), eq(apiKeys.id, id)))
    .limit(1);
  return row ?? null;
}

/** Revokes a key of the account; a key revoked already keeps its first revocation time. */
export async function revokeApiKey(db: Executor, accountId: string, id: string): Promise<ApiKeyView | null> {
  if (!isUuid(id)) return null;
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
    .where(and(eq(apiKeys.accountId, accountId), eq(apiKeys.id, id)))
    .returning(viewColumns);
  return row ?? null;
}
