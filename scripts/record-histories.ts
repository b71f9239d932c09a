// Records a set of the workflow histories the replay tests replay (test/workflows/replay.unit.test.ts): a
// full, an incremental and a scheduled sync, a full sync that continued as new and one cancelled mid-run, each
// of a tiny Halo stand-in tenant, on a Temporal dev server and a database of its own, by the workflow code as
// it is now. It writes test/workflows/histories/<set>/, replacing that set's files and no other set's.
// Record a new set beside the old ones after a workflow change; replace or delete a set only when no run it
// stands for can still be running (README, "Changing workflow code"); never to make a failing replay pass.
//   node --import tsx scripts/record-histories.ts <set>
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { temporal } from '@temporalio/proto';
import { format } from 'prettier';
import { syncOptionsOf } from '../api/sync-service';
import { syncRunLabels } from '../config/temporal-identity';
import { findSyncRunById } from '../db/sync-runs-repository';
import type { ScheduledSync } from '../workflows/scheduled-sync';
import { startHaloStandin, type HaloStandin } from '../standin';
import { createTestDatabase } from '../test/support/database';
import { runHistories } from '../test/support/histories';
import {
  decodedPayloads,
  historiesDir,
  historyFileText,
  recordingClientSecret,
  setNamePattern,
  type RecordingName,
} from '../test/support/recorded-histories';
import { seedIntegration } from '../test/support/seed';
import {
  startTestWorker,
  syncServiceFor,
  syncToEnd,
  targetOf,
  testConfig,
  waitForPages,
} from '../test/support/system';
import { startTemporalDevServer } from '../test/support/temporal';

const set = process.argv[2] ?? '';
if (!setNamePattern.test(set)) {
  console.error(
    `usage: node --import tsx scripts/record-histories.ts <set>\n` +
      `<set> names the folder under test/workflows/histories/ in lower-case words joined by hyphens ` +
      `(e.g. the patch id of the change the set is recorded after); got ${JSON.stringify(set)}`,
  );
  process.exit(2);
}
const setDir = `${historiesDir}${set}/`;

// Pages of 5 records, two pages per activity, two activities at a time: customers take one page, hardware
// five (the first alone, then two batches side by side), software one: small files, with a window in use.
const settings = { HALO_PAGE_SIZE: '5', SYNC_PAGES_PER_ACTIVITY: '2', SYNC_PAGE_CONCURRENCY: '2' };
const config = testConfig(settings);
// Same task queue: only the workflow input differs, handing over to a new run every 2 pages.
const handingOver = { ...config, SYNC_MAX_PAGES_PER_RUN: 2 };

const [temporalEnv, database, standin] = await Promise.all([
  startTemporalDevServer(),
  createTestDatabase(),
  startHaloStandin({ seed: 12, customers: 3, assets: 22, licences: 4, clientSecret: recordingClientSecret }),
]);
const worker = await startTestWorker(temporalEnv.nativeConnection, database, config);
const client = temporalEnv.client;
const histories = new Map<string, temporal.api.history.v1.IHistory>();

try {
  const { account, integration } = await seedIntegration(database.db, {
    settings: standin.settings,
    encryptionKey: config.ENCRYPTION_KEY,
  });
  const target = targetOf(account, integration);

  const full = await syncToEnd(config, database, client, target, 'full');
  await keep('full-sync', full, 'completed');

  const incremental = await syncToEnd(config, database, client, target, 'incremental');
  await keep('incremental-sync', incremental, 'completed');

  // What the integration's Schedule starts, started here directly rather than waiting for it to fire.
  const trigger = await client.workflow.start<typeof ScheduledSync>('ScheduledSync', {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowId: `halo-sync-trigger-${integration.id}`,
    args: [{ integrationId: integration.id, fullEveryHours: 24, options: syncOptionsOf(config) }],
    ...syncRunLabels({ ...target, kind: 'scheduled' }),
  });
  const outcome = await trigger.result();
  if (!('started' in outcome) || outcome.started.status !== 'completed') {
    throw new Error(`scheduled-sync: expected a completed sync, got ${JSON.stringify(outcome)}`);
  }
  histories.set('scheduled-sync', await trigger.fetchHistory());

  const chain = await syncToEnd(handingOver, database, client, target, 'full');
  await keep('full-sync-continued-as-new', chain, 'completed');

  // Slow answers keep the pages running long enough to cancel the sync in the middle of them.
  standin.setFaults({ latencyMs: 400 });
  const service = syncServiceFor(config, database, client);
  const { run } = await service.startSync(target, 'full');
  await waitForPages(database, run.id, 2);
  await service.cancelSync(run);
  await client.workflow
    .getHandle(run.workflowId)
    .result()
    .catch(() => undefined);
  const cancelled = await findSyncRunById(database.db, run.id);
  await keep('full-sync-cancelled', cancelled!, 'cancelled');

  const files = new Map<string, string>();
  for (const [name, history] of histories) {
    files.set(name, await format(historyFileText(history), { parser: 'json' }));
  }
  checkNothingSecret(standin, files);
  mkdirSync(setDir, { recursive: true });
  for (const file of readdirSync(setDir)) {
    if (file.endsWith('.json')) rmSync(setDir + file);
  }
  for (const [name, text] of files) {
    writeFileSync(`${setDir}${name}.json`, text);
    const events = histories.get(name)?.events?.length ?? 0;
    console.error(`[record] ${set}/${name}.json: ${events} events, ${text.length} bytes`);
  }
} finally {
  worker.worker.shutdown();
  await worker.running;
  await Promise.all([temporalEnv.teardown(), database.drop(), standin.close()]);
}

/** Keeps every run of a sync's chain, after checking it ended as the recording means it to. */
async function keep(
  name: RecordingName,
  run: { status: string; workflowId: string; workflowRunId: string | null; error: string | null },
  expected: 'completed' | 'cancelled',
): Promise<void> {
  if (run.status !== expected) {
    throw new Error(`${name}: the sync ended ${run.status}, not ${expected}: ${run.error ?? ''}`);
  }
  const chain = await runHistories(client, run.workflowId, run.workflowRunId!);
  if (name === 'full-sync-continued-as-new' && chain.length < 2) {
    throw new Error(`${name}: the sync did not continue as new`);
  }
  if (name !== 'full-sync-continued-as-new' && chain.length !== 1) {
    throw new Error(`${name}: expected one run, got ${chain.length}`);
  }
  if (chain.length === 1) histories.set(name, chain[0]!);
  else chain.forEach((history, i) => histories.set(`${name}-${i + 1}`, history));
}

/** The client secret, access tokens and record data stay out of Temporal; a recording holding one is refused. */
function checkNothingSecret(standin: HaloStandin, files: Map<string, string>) {
  const records = [
    ...standin.data.assets.map((a) => a['key_field']),
    ...standin.data.customers.map((c) => c['name']),
    ...standin.data.licences.map((l) => l['name']),
  ].filter((v): v is string => typeof v === 'string' && v.length >= 6);
  const forbidden: [string, string[]][] = [
    ['the client secret', [standin.settings.clientSecret]],
    ['an access token', standin.issuedTokens()],
    ['record data', records],
  ];
  for (const [name, file] of files) {
    const text = decodedPayloads(file);
    for (const [what, values] of forbidden) {
      if (values.some((value) => text.includes(value))) throw new Error(`${name}: the history holds ${what}`);
    }
  }
}
