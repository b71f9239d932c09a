import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createSchedules } from '../../api/schedules';
import { findSyncRunById, listSyncRuns, type SyncRunRow } from '../../db/sync-runs-repository';
import { scheduleId } from '../../config/temporal-identity';
import { startHaloStandin, type HaloStandin } from '../../standin';
import { assertMatchesStandin } from '../support/compare';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { waitFor } from '../../scripts/children';
import {
  startTestWorker,
  syncServiceFor,
  syncToEnd,
  targetOf,
  testConfig,
  waitForPages,
} from '../support/system';
import { seedIntegration } from '../support/seed';
import { startTemporalDevServer } from '../support/temporal';

describe(
  'keeping the copy fresh: incremental syncs, deletions, schedules, cancel',
  { timeout: 300_000 },
  () => {
    let temporal: TestWorkflowEnvironment;
    let database: TestDatabase;
    let worker: { worker: Worker; running: Promise<void> };
    const config = testConfig({ SYNC_MAX_PAGES_PER_RUN: '10', SYNC_PAGE_CONCURRENCY: '4' });
    const standins: HaloStandin[] = [];

    before(async () => {
      [temporal, database] = await Promise.all([startTemporalDevServer(), createTestDatabase()]);
      worker = await startTestWorker(temporal.nativeConnection, database, config);
    });

    after(async () => {
      worker?.worker.shutdown();
      await worker?.running;
      await Promise.all([temporal?.teardown(), database?.drop(), ...standins.map((s) => s.close())]);
    });

    async function tenant(opts: Parameters<typeof startHaloStandin>[0]) {
      const standin = await startHaloStandin(opts);
      standins.push(standin);
      const { account, integration } = await seedIntegration(database.db, {
        settings: standin.settings,
        encryptionKey: config.ENCRYPTION_KEY,
      });
      return { standin, target: targetOf(account, integration), integrationId: integration.id };
    }

    const sync = (target: ReturnType<typeof targetOf>, kind: 'full' | 'incremental') =>
      syncToEnd(config, database, temporal.client, target, kind);

    /** Every row's xmin: a row rewritten in any way gets a new one. */
    async function rowVersions(integrationId: string): Promise<string> {
      const rows = await database.sql`
      select string_agg(t || ':' || halo_id || ':' || x, ',' order by t, halo_id) as v from (
        select 'c' as t, halo_id, xmin::text as x from customers where integration_id = ${integrationId}
        union all select 'h', halo_id, xmin::text from hardware_assets where integration_id = ${integrationId}
        union all select 's', halo_id, xmin::text from software_assets where integration_id = ${integrationId}) r`;
      return String(rows[0]!['v']);
    }

    for (const honoured of [true, false]) {
      it(`incremental sync writes nothing on an unchanged tenant and picks up an edit (changed-since ${honoured ? 'honoured' : 'ignored'})`, async () => {
        const { standin, target, integrationId } = await tenant({
          seed: honoured ? 11 : 12,
          customers: 40,
          assets: 700,
          licences: 60,
          honourLastUpdateFilter: honoured,
        });
        assert.equal((await sync(target, 'full')).status, 'completed');
        const before = await rowVersions(integrationId);
        standin.resetStats();

        const quiet = await sync(target, 'incremental');
        assert.equal(quiet.status, 'completed', quiet.error ?? '');
        for (const kind of ['assets', 'software', 'customers'] as const) {
          assert.equal(quiet.counts[kind].created + quiet.counts[kind].updated, 0, kind);
        }
        assert.equal(await rowVersions(integrationId), before, 'an unchanged tenant rewrote rows');
        const assetPages = standin.stats.byPath['/api/Asset'] ?? 0;
        // Where Halo honours the filter, only the probes and one empty page are read, not all 7 pages.
        if (honoured) assert.ok(assetPages <= 4, `read ${assetPages} asset pages`);

        standin.touchAsset(standin.data.assets[123]!.id, { key_field: 'renamed-by-incremental' });
        const edited = await sync(target, 'incremental');
        assert.equal(edited.counts.assets.updated, 1);
        assert.equal(edited.counts.assets.created, 0);
        await assertMatchesStandin(database.sql, integrationId, standin);
      });
    }

    it('soft-deletes an asset removed from Halo on the next full sync, and revives it when it returns', async () => {
      const { standin, target, integrationId } = await tenant({
        seed: 21,
        customers: 10,
        assets: 300,
        licences: 10,
      });
      await sync(target, 'full');
      const index = 77;
      const removed = standin.data.assets.splice(index, 1)[0]!;

      const swept = await sync(target, 'full');
      assert.equal(swept.status, 'completed', swept.error ?? '');
      assert.equal(swept.counts.assets.deleted, 1);
      const [row] = await database.sql`select deleted_at, raw from hardware_assets
      where integration_id = ${integrationId} and halo_id = ${removed.id}`;
      assert.ok(row?.['deleted_at'], 'the row is kept, marked deleted');
      await assertMatchesStandin(database.sql, integrationId, standin);

      standin.data.assets.splice(index, 0, removed);
      const revived = await sync(target, 'full');
      assert.equal(revived.counts.assets.updated, 1);
      assert.equal(revived.counts.assets.deleted, 0);
      await assertMatchesStandin(database.sql, integrationId, standin);
    });

    it('never marks a live asset deleted when assets are inserted and deleted while it pages through', async () => {
      const { standin, target, integrationId } = await tenant({
        seed: 31,
        customers: 10,
        assets: 900,
        licences: 10,
      });
      await sync(target, 'full');
      standin.resetStats();
      const deletedIds: number[] = [];
      let churned = false;
      standin.faults.intercept = (req) => {
        // Once page 3 of assets is asked for, Halo loses 25 early assets (shifting every later page back)
        // and gains 10 new ones at the end.
        if (!churned && req.url?.includes('/api/Asset?') && req.url.includes('page_no=3&')) {
          churned = true;
          for (const gone of standin.data.assets.splice(20, 25)) deletedIds.push(gone.id);
          const last = standin.data.assets.at(-1)!.id;
          for (let i = 1; i <= 10; i++)
            standin.data.assets.push({ ...standin.data.assets[0]!, id: last + i });
        }
        return false;
      };
      const run = await sync(target, 'full');
      standin.faults.intercept = undefined;
      assert.ok(churned);
      assert.equal(run.status, 'completed', run.error ?? '');
      assert.deepEqual(run.warnings, []);
      // The shift hid live assets from this pass; each was confirmed with Halo rather than deleted.
      assert.ok((standin.stats.byPath['/api/Asset/{id}'] ?? 0) > 0, 'no candidate was checked with Halo');
      // Rows this pass saw before Halo dropped them are left for the next full sync; no live row is touched.
      const deletedNow = await deletedHardware(integrationId);
      assert.ok(
        deletedNow.every((id) => deletedIds.includes(id)),
        'a live asset was marked deleted',
      );
      await sync(target, 'full');
      assert.deepEqual(await deletedHardware(integrationId), deletedIds);
      await assertMatchesStandin(database.sql, integrationId, standin);
    });

    async function deletedHardware(integrationId: string): Promise<number[]> {
      const rows = await database.sql`select halo_id from hardware_assets
        where integration_id = ${integrationId} and deleted_at is not null order by halo_id`;
      return rows.map((r) => Number(r['halo_id']));
    }

    it('refuses a deletion sweep of more than half the rows and says so', async () => {
      const { standin, target, integrationId } = await tenant({
        seed: 41,
        customers: 10,
        assets: 400,
        licences: 10,
      });
      await sync(target, 'full');
      standin.data.assets.splice(0, 300);
      const run = await sync(target, 'full');
      assert.equal(run.status, 'completed', run.error ?? '');
      assert.equal(run.counts.assets.deleted, 0);
      assert.ok(
        run.warnings.some((w) => /refused/.test(w) && /300 of 400/.test(w)),
        run.warnings.join('\n'),
      );
      const live = await database.sql`select count(*)::int as n from hardware_assets
      where integration_id = ${integrationId} and deleted_at is null`;
      assert.equal(live[0]!['n'], 400);
    });

    it('a schedule firing runs an incremental sync that picks up a change', async () => {
      const { standin, target, integrationId } = await tenant({
        seed: 51,
        customers: 10,
        assets: 250,
        licences: 10,
      });
      await sync(target, 'full');
      const schedules = createSchedules({ config, temporal: temporal.client });
      await schedules.create(target, { incrementalEveryMinutes: 60, fullEveryHours: 24, paused: false });
      assert.deepEqual(await schedules.read(integrationId), {
        incrementalEveryMinutes: 60,
        fullEveryHours: 24,
        paused: false,
      });
      // The first firing is a whole interval after the schedule was made, not at the next round hour.
      const next = (await temporal.client.schedule.getHandle(scheduleId(integrationId)).describe()).info
        .nextActionTimes[0]!;
      assert.ok(next.getTime() > Date.now() + 59 * 60_000, `next firing at ${next.toISOString()}`);
      standin.touchAsset(standin.data.assets[5]!.id, { key_field: 'changed-before-the-schedule' });

      await temporal.client.schedule.getHandle(scheduleId(integrationId)).trigger();
      let runs: SyncRunRow[] = [];
      await waitFor(
        'the scheduled sync',
        async () => {
          runs = await listSyncRuns(database.db, { ...target, limit: 5 });
          return runs.length === 2 && runs[0]!.status !== 'running';
        },
        60_000,
      );
      assert.equal(runs[0]!.kind, 'incremental');
      assert.equal(runs[0]!.status, 'completed', runs[0]!.error ?? '');
      assert.equal(runs[0]!.counts.assets.updated, 1);
      await assertMatchesStandin(database.sql, integrationId, standin);

      await schedules.update(target, { incrementalEveryMinutes: 15, fullEveryHours: 6, paused: true });
      assert.deepEqual(await schedules.read(integrationId), {
        incrementalEveryMinutes: 15,
        fullEveryHours: 6,
        paused: true,
      });
      await schedules.remove(integrationId);
      assert.equal(await schedules.read(integrationId), null);
    });

    it('a schedule firing during a manual sync starts no second sync', async () => {
      const { standin, target, integrationId } = await tenant({
        seed: 61,
        customers: 10,
        assets: 400,
        licences: 10,
      });
      const schedules = createSchedules({ config, temporal: temporal.client });
      await schedules.create(target, { incrementalEveryMinutes: 60, fullEveryHours: 24, paused: false });
      standin.faults.latencyMs = 40;
      const { run: manual } = await syncServiceFor(config, database, temporal.client).startSync(
        target,
        'full',
      );
      await temporal.client.schedule.getHandle(scheduleId(integrationId)).trigger();
      await temporal.client.workflow.getHandle(manual.workflowId).result();
      standin.faults.latencyMs = 0;
      await new Promise((r) => setTimeout(r, 1500));
      const runs = await listSyncRuns(database.db, { ...target, limit: 10 });
      assert.equal(runs.length, 1, 'only the manual sync ran');
      const description = await temporal.client.schedule.getHandle(scheduleId(integrationId)).describe();
      assert.ok(description.info.numActionsTaken >= 1, 'the schedule did fire');
      await schedules.remove(integrationId);
    });

    it('fails a running sync with an actionable error when Halo stops accepting the client (invalid_client)', async () => {
      const { standin, target } = await tenant({ seed: 81, customers: 10, assets: 1500, licences: 10 });
      standin.faults.latencyMs = 100;
      const { run } = await syncServiceFor(config, database, temporal.client).startSync(target, 'full');
      await waitForPages(database, run.id, 3);
      // The application is re-saved in Halo: a new client id, and every token issued so far stops working.
      standin.config.clientId = 'a-new-client-id';
      standin.revokeAllTokens();
      const tokensBefore = standin.stats.tokenRequests;
      await temporal.client.workflow
        .getHandle(run.workflowId)
        .result()
        .catch(() => undefined);
      standin.faults.latencyMs = 0;
      const failed = (await findSyncRunById(database.db, run.id))!;
      assert.equal(failed.status, 'failed');
      assert.match(failed.error ?? '', /invalid_client/);
      assert.match(failed.error ?? '', /re-enter the Client ID and Secret/);
      // Not retried in a loop: each page in flight asked once and gave up.
      assert.ok(
        standin.stats.tokenRequests - tokensBefore <= 4,
        `${standin.stats.tokenRequests - tokensBefore} token requests`,
      );
    });

    it('cancel ends a running sync as cancelled, keeping every page it wrote whole', async () => {
      const { standin, target, integrationId } = await tenant({
        seed: 71,
        customers: 10,
        // Enough pages that a cancel after the first few finds most still to come.
        assets: 5000,
        licences: 10,
      });
      standin.faults.latencyMs = 300;
      const syncs = syncServiceFor(config, database, temporal.client);
      const { run } = await syncs.startSync(target, 'full');
      await waitForPages(database, run.id, 4);
      await syncs.cancelSync((await findSyncRunById(database.db, run.id))!);
      await temporal.client.workflow
        .getHandle(run.workflowId)
        .result()
        .catch(() => undefined);
      standin.faults.latencyMs = 0;

      const cancelled = (await findSyncRunById(database.db, run.id))!;
      assert.equal(cancelled.status, 'cancelled');
      assert.ok(cancelled.pagesDone < cancelled.pagesTotal, 'it stopped before the end');
      // Every page counted is fully in the table, and nothing else is: rows come in whole pages of 100.
      const [hw] =
        await database.sql`select count(*)::int as n from hardware_assets where integration_id = ${integrationId}`;
      assert.equal(hw!['n'], cancelled.counts.assets.created);
      assert.equal(hw!['n'] % 100, 0);
      const deleted = await database.sql`select count(*)::int as n from hardware_assets
      where integration_id = ${integrationId} and deleted_at is not null`;
      assert.equal(deleted[0]!['n'], 0, 'a cancelled run deletes nothing');
      // The next full sync completes the copy.
      assert.equal((await sync(target, 'full')).status, 'completed');
      await assertMatchesStandin(database.sql, integrationId, standin);
    });
  },
);
