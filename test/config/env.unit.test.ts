import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, parseEnv } from '../../config/env';

describe('configuration from the environment', () => {
  it('has defaults for a local run', () => {
    const env = parseEnv({});
    assert.equal(env.PORT, 3000);
    assert.equal(env.DATABASE_URL, 'postgres://postgres@127.0.0.1:5432/halo_sync');
    assert.equal(env.TEMPORAL_ADDRESS, '127.0.0.1:7233');
    assert.equal(env.TEMPORAL_NAMESPACE, 'default');
    assert.equal(env.TEMPORAL_TASK_QUEUE, 'halo-sync');
    assert.equal(env.ALLOW_PRIVATE_HALO_URLS, false);
    assert.equal(env.ENCRYPTION_KEY, undefined);
  });

  it('reads numbers and switches, and treats empty variables as unset', () => {
    const env = parseEnv({
      PORT: '8080',
      ALLOW_PRIVATE_HALO_URLS: 'true',
      SYNC_MAX_PAGES_PER_RUN: '3',
      TEMPORAL_NAMESPACE: '',
    });
    assert.equal(env.PORT, 8080);
    assert.equal(env.ALLOW_PRIVATE_HALO_URLS, true);
    assert.equal(env.SYNC_MAX_PAGES_PER_RUN, 3);
    assert.equal(env.TEMPORAL_NAMESPACE, 'default');
    assert.equal(parseEnv({ ALLOW_PRIVATE_HALO_URLS: '0' }).ALLOW_PRIVATE_HALO_URLS, false);
  });

  it('names every bad variable and never echoes its value', () => {
    const secretish = 'postgres-secret-password';
    assert.throws(
      () =>
        parseEnv({
          PORT: 'eighty',
          DATABASE_URL: `mysql://root:${secretish}@db/x`,
          TEMPORAL_ADDRESS: 'no port here',
          ALLOW_PRIVATE_HALO_URLS: 'sometimes',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        for (const name of ['PORT', 'DATABASE_URL', 'TEMPORAL_ADDRESS', 'ALLOW_PRIVATE_HALO_URLS']) {
          assert.match(error.message, new RegExp(name));
        }
        assert.ok(!error.message.includes(secretish));
        return true;
      },
    );
  });

  it('generates an encryption key once into the data folder when none is set, and keeps it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'halo-sync-config-'));
    try {
      const first = loadConfig({ DATA_DIR: dir });
      const file = join(dir, 'encryption-key');
      assert.ok(existsSync(file));
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.match(first.ENCRYPTION_KEY, /^[0-9a-f]{64}$/);
      assert.equal(loadConfig({ DATA_DIR: dir }).ENCRYPTION_KEY, first.ENCRYPTION_KEY);
      assert.equal(readFileSync(file, 'utf8').trim(), first.ENCRYPTION_KEY);
      assert.equal(loadConfig({ DATA_DIR: dir, ENCRYPTION_KEY: 'given' }).ENCRYPTION_KEY, 'given');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
