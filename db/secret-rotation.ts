// Re-encrypts every stored secret (integrations' Halo client secrets and webhooks' signing secrets) with the
// first of the keys in use, so the older keys can be dropped from ENCRYPTION_KEY afterwards. Each row is
// rewritten only if it still holds the ciphertext that was read, so a secret saved meanwhile (already under
// the first key) is never overwritten.
import type postgres from 'postgres';
import { decryptSecret, encryptSecret, isCurrent, type EncryptionKeys } from './crypto';

export interface RotationReport {
  reEncrypted: number;
  alreadyCurrent: number;
  /** Rows whose secret none of the keys opens: their ids, never anything secret. */
  unreadable: string[];
}

/** Where secrets are stored: each is bound (as AAD) to its row's id. */
const stores = [
  { table: 'integrations', column: 'client_secret_enc' },
  { table: 'webhooks', column: 'secret_enc' },
] as const;

export async function rotateSecrets(sql: postgres.Sql, keys: EncryptionKeys): Promise<RotationReport> {
  const report: RotationReport = { reEncrypted: 0, alreadyCurrent: 0, unreadable: [] };
  for (const { table, column } of stores) {
    const rows = await sql<{ id: string; enc: string }[]>`
      select id, ${sql(column)} as enc from ${sql(table)} order by id`;
    for (const { id, enc } of rows) {
      if (isCurrent(keys, enc, id)) {
        report.alreadyCurrent += 1;
        continue;
      }
      let secret: string;
      try {
        secret = decryptSecret(keys, enc, id);
      } catch {
        report.unreadable.push(id);
        continue;
      }
      // updated_at stays: the secret is the same, so cached tokens and the page's "last changed" still hold.
      const updated = await sql`
        update ${sql(table)} set ${sql(column)} = ${encryptSecret(keys, secret, id)}
        where id = ${id} and ${sql(column)} = ${enc}`;
      if (updated.count === 1) report.reEncrypted += 1;
      else report.alreadyCurrent += 1;
    }
  }
  return report;
}
