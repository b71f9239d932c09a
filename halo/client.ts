// The Halo client the activities and the API use: a token request, one page of a list, one asset.
// Paging policy (when to stop, deduplication) belongs to the callers; this makes each request correct, paces
// it through the tenant's request budget when given one, and turns each failure into a HaloError.
import { Agent, type Dispatcher } from 'undici';
import type { TenantBudget } from './budget';
import { exchange, type HaloRequest, type HaloResponse } from './http';
import { pacedSend } from './paced-send';
import type { HaloKind, RawHaloRecord } from './records';
import { haloPaging, haloResources, type HaloResource } from './resources';
import { SecretList } from './redact';
import {
  badShape,
  isMissingRecord,
  parseJsonBody,
  refusedTokenError,
  statusError,
  type ResourceContext,
} from './response';
import type { HaloSettings } from './settings';
import { describeIssues, pageSchema, recordBodySchema, type Page } from './shapes';
import { createTokenSource, defaultCacheKey, defaultScopes } from './token';
import { sharedTokenCache, type CachedToken, type TokenCache } from './token-cache';
import { guardedLookup } from './url-guard';

export interface HaloClientOptions {
  settings: HaloSettings;
  /** Allow http and private addresses; only for local trials and tests against the stand-in. */
  allowPrivate: boolean;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
  tokenCache?: TokenCache;
  cacheKey?: string;
  /** Token scopes to try, best first (halo/token.ts); default `all`, then the named scopes. */
  scopes?: readonly string[];
  /** Larger bodies fail with HaloBadResponseError; default 50 MB. */
  maxBodyBytes?: number;
  /** Called once per HTTP exchange; status is 0 when no answer came. */
  onRequest?: (info: { method: string; path: string; status: number; ms: number }) => void;
  /**
   * The tenant's request budget (halo/budget.ts): every exchange, token requests included, waits for a
   * slot, and a 429 pauses the tenant and sends the same request again after the pause. Without it a 429
   * fails at once with HaloRateLimitError.
   */
  budget?: TenantBudget;
  /** With a budget: the longest one request waits out 429s before HaloRateLimitError; default 1.2 windows. */
  maxRateLimitWaitMs?: number;
}

export interface HaloClient {
  /**
   * Asks Halo for a new token (checking the credentials) and caches it; the token itself stays inside.
   * `scope` is the one Halo granted, so callers can remember it for the integration.
   */
  requestToken(): Promise<{ tokenType: string; expiresAt: number; scope: string }>;
  /** The scope of the last token this client used, once it has used one. */
  grantedScope(): string | undefined;
  /**
   * One page in id order. `changedSince` sends Halo's lastupdatefromdate filter, which not every tenant
   * honours (docs/halo-api.md §6): callers must check that it does before trusting a filtered count.
   */
  listPage(kind: HaloKind, pageNo: number, pageSize: number, filter?: { changedSince?: Date }): Promise<Page>;
  /** The asset's detail record, or null when Halo no longer has it. */
  getAsset(id: number): Promise<RawHaloRecord | null>;
}

// A page of 100 assets is well under 1 MB; the cap only stops a runaway body from filling memory.
const defaultMaxBodyBytes = 50 * 1024 * 1024;

function contextOf(kind: HaloKind): ResourceContext {
  const { path, label, permission, permissionNote }: HaloResource = haloResources[kind];
  return {
    resource: path,
    label,
    permission: permissionNote ? `${permission} (${permissionNote})` : permission,
  };
}

export function createHaloClient(opts: HaloClientOptions): HaloClient {
  const { settings, allowPrivate } = opts;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${timeoutMs}`);
  const scopes = opts.scopes ?? defaultScopes;
  const dispatcher = opts.dispatcher ?? defaultDispatcher(allowPrivate);
  const maxBodyBytes = opts.maxBodyBytes ?? defaultMaxBodyBytes;
  const secrets = new SecretList(settings.clientSecret);

  const send = pacedSend(
    (req: HaloRequest): Promise<HaloResponse> =>
      exchange(req, {
        dispatcher,
        allowPrivate,
        timeoutMs,
        maxBodyBytes,
        secrets: () => secrets,
        onRequest: opts.onRequest,
      }),
    {
      budget: opts.budget,
      maxRateLimitWaitMs: opts.maxRateLimitWaitMs,
      secrets,
    },
  );

  const tokens = createTokenSource({
    settings,
    scopes,
    cache: opts.tokenCache ?? sharedTokenCache,
    cacheKey: opts.cacheKey ?? defaultCacheKey(settings, scopes),
    send,
    secrets,
  });
  let lastScope: string | undefined;
  const use = (token: CachedToken): CachedToken => {
    lastScope = token.scope;
    return token;
  };

  const getWith = (url: URL, token: CachedToken): Promise<HaloResponse> =>
    send({
      method: 'GET',
      url,
      headers: { authorization: `${token.tokenType} ${token.accessToken}`, accept: 'application/json' },
    });

  /**
   * GET with the cached token. On 401 one retry with a new token (djpsa api.py), then give up. On 403 with a
   * token issued before this request began, one retry with a new token too: a token carries the
   * permissions the application had when it was issued, so one granted in Halo since needs a new token.
   */
  async function authorisedGet(url: URL, ctx: ResourceContext): Promise<HaloResponse> {
    const began = Date.now();
    const first = use(await tokens.current());
    const res = await getWith(url, first);
    const staleGrant = res.status === 403 && first.issuedAt < began;
    if (res.status !== 401 && !staleGrant) return res;
    await tokens.invalidate(first);
    const retried = await getWith(url, use(await tokens.current()));
    if (retried.status === 401) throw refusedTokenError(retried, secrets, ctx);
    return retried;
  }

  return {
    async requestToken() {
      const token = use(await tokens.fresh());
      return { tokenType: token.tokenType, expiresAt: token.expiresAt, scope: token.scope };
    },

    grantedScope: () => lastScope,

    async listPage(kind, pageNo, pageSize, filter) {
      assertPositiveInteger('pageNo', pageNo);
      assertPositiveInteger('pageSize', pageSize);
      const ctx = contextOf(kind);
      const url = new URL(`${settings.resourceServerUrl}/${haloResources[kind].path}`);
      url.search = new URLSearchParams({
        [haloPaging.paginate]: 'true',
        [haloPaging.pageSize]: String(pageSize),
        [haloPaging.pageNo]: String(pageNo),
        order: 'id',
        orderdesc: 'false',
        includeinactive: 'true',
        includeactive: 'true',
        // Without it Halo leaves child assets (parent_id ≠ 0) out of the list (docs/halo-api.md §3).
        ...(kind === 'hardware' ? { includechildren: 'true' } : {}),
        // In UTC with a trailing Z, so a server in another time zone cannot shift the window (§6).
        ...(filter?.changedSince ? { lastupdatefromdate: filter.changedSince.toISOString() } : {}),
      }).toString();
      const res = await authorisedGet(url, ctx);
      if (res.status < 200 || res.status >= 300) throw statusError(res, secrets, ctx);
      return readPage(res, parseJsonBody(res, secrets, true), haloResources[kind].envelopeKey);
    },

    async getAsset(id) {
      assertPositiveInteger('id', id);
      const ctx = contextOf('hardware');
      const res = await authorisedGet(new URL(`${settings.resourceServerUrl}/${ctx.resource}/${id}`), ctx);
      if (isMissingRecord(res)) return null;
      if (res.status < 200 || res.status >= 300) throw statusError(res, secrets, ctx);
      const body = parseJsonBody(res, secrets, true);
      if (body === null) return null;
      const parsed = recordBodySchema.safeParse(body);
      if (!parsed.success) badShape(res, `an asset of the wrong shape (${describeIssues(parsed.error)})`);
      return parsed.data;
    },
  };
}

function readPage(res: HaloResponse, body: unknown, key: string): Page {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const got = Array.isArray(body) ? 'a bare array' : body === null ? 'null' : `a ${typeof body}`;
    return badShape(res, `${got} instead of an object with ${haloPaging.recordCount} and ${key}`);
  }
  const envelope = body as Record<string, unknown>;
  if (!(key in envelope)) {
    const keys = Object.keys(envelope).slice(0, 8).join(', ') || 'no keys';
    return badShape(res, `no "${key}" list in its envelope (it has ${keys})`);
  }
  const parsed = pageSchema.safeParse({
    [haloPaging.recordCount]: envelope[haloPaging.recordCount],
    items: envelope[key],
  });
  if (!parsed.success)
    badShape(res, `a page of the wrong shape (${describeIssues(parsed.error, { items: key })})`);
  return { recordCount: parsed.data[haloPaging.recordCount], items: parsed.data.items };
}

function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
}

let guardedAgent: Agent | undefined;

/** Public deployments connect only to addresses the URL guard approved at connect time, not just earlier. */
export function defaultDispatcher(allowPrivate: boolean): Dispatcher | undefined {
  if (allowPrivate) return undefined;
  guardedAgent ??= new Agent({ connect: { lookup: guardedLookup } });
  return guardedAgent;
}
