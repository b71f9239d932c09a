import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodError } from 'zod';
import { unreachableDependency, type Dependency } from './unreachable';

export type ApiErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'last_admin'
  | 'not_found'
  | 'halo_auth_failed'
  | 'halo_permission_denied'
  | 'halo_unreachable'
  | 'halo_discovery_failed'
  | 'halo_url_rejected'
  | 'sync_in_progress'
  | 'sync_not_running'
  | 'payload_too_large'
  | 'rate_limited'
  | 'unsupported_media_type'
  | 'temporal_unavailable'
  | 'database_unavailable'
  | 'internal';

const statusOf = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  last_admin: 409,
  not_found: 404,
  halo_auth_failed: 422,
  halo_permission_denied: 422,
  halo_unreachable: 502,
  halo_discovery_failed: 422,
  halo_url_rejected: 400,
  sync_in_progress: 409,
  sync_not_running: 409,
  payload_too_large: 413,
  rate_limited: 429,
  unsupported_media_type: 415,
  temporal_unavailable: 503,
  database_unavailable: 503,
  internal: 500,
} as const satisfies Record<ApiErrorCode, number>;

/** An error the API answers with as it is: its message is written for the caller. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.status = statusOf[code];
  }
}

export function notFound(what: string): ApiError {
  return new ApiError('not_found', `${what} was not found.`);
}

/** Turns zod issues into `fields: {path: message}` so a form can show each next to its field. */
export function invalidRequest(error: ZodError, where: 'body' | 'query' | 'params'): ApiError {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join('.') : where;
    fields[key] ??= issue.message;
  }
  const names = Object.keys(fields).join(', ');
  return new ApiError('invalid_request', `The request ${where} is not valid: check ${names}.`, { fields });
}

/** Maps Fastify's own errors (bad JSON, size limits, media types) onto the same error body. */
function fromFastifyError(error: FastifyError): ApiError | null {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('invalid_request', 'The request body is not valid JSON.', {
        fields: { body: 'invalid JSON' },
      });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('payload_too_large', 'The request body is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('unsupported_media_type', 'Send the body as application/json.');
    default:
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        return new ApiError('invalid_request', 'The request could not be read.');
      }
      return null;
  }
}

/** How long a 503 for an outage asks the caller to wait before trying again, in seconds. */
const outageRetryAfterSeconds = 5;

/** A 503 naming the dependency that is down and saying, as a sentence, what the request did meanwhile. */
export function outage(dependency: Dependency, whatHappened: string, saved: boolean): ApiError {
  const [code, down] =
    dependency === 'temporal'
      ? (['temporal_unavailable', 'Temporal is not reachable.'] as const)
      : (['database_unavailable', 'The database is not reachable.'] as const);
  // When something was saved, `whatHappened` says what to do next; a plain retry could mislead.
  return new ApiError(code, `${down} ${whatHappened}${saved ? '' : ' Try again shortly.'}`, { saved });
}

function outageOf(error: unknown, whatHappened: string): ApiError | null {
  const dependency = unreachableDependency(error);
  return dependency ? outage(dependency, whatHappened, false) : null;
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const apiError =
    error instanceof ApiError
      ? error
      : (fromFastifyError(error as FastifyError) ??
        // An outage no route explained: a read, or a single write that did not happen.
        outageOf(error, 'Nothing was changed.') ??
        new ApiError('internal', 'Something went wrong on our side; it has been logged.'));
  if (apiError.status >= 500) request.log.error({ err: error }, 'request failed');
  if (apiError.code === 'temporal_unavailable' || apiError.code === 'database_unavailable') {
    void reply.header('retry-after', String(outageRetryAfterSeconds));
  }
  void reply.status(apiError.status).send({
    error: { code: apiError.code, message: apiError.message, ...apiError.details },
    requestId: request.id,
  });
}
