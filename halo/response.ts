// Judges Halo's answers: which HaloError a status code means, and whether a 2xx body is JSON at all.
// Hints name the Halo setting a user can change, since these messages end up in the product's UI.
import {
  HaloAuthError,
  HaloBadResponseError,
  HaloNotFoundError,
  HaloPermissionError,
  HaloRateLimitError,
  HaloServerError,
  type HaloError,
} from './errors';
import { headChars, readHaloErrorBody } from './error-body';
import type { HaloResponse } from './http';
import { safeUrl } from './redact';
import { retryAfterMs } from './retry-timing';

export interface ResourceContext {
  /** Halo's resource name, e.g. 'SoftwareLicence'; kept on HaloPermissionError. */
  resource: string;
  /** What the resource holds, in words: 'software licences'. */
  label: string;
  /** The permission a Halo application needs to read it. */
  permission: string;
}

/** "GET https://…/api/Asset?… answered 403: Halo's words", secrets removed. */
export function describeAnswer(res: HaloResponse, secrets: Iterable<string>): string {
  const said = readHaloErrorBody(res.text, secrets).message;
  const words = said === undefined ? ' with an empty body' : `: ${said}`;
  return `${res.method} ${safeUrl(res.url)} answered ${res.status}${words}`;
}

/** A non-2xx answer from the token endpoint. */
export function tokenError(res: HaloResponse, secrets: Iterable<string>): HaloError {
  if (res.status !== 400 && res.status !== 401 && res.status !== 403) {
    return statusError(res, secrets, { resource: 'token', label: 'token', permission: '' });
  }
  const haloError = readHaloErrorBody(res.text, secrets).code;
  const lead = tokenRefusal(haloError, res.status);
  return new HaloAuthError({
    message: `${lead} (${describeAnswer(res, secrets)})`,
    status: res.status,
    haloError,
  });
}

function tokenRefusal(code: string | undefined, status: number): string {
  switch (code) {
    case 'invalid_client':
    case 'unauthorized_client':
      return `Halo rejected the client credentials (${code}): re-enter the Client ID and Secret`;
    case 'invalid_request':
      return 'Halo rejected the token request (invalid_request): check the Tenant and the Authorisation Server URL';
    case 'invalid_scope':
      return 'Halo refused every scope asked for (invalid_scope): give the application the read:assets and read:customers permissions';
    case 'invalid_grant':
    case 'unsupported_grant_type':
      return `Halo refused the client-credentials grant (${code}): set the application's authentication method to "Client ID and Secret (Services)"`;
    default:
      if (status === 401) return 'Halo rejected the client credentials: re-enter the Client ID and Secret';
      if (status === 403) {
        return 'Halo refused to issue a token: check that the application is active and uses "Client ID and Secret (Services)"';
      }
      return 'Halo rejected the token request: check the Tenant, the Client ID and the Secret';
  }
}

/** A 401 that a freshly issued token did not cure. */
export function refusedTokenError(
  res: HaloResponse,
  secrets: Iterable<string>,
  ctx: ResourceContext,
): HaloError {
  return new HaloAuthError({
    message:
      `Halo refused a freshly issued access token for ${ctx.label}: check that the application's login type is ` +
      `Agent and that it has the ${ctx.permission} permission (${describeAnswer(res, secrets)})`,
    status: res.status,
    haloError: readHaloErrorBody(res.text, secrets).code,
  });
}

/**
 * Whether a 404 means "this record is gone" rather than "this is not Halo's API": ASP.NET's missing-route
 * answer and HTML error pages mean a wrong URL, and must not make a caller believe records were deleted.
 */
export function isMissingRecord(res: HaloResponse): boolean {
  if (res.status !== 404) return false;
  // The head is enough to tell, and keeps a hostile 404 body from costing more than its head.
  const text = res.text.slice(0, headChars).trim();
  if (text.startsWith('<')) return false;
  return !/No HTTP resource was found/i.test(text);
}

/** Any other non-2xx answer. */
export function statusError(res: HaloResponse, secrets: Iterable<string>, ctx: ResourceContext): HaloError {
  const answer = describeAnswer(res, secrets);
  const status = res.status;
  if (status === 403) {
    // Halo checks two places, and either can refuse: the application's permissions and the role of the
    // agent it logs in as (docs/halo-api.md §8).
    return new HaloPermissionError({
      message:
        `Halo refused to let the application read ${ctx.label}. Check both places Halo looks: the ` +
        `application's permissions (Configuration > Integrations > HaloITSM API > View Applications > the ` +
        `application > Permissions) must include ${ctx.permission}, and the role of the agent the ` +
        `application logs in as (its Agent to log in as) must be allowed to see ${ctx.label} (${answer})`,
      status,
      resource: ctx.resource,
    });
  }
  if (status === 404) {
    const which = ctx.resource === 'token' ? 'Authorisation Server URL' : 'Resource Server URL';
    return new HaloNotFoundError({
      message: `Halo has no such ${ctx.label} endpoint: check the ${which} (${answer})`,
      status,
    });
  }
  if (status === 429) {
    return new HaloRateLimitError({
      message: `Halo's rate limit was reached; requests must wait for its rolling window (${answer})`,
      status,
      retryAfterMs: retryAfterMs(res.headers['retry-after']),
    });
  }
  if (status >= 500) return new HaloServerError({ message: `Halo had a server error (${answer})`, status });
  if (status >= 300 && status < 400) {
    const location = res.headers.location;
    const to =
      typeof location === 'string' && URL.canParse(location, res.url.href)
        ? ` to ${safeUrl(new URL(location, res.url))}`
        : '';
    return new HaloBadResponseError({
      message: `Halo redirected${to}; enter the address it redirects to (${answer})`,
      status,
    });
  }
  return new HaloBadResponseError({ message: `Halo answered with an unexpected status (${answer})`, status });
}

/**
 * The body as JSON, or HaloBadResponseError. `quote` adds the start of the body to the message; it is off
 * for the token endpoint, whose body holds the access token.
 */
export function parseJsonBody(res: HaloResponse, secrets: Iterable<string>, quote: boolean): unknown {
  try {
    return JSON.parse(res.text);
  } catch {
    const seen = readHaloErrorBody(res.text, secrets).message;
    const excerpt = quote && seen !== undefined ? `: ${seen.slice(0, 120)}` : '';
    const what = res.text.trim() === '' ? 'an empty body' : `a body that is not JSON${excerpt}`;
    return badShape(res, what);
  }
}

export function badShape(res: HaloResponse, problem: string): never {
  throw new HaloBadResponseError({
    message: `${res.method} ${safeUrl(res.url)} answered ${res.status} with ${problem}`,
    status: res.status,
  });
}
