// Client-credentials tokens (docs/halo-api.md §1): one request, cached per integration until shortly before
// expiry, shared by concurrent callers so a burst of activities asks Halo for one token, not twenty.
// The scope is negotiated: `all` first (Halo limits it to the application's permissions, so a permission
// added in Halo later arrives without any change here), then named scopes if Halo refuses `all`.
import { createHash } from 'node:crypto';
import type { HaloResponse, HaloRequest } from './http';
import type { SecretList } from './redact';
import { HaloAuthError } from './errors';
import { badShape, parseJsonBody, tokenError } from './response';
import type { HaloSettings } from './settings';
import { describeIssues, tokenBodySchema } from './shapes';
import type { CachedToken, TokenCache } from './token-cache';

export interface TokenSourceOptions {
  settings: HaloSettings;
  /** Scopes to ask for, best first; the next is tried only when Halo answers `invalid_scope`. */
  scopes: readonly string[];
  cache: TokenCache;
  cacheKey: string;
  send: (req: HaloRequest) => Promise<HaloResponse>;
  /** Receives every token used, so error messages can be scrubbed of it. */
  secrets: SecretList;
}

export interface TokenSource {
  /** Always asks Halo; used to check credentials and when the cached token is stale. */
  fresh(): Promise<CachedToken>;
  /** The cached token while it is fresh, otherwise a new one. */
  current(): Promise<CachedToken>;
  /** Drops `token` from the cache unless someone has already replaced it. */
  invalidate(token: CachedToken): Promise<void>;
}

const renewMarginMs = 60_000;
const inFlight = new WeakMap<TokenCache, Map<string, Promise<CachedToken>>>();

/** What a sync needs, asked for by name when `all` is refused; software before the two the guide grants. */
const namedScopes = {
  withSoftware: 'read:assets read:customers read:software',
  guide: 'read:assets read:customers',
} as const;

/** The scopes to try, best first: `all`, then the named ones. */
export const defaultScopes: readonly string[] = ['all', namedScopes.withSoftware, namedScopes.guide];

/** `remembered` (the scope that last worked) first, then the rest of the defaults in their order. */
export function scopesStartingWith(remembered: string | null | undefined): readonly string[] {
  if (!remembered) return defaultScopes;
  return [remembered, ...defaultScopes.filter((s) => s !== remembered)];
}

export function defaultCacheKey(settings: HaloSettings, scopes: readonly string[]): string {
  // The secret's hash keeps a re-entered secret from reusing a token issued for the old one.
  const secretHash = createHash('sha256').update(settings.clientSecret).digest('hex').slice(0, 16);
  return [settings.authServerUrl, settings.tenant, settings.clientId, scopes.join(','), secretHash].join('|');
}

function tokenUrl(settings: HaloSettings): URL {
  const url = new URL(`${settings.authServerUrl}/token`);
  // On-premises installs have no tenant and must not get an empty `?tenant=` (HaloAPI issue 64).
  if (settings.tenant !== '') url.searchParams.set('tenant', settings.tenant);
  return url;
}

export function createTokenSource(opts: TokenSourceOptions): TokenSource {
  const { settings, cache, cacheKey, secrets } = opts;

  if (opts.scopes.length === 0) throw new RangeError('At least one scope must be given');

  async function fetchAndStore(): Promise<CachedToken> {
    for (const [i, scope] of opts.scopes.entries()) {
      try {
        return await fetchWithScope(scope);
      } catch (error) {
        const refusedScope = error instanceof HaloAuthError && error.haloError === 'invalid_scope';
        if (!refusedScope || i === opts.scopes.length - 1) throw error;
      }
    }
    throw new RangeError('unreachable: the last scope either answers or throws');
  }

  async function fetchWithScope(scope: string): Promise<CachedToken> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: settings.clientId,
      client_secret: settings.clientSecret,
      scope,
    });
    const res = await opts.send({
      method: 'POST',
      url: tokenUrl(settings),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      maxOkBodyBytes: 64 * 1024,
    });
    if (res.status < 200 || res.status >= 300) throw tokenError(res, secrets);
    const parsed = tokenBodySchema.safeParse(parseJsonBody(res, secrets, false));
    if (!parsed.success)
      badShape(res, `a token response of the wrong shape (${describeIssues(parsed.error)})`);
    const { access_token, token_type, expires_in } = parsed.data;
    const now = Date.now();
    const lifetimeMs = expires_in * 1000;
    const token: CachedToken = {
      accessToken: access_token,
      tokenType: token_type,
      scope,
      issuedAt: now,
      expiresAt: now + lifetimeMs,
      // Short-lived tokens would otherwise be renewed on every request.
      renewAt: now + lifetimeMs - Math.min(renewMarginMs, lifetimeMs / 2),
    };
    await cache.set(cacheKey, token);
    return token;
  }

  function fresh(): Promise<CachedToken> {
    let pending = inFlight.get(cache);
    if (!pending) {
      pending = new Map<string, Promise<CachedToken>>();
      inFlight.set(cache, pending);
    }
    let running = pending.get(cacheKey);
    if (!running) {
      running = fetchAndStore().finally(() => pending.delete(cacheKey));
      pending.set(cacheKey, running);
    }
    // Another client may have started the request; this one must still know the token to scrub it.
    return running.then((token) => {
      secrets.addToken(token.accessToken);
      return token;
    });
  }

  return {
    fresh,
    async current() {
      const cached = await cache.get(cacheKey);
      if (cached && cached.renewAt > Date.now()) {
        secrets.addToken(cached.accessToken);
        return cached;
      }
      return fresh();
    },
    async invalidate(token) {
      const cached = await cache.get(cacheKey);
      if (cached?.accessToken === token.accessToken) await cache.delete(cacheKey);
    },
  };
}
