// A Halo tenant on 127.0.0.1 that behaves as docs/halo-api.md describes, quirks included, and misbehaves on
// demand (faults.ts: the rate limit, 5xx, resets, silence, broken bodies, latency). No real Halo is
// reachable from here, so every test and the benchmark run against this.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { RawHaloRecord } from '../halo/records';
import type { HaloSettings } from '../halo/settings';
import {
  emptyFaultCounts,
  FaultDice,
  RollingLimiter,
  sendMalformed,
  sendRateLimited,
  sendServerError,
  sendTruncated,
  type FaultKind,
  type StandinFaults,
} from './faults';
import { generateTenant } from './generate';
import {
  allPermissions,
  authInfoAnswer,
  notFound,
  resourceAnswer,
  tokenAnswer,
  Tokens,
  type Answer,
  type RouteConfig,
  type Tenant,
} from './routes';
import { createCollection, setLastModified } from './store';

export { lastModifiedOf } from './store';
export type { FaultKind, RateLimit, StandinFaults } from './faults';
export type { HaloPermission } from './routes';

export interface StandinOptions extends Partial<RouteConfig> {
  seed?: number;
  customers?: number;
  assets?: number;
  licences?: number;
  port?: number;
  faults?: StandinFaults;
}

export interface StandinStats {
  requests: number;
  tokenRequests: number;
  /** Keyed by path, with asset ids folded into `/api/Asset/{id}`. */
  byPath: Record<string, number>;
  byStatus: Record<string, number>;
  /** Requests the rate limit refused with 429. */
  rateLimited: number;
  /** Requests each fault switch hit. */
  faults: Record<FaultKind, number>;
}

export interface HaloStandin {
  url: string;
  /** The five values as a user would type them into the product. */
  settings: HaloSettings;
  /** The tenant's records, sorted by id. Push, splice, replace or edit them to simulate changes in Halo. */
  data: { customers: RawHaloRecord[]; assets: RawHaloRecord[]; licences: RawHaloRecord[] };
  /** Behaviour switches; may be changed between requests. */
  config: RouteConfig;
  /** The live fault switches; change them directly or through setFaults. */
  faults: StandinFaults;
  /** Changes fault switches; a new `seed` restarts the random sequence, a new `rateLimit` an empty window. */
  setFaults(changes: StandinFaults): void;
  stats: StandinStats;
  resetStats(): void;
  revokeAllTokens(): void;
  /** Every access and refresh token issued so far, revoked ones included; for leak checks. */
  issuedTokens(): string[];
  /** Applies `changes` to an asset and marks it modified now, as an edit in Halo would. */
  touchAsset(id: number, changes?: Record<string, unknown>): RawHaloRecord;
  close(): Promise<void>;
}

function emptyStats(): StandinStats {
  return {
    requests: 0,
    tokenRequests: 0,
    byPath: {},
    byStatus: {},
    rateLimited: 0,
    faults: emptyFaultCounts(),
  };
}

export async function startHaloStandin(opts: StandinOptions = {}): Promise<HaloStandin> {
  const config: RouteConfig = {
    tenant: opts.tenant ?? 'standin',
    clientId: opts.clientId ?? '6f1c2a7e-3b4d-4e8f-9a01-23456789abcd',
    clientSecret:
      opts.clientSecret ?? '0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a-7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d',
    tokenLifetimeSeconds: opts.tokenLifetimeSeconds ?? 3600,
    pageCap: opts.pageCap ?? 100,
    repeatLastPage: opts.repeatLastPage ?? true,
    softwareForbidden: opts.softwareForbidden ?? false,
    honourLastUpdateFilter: opts.honourLastUpdateFilter ?? false,
    authPath: opts.authPath ?? '/auth',
    permissions: opts.permissions ?? [...allPermissions],
    refuseAllScope: opts.refuseAllScope ?? false,
    authInfo: opts.authInfo ?? true,
    wrongTenantStatus: opts.wrongTenantStatus ?? 500,
  };
  const generated = generateTenant({
    seed: opts.seed ?? 1,
    customers: opts.customers ?? 150,
    assets: opts.assets ?? 2500,
    licences: opts.licences ?? 300,
  });
  const tenant: Tenant = {
    customers: createCollection(generated.customers),
    assets: createCollection(generated.assets),
    licences: createCollection(generated.licences),
  };
  const tokens = new Tokens();
  const stats = emptyStats();
  const faults: StandinFaults = opts.faults ?? {};
  const dice = new FaultDice(faults.seed ?? opts.seed ?? 1);
  const limiter = new RollingLimiter();

  async function route(req: IncomingMessage, url: URL): Promise<Answer> {
    const [root = '', ...rest] = url.pathname.split('/').filter(Boolean);
    const method = req.method ?? 'GET';
    // The token endpoint is where the tenant's auth server is: `/auth/token`, or `/token` on a bare host.
    if (url.pathname.replace(/\/+$/, '').toLowerCase() === `${config.authPath}/token`) {
      if (method !== 'POST') return notAllowed(method);
      stats.tokenRequests++;
      return tokenAnswer(req, url, await readBody(req), config, tokens);
    }
    if (root.toLowerCase() === 'api' && rest.length === 1 && rest[0]?.toLowerCase() === 'authinfo') {
      if (method !== 'GET') return notAllowed(method);
      return authInfoAnswer(config, base);
    }
    if (root.toLowerCase() === 'api' && rest.length > 0) {
      if (method !== 'GET') return notAllowed(method);
      const [resource = '', ...tail] = rest;
      return resourceAnswer(req, url, [resource.toLowerCase(), ...tail], tenant, config, tokens);
    }
    return notFound(url);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/^(\/api\/asset\/)[^/]+$/i, '$1{id}');
    stats.requests++;
    stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;
    res.on('finish', () => {
      stats.byStatus[res.statusCode] = (stats.byStatus[res.statusCode] ?? 0) + 1;
    });
    if (faults.intercept?.(req, res)) return;
    if (faults.rateLimit && !limiter.admit(faults.rateLimit)) {
      stats.rateLimited++;
      sendRateLimited(res, faults.rateLimit);
      return;
    }
    const faultable = faults.faultsOnToken === true || !/^(\/auth)?\/token\/?$/i.test(url.pathname);
    const fault = faultable ? dice.pick(faults) : undefined;
    if (fault) stats.faults[fault]++;
    // Never answered: the client's timeout ends it, or close() destroys the socket.
    if (fault === 'timeout') return;
    const latency = faultable ? dice.latency(faults.latencyMs) : 0;
    void (latency > 0 ? delay(latency) : Promise.resolve()).then(() => answer(req, res, url, fault));
  });

  function answer(req: IncomingMessage, res: ServerResponse, url: URL, fault: FaultKind | undefined): void {
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (fault === 'error') return sendServerError(res, dice);
    if (fault === 'malformed') return sendMalformed(res, dice);
    route(req, url).then(
      (a) => {
        if (fault === 'truncate' && a.body !== undefined && !res.headersSent && !res.destroyed) {
          sendTruncated(res, a.status, JSON.stringify(a.body), dice);
        } else send(res, a);
      },
      (e: unknown) => send(res, { status: 500, body: { Message: `Stand-in failure: ${String(e)}` } }),
    );
  }
  server.listen(opts.port ?? 0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    settings: {
      resourceServerUrl: `${base}/api`,
      authServerUrl: `${base}${config.authPath}`,
      tenant: config.tenant,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
    },
    data: {
      customers: tenant.customers.records,
      assets: tenant.assets.records,
      licences: tenant.licences.records,
    },
    config,
    faults,
    setFaults(changes) {
      Object.assign(faults, changes);
      if (changes.seed !== undefined) dice.reseed(changes.seed);
      if ('rateLimit' in changes) limiter.reset();
    },
    stats,
    resetStats() {
      Object.assign(stats, emptyStats());
    },
    revokeAllTokens: () => tokens.revokeAll(),
    issuedTokens: () => [...tokens.issued],
    touchAsset(id, changes = {}) {
      const asset = tenant.assets.find(id);
      if (!asset) throw new Error(`The stand-in has no asset ${id}`);
      Object.assign(asset, changes, { id });
      setLastModified(asset, Date.now());
      return asset;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        // Keep-alive sockets from undici would otherwise hold close() open for seconds.
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, answer: Answer): void {
  if (res.headersSent || res.destroyed) return;
  const body = answer.body === undefined ? '' : JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...answer.headers,
  });
  res.end(body);
}

function notAllowed(method: string): Answer {
  return {
    status: 405,
    body: { Message: `The requested resource does not support http method '${method}'.` },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1024 * 1024) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
