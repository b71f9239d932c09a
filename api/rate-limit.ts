// Requests per API key, so one runaway script cannot starve other accounts or hammer Halo checks.
// In-process state: with several API processes behind a balancer each allows the limit on its own.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors';

export interface RateLimitOptions {
  /** Requests allowed per key per window. */
  limit: number;
  windowMs: number;
  now?: () => number;
}

export function createRateLimiter(options: RateLimitOptions) {
  const now = options.now ?? Date.now;
  const windows = new Map<string, { startedAt: number; count: number }>();

  return async function rateLimit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const key = request.account?.id;
    if (!key) return;
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
    window.count += 1;
    if (window.count > options.limit) {
      const retryAfter = Math.ceil((window.startedAt + options.windowMs - at) / 1000);
      void reply.header('retry-after', String(Math.max(1, retryAfter)));
      throw new ApiError('rate_limited', `Too many requests for this API key; try again in ${retryAfter} s.`);
    }
  };
}
