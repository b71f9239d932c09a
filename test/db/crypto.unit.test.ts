import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  decryptSecret,
  encryptSecret,
  isCurrent,
  parseEncryptionKey,
  parseEncryptionKeys,
} from '../../db/crypto';

const key = randomBytes(32);
const integrationId = randomUUID();
const secret = '6a0f3c5e-1111-4a4a-9b9b-123456789abc-0d9e8f7a-2222-4b4b-8c8c-abcdef012345';

void describe('client secret encryption', () => {
  void it('round-trips and never repeats a ciphertext', () => {
    const a = encryptSecret(key, secret, integrationId);
    const b = encryptSecret(key, secret, integrationId);
    assert.match(a, /^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.notEqual(a, b);
    assert.ok(!a.includes(secret));
    assert.equal(decryptSecret(key, a, integrationId), secret);
    assert.equal(decryptSecret(key, encryptSecret(key, '', integrationId), integrationId), '');
    assert.equal(
      decryptSecret(key, encryptSecret(key, 'pässwörd ✓', integrationId), integrationId),
      'pässwörd ✓',
    );
  });

  void it('refuses a ciphertext moved to another integration', () => {
    const stored = encryptSecret(key, secret, integrationId);
    assert.throws(() => decryptSecret(key, stored, randomUUID()), /could not be decrypted/);
  });

  void it('refuses another key', () => {
    const stored = encryptSecret(key, secret, integrationId);
    assert.throws(() => decryptSecret(randomBytes(32), stored, integrationId), /could not be decrypted/);
  });

  void it('refuses any altered part', () => {
    const stored = encryptSecret(key, secret, integrationId);
    const parts = stored.split('.');
    for (const index of [1, 2, 3]) {
      const altered = [...parts];
      const bytes = Buffer.from(altered[index] ?? '', 'base64url');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      altered[index] = bytes.toString('base64url');
      assert.throws(() => decryptSecret(key, altered.join('.'), integrationId), Error, `part ${index}`);
    }
    assert.throws(() => decryptSecret(key, `v2.${parts.slice(1).join('.')}`, integrationId), /format/);
    assert.throws(() => decryptSecret(key, 'not a secret', integrationId), /format/);
  });

  void describe('parseEncryptionKey', () => {
    void it('accepts 64 hex characters and base64 of 32 bytes', () => {
      assert.deepEqual(parseEncryptionKey(key.toString('hex')), key);
      assert.deepEqual(parseEncryptionKey(key.toString('hex').toUpperCase()), key);
      assert.deepEqual(parseEncryptionKey(key.toString('base64')), key);
      assert.deepEqual(parseEncryptionKey(` ${key.toString('base64url')}\n`), key);
    });

    void it('rejects anything else with a message that does not echo the key', () => {
      const attempts = [
        '',
        'correct horse battery staple',
        key.toString('hex').slice(2),
        randomBytes(16).toString('base64'),
        randomBytes(33).toString('base64'),
        `${key.toString('hex').slice(1)}g`,
      ];
      for (const text of attempts) {
        assert.throws(
          () => parseEncryptionKey(text),
          (error: unknown) => {
            assert.ok(error instanceof Error);
            assert.match(error.message, /64 hex characters or as base64/);
            if (text.length > 4) assert.ok(!error.message.includes(text.trim()));
            return true;
          },
        );
      }
    });
  });

  void describe('a list of keys, for rotation', () => {
    const older = randomBytes(32);
    const keys = parseEncryptionKeys(`${key.toString('hex')}, ${older.toString('base64')}`);

    void it('encrypts with the first and decrypts with any', () => {
      assert.deepEqual(keys, [key, older]);
      const underOld = encryptSecret(older, secret, integrationId);
      assert.equal(decryptSecret(keys, underOld, integrationId), secret);
      assert.equal(isCurrent(keys, underOld, integrationId), false);
      const underNew = encryptSecret(keys, secret, integrationId);
      assert.equal(decryptSecret(key, underNew, integrationId), secret);
      assert.equal(isCurrent(keys, underNew, integrationId), true);
      assert.throws(
        () => decryptSecret(keys, encryptSecret(randomBytes(32), secret, integrationId), integrationId),
        /could not be decrypted/,
      );
    });

    void it('takes a single key as a list of one, and names a bad entry by its place only', () => {
      assert.deepEqual(parseEncryptionKeys(key.toString('hex')), [key]);
      assert.throws(() => parseEncryptionKeys(`${key.toString('hex')},,`), /Key 2 of 3 in ENCRYPTION_KEY/);
      assert.throws(
        () => parseEncryptionKeys(`${key.toString('hex')},secret-looking-garbage`),
        (error: Error) =>
          /Key 2 of 2/.test(error.message) && !error.message.includes('secret-looking-garbage'),
      );
    });
  });
});
