// Starting and stopping the system's processes, for `npm start` and the end-to-end tests alike.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { projectRoot } from '../config/env';

export interface Child {
  name: string;
  process: ChildProcess;
  /** Resolves with the exit code once the process has ended, however it ended. */
  exited: Promise<number | null>;
  stop(graceMs?: number): Promise<void>;
}

export interface StartChildOptions {
  env?: NodeJS.ProcessEnv;
  /** 'inherit' streams output with a name prefix; a function receives every line. */
  output?: 'inherit' | ((line: string) => void);
}

export function startChild(
  name: string,
  command: string,
  args: string[],
  options: StartChildOptions = {},
): Child {
  const child = spawn(command, args, {
    cwd: projectRoot,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const write = options.output ?? 'inherit';
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (write === 'inherit') process.stderr.write(`[${name}] ${line}\n`);
        else write(line);
      }
    });
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  return {
    name,
    process: child,
    exited,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs a TypeScript entry point of this project in its own Node process. */
export function startTsChild(
  name: string,
  entry: string,
  options: StartChildOptions = {},
  nodeFlags: readonly string[] = [],
): Child {
  return startChild(name, process.execPath, [...nodeFlags, '--import', 'tsx', entry], options);
}

/**
 * Node flags the worker runs with everywhere (npm start, the image, the benchmark). Node 24's young
 * generation is larger than Node 20's; capped at 16 MB per semi-space, the peak RSS at 1,000,000 assets (10
 * pages per activity) fell from 429 MB to about 300 MB. With that cap the old generation needs no tight one:
 * at 256 MB V8 spent a third of a busy worker's CPU collecting; at 1024 MB the 1,000,000-asset peak stayed at
 * 346 MB and the worker's CPU on the benchmark's fleet fell from 31-33 s to 27-30 s (README, Benchmark).
 */
export const workerNodeFlags = ['--max-old-space-size=1024', '--max-semi-space-size=16'] as const;

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}

export function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url);
  return response.ok;
}

export { once };
