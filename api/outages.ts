// When PostgreSQL or Temporal goes down part way through a request that changes things, the 503 says what
// the request did and did not do (architecture invariant 12).
import { ApiError, outage } from './errors';
import { unreachableDependency, type Dependency } from './unreachable';

function dependencyOf(error: unknown): Dependency | null {
  if (error instanceof ApiError) {
    if (error.code === 'temporal_unavailable') return 'temporal';
    if (error.code === 'database_unavailable') return 'database';
    return null;
  }
  return unreachableDependency(error);
}

/**
 * The 503 for an outage: `whatHappened` says, as a sentence, what the request did and did not do, and
 * `saved` whether it changed anything. Any other error is returned as it is.
 */
export function explainOutage(error: unknown, whatHappened: string, saved: boolean): unknown {
  const dependency = dependencyOf(error);
  return dependency ? outage(dependency, whatHappened, saved) : error;
}
