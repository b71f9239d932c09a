// What a failed activity tells Temporal, and through it the run's `error` and the page: a sentence meant
// for the person who set up the integration. Halo's errors already are one (halo/response.ts). Anything
// else (a database error holding bound values, a bug) is logged here, sanitised, and replaced by a
// sentence of a known type; the workflow shows only those (workflows/sync.ts describeFailure).
import { Context } from '@temporalio/activity';
import { ApplicationFailure, TemporalFailure } from '@temporalio/common';
import { loggableError } from '../config/logging';
import { failureTypes } from '../config/temporal-identity';
import { isBudgetWait } from '../halo/budget';
import { isHaloError } from '../halo/errors';

/** Failure types whose message the workflow may show as it is; anything else reads as `internal`. */
export const userFailureTypes = { database: failureTypes.database, internal: failureTypes.internal } as const;

export const userFailureMessages = {
  database:
    'The sync could not read or write its database; the step was retried, and the next sync will try again.',
  internal:
    'The sync stopped on an unexpected error inside the service; it has been logged for the operator.',
} as const;

/** postgres.js and drizzle errors, wherever they sit in the cause chain. */
function isDatabaseError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e.name === 'PostgresError' || e.name === 'DrizzleQueryError') return true;
    const code = (e as { code?: unknown }).code;
    // postgres.js's own connection errors (CONNECTION_CLOSED, CONNECT_TIMEOUT, ...), and the socket's: an
    // activity talks to Halo only through halo/, whose errors are HaloErrors, so these are the database's.
    if (
      typeof code === 'string' &&
      /^(CONNECT|ECONN|EHOSTUNREACH$|ENETUNREACH$|ETIMEDOUT$|EPIPE$)/.test(code)
    ) {
      return true;
    }
  }
  return false;
}

function log(error: unknown): void {
  try {
    Context.current().log.error('activity failed', { error: loggableError(error) });
  } catch {
    // Outside an activity (a unit test): nothing to log to.
  }
}

/**
 * Halo errors become Temporal failures of the error's name, and the error's `retryable` flag alone decides
 * whether Temporal retries: what retrying cannot fix (bad credentials, missing permission, a refused URL)
 * fails at once with the message a person needs. The workflows' retry policies name no types.
 * Temporal's own failures (a cancellation) pass as they are.
 */
export function toActivityFailure(error: unknown): unknown {
  if (error instanceof TemporalFailure) return error;
  // A wait, not a fault: it goes straight back to the workflow, which sleeps it out on a timer without
  // spending a retry attempt (architecture invariant 9).
  if (isBudgetWait(error)) {
    return ApplicationFailure.create({
      type: failureTypes.budgetWait,
      message: error.message,
      nonRetryable: true,
      details: [{ waitMs: error.waitMs }],
    });
  }
  if (isHaloError(error)) {
    return ApplicationFailure.create({
      type: error.name,
      message: error.message,
      nonRetryable: !error.retryable,
    });
  }
  if (error instanceof Error && error.name === 'AbortError') return error;
  log(error);
  const kind = isDatabaseError(error) ? 'database' : 'internal';
  return ApplicationFailure.create({ type: userFailureTypes[kind], message: userFailureMessages[kind] });
}

/** The same activities, each throwing only failures fit for a person to read. */
export function withUserFailures<T extends Record<string, (input: never) => Promise<unknown>>>(
  activities: T,
): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, activity] of Object.entries(activities)) {
    wrapped[name] = async (input: never) => {
      try {
        return await activity(input);
      } catch (error) {
        throw toActivityFailure(error);
      }
    };
  }
  return wrapped as T;
}
