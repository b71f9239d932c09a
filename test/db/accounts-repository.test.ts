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

  void it("creates an account with its first admin, whose key finds it, storing only the key's hash and prefix", async () => {
    const { accountId, memberId, apiKey } = await createAccount(t.db, 'Acme MSP');
    assert.match(apiKey, /^hak_[\w-]{43}$/);
    assert.deepEqual(await findAccountByApiKey(t.db, apiKey), { id: accountId, name: 'Acme MSP' });

    const [member] = await t.sql`select account_id, role from members where id = ${memberId}`;
    assert.deepEqual({ ...member }, { account_id: accountId, role: 'admin' });
    const [row] = await t.sql`select key_hash, key_prefix from api_keys where member_id = ${memberId}`;
    assert.equal(row?.['key_hash'], hashApiKey(apiKey));
    assert.match(String(row?.['key_hash']), /^[0-9a-f]{64}$/);
    assert.equal(row?.['key_prefix'], apiKey.slice(0, 8));
    const stored = JSON.stringify(await t.sql`select * from api_keys`);
    assert.ok(!stored.includes(apiKey), 'the key itself is stored');
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
