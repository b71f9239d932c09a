// docker-compose.yml as docker-compose itself reads it (no engine needed): it validates, refuses to run
// without its secrets, starts each process only after the one-shot steps it needs, checks the health of
// what runs, and gives a stopping worker longer than its grace period.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { projectRoot } from '../../config/env';
import { entryPoints } from '../../scripts/entry-points';

const run = promisify(execFile);
const secrets = {
  ENCRYPTION_KEY: 'a'.repeat(64),
  POSTGRES_PASSWORD: 'compose-test-password',
  DATABASE_URL: 'postgres://postgres:compose-test-password@postgres:5432/halo_sync',
};

// Only what the test gives: a developer's own .env or shell must not change the result.
const scratch = mkdtempSync(join(tmpdir(), 'halo-sync-compose-'));
const emptyEnvFile = join(scratch, 'empty.env');
writeFileSync(emptyEnvFile, '');

async function compose(args: string[], env: Record<string, string> = secrets) {
  return run('docker-compose', ['--env-file', emptyEnvFile, ...args], {
    cwd: projectRoot,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
  });
}

async function hasCompose(): Promise<boolean> {
  return run('docker-compose', ['version']).then(
    () => true,
    () => false,
  );
}

/** The resolved file as JSON, through the YAML parser docker-compose (Python) itself ships with. */
async function resolved(): Promise<any> {
  const { stdout } = await compose(['config']);
  const json = execFileSync(
    'python3',
    ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'],
    {
      input: stdout,
      encoding: 'utf8',
    },
  );
  return JSON.parse(json);
}

describe('docker-compose.yml', { timeout: 60_000 }, () => {
  let available = false;
  let config: any;

  before(async () => {
    available = await hasCompose();
    if (available) config = await resolved();
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('is valid for docker-compose', async (t) => {
    if (!available) return t.skip('docker-compose is not installed (scripts/setup.sh installs it)');
    await compose(['config', '-q']);
    const services = Object.keys(config.services).sort();
    assert.deepEqual(services, [
      'api',
      'migrate',
      'postgres',
      'search-attributes',
      'temporal',
      'temporal-namespace',
      'temporal-schema',
      'temporal-ui',
      'worker',
    ]);
  });

  it('refuses to run without its secrets, naming each', async (t) => {
    if (!available) return t.skip('docker-compose is not installed');
    for (const name of Object.keys(secrets)) {
      const without = Object.fromEntries(Object.entries(secrets).filter(([k]) => k !== name));
      await assert.rejects(compose(['config', '-q'], without), (error: { stderr: string }) => {
        assert.match(error.stderr, new RegExp(name));
        return true;
      });
    }
  });

  it('runs the API, the worker and the one-shot steps from the Dockerfile, with entry points that exist', (t) => {
    if (!available) return t.skip('docker-compose is not installed');
    for (const name of ['api', 'worker', 'migrate', 'search-attributes']) {
      const service = config.services[name];
      assert.equal(service.build.context, projectRoot, name);
      // A program `npm run build` emits (test/ops/build.test.ts builds them), whose source exists: this file
      // must pass on a clean checkout, before any build has made dist/.
      const entry = (service.command as string[]).at(-1)!;
      const program = /^dist\/(.+)\.js$/.exec(entry)?.[1];
      const source = program ? (entryPoints as Record<string, string>)[program] : undefined;
      assert.ok(source, `${name}: ${entry} is not a program the build emits`);
      assert.ok(existsSync(join(projectRoot, source)), `${name}: ${source}`);
    }
    assert.equal(config.services['temporal'].environment.DB, 'postgres12', 'Temporal persists to PostgreSQL');
    assert.match(
      config.services['temporal-schema'].command.join(' '),
      /temporal-sql-tool[\s\S]*update-schema/,
    );
  });

  it('starts each process after what it needs, and checks the health of what keeps running', (t) => {
    if (!available) return t.skip('docker-compose is not installed');
    const needs = (name: string) => config.services[name].depends_on as Record<string, { condition: string }>;
    const oneShots = ['temporal-schema', 'temporal-namespace', 'migrate', 'search-attributes'];
    for (const name of oneShots) assert.equal(config.services[name].restart, 'no', name);
    for (const name of ['api', 'worker']) {
      assert.deepEqual(needs(name), {
        migrate: { condition: 'service_completed_successfully' },
        'search-attributes': { condition: 'service_completed_successfully' },
      });
    }
    assert.equal(
      needs('search-attributes')['temporal-namespace']?.condition,
      'service_completed_successfully',
    );
    assert.equal(needs('temporal')['temporal-schema']?.condition, 'service_completed_successfully');
    assert.equal(needs('temporal-schema')['postgres']?.condition, 'service_healthy');
    for (const name of ['postgres', 'temporal', 'api', 'worker']) {
      assert.ok(config.services[name].healthcheck?.test, `${name} has a health check`);
    }
    assert.match(config.services['api'].healthcheck.test.join(' '), /\/healthz/);
    const worker = config.services['worker'];
    assert.match(
      worker.healthcheck.test.join(' '),
      new RegExp(`:${worker.environment.WORKER_HTTP_PORT}/healthz`),
    );
  });

  it('lets a stopping worker finish its pages, and publishes nothing but the API and the UI on loopback', (t) => {
    if (!available) return t.skip('docker-compose is not installed');
    const worker = config.services['worker'];
    const graceSeconds = Number(worker.environment.WORKER_SHUTDOWN_GRACE_SECONDS);
    const stopSeconds = Number(/^(\d+)s$/.exec(worker.stop_grace_period)?.[1]);
    assert.ok(stopSeconds > graceSeconds, `stop_grace_period ${stopSeconds}s <= grace ${graceSeconds}s`);
    assert.equal(worker.ports, undefined, 'workers publish no port, so they scale');
    const published = Object.entries<any>(config.services).flatMap(([name, s]) =>
      ((s.ports ?? []) as string[]).map((p) => `${name} ${p}`),
    );
    assert.deepEqual(published.sort(), [
      'api 127.0.0.1:3000:3000/tcp',
      'temporal-ui 127.0.0.1:8233:8080/tcp',
    ]);
    assert.equal(config.services['api'].environment.METRICS_TOKEN, '', 'no metrics token unless one is set');
  });

  it('passes secrets only to the processes that use them', (t) => {
    if (!available) return t.skip('docker-compose is not installed');
    const withKey = Object.entries<any>(config.services)
      .filter(([, s]) => s.environment && 'ENCRYPTION_KEY' in s.environment)
      .map(([name]) => name);
    assert.deepEqual(withKey.sort(), ['api', 'worker']);
    assert.equal(config.services['search-attributes'].environment.DATABASE_URL, undefined);
  });
});
