// Which integration a request is about, always within the caller's account: another account's id reads as
// missing (404), never as forbidden, so ids reveal nothing across accounts (architecture invariant 7).
import type { Executor } from '../db/client';
import { findAccountIntegration, listIntegrations, type IntegrationRow } from '../db/integrations-repository';
import { ApiError, notFound } from './errors';

/** The account's integration of that id; 404 when it is missing or another account's. */
export async function accountIntegration(
  db: Executor,
  accountId: string,
  integrationId: string,
): Promise<IntegrationRow> {
  const row = await findAccountIntegration(db, accountId, integrationId);
  if (!row) throw notFound('Integration');
  return row;
}

/**
 * The integration a read is about: the one named (another account's answers 404), or the account's only
 * one; null when the account has none yet.
 */
export async function integrationFor(
  db: Executor,
  accountId: string,
  integrationId: string | undefined,
): Promise<string | null> {
  if (integrationId) return (await accountIntegration(db, accountId, integrationId)).id;
  const all = await listIntegrations(db, accountId);
  if (all.length > 1) {
    throw new ApiError('invalid_request', 'This account has several integrations: pass integrationId.', {
      fields: { integrationId: 'required when the account has several integrations' },
    });
  }
  return all[0]?.id ?? null;
}
