import type { Executor } from '../db/client';
import { findAccountIntegration, listIntegrations } from '../db/integrations-repository';
import { ApiError, notFound } from './errors';

/**
 * The integration a read is about: the one named (another account's answers 404), or the account's only
 * one; null when the account has none yet.
 */
export async function integrationFor(
  db: Executor,
  accountId: string,
  integrationId: string | undefined,
): Promise<string | null> {
  if (integrationId) {
    const row = await findAccountIntegration(db, accountId, integrationId);
    if (!row) throw notFound('Integration');
    return row.id;
  }
  const all = await listIntegrations(db, accountId);
  if (all.length > 1) {
    throw new ApiError('invalid_request', 'This account has several integrations: pass integrationId.', {
      fields: { integrationId: 'required when the account has several integrations' },
    });
  }
  return all[0]?.id ?? null;
}
