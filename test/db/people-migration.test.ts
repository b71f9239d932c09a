// Accounts made before members existed had one key in accounts.api_key_hash. Migration 0007 must turn it
// into the key of the account's first admin, with the same hash and prefix, so that key keeps working.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { projectRoot } from '../../config/env';
import { findKeyHolder, hashApiKey } from '../../db/api-keys-repository';
import { createDatabase } from '../../db/client';
import { migrateDatabase } from '../../db/migrate';

const baseUrl = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A migrations folder holding only the migrations before `tag`, as a database made back then saw them. */
function migrationsBefore(tag: string): string {
  const source = join(projectRoot, 'db', 'migrations');
  const folder = mkdtempSync(join(tmpdir(), 'migrations-'));
  cpSync(source, folder, { recursive: true });
  const journal = JSON.parse(readFileSync(join(source, 'meta', '_journal.json'), 'utf8'));
  const cut = journal.entries.findIndex((e: { tag: string }) => e.tag === tag);
  assert.ok(cut > 0, `${tag} is in the journal`);
  journal.entries = journal.entries.slice(0, cut);
  writeFileSync(join(folder, 'meta', '_journal.json'), JSON.stringify(journal));
  return folder;
}

void describe('migration 0007_people on a database with accounts', () => {
  const name = `halo_sync_test_${process.pid}_people_migration`;
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  let folder = '';

  before(async () => {
    await admin`drop database if exists ${admin(name)} with (force)`;
    await admin`create database ${admin(name)}`;
    folder = migrationsBefore('0007_people');
  });
  after(async () => {
    rmSync(folder, { recursive: true, force: true });
    await admin`drop database if exists ${admin(name)} with (force)`;
    await admin.end();
  });

  void it("gives each account a first admin holding the account's old key, which keeps working", async () => {
    const old = postgres(url.toString(), { max: 1, onnotice: () => {}, database: name });
    const keys = [
      'hak_old-key-of-acme-0000000000000000000000000000',
      'hak_old-key-of-beta-000000000000000000000000000',
    ];
    try {
      await migrate(drizzle(old), { migrationsFolder: folder });
      for (const [i, key] of keys.entries()) {
        await old`insert into accounts (name, api_key_hash, api_key_prefix)
                  values (${`MSP ${i}`}, ${hashApiKey(key)}, ${key.slice(0, 8)})`;
      }
    } finally {
      await old.end();
    }

    await migrateDatabase(url.toString());
    const database = createDatabase(url.toString(), { max: 1 });
    try {
      for (const [i, key] of keys.entries()) {
        const holder = await findKeyHolder(database.db, key);
        assert.equal(holder?.account.name, `MSP ${i}`);
        assert.equal(holder?.member.role, 'admin');
        assert.equal(holder?.key.prefix, key.slice(0, 8));
      }
      const members = await database.sql`select account_id from members`;
      assert.equal(members.length, 2, 'one member per account');
      const columns = await database.sql`
        select column_name from information_schema.columns where table_name = 'accounts' order by 1`;
      assert.deepEqual(
        columns.map((c) => String(c['column_name'])),
        ['created_at', 'id', 'name'],
      );
    } finally {
      await database.close();
    }
  });
});
