// Wraps one HTTP exchange in the tenant's request budget: every attempt (token requests included) first
// takes a slot, and a 429 pauses the whole tenant and the same request is sent again once the pause is over.
// How long the pause lasts is decided in retry-timing.ts. A 5xx is returned as it is: the activity fails and
// Temporal's retry policy backs off, which also survives a crash.
import type { TenantBudget } from './budget';
import { HaloRateLimitError } from './errors';
import type { HaloRequest, HaloResponse } from './http';
import { describeAnswer } from './response';
import { pauseAfterRateLimit, retryAfterMs, type Wait } from './retry-timing';

export interface PacingOptions {
  budget?: TenantBudget | undefined;
  /** Longest one request waits out 429s, from the first; default one window and a fifth. */
  maxRateLimitWaitMs?: number | undefined;
  secrets: Iterable<string>;
}

type Send = (req: HaloRequest) => Promise<HaloResponse>;

export function pacedSend(send: Send, opts: PacingOptions): Send {
  const { budget } = opts;
  if (!budget) return send;
  const maxWaitMs = opts.maxRateLimitWaitMs ?? budget.limits.windowMs * 1.2;
  if (!(maxWaitMs >= 0)) throw new RangeError(`maxRateLimitWaitMs must be zero or more, got ${maxWaitMs}`);

  return async (req) => {
    let firstLimitedAt: number | undefined;
    for (;;) {
      await budget.acquire();
      const res = await send(req);
      if (res.status === 429) {
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
