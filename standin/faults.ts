// The stand-in's misbehaviour on demand: Halo's rolling-window rate limit (docs/halo-api.md §7) and the faults a
// network and a struggling server produce (5xx pages, resets, silence, cut-off and broken JSON, latency).
// Every random choice comes from one seeded generator, so a run with the same seed and the same order of
// requests misbehaves the same way.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRandom } from './generate';

export interface RateLimit {
  requests: number;
  windowMs: number;
}

/** Fault switches; set them at start, on `standin.faults`, or with `standin.setFaults`. */
export interface StandinFaults {
  /** Runs before everything else; return true when it has answered (or dropped) the request itself. */
  intercept?: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
  /** Share of requests answered 500, 502 or 503, with JSON or HTML bodies. */
  errorRate?: number | undefined;
  /** Share of requests whose connection is destroyed before any answer. */
  resetRate?: number | undefined;
  /** Share of requests never answered. */
  timeoutRate?: number | undefined;
  /** Share of answers whose JSON body is cut off part-way. */
  truncateRate?: number | undefined;
  /** Share of answers with a 200 body that is not valid JSON. */
  malformedRate?: number | undefined;
  /** Delay before answering: fixed, or uniform in [min, max]. */
  latencyMs?: number | readonly [number, number] | undefined;
  /** Whether the faults above also hit the token endpoint; off by default. The rate limit always does. */
  faultsOnToken?: boolean | undefined;
  /** Halo's limiter over every request of the tenant, token requests included; null for none. */
  rateLimit?: RateLimit | null | undefined;
  /** Seeds the generator behind every random choice; setting it again restarts the sequence. */
  seed?: number | undefined;
}

export type FaultKind = 'error' | 'reset' | 'timeout' | 'truncate' | 'malformed';

export function emptyFaultCounts(): Record<FaultKind, number> {
  return { error: 0, reset: 0, timeout: 0, truncate: 0, malformed: 0 };
}

export class FaultDice {
  private random: () => number;

  constructor(seed: number) {
    this.random = createRandom(seed);
  }

  reseed(seed: number): void {
    this.random = createRandom(seed);
  }

  next(): number {
    return this.random();
  }

  /** At most one fault per request: the shares are laid end to end on [0, 1). */
  pick(faults: StandinFaults): FaultKind | undefined {
    const roll = this.random();
    let edge = 0;
    for (const [kind, share] of [
      ['error', faults.errorRate],
      ['reset', faults.resetRate],
      ['timeout', faults.timeoutRate],
      ['truncate', faults.truncateRate],
      ['malformed', faults.malformedRate],
    ] as const) {
      edge += share ?? 0;
      if (roll < edge) return kind;
    }
    return undefined;
  }

  latency(setting: StandinFaults['latencyMs']): number {
    if (setting === undefined) return 0;
    if (typeof setting === 'number') return setting;
    const [min, max] = setting;
    return min + this.random() * (max - min);
  }

  choose<T>(options: readonly T[]): T {
    return options[Math.floor(this.random() * options.length)]!;
  }
}

/** A sliding-window log of admitted requests; refused ones do not count, as a limiter with a log works. */
export class RollingLimiter {
  private admitted: number[] = [];

  /** True when the request may pass (and is then counted). */
  admit(limit: RateLimit, now = Date.now()): boolean {
    const cutoff = now - limit.windowMs;
    let drop = 0;
    while (drop < this.admitted.length && this.admitted[drop]! <= cutoff) drop++;
    if (drop > 0) this.admitted = this.admitted.slice(drop);
    if (this.admitted.length >= limit.requests) return false;
    this.admitted.push(now);
    return true;
  }

  reset(): void {
    this.admitted = [];
  }
}

/** Halo's words (warranty#51, HaloAPI issue 31), with this limiter's numbers; no Retry-After. */
export function sendRateLimited(res: ServerResponse, limit: RateLimit): void {
  const minutes = limit.windowMs / 60_000;
  const window = Number.isInteger(minutes) ? `${minutes} minute` : `${limit.windowMs / 1000} second`;
  const body = `Rate Limit Reached - ${limit.requests} Requests per rolling ${window} window`;
  res.writeHead(429, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

const serverErrors = [
  { status: 500, type: 'application/json', body: '{"Message":"An error has occurred."}' },
  {
    status: 502,
    type: 'text/html',
    body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>',
  },
  {
    status: 503,
    type: 'text/html',
    body: '<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body><h2>The service is unavailable.</h2></body></html>',
  },
  {
    status: 503,
    type: 'application/json',
    body: '{"ClassName":"System.Data.SqlClient.SqlException","Message":"Timeout expired."}',
  },
] as const;

export function sendServerError(res: ServerResponse, dice: FaultDice): void {
  const { status, type, body } = dice.choose(serverErrors);
  res.writeHead(status, {
    'content-type': `${type}; charset=utf-8`,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * Cuts a JSON body part-way, in one of two ways a network does it: the connection drops before the
 * declared length arrives, or a proxy passes on a short body as if it were whole.
 */
export function sendTruncated(res: ServerResponse, status: number, body: string, dice: FaultDice): void {
  const bytes = Buffer.from(body, 'utf8');
  const cut = Math.max(1, Math.floor(bytes.length * (0.2 + dice.next() * 0.6)));
  const head = bytes.subarray(0, cut);
  if (dice.next() < 0.5) {
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': bytes.length,
    });
    res.write(head, () => res.destroy());
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': head.length });
  res.end(head);
}

const malformedBodies = [
  '{"record_count": 3, "assets": [{"id": 1,}, {"id": 2}]}',
  "{'record_count': 1, 'clients': [{'id': 1}]}",
  '{"record_count": NaN, "licences": []}',
  '<html><body>Object moved to <a href="/login">here</a>.</body></html>',
] as const;

export function sendMalformed(res: ServerResponse, dice: FaultDice): void {
  const body = dice.choose(malformedBodies);
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
