import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import postgres from 'postgres';
import { migrateDatabase } from '../../db/migrate';
import { createTestDatabase, type TestDatabase } from '../support/database';

const baseUrl = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function dropDatabase(name: string): Promise<void> {
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin`drop database if exists ${admin(name)} with (force)`;
  } finally {
    await admin.end();
  }
}

function urlFor(name: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

void describe('migrateDatabase', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(async () => {
    await t.drop();
  });

  void it('creates every table', async () => {
    const rows = await t.sql<{ table_name: string }[]>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`;
    assert.deepEqual(
      rows.map((r) => r.table_name),
      [
        'accounts',
        'api_keys',
        'audit_log',
        'customers',
        'halo_request_budgets',
        'hardware_assets',
        'integrations',
        'lifecycle_policies',
        'lifecycle_summary_cache',
        'members',
        'record_changes',
        'software_assets',
        'sync_pages',
        'sync_run_totals',
        'sync_runs',
        'webhook_deliveries',
        'webhooks',
      ],
    );
  });

  void it('is a no-op the second time', async () => {
    const before = await t.sql`select id, hash, created_at from drizzle.__drizzle_migrations order by id`;
    await migrateDatabase(t.url);
    const after = await t.sql`select id, hash, created_at from drizzle.__drizzle_migrations order by id`;
    assert.deepEqual(after, before);
    assert.ok(before.length >= 1);
  });

  void it('lets two processes create and migrate a fresh database at once', async () => {
    // A name that needs quoting proves the identifier is never pasted into SQL.
    const name = `halo_sync_test_${process.pid}_${randomBytes(3).toString('hex')}_Odd"Name-x`;
    const url = urlFor(name);
    try {
      await Promise.all([migrateDatabase(url), migrateDatabase(url), migrateDatabase(url)]);
      const sql = postgres(url, { max: 1, database: name });
      try {
        const [row] = await sql<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
        const [table] = await sql<{ n: number }[]>`select count(*)::int as n from accounts`;
        assert.equal(row?.n, (await t.sql`select 1 from drizzle.__drizzle_migrations`).length);
        assert.equal(table?.n, 0);
      } finally {
        await sql.end();
      }
    } finally {
      await dropDatabase(name);
    }
  });
});
