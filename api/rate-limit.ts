// Requests per API key, so one runaway script cannot starve other accounts or hammer Halo checks; and
// requests without a valid key per client address, counted and refused before the key is looked up, so
// guessing keys or flooding with bad ones costs the database nothing past the limit.
// In-process state: with several API processes behind a balancer each allows the limit on its own.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors';

export interface RateLimitOptions {
  /** Requests allowed per key (or failures per address) per window. */
  limit: number;
  windowMs: number;
  now?: () => number;
}

/** Fixed windows per key: how many so far, and how long until the current window ends. */
function createWindows(options: RateLimitOptions) {
  const now = options.now ?? Date.now;
  const windows = new Map<string, { startedAt: number; count: number }>();

  function current(key: string): { startedAt: number; count: number } {
    const at = now();
    let window = windows.get(key);
    if (!window || at - window.startedAt >= options.windowMs) {
      window = { startedAt: at, count: 0 };
      windows.set(key, window);
      // Forget idle keys now and then so the map does not grow with every key ever seen.
      if (windows.size > 10_000) {
        for (const [k, w] of windows) if (at - w.startedAt >= options.windowMs) windows.delete(k);
      }
    }
    return window;
  }

  return {
    /** Counts one more for `key`; true while it is within the limit. */
    take(key: string): boolean {
      const window = current(key);
      window.count += 1;
      return window.count <= options.limit;
    },
    full(key: string): boolean {
      return current(key).count >= options.limit;
    },
    retryAfterSeconds(key: string): number {
      const window = current(key);
      return Math.max(1, Math.ceil((window.startedAt + options.windowMs - now()) / 1000));
    },
  };
}

export function createRateLimiter(options: RateLimitOptions) {
  const windows = createWindows(options);

  return async function rateLimit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const key = request.account?.id;
    if (!key) return;
    if (!windows.take(key)) {
      const retryAfter = windows.retryAfterSeconds(key);
      void reply.header('retry-after', String(retryAfter));
      throw new ApiError('rate_limited', `Too many requests for this API key; try again in ${retryAfter} s.`);
    }
  };
}

/**
 * Requests without a valid key, per client address. `check` runs before the key lookup and refuses an
 * address that has used up its failures (whatever key it sends now); `failed` counts one.
 */
export function createUnauthenticatedLimiter(options: RateLimitOptions) {
  const windows = createWindows(options);
  return {
    check: async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
      if (!windows.full(request.ip)) return;
      const retryAfter = windows.retryAfterSeconds(request.ip);
      void reply.header('retry-after', String(retryAfter));
      throw new ApiError(
        'rate_limited',
        `Too many requests without a valid API key from this address; try again in ${retryAfter} s.`,
      );
    },
    failed: (request: FastifyRequest): void => {
      windows.take(request.ip);
    },
  };
}
