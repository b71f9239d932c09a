// The sync activities through MockActivityEnvironment, with no PostgreSQL and no Temporal server: the
// integration comes from memory (ActivityDeps.loadIntegration), Halo is the stand-in on 127.0.0.1, the
// request budget is the in-memory one, and the database is a guard that fails any use, so every path here
// is one that ends before a write.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ApplicationFailure, CancelledFailure, type LogLevel, type Logger } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Info } from '@temporalio/activity';
import { userFailureMessages } from '../../activities/failures';
import { createActivities, type ActivityDeps, type SyncActivities } from '../../activities/sync-activities';
import type { PlanSyncInput, SyncPageInput, SyncPageResult } from '../../activities/types';
import type { Database } from '../../db/client';
import { encryptSecret, parseEncryptionKey } from '../../db/crypto';
import type { Integration } from '../../db/schema/index';
import { tenantKeyOf, type RequestBudget } from '../../halo/budget';
import { createMemoryRequestBudget } from '../../halo/budget-memory';
import { startHaloStandin, type HaloStandin } from '../../standin';

const key = parseEncryptionKey(randomBytes(32).toString('hex'));

/** Every use of the database fails loudly: these tests cover what happens before a page is written. */
function noDatabase(used: string[]): Database {
  return new Proxy({} as Database, {
    get(_target, prop) {
      used.push(String(prop));
      throw new Error(`the unit layer has no database (db.${String(prop)})`);
    },
  });
}

function integrationOf(standin: HaloStandin, secret = standin.settings.clientSecret): Integration {
  const id = randomUUID();
  const now = new Date();
  return {
    id,
    accountId: randomUUID(),
    resourceServerUrl: standin.settings.resourceServerUrl,
    authServerUrl: standin.settings.authServerUrl,
    tenant: standin.settings.tenant,
    clientId: standin.settings.clientId,
    clientSecretEnc: encryptSecret(key, secret, id),
    clientSecretLast4: secret.slice(-4),
    budgetRequests: null,
    budgetWindowSeconds: null,
    tokenScope: null,
    staleAfterHours: null,
    staleReportedFor: null,
    createdAt: now,
    updatedAt: now,
  };
}

function pageOf(integration: Integration, overrides: Partial<SyncPageInput> = {}): SyncPageInput {
  return {
    syncRunId: randomUUID(),
    integrationId: integration.id,
    kind: 'hardware',
    pageNo: 1,
    pageCount: 2,
    pageSize: 50,
    markSeen: true,
    changedSince: null,
    pagesTotal: 4,
    ...overrides,
  };
}

/** A logger that keeps what the activity logged, so a test can see the operator was told. */
function keptLogger(lines: { level: LogLevel; message: string }[]): Logger {
  const keep = (level: LogLevel) => (message: string) => void lines.push({ level, message });
  return {
    log: (level, message) => void lines.push({ level, message }),
    trace: keep('TRACE'),
    debug: keep('DEBUG'),
    info: keep('INFO'),
    warn: keep('WARN'),
    error: keep('ERROR'),
  };
}

/** One page activity run in `env`, as a worker would run it. */
function runPage(
  env: MockActivityEnvironment,
  activities: SyncActivities,
  input: SyncPageInput,
): Promise<SyncPageResult> {
  return env.run<[SyncPageInput], SyncPageResult, (page: SyncPageInput) => Promise<SyncPageResult>>(
    (page) => activities.syncPage(page),
    input,
  );
}

function runPlan(env: MockActivityEnvironment, activities: SyncActivities, input: PlanSyncInput) {
  return env.run((plan: PlanSyncInput) => activities.planSync(plan), input);
}

async function failureOf(work: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await work.then(
    () => assert.fail('the activity should have failed'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ApplicationFailure, `not an ApplicationFailure: ${String(error)}`);
  return error;
}

describe('sync activities through MockActivityEnvironment', { timeout: 60_000 }, () => {
  let standin: HaloStandin;
  let dbUsed: string[];
  let logged: { level: LogLevel; message: string }[];

  before(async () => {
    standin = await startHaloStandin({ seed: 5, customers: 10, assets: 120, licences: 10 });
  });
  after(async () => {
    await standin?.close();
  });
  beforeEach(() => {
    dbUsed = [];
    logged = [];
    standin.setFaults({ latencyMs: 0, intercept: undefined });
    standin.resetStats();
  });

  function activitiesFor(integration: Integration | Error, extra: Partial<ActivityDeps> = {}) {
    return createActivities({
      db: noDatabase(dbUsed),
      loadIntegration: async (id) => {
        if (integration instanceof Error) throw integration;
        return id === integration.id ? integration : null;
      },
      encryptionKey: key,
      allowPrivateHaloUrls: true,
      haloTimeoutMs: 5_000,
      ...extra,
    });
  }

  function environment(info: Partial<Info> = {}) {
    return new MockActivityEnvironment(info, { logger: keptLogger(logged) });
  }

  /** A budget of one request a minute whose one slot is already taken. */
  async function fullBudget(integration: Integration): Promise<RequestBudget> {
    const budget = createMemoryRequestBudget({ defaults: { requests: 1, windowMs: 60_000 } });
    await budget.acquire(tenantKeyOf(integration), budget.defaults);
    return budget;
  }

  it('hands a page that finds no request slot back at once, unwritten, with how long to wait', async () => {
    const integration = integrationOf(standin);
    const activities = activitiesFor(integration, { requestBudget: await fullBudget(integration) });
    const started = Date.now();
    const result = await runPage(
      environment({ heartbeatTimeoutMs: 30_000 }),
      activities,
      pageOf(integration),
    );

    // Not slept out and not left to a heartbeat timeout: the workflow waits on a timer instead.
    assert.ok(Date.now() - started < 2_000, `took ${Date.now() - started} ms`);
    assert.equal(result.pagesWritten, 0);
    assert.equal(result.recordCount, null);
    assert.ok(
      result.waitMs !== null && result.waitMs > 50_000 && result.waitMs <= 61_000,
      `${result.waitMs}`,
    );
    assert.equal(standin.stats.requests, 0, 'no request went to Halo');
    assert.deepEqual(dbUsed, []);
  });

  it('fails planSync with a HaloBudgetWait carrying the wait, which no retry policy spends an attempt on', async () => {
    const integration = integrationOf(standin);
    const activities = activitiesFor(integration, { requestBudget: await fullBudget(integration) });
    const started = Date.now();
    const failure = await failureOf(
      runPlan(environment(), activities, {
        syncRunId: randomUUID(),
        integrationId: integration.id,
        kind: 'full',
      }),
    );

    assert.ok(Date.now() - started < 2_000);
    assert.equal(failure.type, 'HaloBudgetWait');
    assert.equal(failure.nonRetryable, true);
    const waitMs = (failure.details?.[0] as { waitMs?: number } | undefined)?.waitMs;
    assert.ok(typeof waitMs === 'number' && waitMs > 50_000 && waitMs <= 61_000, `waitMs ${waitMs}`);
    assert.equal(standin.stats.requests, 0);
  });

  it("turns Halo's refusal of the credentials into a failure that is not retried", async () => {
    const integration = integrationOf(standin, 'not-the-secret-halo-knows');
    const activities = activitiesFor(integration);
    const failure = await failureOf(runPage(environment(), activities, pageOf(integration)));

    assert.equal(failure.type, 'HaloAuthError');
    assert.equal(failure.nonRetryable, true);
    assert.match(failure.message, /client/i);
    assert.ok(!failure.message.includes('not-the-secret-halo-knows'), 'the secret is in the message');
  });

  it("turns Halo's 503 into a failure the retry policy retries", async () => {
    const integration = integrationOf(standin);
    standin.setFaults({
      intercept: (req, res) => {
        if (!req.url?.startsWith('/api/')) return false;
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ Message: 'Service Unavailable' }));
        return true;
      },
    });
    const activities = activitiesFor(integration);
    const failure = await failureOf(runPage(environment(), activities, pageOf(integration)));

    assert.equal(failure.type, 'HaloServerError');
    assert.equal(failure.nonRetryable, false);
    assert.deepEqual(dbUsed, []);
  });

  it('replaces an unexpected error with the SyncInternalError sentence, logging it for the operator', async () => {
    const activities = activitiesFor(new Error('cannot parse row for acme: password=hunter2'));
    const failure = await failureOf(runPage(environment(), activities, pageOf(integrationOf(standin))));

    assert.equal(failure.type, 'SyncInternalError');
    assert.equal(failure.message, userFailureMessages.internal);
    assert.ok(!JSON.stringify(failure).includes('hunter2'));
    assert.ok(!(failure.cause?.message ?? '').includes('hunter2'), 'the original error rides along as cause');
    assert.ok(
      logged.some((l) => l.level === 'ERROR' && l.message === 'activity failed'),
      'nothing was logged for the operator',
    );
  });

  it("reports the database's errors as SyncDatabaseError, again without their text", async () => {
    const error = Object.assign(new Error('duplicate key value violates unique constraint: (secret)'), {
      name: 'PostgresError',
    });
    const activities = activitiesFor(error);
    const failure = await failureOf(
      runPlan(environment(), activities, {
        syncRunId: randomUUID(),
        integrationId: randomUUID(),
        kind: 'full',
      }),
    );

    assert.equal(failure.type, 'SyncDatabaseError');
    assert.equal(failure.message, userFailureMessages.database);
  });

  it('stops a page when its workflow cancels it, before anything is written', async () => {
    const integration = integrationOf(standin);
    standin.setFaults({ latencyMs: 300 });
    const activities = activitiesFor(integration);
    const env = environment({ heartbeatTimeoutMs: 30_000 });
    const page = runPage(env, activities, pageOf(integration));
    setTimeout(() => env.cancel(), 100);

    await assert.rejects(page, CancelledFailure);
    assert.deepEqual(dbUsed, [], 'the page went on to its write');
  });

  it('does not start a page whose workflow has already cancelled it', async () => {
    const integration = integrationOf(standin);
    const activities = activitiesFor(integration);
    const env = environment();
    env.cancel();

    await assert.rejects(runPage(env, activities, pageOf(integration)), CancelledFailure);
    assert.equal(standin.stats.requests, 0);
  });

  it('heartbeats on a timer while a slow page is fetched, so only a dead worker meets the timeout', async () => {
    const integration = integrationOf(standin);
    standin.setFaults({ latencyMs: 1_000 });
    const activities = activitiesFor(integration);
    // A 600 ms heartbeat timeout: heartbeats every 200 ms, so the 700 ms before the cancel see several.
    const env = environment({ heartbeatTimeoutMs: 600 });
    const beats: number[] = [];
    env.on('heartbeat', () => beats.push(Date.now()));
    const page = runPage(env, activities, pageOf(integration, { pageCount: 1 }));
    setTimeout(() => env.cancel(), 700);

    await assert.rejects(page, CancelledFailure);
    assert.ok(beats.length >= 3, `${beats.length} heartbeats`);
    const gaps = beats.slice(1).map((t, i) => t - beats[i]!);
    assert.ok(Math.max(...gaps) < 600, `a gap of ${Math.max(...gaps)} ms reached the heartbeat timeout`);
  });
});
