// FullSync's orchestration alone: its activities replaced by functions in this file, on Temporal's
// time-skipping test server, with no database and no Halo. The window of pages in flight, continue-as-new with
// its counters carried over, waits slept out on timers, and cancel.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type {
  FinishSyncInput,
  PlanSyncInput,
  SweepDeletionsInput,
  SyncPageInput,
  SyncPageResult,
  SyncPlan,
} from '../../activities/types';
import { FullSync, type SyncOptions } from '../../workflows/sync';
import { startTimeSkippingServer, workflowBundle } from '../support/temporal';

const records = 950; // 10 pages of 100
const options: SyncOptions = { pageSize: 100, concurrency: 3, pagesPerActivity: 1, maxPagesPerRun: 4 };

/** Activities that record what the workflow asked for and answer as a 950-asset tenant would. */
function fakeActivities(
  behaviour: { waitFirstTimes?: number; blockPages?: boolean; planWritesFirstPages?: boolean } = {},
) {
  const seen = {
    pages: [] as number[],
    maxInFlight: 0,
    runIds: new Set<string>(),
    finished: [] as string[],
    swept: [] as string[],
    planInputs: [] as PlanSyncInput[],
    /** Hardware pages' starts and ends in order, e.g. 'start 2', 'end 2', with the run each was in. */
    timeline: [] as { event: string; runId: string }[],
  };
  let inFlight = 0;
  let waitsLeft = behaviour.waitFirstTimes ?? 0;
  const attempts: number[] = [];
  return {
    seen,
    attempts,
    activities: {
      async planSync(input: PlanSyncInput): Promise<SyncPlan> {
        seen.planInputs.push(input);
        const plan: SyncPlan = {
          recordCounts: { customers: 0, hardware: records, software: 0 },
          skipped: {},
          changedSince: {},
        };
        if (!behaviour.planWritesFirstPages || input.firstPageSize === undefined) return plan;
        // As planSync does: page 1 of each kind fetched and written; only hardware held rows before.
        const none = { received: 0, created: 0, updated: 0, unchanged: 0, pageSize: input.firstPageSize };
        return {
          ...plan,
          firstPages: {
            customers: { ...none, recordCount: 0 },
            hardware: { ...none, received: 100, created: 100, recordCount: records },
            software: { ...none, recordCount: 0 },
          },
          hadRows: { customers: false, hardware: true, software: false },
        };
      },
      async syncPage(input: SyncPageInput): Promise<SyncPageResult> {
        const ctx = Context.current();
        attempts.push(ctx.info.attempt);
        seen.runIds.add(ctx.info.workflowExecution?.runId ?? '');
        if (waitsLeft > 0) {
          waitsLeft--;
          const wait = { received: 0, created: 0, updated: 0, unchanged: 0, pagesWritten: 0, waitMs: 60_000 };
          return { ...wait, recordCount: null, firstId: null, lastId: null };
        }
        inFlight++;
        seen.maxInFlight = Math.max(seen.maxInFlight, inFlight);
        try {
          if (behaviour.blockPages) {
            for (;;) {
              ctx.heartbeat();
              await ctx.sleep(200);
            }
          }
          await ctx.sleep(20);
          // Only hardware has records here; the other kinds answer their first page empty.
          if (input.kind !== 'hardware') {
            const empty = {
              received: 0,
              created: 0,
              updated: 0,
              unchanged: 0,
              pagesWritten: 1,
              waitMs: null,
            };
            return { ...empty, recordCount: 0, firstId: null, lastId: null };
          }
          seen.pages.push(input.pageNo);
          const runId = ctx.info.workflowExecution?.runId ?? '';
          seen.timeline.push({ event: `start ${input.pageNo}`, runId });
          await ctx.sleep(20);
          seen.timeline.push({ event: `end ${input.pageNo}`, runId });
          const received = input.pageNo === 10 ? 50 : 100;
          return {
            received,
            created: received,
            updated: 0,
            unchanged: 0,
            pagesWritten: input.pageCount,
            waitMs: null,
            recordCount: records,
            firstId: input.pageNo * 1000,
            lastId: input.pageNo * 1000 + received - 1,
          };
        } finally {
          inFlight--;
        }
      },
      async sweepDeletions(input: SweepDeletionsInput) {
        seen.swept.push(input.kind);
        return { deleted: 0, warning: null };
      },
      async finishSync(input: FinishSyncInput) {
        seen.finished.push(input.status);
      },
    },
  };
}

describe('FullSync with its activities replaced, on the time-skipping server', { timeout: 120_000 }, () => {
  let env: TestWorkflowEnvironment;

  before(async () => {
    env = await startTimeSkippingServer();
  });
  after(async () => {
    await env?.teardown();
  });

  async function run(
    fake: ReturnType<typeof fakeActivities>,
    work: (id: string, taskQueue: string) => Promise<void>,
  ) {
    const taskQueue = `unit-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: fake.activities,
    });
    await worker.runUntil(work(randomUUID(), taskQueue));
  }

  it('keeps at most `concurrency` pages in flight, fetches each once, and carries counts across runs', async () => {
    const fake = fakeActivities();
    await run(fake, async (id, taskQueue) => {
      const outcome = await env.client.workflow.execute(FullSync, {
        taskQueue,
        workflowId: `unit-${id}`,
        args: [{ syncRunId: id, integrationId: id, options }],
      });
      assert.equal(outcome.counts.hardware.received, records);
    });
    assert.deepEqual(
      [...fake.seen.pages].sort((a, b) => a - b),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    assert.ok(fake.seen.maxInFlight <= options.concurrency, `${fake.seen.maxInFlight} in flight`);
    assert.ok(fake.seen.runIds.size >= 3, 'continued as new every few pages');
    assert.deepEqual(fake.seen.finished, ['completed']);
  });

  it('opens the window one batch wide, doubles it as batches come back whole, and carries it across runs', async () => {
    const fake = fakeActivities();
    await run(fake, async (id, taskQueue) => {
      await env.client.workflow.execute(FullSync, {
        taskQueue,
        workflowId: `unit-${id}`,
        args: [{ syncRunId: id, integrationId: id, options }],
      });
    });
    const events = fake.seen.timeline.map((t) => t.event);
    const at = (event: string) => events.indexOf(event);
    // Page 1 alone (it reveals the page cap), then page 2 alone: the window's first batch.
    assert.ok(at('start 2') > at('end 1'), events.join(', '));
    assert.ok(at('start 3') > at('end 2'), `page 3 waited for page 2: ${events.join(', ')}`);
    // Customers' page and hardware's pages 1 to 3 fill the first run (4 pages); the window, three wide by
    // then, goes to the next run, which opens at that width.
    const secondRun = fake.seen.timeline.find((t) => t.event === 'start 4')!.runId;
    const firstThree = fake.seen.timeline.filter((t) => t.runId === secondRun).slice(0, 3);
    assert.deepEqual(
      firstThree.map((t) => t.event).sort(),
      ['start 4', 'start 5', 'start 6'],
      `the second run opened at full width: ${events.join(', ')}`,
    );
  });

  it('sleeps out a budget wait on a timer and sends the page again, spending no attempt', async () => {
    const fake = fakeActivities({ waitFirstTimes: 2 });
    await run(fake, async (id, taskQueue) => {
      await env.client.workflow.execute(FullSync, {
        taskQueue,
        workflowId: `unit-${id}`,
        args: [{ syncRunId: id, integrationId: id, options }],
      });
    });
    assert.equal(fake.seen.pages.length, 10);
    assert.ok(
      fake.attempts.every((a) => a === 1),
      `attempts ${fake.attempts.join(',')}`,
    );
  });

  it('ends cancelled when cancelled mid-page, and says so to finishSync', async () => {
    const fake = fakeActivities({ blockPages: true });
    await run(fake, async (id, taskQueue) => {
      const handle = await env.client.workflow.start(FullSync, {
        taskQueue,
        workflowId: `unit-${id}`,
        // Heartbeats reach the server at most every 80% of this, and a cancel reaches the page with one.
        args: [{ syncRunId: id, integrationId: id, options: { ...options, heartbeatSeconds: 2 } }],
      });
      while (fake.seen.runIds.size === 0) await new Promise((resolve) => setTimeout(resolve, 50));
      await handle.cancel();
      const error = await handle.result().catch((e: unknown) => e);
      assert.ok(error instanceof WorkflowFailedError, String(error));
      assert.ok(error.cause instanceof CancelledFailure, String(error.cause));
    });
    assert.deepEqual(fake.seen.finished, ['cancelled']);
  });

  it('takes first pages from the plan, and sweeps only kinds that held rows before', async () => {
    const fake = fakeActivities({ planWritesFirstPages: true });
    await run(fake, async (id, taskQueue) => {
      const outcome = await env.client.workflow.execute(FullSync, {
        taskQueue,
        workflowId: `unit-${id}`,
        args: [{ syncRunId: id, integrationId: id, options }],
      });
      assert.equal(outcome.counts.hardware.received, records);
    });
    assert.equal(fake.seen.planInputs[0]?.firstPageSize, options.pageSize);
    assert.deepEqual(
      [...fake.seen.pages].sort((a, b) => a - b),
      [2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    assert.deepEqual(fake.seen.swept, ['hardware']);
    assert.deepEqual(fake.seen.finished, ['completed']);
  });
});
