// How long one page of GET /v1/changes takes at the head and at the tail of a 1,000,000-change integration
// (plus a second integration's changes in the same table). Run: node --import tsx bench/change-feed.ts
import { readChanges } from '../db/changes-repository';
import { seedIntegration } from '../test/support/seed';
import { createBenchDatabase } from './database';

const rows = Number(process.env['CHANGES'] ?? 1_000_000);
const database = await createBenchDatabase(`halo_sync_bench_changes_${process.pid}`);
try {
  const { integrationId } = await seedIntegration(database.db);
  const other = await seedIntegration(database.db);
  // Many transactions' worth of changes, as syncs write them: 1,000 per transaction (one statement each).
  for (let done = 0; done < rows; done += 1000) {
    await database.sql`insert into record_changes (integration_id, kind, halo_id, change)
      select ${integrationId}, 'hardware', g, 'updated' from generate_series(${done}::int, ${done + 999}::int) g`;
  }
  await database.sql`insert into record_changes (integration_id, kind, halo_id, change)
                     select ${other.integrationId}, 'hardware', g, 'created' from generate_series(1, 200000) g`;
  await database.sql`vacuum analyze record_changes`;
  const [last] = await database.sql<{ xid: string; id: string }[]>`
    select xid::text, id::text from record_changes where integration_id = ${integrationId} order by xid desc, id desc offset 100 limit 1`;
  const time = async (label: string, run: () => Promise<unknown>) => {
    await run();
    const samples: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const started = performance.now();
      await run();
      samples.push(performance.now() - started);
    }
    samples.sort((a, b) => a - b);
    console.log(`${label}: median ${samples[10]!.toFixed(2)} ms, max ${samples.at(-1)!.toFixed(2)} ms`);
  };
  console.log(`${rows} changes in one integration, 200000 in another`);
  await time('head (first 100)', () => readChanges(database.db, { integrationId, limit: 100 }));
  await time('tail (last 100)', () =>
    readChanges(database.db, { integrationId, limit: 100, after: { xid: last!.xid, id: Number(last!.id) } }),
  );
  await time('tail, kind=hardware', () =>
    readChanges(database.db, {
      integrationId,
      kind: 'hardware',
      limit: 100,
      after: { xid: last!.xid, id: Number(last!.id) },
    }),
  );
} finally {
  await database.drop();
}
