import { and, asc, eq, getTableColumns, sql } from 'drizzle-orm';
import type { HaloSettings } from '../halo/settings';
import type { Executor } from './client';
import { decryptSecret, type KeyInput } from './crypto';
import { isUuid } from './ids';
import { integrations, type Integration } from './schema/index';

export interface IntegrationSettings {
  resourceServerUrl: string;
  authServerUrl: string;
  tenant: string;
  clientId: string;
}

/** An integration as the API may show it: everything but the encrypted secret. */
export type IntegrationSummary = Omit<Integration, 'clientSecretEnc'>;
/** The name api/ uses for what account-scoped reads return. */
export type IntegrationRow = IntegrationSummary;

export interface NewIntegrationInput {
  /** Chosen by the caller because it is the AAD the secret was encrypted with. */
  id: string;
  accountId: string;
  settings: IntegrationSettings;
  clientSecretEnc: string;
  clientSecretLast4: string;
  /** The token scope Halo granted when the credentials were checked. */
  tokenScope?: string | null;
}

const { clientSecretEnc: _secret, ...summaryColumns } = getTableColumns(integrations);

export async function insertIntegration(
  db: Executor,
  input: NewIntegrationInput,
): Promise<IntegrationSummary> {
  const [row] = await db
    .insert(integrations)
    .values({
      id: input.id,
      accountId: input.accountId,
      resourceServerUrl: input.settings.resourceServerUrl,
      authServerUrl: input.settings.authServerUrl,
      tenant: input.settings.tenant,
      clientId: input.settings.clientId,
      clientSecretEnc: input.clientSecretEnc,
      clientSecretLast4: input.clientSecretLast4,
      tokenScope: input.tokenScope ?? null,
    })
    .returning(summaryColumns);
  if (!row) throw new Error('Inserting the integration returned no row');
  return row;
}

/** Account-scoped and without the secret: another account's integration reads as missing. */
export async function findAccountIntegration(
  db: Executor,
  accountId: string,
  id: string,
): Promise<IntegrationSummary | null> {
  if (!isUuid(id) || !isUuid(accountId)) return null;
  const [row] = await db
    .select(summaryColumns)
    .from(integrations)
    .where(and(eq(integrations.id, id), eq(integrations.accountId, accountId)))
    .limit(1);
  return row ?? null;
}

/**
 * Not scoped to an account, and with the encrypted secret: for activities, which hold only the integration
 * id, and for a change of settings that must merge the stored secret. Never for what the API shows.
 */
export async function loadIntegrationWithSecret(db: Executor, id: string): Promise<Integration | null> {
  if (!isUuid(id)) return null;
  const [row] = await db.select().from(integrations).where(eq(integrations.id, id)).limit(1);
  return row ?? null;
}

/** The five values Halo is called with, from a stored row: the secret decrypted, in memory only. */
export function haloSettingsOf(row: Integration, keys: KeyInput): HaloSettings {
  return {
    resourceServerUrl: row.resourceServerUrl,
    authServerUrl: row.authServerUrl,
    tenant: row.tenant,
    clientId: row.clientId,
    clientSecret: decryptSecret(keys, row.clientSecretEnc, row.id),
  };
}

export async function listIntegrations(db: Executor, accountId: string): Promise<IntegrationSummary[]> {
  return db
    .select(summaryColumns)
    .from(integrations)
    .where(eq(integrations.accountId, accountId))
    .orderBy(asc(integrations.createdAt), asc(integrations.id));
}

export interface IntegrationUpdate {
  settings: IntegrationSettings;
  clientSecretEnc: string;
  clientSecretLast4: string;
  /** The token scope Halo granted when the new values were checked. */
  tokenScope?: string | null;
}

/** Replaces the five values of an account's integration; null when it is not that account's. */
export async function updateIntegration(
  db: Executor,
  accountId: string,
  id: string,
  update: IntegrationUpdate,
): Promise<IntegrationSummary | null> {
  if (!isUuid(id) || !isUuid(accountId)) return null;
  const [row] = await db
    .update(integrations)
    .set({
      resourceServerUrl: update.settings.resourceServerUrl,
      authServerUrl: update.settings.authServerUrl,
      tenant: update.settings.tenant,
      clientId: update.settings.clientId,
      clientSecretEnc: update.clientSecretEnc,
      clientSecretLast4: update.clientSecretLast4,
      tokenScope: update.tokenScope ?? null,
      updatedAt: new Date(),
    })
    .where(and(eq(integrations.id, id), eq(integrations.accountId, accountId)))
    .returning(summaryColumns);
  return row ?? null;
}

/**
 * Records the token scope Halo granted (docs/halo-api.md §1). updated_at is kept as it was: it versions the
 * credentials (tokens are cached under it), and a granted scope does not change them.
 */
export async function rememberTokenScope(db: Executor, id: string, scope: string): Promise<void> {
  if (!isUuid(id)) return;
  await db
    .update(integrations)
    .set({ tokenScope: scope, updatedAt: sql`${integrations.updatedAt}` })
    .where(and(eq(integrations.id, id), sql`${integrations.tokenScope} is distinct from ${scope}`));
}

/** Deletes an account's integration; its runs, assets and customers go with it (foreign keys cascade). */
export async function deleteIntegration(db: Executor, accountId: string, id: string): Promise<boolean> {
  if (!isUuid(id) || !isUuid(accountId)) return false;
  const deleted = await db
    .delete(integrations)
    .where(and(eq(integrations.id, id), eq(integrations.accountId, accountId)))
    .returning({ id: integrations.id });
  return deleted.length > 0;
}

/** Sets (or, with nulls, clears) an integration's own Halo request budget; null when not the account's. */
export async function setIntegrationBudget(
  db: Executor,
  accountId: string,
  id: string,
  budget: { requests: number | null; windowSeconds: number | null },
): Promise<IntegrationSummary | null> {
  if (!isUuid(id) || !isUuid(accountId)) return null;
  const [row] = await db
    .update(integrations)
    .set({
      budgetRequests: budget.requests,
      budgetWindowSeconds: budget.windowSeconds,
      updatedAt: new Date(),
    })
    .where(and(eq(integrations.id, id), eq(integrations.accountId, accountId)))
    .returning(summaryColumns);
  return row ?? null;
}
