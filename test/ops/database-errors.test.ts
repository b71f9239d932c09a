// A database error carries the statement's bound values: drizzle puts them in its message and `params`,
// PostgreSQL in `detail`. None of that may reach a log line, Temporal, a run's error or the page.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import Fastify from 'fastify';
import { toActivityFailure } from '../../activities/failures';
import { userFailureMessages, userFailureTypes } from '../../activities/failures';
import { apiLoggerOptions } from '../../api/logging';
import { insertIntegration } from '../../db/integrations-repository';
import { formatLogLine } from '../../worker/logging';
import { describeFailure } from '../../workflows/sync';
import { createTestDatabase, type TestDatabase } from '../support/database';

const storedSecret = 'v1.SENSITIVE-ciphertext-0123456789';
const clientId = `client-${randomUUID()}`;

function assertNoValues(text: string): void {
  assert.ok(!text.includes(storedSecret), `the encrypted secret leaked: ${text}`);
  assert.ok(!text.includes(clientId), `a bound value leaked: ${text}`);
  assert.ok(!/params:/.test(text), `drizzle's params line leaked: ${text}`);
}

describe('database errors', { timeout: 60_000 }, () => {
  let database: TestDatabase;
  let failure: Error;

  before(async () => {
    database = await createTestDatabase();
    // A real failing statement with bound values: an integration for an account that does not exist.
    failure = await insertIntegration(database.db, {
      id: randomUUID(),
      accountId: randomUUID(),
      settings: {
        resourceServerUrl: 'https://acme.haloitsm.com/api',
        authServerUrl: 'https://acme.haloitsm.com/auth',
        tenant: 'acme',
        clientId,
      },
      clientSecretEnc: storedSecret,
      clientSecretLast4: 'abcd',
    }).then(
      () => assert.fail('the insert should have failed'),
      (e: unknown) => e as Error,
    );
    assert.match(`${failure.message}`, /params:/, 'drizzle put the values in its message');
  });

  after(() => database?.drop());

  it('reach API log lines as type, code and frames, without bound values', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const app = Fastify({ logger: { ...(apiLoggerOptions('info') as object), stream } });
    app.log.error({ err: failure }, 'request failed');
    await app.close();
    const text = lines.join('\n');
    assertNoValues(text);
    const err = (JSON.parse(lines[0] ?? '{}') as { err: { cause: Record<string, unknown> } }).err;
    assert.equal(err.cause['code'], '23503');
    assert.equal(err.cause['type'], 'PostgresError');
  });

  it('reach worker log lines the same way', () => {
    const line = formatLogLine({
      level: 'WARN',
      message: 'Activity failed',
      timestampNanos: 1_764_000_000_000_000_000n,
      meta: { error: failure, activityType: 'syncPage' },
    });
    assertNoValues(line);
    assert.match(line, /23503/);
  });

  it('become a sentence of a known type when an activity fails on one', () => {
    const converted = toActivityFailure(failure);
    assert.ok(converted instanceof ApplicationFailure);
    assert.equal(converted.type, userFailureTypes.database);
    assert.equal(converted.message, userFailureMessages.database);
    assert.equal(converted.nonRetryable, false);
    assertNoValues(JSON.stringify(converted) + String(converted.stack));

    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.9:5432'), { code: 'ECONNREFUSED' });
    assert.equal((toActivityFailure(refused) as ApplicationFailure).type, userFailureTypes.database);
    const bug = toActivityFailure(new TypeError(`cannot read ${clientId}`)) as ApplicationFailure;
    assert.equal(bug.type, userFailureTypes.internal);
    assertNoValues(bug.message);
  });

  it('and any other failure text is shown on the run as a general sentence', () => {
    const wrap = (cause: Error) =>
      new ActivityFailure(
        'activity failed',
        'syncPage',
        '1',
        RetryState.MAXIMUM_ATTEMPTS_REACHED,
        'w',
        cause,
      );
    const raw = ApplicationFailure.create({ type: 'DrizzleQueryError', message: failure.message });
    const shown = describeFailure(wrap(raw));
    assertNoValues(shown);
    assert.match(shown, /unexpected error; it has been logged/);
    assert.equal(describeFailure(new Error(failure.message)), shown);
    const halo = ApplicationFailure.create({
      type: 'HaloAuthError',
      message: 'Halo rejected the client credentials',
    });
    assert.equal(describeFailure(wrap(halo)), 'Halo rejected the client credentials');
    assert.equal(describeFailure(wrap(toActivityFailure(failure) as Error)), userFailureMessages.database);
  });
});
