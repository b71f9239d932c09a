// Every log line is one JSON object and carries no secret: the API's pino lines, the worker's Temporal
// Runtime lines, and the scrubber under both.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import Fastify, { LogController } from 'fastify';
import { apiLoggerOptions } from '../../api/logging';
import { scrubSecrets } from '../../config/logging';
import { createWorkerLogger, formatLogLine } from '../../worker/logging';

const secrets = {
  apiKey: 'hak_3c5e0f7a9b1d2e4f6a8b0c2d',
  jwt: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJoYWxvIn0.c2lnbmF0dXJl',
  secret: 'client-secret-value-42',
  password: 'pg-password-77',
};

function assertClean(text: string): void {
  for (const [name, value] of Object.entries(secrets))
    assert.ok(!text.includes(value), `${name} leaked: ${text}`);
}

describe('secrets in logs', () => {
  it('scrubs bearer tokens, API keys, JWTs, URL passwords, form secrets and private keys, and keeps the JSON valid', () => {
    const line = JSON.stringify({
      msg: `POST /auth/token client_secret=${secrets.secret}&grant_type=client_credentials failed`,
      header: `Bearer ${secrets.jwt}`,
      url: `/v1/assets?token=${secrets.apiKey}`,
      database: `postgres://halo:${secrets.password}@db:5432/halo_sync`,
      clientSecret: secrets.secret,
      nested: { access_token: secrets.jwt, apiKey: secrets.apiKey },
      pem: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----',
      harmless: 'http://127.0.0.1:8233/namespaces/default',
    });
    const scrubbed = scrubSecrets(line);
    assertClean(scrubbed);
    const parsed = JSON.parse(scrubbed) as Record<string, any>;
    assert.equal(parsed['harmless'], 'http://127.0.0.1:8233/namespaces/default');
    assert.equal(parsed['database'], 'postgres://halo:[REDACTED]@db:5432/halo_sync');
    assert.ok(!scrubbed.includes('MIIEvQIBADANBg'));
  });

  it('scrubs a 16 KB line crafted against its patterns in linear time', () => {
    // Anyone can put 16 KB into a logged request URL, without a key.
    for (const unit of ['-eyJaaaa', '-eyJaaaa.bbbb', '-----BEGIN PRIVATE KEY-----', 'Bearer ', 'a://b']) {
      const line = JSON.stringify({ url: `/v1/x?${unit.repeat(Math.ceil(16_384 / unit.length))}` });
      const started = performance.now();
      scrubSecrets(line);
      const ms = performance.now() - started;
      if (process.env['SHOW_MS']) console.log(unit, ms.toFixed(2));
      assert.ok(ms < 25, `${unit}: ${ms.toFixed(1)} ms`);
    }
    for (const around of [' ', '"', '=', ':', '(']) {
      assertClean(scrubSecrets(`x${around}${secrets.jwt}${around}y`));
    }
  });

  it('API: pino lines redact secret fields and scrub what is inside messages and errors', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const app = Fastify({ logger: { ...(apiLoggerOptions('info') as object), stream } });
    app.log.info(
      { body: { clientSecret: secrets.secret }, headers: { authorization: `Bearer ${secrets.apiKey}` } },
      'saved',
    );
    app.log.error(
      { err: new Error(`Halo said no to Bearer ${secrets.jwt}`) },
      `database postgres://u:${secrets.password}@h/db`,
    );
    await app.close();
    assert.equal(lines.length, 2);
    for (const line of lines) JSON.parse(line);
    assertClean(lines.join('\n'));
  });

  it('worker: Runtime log entries become JSON lines with the integration id and without secrets', () => {
    const integrationId = '0b8f7c3e-5d1a-4c2b-9e6f-1a2b3c4d5e6f';
    const line = formatLogLine({
      level: 'WARN',
      message: `Activity failed: Halo answered 401 to Bearer ${secrets.jwt}`,
      timestampNanos: 1_764_000_000_000_000_000n,
      meta: {
        workflowId: `halo-sync-${integrationId}`,
        activityType: 'syncPage',
        error: new Error(`client_secret=${secrets.secret}`),
        attempt: 2n,
      },
    });
    assertClean(line);
    const parsed = JSON.parse(line) as Record<string, any>;
    assert.equal(parsed['level'], 'warn');
    assert.equal(parsed['integrationId'], integrationId);
    assert.equal(parsed['activityType'], 'syncPage');
    assert.equal(parsed['attempt'], '2');
    assert.equal(parsed['error'].type, 'Error');
    assert.equal(parsed['time'], '2025-11-24T16:00:00.000Z');
  });

  it('worker: LOG_LEVEL filters what is written', () => {
    const written: string[] = [];
    const logger = createWorkerLogger('warn', (line) => written.push(line));
    logger.info('not shown');
    logger.warn('shown', { apiKey: secrets.apiKey });
    assert.equal(written.length, 1);
    assertClean(written[0]!);
    const silent: string[] = [];
    createWorkerLogger('silent', (line) => silent.push(line)).error('nothing');
    assert.deepEqual(silent, []);
  });
});

describe('one log format', () => {
  it('the API and the worker write lines of the same shape: level word, ISO time, pid, hostname, msg', async () => {
    const apiLines: string[] = [];
    const app = Fastify({
      logger: { ...(apiLoggerOptions('info') as object), stream: { write: (l: string) => apiLines.push(l) } },
      logController: new LogController({ requestIdLogLabel: 'requestId' }),
    });
    app.get('/x', async () => ({}));
    await app.inject({ method: 'GET', url: '/x' });
    await app.close();
    const api = JSON.parse(apiLines[0]!) as Record<string, unknown>;
    const worker = JSON.parse(
      formatLogLine({
        level: 'INFO',
        message: 'hello',
        timestampNanos: 1_764_000_000_000_000_000n,
        meta: {},
      }),
    ) as Record<string, unknown>;
    for (const line of [api, worker]) {
      assert.match(String(line['level']), /^(trace|debug|info|warn|error|fatal)$/);
      assert.match(String(line['time']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.equal(typeof line['pid'], 'number');
      assert.equal(typeof line['hostname'], 'string');
      assert.equal(typeof line['msg'], 'string');
    }
    assert.match(String(api['requestId']), /.+/);
  });
});
