import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// AES-256-GCM for the Halo client secret at rest. The integration id is the additional authenticated data,
// so a ciphertext copied onto another row does not decrypt.

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/** Reads a 32-byte key given as 64 hex characters or as base64 (standard or URL-safe). */
export function parseEncryptionKey(text: string): Buffer {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  // 32 bytes are 43 base64 characters plus one '=' of padding; Buffer.from alone would accept garbage.
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length === KEY_BYTES) return key;
  }
  // Say what shape is expected, never what was given: the text is a secret.
  throw new Error(
    `Encryption key must be 32 bytes written as 64 hex characters or as base64 ` +
      `(for example the output of \`openssl rand -base64 32\`); the value given (${trimmed.length} characters) is neither`,
  );
}

/**
 * The keys in use, from ENCRYPTION_KEY as a comma-separated list: the first encrypts, every one decrypts.
 * Rotating is: put a new key first, keep the old ones after it, run `npm run secrets:rotate`, then drop them.
 */
export type EncryptionKeys = readonly [Buffer, ...Buffer[]];

/** One key, or the keys in use (the first encrypts). */
export type KeyInput = Buffer | EncryptionKeys;

export function parseEncryptionKeys(text: string): EncryptionKeys {
  const parts = text.split(',').map((part) => part.trim());
  const keys = parts.map((part, index) => {
    try {
      return parseEncryptionKey(part);
    } catch (error) {
      if (parts.length === 1) throw error;
      throw new Error(`Key ${index + 1} of ${parts.length} in ENCRYPTION_KEY: ${(error as Error).message}`, {
        cause: error,
      });
    }
  });
  const [first, ...rest] = keys;
  if (!first) throw new Error('ENCRYPTION_KEY holds no key');
  return [first, ...rest];
}

const keysOf = (input: KeyInput): EncryptionKeys => (Buffer.isBuffer(input) ? [input] : input);

/** Whether `stored` was encrypted with the first key, i.e. needs no rotation. */
export function isCurrent(keys: KeyInput, stored: string, aad: string): boolean {
  try {
    decryptWith(keysOf(keys)[0], stored, aad);
    return true;
  } catch {
    return false;
  }
}

function assertKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) throw new Error(`Encryption key must be ${KEY_BYTES} bytes`);
}

/** Returns `v1.<iv>.<tag>.<ciphertext>`, each part base64url. */
export function encryptSecret(keys: KeyInput, plaintext: string, aad: string): string {
  const key = keysOf(keys)[0];
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv, tag, ciphertext]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** Throws when the value was tampered with, encrypted under none of the keys, or bound to another `aad`. */
export function decryptSecret(keys: KeyInput, stored: string, aad: string): string {
  const list = keysOf(keys);
  for (const key of list.slice(0, -1)) {
    try {
      return decryptWith(key, stored, aad);
    } catch {
      // the next key may be the one
    }
  }
  return decryptWith(list[list.length - 1] ?? list[0], stored, aad);
}

function decryptWith(key: Buffer, stored: string, aad: string): string {
  assertKey(key);
  const parts = stored.split('.');
  const [version, ivText, tagText, ciphertextText] = parts;
  if (parts.length !== 4 || version !== VERSION || !ivText || !tagText || ciphertextText === undefined) {
    throw new Error('Stored secret is not in the expected v1 format');
  }
  const iv = Buffer.from(ivText, 'base64url');
  const tag = Buffer.from(tagText, 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new Error('Stored secret is not in the expected v1 format');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([
      decipher.update(Buffer.from(ciphertextText, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new Error('Stored secret could not be decrypted: wrong key, wrong integration, or altered data');
  }
}
