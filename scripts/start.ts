// `npm start`: migrates, starts Temporal's dev server (unless TEMPORAL_ADDRESS is set), the worker and the
// API, prints where to look, keeps them running (a child that dies is started again), and stops everything
// it started on Ctrl-C, or when a child keeps failing as soon as it starts.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/env';
import { temporalConnectionOptions } from '../config/temporal-connection';
import { temporalCliPath } from '../config/tools';
import { createAccount, findAccountByApiKey } from '../db/accounts-repository';
import { createDatabase } from '../db/client';
import { migrateDatabase } from '../db/migrate';
import { registerSearchAttributes } from './search-attributes';
import { workerNodeFlags, httpOk, portOpen, startChild, startTsChild, waitFor } from './children';
import { supervise, type Supervised } from './supervise';

const config = loadConfig();

function devPort(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > 65535)
    throw new Error(`${name} must be a port number`);
  return value;
}
let temporal: Supervised | null = null;
const children: Supervised[] = [];
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    console.error('\n[start] stopping…');
    // API and worker first, so nothing talks to Temporal while it goes down.
    await Promise.all(children.map((c) => c.stop()));
    if (temporal) await temporal.stop();
  }
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

/** Keeps `start`'s child running; one that cannot get going stops everything, saying why. */
function keepRunning(name: string, start: Supervised['current']): Supervised {
  return supervise({
    name,
    start,
    log: (line) => console.error(`[start] ${line}`),
    onGiveUp: (reason) => {
      console.error(`[start] ${reason}; giving up and stopping everything`);
      void stopAll(1);
    },
  });
}

async function localApiKey(): Promise<string> {
  const file = join(config.DATA_DIR, 'local-account.json');
  const database = createDatabase(config.DATABASE_URL, { max: 1 });
  try {
    if (existsSync(file)) {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as { apiKey?: string };
      if (saved.apiKey && (await findAccountByApiKey(database.db, saved.apiKey))) return saved.apiKey;
    }
    const created = await createAccount(database.db, 'Local');
    writeFileSync(file, JSON.stringify(created) + '\n', { mode: 0o600 });
    return created.apiKey;
  } finally {
    await database.close();
  }
}

await migrateDatabase(config.DATABASE_URL);
const apiKey = await localApiKey();

const env: NodeJS.ProcessEnv = { ...process.env, ENCRYPTION_KEY: config.ENCRYPTION_KEY };
let temporalUi = config.TEMPORAL_UI_URL;
if (!process.env.TEMPORAL_ADDRESS) {
  // The dev server's ports can be moved (the start-up test does) when 7233 and 8233 are taken.
  const [host, port, uiPort] = [
    '127.0.0.1',
    devPort('TEMPORAL_DEV_PORT', 7233),
    devPort('TEMPORAL_DEV_UI_PORT', 8233),
  ];
  if (await portOpen(host, port)) {
    console.error(`[start] a Temporal server already answers on ${host}:${port}; using it`);
  } else {
    // SQLite under .data keeps runs and schedules across restarts; the Web UI listens on 8233.
    const args = ['server', 'start-dev', '--ip', host, '--port', String(port), '--ui-port', String(uiPort)];
    args.push(
      '--db-filename',
      join(config.DATA_DIR, 'temporal.db'),
      '--namespace',
      config.TEMPORAL_NAMESPACE,
    );
    args.push('--log-level', 'error');
    // Restarted on the same SQLite file, it carries on with the runs and schedules it had.
    temporal = keepRunning('temporal', () => startChild('temporal', temporalCliPath, args));
    await waitFor('the Temporal dev server', () => portOpen(host, port), 60_000);
  }
  env.TEMPORAL_ADDRESS = `${host}:${port}`;
  temporalUi = `http://127.0.0.1:${uiPort}`;
  env.TEMPORAL_UI_URL = temporalUi;
}
await registerSearchAttributes(
  temporalConnectionOptions({ ...config, TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS ?? config.TEMPORAL_ADDRESS }),
  config.TEMPORAL_NAMESPACE,
);

let workerReady: () => void = () => {};
const workerStarted = new Promise<void>((resolve) => (workerReady = resolve));
children.push(
  keepRunning('worker', () =>
    startTsChild(
      'worker',
      'worker/main.ts',
      {
        env,
        output: (line) => {
          process.stderr.write(`[worker] ${line}\n`);
          if (line.includes('"worker started"')) workerReady();
        },
      },
      workerNodeFlags,
    ),
  ),
);
children.push(keepRunning('api', () => startTsChild('api', 'api/server.ts', { env })));

const apiUrl = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`;
await waitFor('the API', () => httpOk(`${apiUrl}/healthz`), 60_000);
await workerStarted;
console.log(`
Halo asset sync is running.

  Web page     ${apiUrl}/#key=${apiKey}   (signs the local account in)
  API          ${apiUrl}
  Temporal UI  ${temporalUi}
  API key      ${apiKey}   (local account "Local"; kept in ${join(config.DATA_DIR, 'local-account.json')})

  Try:  curl -H "Authorization: Bearer ${apiKey}" ${apiUrl}/v1/integrations

Press Ctrl-C to stop.
`);
