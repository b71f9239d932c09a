// `npm start` keeps its processes up: a child that dies (out of memory, killed) is started again after a
// pause that grows while it keeps dying, and the others carry on. A child that keeps failing right after it
// starts is broken, not unlucky (a port taken, a bad setting): then the caller is told to stop everything.
import type { Child } from './children';

export interface SuperviseOptions {
  name: string;
  /** Starts one instance of the child. */
  start: () => Child;
  /** A child that ends sooner than this after starting failed at start. */
  startupMs?: number;
  /** Failures at start in a row after which the child is given up on. */
  maxStartFailures?: number;
  /** Pause before restart `n` (1, 2, …); grows with failures in a row, reset by a child that ran a while. */
  backoffMs?: (restart: number) => number;
  log: (line: string) => void;
  /** Called once, with why, when the child is given up on. */
  onGiveUp: (reason: string) => void;
  now?: () => number;
}

export interface Supervised {
  name: string;
  /** The instance running now (or the last one, while a restart waits). */
  current(): Child;
  /** Stops the child for good: no restart after this. */
  stop(graceMs?: number): Promise<void>;
}

const defaultBackoff = (restart: number) => Math.min(30_000, 1000 * 2 ** (restart - 1));

function howItEnded(child: Child, code: number | null): string {
  const signal = child.process.signalCode;
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

export function supervise(options: SuperviseOptions): Supervised {
  const {
    name,
    startupMs = 30_000,
    maxStartFailures = 3,
    backoffMs = defaultBackoff,
    log,
    onGiveUp,
    now = Date.now,
  } = options;
  let stopped = false;
  let startFailures = 0;
  let restartsInARow = 0;
  let timer: NodeJS.Timeout | undefined;
  let child = launch();

  function launch(): Child {
    const startedAt = now();
    const started = options.start();
    log(`${name} running as pid ${started.process.pid}`);
    void started.exited.then((code) => {
      if (stopped) return;
      const ranMs = now() - startedAt;
      const failedAtStart = ranMs < startupMs;
      startFailures = failedAtStart ? startFailures + 1 : 0;
      restartsInARow = failedAtStart ? restartsInARow + 1 : 1;
      const why = `${name} ${howItEnded(started, code)} after ${(ranMs / 1000).toFixed(1)} s`;
      if (startFailures >= maxStartFailures) {
        stopped = true;
        onGiveUp(`${why}: ${startFailures} failures in a row, each within ${startupMs / 1000} s of starting`);
        return;
      }
      const pause = backoffMs(restartsInARow);
      log(`${why}; starting it again in ${(pause / 1000).toFixed(1)} s`);
      timer = setTimeout(() => {
        if (!stopped) child = launch();
      }, pause);
    });
    return started;
  }

  return {
    name,
    current: () => child,
    async stop(graceMs) {
      stopped = true;
      clearTimeout(timer);
      await child.stop(graceMs);
    },
  };
}
