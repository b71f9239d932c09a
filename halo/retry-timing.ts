// How long to wait before asking Halo again, decided in one place (as ky's core/retry-timing.ts does).
// One kind of answer calls for a wait here: 429, when the tenant's rolling window is full (docs/halo-api.md
// §7). A 5xx, a transport failure and everything else are left to the caller: the activity fails and
// Temporal's retry policy backs off, which also survives a crash.

export interface Wait {
  ms: number;
  /** Why this long, in words for logs and error messages. */
  reason: string;
}

// Longer than any sensible maintenance window; a Retry-After beyond it is more likely a bug than a promise.
const maxRetryAfterMs = 15 * 60_000;
// A "Retry-After: 0" on a 429 would otherwise have every caller of the tenant ask again at once, in a loop.
const minRateLimitPauseMs = 1000;

/** A Retry-After header in ms: delta-seconds or an HTTP date. Undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The pause after a 429, for every caller of that tenant.
 *
 * Halo's limit is a rolling window and its 429 carries no Retry-After (docs/halo-api.md §7), so nothing in the
 * answer says when room returns. What is certain is that the window was full when Halo answered, and that
 * everything in it leaves within one window. A shorter guess from our own request log would ignore whoever
 * else uses the same tenant (another integration, a PowerShell script, Halo's own apps), and a wrong guess
 * costs another 429, which may itself count against the window. So the pause is one whole window; after it
 * nothing from before is left in Halo's window, and the budget's own limit applies again.
 *
 * A Retry-After, should Halo ever send one, is taken at its word (within reason): it knows its own window.
 */
export function pauseAfterRateLimit(opts: { retryAfterMs: number | undefined; windowMs: number }): Wait {
  const { retryAfterMs: said, windowMs } = opts;
  if (said !== undefined) {
    const ms = Math.min(Math.max(said, minRateLimitPauseMs), maxRetryAfterMs);
    return { ms, reason: `Halo asked for ${seconds(said)} s (Retry-After)` };
  }
  return {
    ms: windowMs,
    reason: `Halo sent no Retry-After, so its ${seconds(windowMs)} s rolling window is assumed full`,
  };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1);
}
