// `npm run secrets:rotate` as an operator runs it after putting a new key first in ENCRYPTION_KEY: every
// stored secret ends up under the new key, the old one can then be dropped, and nothing else changes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { projectRoot } from '../../config/env';
import { createAccount } from '../../db/accounts-repository';
import { decryptSecret, encryptSecret } from '../../db/crypto';
import { loadIntegrationWithSecret, insertIntegration } from '../../db/integrations-repository';
import { createTestDatabase, type TestDatabase } from '../support/database';

function rotate(databaseUrl: string, encryptionKey: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      'npm',
      ['run', '--silent', 'secrets:rotate'],
      {
        cwd: projectRoot,
        timeout: 60_000,
        env: {
          PATH: process.env['PATH'],
          HOME: process.env['HOME'],
          DATABASE_URL: databaseUrl,
          ENCRYPTION_KEY: encryptionKey,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('npm run secrets:rotate', { timeout: 120_000 }, () => {
  let database: TestDatabase;
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const lostKey = randomBytes(32);
  const secrets = new Map<string, string>();
  let lostId: string;

  async function seed(key: Buffer, secret: string): Promise<string> {
    const { accountId } = await createAccount(database.db, 'Rotation');
    const id = randomUUID();
    await insertIntegration(database.db, {
      id,
      accountId,
      settings: {
        resourceServerUrl: 'https://acme.haloitsm.com/api',
        authServerUrl: 'https://acme.haloitsm.com/auth',
        tenant: 'acme',
        clientId: randomUUID(),
      },
      clientSecretEnc: encryptSecret(key, secret, id),
      clientSecretLast4: secret.slice(-4),
    });
    return id;
  }

  before(async () => {
    database = await createTestDatabase();
    for (const secret of ['first-secret-value', 'x']) secrets.set(await seed(oldKey, secret), secret);
    lostId = await seed(lostKey, 'nobody-has-this-key');
  });

  after(() => database?.drop());

  it('re-encrypts every secret under the first key, reporting those no key opens', async () => {
    const keys = `${newKey.toString('hex')},${oldKey.toString('base64')}`;
    const before = new Map<string, Date>();
    for (const id of secrets.keys())
      before.set(id, (await loadIntegrationWithSecret(database.db, id))!.updatedAt);

    const run = await rotate(database.url, keys);
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { reEncrypted: 2, alreadyCurrent: 0, unreadable: [lostId] });
    assert.match(run.stderr, /1 stored secret\(s\) could not be decrypted/);
    assert.ok(
      !run.stdout.includes(oldKey.toString('base64')) && !run.stderr.includes(newKey.toString('hex')),
    );

    for (const [id, secret] of secrets) {
      const row = (await loadIntegrationWithSecret(database.db, id))!;
      assert.equal(decryptSecret(newKey, row.clientSecretEnc, id), secret, 'the new key alone opens it');
      assert.throws(() => decryptSecret(oldKey, row.clientSecretEnc, id));
      assert.equal(row.updatedAt.getTime(), before.get(id)?.getTime(), 'nothing else changed');
    }
  });

  it('when run again rewrites only what is not yet under the first key', async () => {
    const rows = async () => database.sql`select id, client_secret_enc from integrations order by id`;
    const first = await rows();
    const run = await rotate(
      database.url,
      `${newKey.toString('hex')},${oldKey.toString('hex')},${lostKey.toString('hex')}`,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { reEncrypted: 1, alreadyCurrent: 2, unreadable: [] });
    const second = await rows();
    assert.deepEqual(
      second.filter((r) => r['id'] !== lostId),
      first.filter((r) => r['id'] !== lostId),
    );
  });

  it('refuses a list with a bad key, naming its place but not its value', async () => {
    const run = await rotate(database.url, `${newKey.toString('hex')},not-a-key-at-all`);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /Key 2 of 2 in ENCRYPTION_KEY/);
    assert.ok(!run.stderr.includes('not-a-key-at-all'));
  });
});
