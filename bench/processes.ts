// The benchmark's child processes: the Temporal dev server, the worker, the Halo stand-in and the direct
// baseline each run as their own OS process, so each one's CPU and peak memory can be read from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { projectRoot } from '../config/env';
import { temporalCliPath } from '../config/tools';
import { portOpen, waitFor } from '../scripts/children';
import { searchAttributeDefinitions } from '../config/temporal-identity';

export interface BenchChild {
  name: string;
  pid: number;
  process: ChildProcess;
  /** Resolves with the exit code once the process has ended, however it ended. */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  env: NodeJS.ProcessEnv;
  /** Every line of stdout and stderr is appended here. */
  logFile: string;
  onLine?: (line: string) => void;
  /** Opens an IPC channel (process.send) to the child. */
  ipc?: boolean;
}

const running = new Set<BenchChild>();

export function spawnChild(name: string, command: string, args: string[], opts: SpawnOptions): BenchChild {
  const child = spawn(command, args, {
    cwd: projectRoot,
    env: opts.env,
    stdio: opts.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${name} did not start (${command})`);
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      log.write(chunk);
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) opts.onLine?.(line);
    });
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      log.end();
      resolve(code);
    });
    child.once('error', () => resolve(null));
  });
  const handle: BenchChild = {
    name,
    pid: child.pid,
    process: child,
    exited,
    async stop(graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      running.delete(handle);
    },
  };
  running.add(handle);
  void exited.then(() => running.delete(handle));
  return handle;
}

/** Stops every child still running, newest first (the worker before the server it talks to). */
export async function stopAllChildren(): Promise<void> {
  for (const child of [...running].reverse()) await child.stop(10_000).catch(() => {});
}

/**
 * Runs a file of this project in its own Node process: node [flags] --import tsx entry [args] for
 * TypeScript, plain node for the compiled JavaScript `npm run build` writes.
 */
export function spawnTs(
  name: string,
  entry: string,
  opts: SpawnOptions,
  nodeFlags: string[] = [],
  args: string[] = [],
): BenchChild {
  const loader = entry.endsWith('.js') ? [] : ['--import', 'tsx'];
  return spawnChild(name, process.execPath, [...nodeFlags, ...loader, entry, ...args], opts);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A Temporal dev server with an in-memory store and no UI, on free ports of 127.0.0.1. */
export async function startTemporal(logDir: string): Promise<{ child: BenchChild; address: string }> {
  const [port, httpPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawnChild(
    'temporal',
    temporalCliPath,
    [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--http-port',
      String(httpPort),
      '--metrics-port',
      String(metricsPort),
      '--headless',
      ...searchAttributeDefinitions.flatMap((a) => ['--search-attribute', `${a.name}=${a.type}`]),
      '--log-level',
      'warn',
    ],
    { env: process.env, logFile: join(logDir, 'temporal.log') },
  );
  await Promise.race([
    waitFor('the Temporal dev server', () => portOpen('127.0.0.1', port), 60_000),
    child.exited.then((code) => {
      throw new Error(`The Temporal dev server exited (${code}); see ${logDir}/temporal.log`);
    }),
  ]);
  return { child, address: `127.0.0.1:${port}` };
}

/** Starts a TypeScript entry point and waits until one of its output lines passes `ready`. */
export async function startTsUntil(
  name: string,
  entry: string,
  opts: Omit<SpawnOptions, 'onLine'>,
  ready: (line: string) => boolean,
  nodeFlags: string[] = [],
  timeoutMs = 120_000,
): Promise<BenchChild> {
  let resolveReady: () => void = () => {};
  const isReady = new Promise<void>((resolve) => (resolveReady = resolve));
  const child = spawnTs(name, entry, { ...opts, onLine: (line) => ready(line) && resolveReady() }, nodeFlags);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      isReady,
      child.exited.then((code) => {
        throw new Error(`${name} exited (${code}) before it was ready; see ${opts.logFile}`);
      }),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} not ready after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
  return child;
}
