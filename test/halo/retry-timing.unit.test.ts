import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pauseAfterRateLimit, retryAfterMs } from '../../halo/retry-timing';

describe('retry timing', () => {
  it('reads Retry-After as seconds or as a date, and ignores what it cannot read', () => {
    const now = Date.parse('2026-03-01T10:00:00Z');
    assert.equal(retryAfterMs('120', now), 120_000);
    assert.equal(retryAfterMs('Sun, 01 Mar 2026 10:00:30 GMT', now), 30_000);
    assert.equal(retryAfterMs('Sun, 01 Mar 2026 09:00:00 GMT', now), 0);
    assert.equal(retryAfterMs(undefined, now), undefined);
    assert.equal(retryAfterMs('', now), undefined);
    assert.equal(retryAfterMs('soon', now), undefined);
  });

  it('pauses a whole window after a 429 without Retry-After, as Halo sends', () => {
    const wait = pauseAfterRateLimit({ retryAfterMs: undefined, windowMs: 300_000 });
    assert.equal(wait.ms, 300_000);
    assert.match(wait.reason, /no Retry-After, so its 300 s rolling window is assumed full/);
  });

  it('takes a Retry-After at its word, within reason', () => {
    assert.equal(pauseAfterRateLimit({ retryAfterMs: 12_000, windowMs: 300_000 }).ms, 12_000);
    assert.equal(pauseAfterRateLimit({ retryAfterMs: 86_400_000, windowMs: 300_000 }).ms, 15 * 60_000);
    assert.equal(pauseAfterRateLimit({ retryAfterMs: 0, windowMs: 300_000 }).ms, 1000);
  });
});
