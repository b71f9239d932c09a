// The API's reads use the indexes meant for them. The queries are the repositories' own (captured through a
// drizzle logger), explained on tables seeded with tens of thousands of rows and ANALYZE'd statistics, so the
// planner chooses as it would on a big tenant; nothing forces its hand (enable_seqscan stays on).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { drizzle } from 'drizzle-orm/postgres-js';
import { createApiMetrics } from '../../api/metrics';
import { seedReadDatabase, type ReadSeed } from '../../bench/read-api-seed';
import type { Database } from '../../db/client';
import { listIntegrations } from '../../db/integrations-repository';
import { countAssetsPerCustomer, findRecord, listRecords } from '../../db/records-repository';
import * as schema from '../../db/schema/index';
import { listSyncRuns } from '../../db/sync-runs-repository';
import { createTestDatabase, type TestDatabase } from '../support/database';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];
const describeNode = (n: PlanNode) =>
  [n['Node Type'], n['Index Name'] ?? n['Relation Name']].filter(Boolean).join(' ');

void describe('read plans at scale', { timeout: 300_000 }, () => {
  let t: TestDatabase;
  let seed: ReadSeed;
  let captured: { query: string; params: unknown[] }[] = [];
  let db: Database;

  before(async () => {
    t = await createTestDatabase();
    seed = await seedReadDatabase(t, {
      assets: 60_000,
      licences: 6_000,
      customers: 300,
      otherIntegrations: 500,
      runs: 2_000,
    });
    db = drizzle(t.sql, {
      schema,
      logger: { logQuery: (query, params) => void captured.push({ query, params }) },
    });
  });
  after(async () => {
    await t?.drop();
  });

  /** Every plan node of every statement `read` sends. */
  async function plansOf(read: () => Promise<unknown>): Promise<PlanNode[][]> {
    captured = [];
    await read();
    assert.ok(captured.length > 0, 'the read sent no statement');
    const plans: PlanNode[][] = [];
    for (const { query, params } of captured) {
      const [row] = await t.sql.unsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
        `explain (format json) ${query}`,
        params as never[],
      );
      plans.push(nodesOf(row!['QUERY PLAN'][0].Plan));
    }
    return plans;
  }

  async function assertUses(read: () => Promise<unknown>, index: string, nodeType?: string) {
    const nodes = (await plansOf(read)).flat();
    const text = nodes.map(describeNode).join(', ');
    assert.ok(
      nodes.some((n) => n['Index Name'] === index && (!nodeType || n['Node Type'] === nodeType)),
      `expected ${nodeType ?? 'a scan'} of ${index}, got: ${text}`,
    );
    assert.ok(!nodes.some((n) => n['Node Type'] === 'Seq Scan'), `a sequential scan: ${text}`);
    return nodes;
  }

  const sample = async () => {
    const [row] = await t.sql<
      { key_field: string; key_field2: string; inventory_number: string; username: string }[]
    >`
      select key_field, key_field2, inventory_number, username from hardware_assets
      where integration_id = ${seed.integrationId} and inventory_number <> '' and halo_id > 30000 limit 1`;
    return row!;
  };
  const list = (opts: Partial<Parameters<typeof listRecords>[2]>) => () =>
    listRecords(db, 'hardware', {
      integrationId: seed.integrationId,
      accountId: seed.accountId,
      limit: 51,
      ...opts,
    });

  void it('searches hostname, serial, inventory number and user through the trigram index', async () => {
    const row = await sample();
    for (const q of [row.key_field, row.key_field2.slice(2, 8), row.inventory_number, row.username]) {
      await assertUses(list({ q }), 'hardware_assets_search_idx');
    }
    await assertUses(
      () => listRecords(db, 'software', { integrationId: seed.integrationId, q: 'SKU-NOT-THERE', limit: 51 }),
      'software_assets_search_idx',
    );
  });

  void it("lists one customer's assets through the customer index", async () => {
    const [small] = await t.sql<{ customer_halo_id: number }[]>`
      select customer_halo_id from hardware_assets where integration_id = ${seed.integrationId}
      group by 1 order by count(*) limit 1`;
    await assertUses(list({ customerHaloId: small!.customer_halo_id }), 'hardware_assets_customer_idx');
  });

  void it('seeks a deep cursor page in the primary key without sorting', async () => {
    const nodes = await assertUses(
      list({ afterHaloId: 60_000 }),
      'hardware_assets_integration_id_halo_id_pk',
    );
    assert.ok(!nodes.some((n) => n['Node Type'].endsWith('Sort')), nodes.map(describeNode).join(', '));
  });

  void it('opens one asset by its key', async () => {
    await assertUses(
      () => findRecord(db, 'hardware', seed.integrationId, 1234),
      'hardware_assets_integration_id_halo_id_pk',
    );
  });

  void it("counts a page of customers' assets from the live-customer indexes alone", async () => {
    const page = [...Array.from({ length: 50 }, (_, i) => i + 1), 999_999];
    const plans = await plansOf(() => countAssetsPerCustomer(db, seed.integrationId, page));
    const scans = plans.flat().filter((n) => n['Index Name']?.endsWith('_live_customer_idx'));
    assert.deepEqual(
      scans.map((n) => `${n['Node Type']} ${n['Index Name']}`),
      [
        'Index Only Scan hardware_assets_live_customer_idx',
        'Index Only Scan software_assets_live_customer_idx',
      ],
    );
    const expected = async (table: string) =>
      new Map(
        (
          await t.sql<{ customer: number; n: number }[]>`
            select customer_halo_id as customer, count(*)::int as n from ${t.sql(table)}
            where integration_id = ${seed.integrationId} and deleted_at is null group by 1`
        ).map((r) => [r.customer, r.n]),
      );
    const [hardware, software] = [await expected('hardware_assets'), await expected('software_assets')];
    const counts = await countAssetsPerCustomer(db, seed.integrationId, page);
    assert.deepEqual(
      [...counts],
      page.map((id) => [id, { hardware: hardware.get(id) ?? 0, software: software.get(id) ?? 0 }]),
    );
    assert.ok((counts.get(1)?.hardware ?? 0) > 0);
  });

  void it('pages the run history by an index seek, without sorting it', async () => {
    const [run] = await t.sql<{ started_at: Date; id: string }[]>`
      select started_at, id from sync_runs where integration_id = ${seed.integrationId}
      order by started_at desc offset 1000 limit 1`;
    const nodes = await assertUses(
      () =>
        listSyncRuns(db, {
          accountId: seed.accountId,
          integrationId: seed.integrationId,
          limit: 21,
          before: { startedAt: new Date(run!.started_at), id: run!.id },
        }),
      'sync_runs_history_idx',
    );
    assert.ok(!nodes.some((n) => n['Node Type'].endsWith('Sort')), nodes.map(describeNode).join(', '));
  });

  void it("lists an account's integrations through its index", async () => {
    const [fleet] = await t.sql<{ account_id: string }[]>`
      select account_id from integrations group by 1 order by count(*) desc limit 1`;
    await assertUses(() => listIntegrations(db, fleet!.account_id), 'integrations_account_created_idx');
  });

  void it('reads no whole sync_runs or sync_pages on a metrics scrape', async () => {
    const nodes = (await plansOf(() => createApiMetrics(db).render())).flat();
    const whole = nodes.filter(
      (n) => n['Node Type'] === 'Seq Scan' && ['sync_runs', 'sync_pages'].includes(n['Relation Name'] ?? ''),
    );
    assert.deepEqual(whole.map(describeNode), []);
  });
});
