import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAccount, findAccountByApiKey, hashApiKey } from '../../db/accounts-repository';
import { createTestDatabase, type TestDatabase } from '../support/database';

void describe('accounts repository', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(async () => {
    await t.drop();
  });

  void it('creates an account whose key finds it, storing only the hash and a prefix', async () => {
    const { accountId, apiKey } = await createAccount(t.db, 'Acme MSP');
    assert.match(apiKey, /^hak_[\w-]{43}$/);
    assert.deepEqual(await findAccountByApiKey(t.db, apiKey), { id: accountId, name: 'Acme MSP' });

    const [row] = await t.sql`select api_key_hash, api_key_prefix from accounts where id = ${accountId}`;
    assert.equal(row?.['api_key_hash'], hashApiKey(apiKey));
    assert.match(String(row?.['api_key_hash']), /^[0-9a-f]{64}$/);
    assert.equal(row?.['api_key_prefix'], apiKey.slice(0, 8));
  });

  void it('gives every account a different key', async () => {
    const a = await createAccount(t.db, 'A');
    const b = await createAccount(t.db, 'B');
    assert.notEqual(a.apiKey, b.apiKey);
    assert.equal((await findAccountByApiKey(t.db, b.apiKey))?.id, b.accountId);
  });

  void it('answers null for a wrong, altered or malformed key', async () => {
    const { apiKey } = await createAccount(t.db, 'C');
    assert.equal(await findAccountByApiKey(t.db, `${apiKey}x`), null);
    assert.equal(await findAccountByApiKey(t.db, apiKey.slice(0, -1)), null);
    assert.equal(await findAccountByApiKey(t.db, ''), null);
    assert.equal(await findAccountByApiKey(t.db, "' or 1=1 --"), null);
    assert.equal(await findAccountByApiKey(t.db, hashApiKey(apiKey)), null);
  });
});
