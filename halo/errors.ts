// Every way talking to Halo can fail, as one hierarchy. Activities map `name` and `retryable` onto
// Temporal failures (activities/failures.ts), so a wrong secret stops a sync at once while a 503 is retried:
// `retryable` is the only place that decides.
// Messages are built by the callers (halo/response.ts, halo/http.ts) and must never contain the client
// secret or an access token; causes are copied through `safeCause` (halo/redact.ts) for the same reason.

export type HaloErrorCode =
  | 'halo_auth_failed'
  | 'halo_permission_denied'
  | 'halo_rate_limited'
  | 'halo_not_found'
  | 'halo_server_error'
  | 'halo_bad_response'
  | 'halo_unreachable'
  | 'halo_url_rejected';

export interface HaloErrorInit {
  message: string;
  status?: number | undefined;
  cause?: unknown;
}

export abstract class HaloError extends Error {
  abstract readonly code: HaloErrorCode;
  abstract readonly retryable: boolean;
  readonly status?: number;

  constructor(init: HaloErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    // Subclasses set their literal `name` only after this constructor returns; set it now as well so the
    // captured stack starts with the subclass name rather than "Error".
    this.name = new.target.name;
    Error.captureStackTrace(this, new.target);
    if (init.status !== undefined) this.status = init.status;
  }
}

/** The token endpoint (or the resource server, twice in a row) refused our credentials. */
export class HaloAuthError extends HaloError {
  override readonly name = 'HaloAuthError' as const;
  readonly code = 'halo_auth_failed' as const;
  readonly retryable = false;
  /** Halo's own error code, e.g. 'invalid_client', when it sent one. */
  readonly haloError: string | undefined;

  constructor(init: HaloErrorInit & { haloError?: string | undefined }) {
    super(init);
    this.haloError = init.haloError;
  }
}

export class HaloPermissionError extends HaloError {
  override readonly name = 'HaloPermissionError' as const;
  readonly code = 'halo_permission_denied' as const;
  readonly retryable = false;
  /** The Halo resource that was refused, e.g. 'SoftwareLicence'. */
  readonly resource: string;

  constructor(init: HaloErrorInit & { resource: string }) {
    super(init);
    this.resource = init.resource;
  }
}

export class HaloRateLimitError extends HaloError {
  override readonly name = 'HaloRateLimitError' as const;
  readonly code = 'halo_rate_limited' as const;
  readonly retryable = true;
  /** From a Retry-After header; Halo has not been seen to send one, so this is usually undefined. */
  readonly retryAfterMs: number | undefined;

  constructor(init: HaloErrorInit & { retryAfterMs?: number | undefined }) {
    super(init);
    this.retryAfterMs = init.retryAfterMs;
  }
}

export class HaloNotFoundError extends HaloError {
  override readonly name = 'HaloNotFoundError' as const;
  readonly code = 'halo_not_found' as const;
  readonly retryable = false;
}

export class HaloServerError extends HaloError {
  override readonly name = 'HaloServerError' as const;
  readonly code = 'halo_server_error' as const;
  readonly retryable = true;
}

/** Halo answered, but not with something we can use (bad JSON, wrong shape, cut-off body, odd 4xx). */
export class HaloBadResponseError extends HaloError {
  override readonly name = 'HaloBadResponseError' as const;
  readonly code = 'halo_bad_response' as const;
  readonly retryable = true;
}

export class HaloUnreachableError extends HaloError {
  override readonly name = 'HaloUnreachableError' as const;
  readonly code = 'halo_unreachable' as const;
  readonly retryable = true;
}

/** The URL guard refused to connect (private address, plain http where https is required). */
export class HaloUrlRejectedError extends HaloError {
  override readonly name = 'HaloUrlRejectedError' as const;
  readonly code = 'halo_url_rejected' as const;
  readonly retryable = false;
  readonly host: string;

  constructor(init: HaloErrorInit & { host: string }) {
    super(init);
    this.host = init.host;
  }
}

/** Every concrete Halo error. Its `name` is the failure type an activity reports it as. */
export type AnyHaloError =
  | HaloAuthError
  | HaloPermissionError
  | HaloRateLimitError
  | HaloNotFoundError
  | HaloServerError
  | HaloBadResponseError
  | HaloUnreachableError
  | HaloUrlRejectedError;
export type HaloErrorName = AnyHaloError['name'];

export function isHaloError(e: unknown): e is HaloError {
  return e instanceof HaloError;
}
