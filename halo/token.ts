// Client-credentials tokens (halo-api.md §1): one request, cached per integration until shortly before
// expiry, shared by concurrent callers so a burst of activities asks Halo for one token, not twenty.
import { createHash } from 'node:crypto';
import type { HaloResponse, HaloRequest } from './http';
import type { SecretList } from './redact';
import { badShape, parseJsonBody, tokenError } from './response';
import type { HaloSettings } from './settings';
import { describeIssues, tokenBodySchema } from './shapes';
import type { CachedToken, TokenCache } from './token-cache';

export interface TokenSourceOptions {
  settings: HaloSettings;
  scope: string;
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

export function defaultCacheKey(settings: HaloSettings, scope: string): string {
  // The secret's hash keeps a re-entered secret from reusing a token issued for the old one.
  const secretHash = createHash('sha256').update(settings.clientSecret).digest('hex').slice(0, 16);
  return [settings.authServerUrl, settings.tenant, settings.clientId, scope, secretHash].join('|');
}

export function tokenUrl(settings: HaloSettings): URL {
  const url = new URL(`${settings.authServerUrl}/token`);
  // On-premises installs have no tenant and must not get an empty `?tenant=` (HaloAPI issue 64).
  if (settings.tenant !== '') url.searchParams.set('tenant', settings.tenant);
  return url;
}

export function createTokenSource(opts: TokenSourceOptions): TokenSource {
  const { settings, cache, cacheKey, secrets } = opts;

  async function fetchAndStore(): Promise<CachedToken> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: settings.clientId,
      client_secret: settings.clientSecret,
      scope: opts.scope,
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
