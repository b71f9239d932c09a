// Which errors mean "PostgreSQL or Temporal cannot be reached" (an outage, answered 503), as opposed to a
// fault in the request or in our code (answered as they are, or 500).
import { isGrpcServiceError, type Client } from '@temporalio/client';

/**
 * The longest one Temporal call may take. Without a deadline the client's gRPC retries keep a call to an
 * unreachable server going for 18–37 s; a healthy server answers these calls in milliseconds.
 */
export const temporalCallTimeoutMs = 3000;

/** Runs `call` (one or a few Temporal requests) under one deadline. */
export function withTemporalDeadline<T>(
  temporal: Client,
  call: () => Promise<T>,
  timeoutMs = temporalCallTimeoutMs,
): Promise<T> {
  return temporal.connection.withDeadline(Date.now() + timeoutMs, call);
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
    if (isGrpcServiceError(e) && unreachableGrpcCodes.has(e.code)) return true;
  }
  return false;
}

export function isDatabaseUnreachable(error: unknown): boolean {
  for (const e of causes(error)) {
    if (isGrpcServiceError(e)) return false;
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
