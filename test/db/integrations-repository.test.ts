import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createAccount } from '../../db/accounts-repository';
import { decryptSecret, encryptSecret } from '../../db/crypto';
import {
  findAccountIntegration,
  loadIntegrationWithSecret,
  insertIntegration,
  listIntegrations,
} from '../../db/integrations-repository';
import { createTestDatabase, type TestDatabase } from '../support/database';

void describe('integrations repository', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(async () => {
    await t.drop();
  });

  void it('stores an integration, hides the secret from account reads and scopes them to the account', async () => {
    const key = randomBytes(32);
    const { accountId } = await createAccount(t.db, 'Owner');
    const { accountId: otherAccountId } = await createAccount(t.db, 'Other');
    const id = randomUUID();
    const settings = {
      resourceServerUrl: 'https://acme.haloitsm.com/api',
      authServerUrl: 'https://acme.haloitsm.com/auth',
      tenant: '',
      clientId: randomUUID(),
    };
    const created = await insertIntegration(t.db, {
      id,
      accountId,
      settings,
      clientSecretEnc: encryptSecret(key, 'secret-value', id),
      clientSecretLast4: 'alue',
    });
    assert.equal(created.id, id);
    assert.ok(!('clientSecretEnc' in created));

    const found = await findAccountIntegration(t.db, accountId, id);
    assert.equal(found?.clientId, settings.clientId);
    assert.equal(found?.tenant, '');
    assert.ok(found && !('clientSecretEnc' in found));

    assert.equal(await findAccountIntegration(t.db, otherAccountId, id), null);
    assert.equal(await findAccountIntegration(t.db, accountId, randomUUID()), null);
    assert.equal(await findAccountIntegration(t.db, accountId, 'not-a-uuid'), null);

    const full = await loadIntegrationWithSecret(t.db, id);
    assert.ok(full);
    assert.equal(decryptSecret(key, full.clientSecretEnc, id), 'secret-value');

    assert.deepEqual(
      (await listIntegrations(t.db, accountId)).map((i) => i.id),
      [id],
    );
    assert.deepEqual(await listIntegrations(t.db, otherAccountId), []);
  });
});
