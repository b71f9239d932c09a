// Which errors mean "PostgreSQL or Temporal cannot be reached" (an outage, answered 503), as opposed to a
// fault in the request or in our code (answered as they are, or 500).
import {
  defaultGrpcRetryOptions,
  isGrpcServiceError,
  makeGrpcRetryInterceptor,
  type Client,
} from '@temporalio/client';

/**
 * The longest one Temporal call may take. Without a deadline the client's gRPC retries keep a call to an
 * unreachable server going for 18–37 s; a healthy server answers these calls in milliseconds.
 */
const temporalCallTimeoutMs = 3000;

/**
 * The API's gRPC retries: a refused connection is tried 4 times within about a second (100 ms growing by
 * 1.7), so every retry ends inside the shortest deadline below; the client's default of 10 tries with up to
 * 5 s between them is what kept calls going for half a minute, and would outlive the request.
 */
export const apiTemporalInterceptors = [
  makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 4 })),
];

/** A Temporal call that had no answer by its deadline. */
class TemporalTimeoutError extends Error {
  override readonly name = 'TemporalTimeoutError';
}

/**
 * Runs `call` (one or a few Temporal requests) under one deadline. The gRPC deadline ends the requests, but
 * the client's retry backoff can outlast it by seconds, so the caller stops waiting at the deadline itself.
 */
export async function withTemporalDeadline<T>(
  temporal: Client,
  call: () => Promise<T>,
  timeoutMs = temporalCallTimeoutMs,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TemporalTimeoutError(`Temporal did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  const work = temporal.connection.withDeadline(Date.now() + timeoutMs, call);
  work.catch(() => undefined); // when the deadline wins, nobody awaits the call's own failure
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

// gRPC UNAVAILABLE and DEADLINE_EXCEEDED: the server cannot be reached or did not answer in time.
const unreachableGrpcCodes = new Set([14, 4]);

// Node's socket errors and postgres.js's own when the server cannot be reached or drops the connection.
const unreachableDatabaseCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  // PostgreSQL's own: shutting down, starting up, out of connection slots.
  '57P01',
  '57P02',
  '57P03',
  '53300',
]);

/** The error and its causes: drizzle and the Temporal client wrap what the driver or gRPC threw. */
function* causes(error: unknown): Generator<object> {
  const seen = new Set<unknown>();
  for (let e: unknown = error; typeof e === 'object' && e !== null && !seen.has(e); e = (e as Error).cause) {
    seen.add(e);
    yield e;
  }
}

export function isTemporalUnreachable(error: unknown): boolean {
  for (const e of causes(error)) {
    if (e instanceof TemporalTimeoutError) return true;
    if (isGrpcServiceError(e) && unreachableGrpcCodes.has(e.code)) return true;
  }
  return false;
}

function isDatabaseUnreachable(error: unknown): boolean {
  for (const e of causes(error)) {
    if (isGrpcServiceError(e) || e instanceof TemporalTimeoutError) return false;
    const code = (e as { code?: unknown }).code;
    // SQLSTATE class 08: connection exceptions.
    if (typeof code === 'string' && (unreachableDatabaseCodes.has(code) || /^08[0-9A-Z]{3}$/.test(code))) {
      return true;
    }
  }
  return false;
}

export type Dependency = 'temporal' | 'database';

/** Which dependency `error` says is down, if any. */
export function unreachableDependency(error: unknown): Dependency | null {
  if (isTemporalUnreachable(error)) return 'temporal';
  if (isDatabaseUnreachable(error)) return 'database';
  return null;
}
