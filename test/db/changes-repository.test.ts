import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { readChanges, type ChangeEntry, type ChangePosition } from '../../db/changes-repository';
import { createDatabase } from '../../db/client';
import { upsertRecords } from '../../db/records-repository';
import { softDeleteUnseen } from '../../db/soft-delete-repository';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { hardware } from './fixtures';
import { seedIntegration } from '../support/seed';

const positionOf = (e: ChangeEntry): ChangePosition => ({ xid: e.xid, id: e.id });
const isAfter = (a: ChangePosition, b: ChangePosition) =>
  BigInt(a.xid) > BigInt(b.xid) || (a.xid === b.xid && a.id > b.id);

async function readAll(t: TestDatabase, integrationId: string, after?: ChangePosition) {
  const seen: ChangeEntry[] = [];
  let position = after;
  for (;;) {
    const page = await readChanges(t.db, {
      integrationId,
      limit: 50,
      ...(position ? { after: position } : {}),
    });
    if (page.length === 0) return seen;
    seen.push(...page);
    position = positionOf(page.at(-1)!);
  }
}

describe('the change feed', () => {
  let t: TestDatabase;

  before(async () => {
    t = await createTestDatabase();
  });
  after(async () => {
    await t?.drop();
  });

  it('logs creations, content changes and deletions, and nothing for a rewrite of the same content', async () => {
    const { integrationId } = await seedIntegration(t.db);
    await upsertRecords(t.db, 'hardware', integrationId, [hardware(1), hardware(2)], { seenBySyncId: null });
    // The same content again, and a full sync that only marks rows seen: neither is a change.
    await upsertRecords(t.db, 'hardware', integrationId, [hardware(1), hardware(2)], { seenBySyncId: null });
    const runId = randomUUID();
    await upsertRecords(t.db, 'hardware', integrationId, [hardware(1, { username: 'bob' })], {
      seenBySyncId: runId,
    });
    await softDeleteUnseen(t.db, 'hardware', integrationId, runId, { maxShare: 1 });

    const changes = await readAll(t, integrationId);
    assert.deepEqual(
      changes.map((c) => `${c.change} ${c.kind} ${c.haloId}`),
      ['created hardware 1', 'created hardware 2', 'updated hardware 1', 'deleted hardware 2'],
    );
  });

  it('holds back a change committed after a later transaction, until it commits, and then hands it out', async () => {
    const { integrationId } = await seedIntegration(t.db);
    const early = t.sql.reserve();
    const conn = await early;
    try {
      await conn`begin`;
      // This transaction takes its id first but commits last.
      await conn`select pg_current_xact_id()`;
      const late = upsertRecords(t.db, 'hardware', integrationId, [hardware(20)], { seenBySyncId: null });
      await late;
      assert.deepEqual(
        await readAll(t, integrationId),
        [],
        'nothing is handed out past the open transaction',
      );
      await conn`insert into record_changes (integration_id, kind, halo_id, change)
                 values (${integrationId}, 'hardware', 10, 'created')`;
      await conn`commit`;
    } finally {
      conn.release();
    }
    const changes = await readAll(t, integrationId);
    assert.deepEqual(
      changes.map((c) => c.haloId),
      [10, 20],
    );
  });

  it(
    'never misses or repeats a change while many writers commit in random order',
    { timeout: 120_000 },
    async () => {
      const { integrationId } = await seedIntegration(t.db);
      const pool = createDatabase(t.url, { max: 16 });
      let committedChanges = 0;
      let writersDone = false;
      const writer = async (w: number) => {
        for (let round = 0; round < 6; round += 1) {
          // Each writer has its own rows, as one integration's single running sync does; shared rows could deadlock.
          const ids = [
            ...new Set(
              Array.from(
                { length: 1 + Math.floor(Math.random() * 3) },
                () => w * 100 + Math.floor(Math.random() * 5),
              ),
            ),
          ];
          const rollBack = Math.random() < 0.2;
          try {
            const counts = await pool.db.transaction(async (tx) => {
              const written = await upsertRecords(
                tx,
                'hardware',
                integrationId,
                ids.map((id) => hardware(id, { username: `w${w}-r${round}-${randomUUID()}` })),
                { seenBySyncId: null },
              );
              // Commit after a random delay, so transaction ids and commit order disagree.
              await sleep(Math.random() < 0.15 ? 300 : Math.random() * 40);
              if (rollBack) throw new Error('rolled back on purpose');
              return written;
            });
            committedChanges += counts.created + counts.updated;
          } catch (error) {
            if (!rollBack) throw error;
          }
        }
      };
      const read: ChangeEntry[] = [];
      const reader = async () => {
        let position: ChangePosition | undefined;
        for (;;) {
          const finished = writersDone;
          const page = await readChanges(t.db, {
            integrationId,
            limit: 7,
            ...(position ? { after: position } : {}),
          });
          read.push(...page);
          if (page.length > 0) position = positionOf(page.at(-1)!);
          else if (finished) return;
          else await sleep(Math.random() * 15);
        }
      };
      try {
        const reading = reader();
        await Promise.all(Array.from({ length: 12 }, (_, w) => writer(w)));
        writersDone = true;
        await reading;
      } finally {
        await pool.close();
      }

      const all = await t.sql<{ id: string }[]>`
      select id::text from record_changes where integration_id = ${integrationId}`;
      assert.equal(all.length, committedChanges, 'every committed change is logged once, no rolled-back one');
      assert.ok(committedChanges > 50, `${committedChanges} changes written`);
      for (let i = 1; i < read.length; i += 1) {
        assert.ok(
          isAfter(positionOf(read[i]!), positionOf(read[i - 1]!)),
          `the feed only moves forward: ${JSON.stringify(read.slice(Math.max(0, i - 3), i + 2))}`,
        );
      }
      const readIds = read.map((c) => c.id).sort((a, b) => a - b);
      const allIds = all.map((r) => Number(r.id)).sort((a, b) => a - b);
      assert.deepEqual(readIds, allIds, 'the reader saw every change exactly once');
    },
  );
});
