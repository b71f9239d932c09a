// Access tokens are cached per integration because hosted Halo allows only a few hundred requests per
// five minutes (docs/halo-api.md §7); a token request per page would spend a third of that budget.
// The interface allows async stores so a cache shared between workers can be plugged in later.

export interface CachedToken {
  accessToken: string;
  tokenType: string;
  /** The scope the token was asked for (one of the candidates the client tried). */
  scope: string;
  /** Epoch ms at which Halo issued it. */
  issuedAt: number;
  /** Epoch ms at which Halo stops accepting the token. */
  expiresAt: number;
  /** Epoch ms after which we ask for a new one rather than risk a 401 mid-request. */
  renewAt: number;
}

type Awaitable<T> = T | Promise<T>;

export interface TokenCache {
  get(key: string): Awaitable<CachedToken | undefined>;
  set(key: string, token: CachedToken): Awaitable<void>;
  delete(key: string): Awaitable<void>;
}

export function createMemoryTokenCache(): TokenCache {
  const tokens = new Map<string, CachedToken>();
  return {
    get(key) {
      const token = tokens.get(key);
      if (token && token.expiresAt <= Date.now()) {
        tokens.delete(key);
        return undefined;
      }
      return token;
    },
    set(key, token) {
      tokens.set(key, token);
    },
    delete(key) {
      tokens.delete(key);
    },
  };
}

/** One cache per process, so every activity in a worker reuses the same token per integration. */
export const sharedTokenCache: TokenCache = createMemoryTokenCache();
