// Wraps one HTTP exchange in the tenant's request budget: every attempt (token requests included) first
// takes a slot, a 429 pauses the whole tenant and the same request is sent again once the pause is over,
// and, when asked for, a gateway error is retried after a short backoff. How long each wait lasts is
// decided in retry-timing.ts.
import { setTimeout as sleep } from 'node:timers/promises';
import type { TenantBudget } from './budget';
import { HaloRateLimitError } from './errors';
import type { HaloRequest, HaloResponse } from './http';
import { describeAnswer } from './response';
import { delayAfterServerError, pauseAfterRateLimit, retryAfterMs, type Wait } from './retry-timing';

export interface PacingOptions {
  budget?: TenantBudget | undefined;
  /** Longest one request waits out 429s, from the first; default one window and a fifth. */
  maxRateLimitWaitMs?: number | undefined;
  /** Retries of a 502/503/504 inside the client; default 0, leaving them to the caller's retry policy. */
  serverErrorRetries?: number | undefined;
  secrets: Iterable<string>;
}

type Send = (req: HaloRequest) => Promise<HaloResponse>;

// A 500 is often Halo failing on one particular record, and a quick retry rarely cures it; gateway errors
// are mostly a recycle or a deploy that a second or two outlasts.
const transientStatuses = new Set([502, 503, 504]);

export function pacedSend(send: Send, opts: PacingOptions): Send {
  const { budget } = opts;
  const serverErrorRetries = opts.serverErrorRetries ?? 0;
  if (!budget && serverErrorRetries === 0) return send;
  const maxWaitMs = opts.maxRateLimitWaitMs ?? (budget ? budget.limits.windowMs * 1.2 : 0);
  if (!(maxWaitMs >= 0)) throw new RangeError(`maxRateLimitWaitMs must be zero or more, got ${maxWaitMs}`);

  return async (req) => {
    let firstLimitedAt: number | undefined;
    let serverErrors = 0;
    for (;;) {
      await budget?.acquire();
      const res = await send(req);
      if (res.status === 429 && budget) {
        const now = Date.now();
        firstLimitedAt ??= now;
        const pause = pauseAfterRateLimit({
          retryAfterMs: retryAfterMs(res.headers['retry-after']),
          windowMs: budget.limits.windowMs,
        });
        // Recorded even when this request gives up: every other caller of the tenant must still hold back.
        await budget.rateLimited(pause.ms);
        const waitedMs = now - firstLimitedAt;
        if (waitedMs + pause.ms > maxWaitMs) {
          throw stillLimited(res, opts.secrets, budget, { ms: waitedMs, maxMs: maxWaitMs, next: pause });
        }
        continue;
      }
      if (transientStatuses.has(res.status) && serverErrors < serverErrorRetries) {
        serverErrors++;
        const wait = delayAfterServerError(serverErrors, {
          retryAfterMs: retryAfterMs(res.headers['retry-after']),
        });
        await sleep(wait.ms);
        continue;
      }
      return res;
    }
  };
}

function stillLimited(
  res: HaloResponse,
  secrets: Iterable<string>,
  budget: TenantBudget,
  waited: { ms: number; maxMs: number; next: Wait },
): HaloRateLimitError {
  const { requests, windowMs } = budget.limits;
  const s = (ms: number) => (ms / 1000).toFixed(1);
  const again = waited.ms > 0 ? ` again after waiting ${s(waited.ms)} s` : '';
  return new HaloRateLimitError({
    message:
      `Halo answered 429${again}; the next pause (${waited.next.reason}) would pass the longest wait ` +
      `allowed, ${s(waited.maxMs)} s. The budget of ${requests} requests per ${windowMs / 1000} s may be more ` +
      `than this tenant allows, or something else uses it (${describeAnswer(res, secrets)})`,
    status: res.status,
    retryAfterMs: waited.next.ms,
  });
}
