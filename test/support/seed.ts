// The one way tests and the benchmark store an integration without Halo: as a successful Save would (the
// secret encrypted under the integration's id), with no schedule and no sync.
import { randomBytes, randomUUID } from 'node:crypto';
import { createAccount } from '../../db/accounts-repository';
import type { Executor } from '../../db/client';
import { encryptSecret, parseEncryptionKeys, type KeyInput } from '../../db/crypto';
import { insertIntegration } from '../../db/integrations-repository';
import type { HaloSettings } from '../../halo/settings';

export interface SeedOptions {
  /** What a sync will call; by default a hosted tenant no test reaches. */
  settings?: HaloSettings;
  /** The key the worker decrypts with (a config's ENCRYPTION_KEY text or the key); by default a throwaway. */
  encryptionKey?: KeyInput | string;
  accountName?: string;
}

/** A new account (with its first admin's API key) and one integration of it. */
export async function seedIntegration(db: Executor, opts: SeedOptions = {}) {
  const account = await createAccount(db, opts.accountName ?? 'Test MSP');
  const settings = opts.settings ?? {
    resourceServerUrl: 'https://acme.haloitsm.com/api',
    authServerUrl: 'https://acme.haloitsm.com/auth',
    tenant: 'acme',
    clientId: randomUUID(),
    clientSecret: 'never-sent-abcd',
  };
  const key = opts.encryptionKey ?? randomBytes(32);
  const id = randomUUID();
  const integration = await insertIntegration(db, {
    id,
    accountId: account.accountId,
    settings,
    clientSecretEnc: encryptSecret(
      typeof key === 'string' ? parseEncryptionKeys(key) : key,
      settings.clientSecret,
      id,
    ),
    clientSecretLast4: settings.clientSecret.slice(-4),
  });
  return { account, integration, accountId: account.accountId, integrationId: id };
}
