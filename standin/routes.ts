// The stand-in's answers, following docs/halo-api.md: the token endpoint (§1) with the application's
// permissions and scopes, discovery (§1a), the three paged lists (§3–5) with their envelopes and quirks
// (page size cap, last page repeated, inactive records and child assets left out unless asked for,
// `lastupdatefromdate` honoured only when configured), and the bare asset detail.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RawHaloRecord } from '../halo/records';
import { haloPaging, haloResources, type HaloResource } from '../halo/resources';
import { haloDate, lastModifiedOf, type Collection } from './store';

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RouteConfig {
  tenant: string;
  clientId: string;
  clientSecret: string;
  tokenLifetimeSeconds: number;
  pageCap: number;
  repeatLastPage: boolean;
  /** The agent the application logs in as may not see software licences: 403 whatever the token holds. */
  softwareForbidden: boolean;
  honourLastUpdateFilter: boolean;
  /** Where the token endpoint lives: `/auth` (so `/auth/token`) or `` for a bare auth host (`/token`). */
  authPath: '/auth' | '';
  /** The application's permissions in Halo; `all` grants exactly these, and each list needs its own. */
  permissions: HaloPermission[];
  /** Halo refuses the scope `all` with invalid_scope (not seen, but a client must cope). */
  refuseAllScope: boolean;
  /** Serve the unauthenticated `/api/authinfo` discovery answer. */
  authInfo: boolean;
  /** How the token endpoint answers an unknown tenant: 500 as reported of real tenants, or a 400. */
  wrongTenantStatus: 400 | 500;
}

export type HaloPermission = HaloResource['permission'];

export const allPermissions: HaloPermission[] = ['read:assets', 'read:customers', 'read:software'];

export interface Tenant {
  customers: Collection;
  assets: Collection;
  licences: Collection;
}

type ListName = keyof Tenant;

// Keyed by the lower-cased path: Halo's routes ignore case.
const lists: Record<string, { name: ListName; key: string; needs: HaloPermission }> = Object.fromEntries(
  (
    [
      ['customers', haloResources.customers],
      ['assets', haloResources.hardware],
      ['licences', haloResources.software],
    ] as const
  ).map(([name, r]) => [r.path.toLowerCase(), { name, key: r.envelopeKey, needs: r.permission }]),
);

const denied: Answer = {
  status: 401,
  body: { Message: 'Authorization has been denied for this request.' },
  headers: { 'www-authenticate': 'Bearer' },
};

export class Tokens {
  private readonly grants = new Map<string, { until: number; permissions: ReadonlySet<string> }>();
  /** Every token ever handed out, revoked ones too, so tests can check none leaked. */
  readonly issued: string[] = [];

  /** A token carries the permissions granted when it was issued, as a real one would. */
  issue(lifetimeSeconds: number, permissions: Iterable<string>): string {
    const token = randomBytes(24).toString('base64url');
    this.grants.set(token, { until: Date.now() + lifetimeSeconds * 1000, permissions: new Set(permissions) });
    this.issued.push(token);
    return token;
  }

  issueRefresh(): string {
    const token = randomBytes(24).toString('base64url');
    this.issued.push(token);
    return token;
  }

  /** The permissions of a live token, or undefined when the header holds no live token. */
  grantOf(authorization: string | undefined): ReadonlySet<string> | undefined {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const grant = token === undefined ? undefined : this.grants.get(token);
    return grant !== undefined && grant.until > Date.now() ? grant.permissions : undefined;
  }

  revokeAll(): void {
    this.grants.clear();
  }
}

export function tokenAnswer(
  req: IncomingMessage,
  url: URL,
  form: string,
  config: RouteConfig,
  tokens: Tokens,
): Answer {
  const params = new URLSearchParams(form);
  if (!(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
    return {
      status: 400,
      body: { error: 'invalid_request', error_description: 'Expected a form-encoded body' },
    };
  }
  const tenant = url.searchParams.get('tenant') ?? '';
  if (config.tenant !== '' && tenant !== config.tenant) {
    // Real tenants have been reported to answer a wrong tenant with a bare 500 (docs/halo-api.md §8).
    if (config.wrongTenantStatus === 500) {
      return { status: 500, body: { Message: 'An error has occurred.' } };
    }
    return {
      status: 400,
      body: { error: 'invalid_request', error_description: `Unknown tenant '${tenant}'` },
    };
  }
  if (params.get('grant_type') !== 'client_credentials') {
    return { status: 400, body: { error: 'unsupported_grant_type' } };
  }
  if (params.get('client_id') !== config.clientId || params.get('client_secret') !== config.clientSecret) {
    return { status: 401, body: { error: 'invalid_client' } };
  }
  const granted = grantFor(params.get('scope') ?? '', config);
  if (!granted) return { status: 400, body: { error: 'invalid_scope' } };
  const accessToken = tokens.issue(config.tokenLifetimeSeconds, granted);
  return {
    status: 200,
    body: {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: config.tokenLifetimeSeconds,
      scope: granted.join(' '),
      // Present in real answers; clients ignore it and ask for a new token instead.
      refresh_token: tokens.issueRefresh(),
    },
  };
}

/**
 * The permissions a token asked with `scope` carries: `all` is every permission the application has; named
 * scopes must each be one it has, or the whole request is invalid_scope (docs/halo-api.md §1).
 */
function grantFor(scope: string, config: RouteConfig): string[] | undefined {
  const asked = scope.split(' ').filter(Boolean);
  if (asked.length === 0 || (asked.includes('all') && config.refuseAllScope)) return undefined;
  if (asked.includes('all')) return [...config.permissions];
  return asked.every((s) => (config.permissions as string[]).includes(s)) ? asked : undefined;
}

/** `GET {base}/api/authinfo`: unauthenticated, names the auth server and the tenant (§1a). */
export function authInfoAnswer(config: RouteConfig, base: string): Answer {
  if (!config.authInfo) return notFound(new URL(`${base}/api/authinfo`));
  return { status: 200, body: { auth_url: `${base}${config.authPath}`, tenant_id: config.tenant } };
}

export function resourceAnswer(
  req: IncomingMessage,
  url: URL,
  segments: string[],
  data: Tenant,
  config: RouteConfig,
  tokens: Tokens,
): Answer {
  const list = lists[segments[0] ?? ''];
  if (!list || segments.length > 2 || (segments.length === 2 && list.name !== 'assets')) return notFound(url);
  const grant = tokens.grantOf(req.headers.authorization);
  if (!grant) return denied;
  if (!grant.has(list.needs)) {
    return {
      status: 403,
      body: {
        ClassName: 'HaloForbiddenException',
        Message: `The application does not have the ${list.needs} permission.`,
      },
    };
  }
  if (list.name === 'licences' && config.softwareForbidden) {
    return {
      status: 403,
      body: {
        ClassName: 'HaloForbiddenException',
        Message: 'You do not have permission to view Software Licences.',
      },
    };
  }
  if (segments.length === 2) return assetDetail(segments[1] ?? '', data.assets);
  return listAnswer(url.searchParams, list, data[list.name], config);
}

function listAnswer(
  q: URLSearchParams,
  list: { name: ListName; key: string; needs: HaloPermission },
  data: Collection,
  config: RouteConfig,
): Answer {
  const flag = (name: string): boolean | undefined => {
    const value = q.get(name)?.toLowerCase();
    return value === undefined ? undefined : value === 'true';
  };
  const includeInactive = flag('includeinactive') ?? false;
  const includeActive = flag('includeactive') ?? true;
  const isInactive =
    list.name === 'licences' ? licenceInactive : (r: RawHaloRecord) => r['inactive'] === true;
  const from =
    list.name === 'assets' && config.honourLastUpdateFilter ? dateParam(q, 'lastupdatefromdate') : undefined;
  const to =
    list.name === 'assets' && config.honourLastUpdateFilter ? dateParam(q, 'lastupdatetodate') : undefined;

  // Child assets (parent_id ≠ 0) are listed only when asked for (docs/halo-api.md §3).
  const hideChildren = list.name === 'assets' && flag('includechildren') !== true;
  let records = data.sorted();
  if (!includeInactive || !includeActive || hideChildren || from !== undefined || to !== undefined) {
    records = records.filter((r) => {
      if (hideChildren && Number(r['parent_id'] ?? 0) !== 0) return false;
      const inactive = isInactive(r);
      if (inactive ? !includeInactive : !includeActive) return false;
      const changed = lastModifiedOf(r);
      return (from === undefined || changed >= from) && (to === undefined || changed <= to);
    });
  }
  if (flag('orderdesc') === true) records = [...records].reverse();

  if (flag(haloPaging.paginate) !== true) {
    const count = Number(q.get('count'));
    const items = count > 0 ? records.slice(0, count) : records;
    return { status: 200, body: { [haloPaging.recordCount]: records.length, [list.key]: items } };
  }
  const asked = Number(q.get(haloPaging.pageSize) ?? 50);
  // Halo caps the page size without saying so (HaloAPI issue 90): record_count stays the total.
  const pageSize = Math.min(Number.isInteger(asked) && asked > 0 ? asked : 50, config.pageCap);
  const pageNo = Math.max(1, Math.floor(Number(q.get(haloPaging.pageNo) ?? 1)) || 1);
  const lastPage = Math.max(1, Math.ceil(records.length / pageSize));
  // Past the end, Halo has been seen to answer with the last page again (djpsa).
  const served = pageNo > lastPage && config.repeatLastPage ? lastPage : pageNo;
  const items = records.slice((served - 1) * pageSize, served * pageSize);
  return {
    status: 200,
    body: {
      [haloPaging.pageNo]: pageNo,
      [haloPaging.pageSize]: pageSize,
      [haloPaging.recordCount]: records.length,
      [list.key]: items,
    },
  };
}

function assetDetail(idText: string, assets: Collection): Answer {
  const id = Number(idText);
  const asset = Number.isSafeInteger(id) ? assets.find(id) : undefined;
  if (!asset) {
    return {
      status: 404,
      body: { ClassName: 'HaloNotFoundException', Message: `Asset ${idText} was not found.` },
    };
  }
  const changed = haloDate(lastModifiedOf(asset));
  return {
    status: 200,
    body: {
      ...asset,
      last_modified: changed,
      dlastupdate: changed,
      notes: asset['notes'] ?? `Asset ${asset.id}: generated by the Halo stand-in.`,
      software: asset['software'] ?? detailSoftware(asset.id),
    },
  };
}

function detailSoftware(id: number): { id: number; name: string; version: string }[] {
  const catalogue = ['Microsoft 365 Apps', 'Google Chrome', '7-Zip', 'Sophos Endpoint Agent'];
  return catalogue
    .slice(0, id % (catalogue.length + 1))
    .map((name, i) => ({ id: id * 10 + i, name, version: `${1 + (id % 9)}.${i}` }));
}

function licenceInactive(r: RawHaloRecord): boolean {
  return r['is_active'] === false || r['deleted'] === true;
}

function dateParam(q: URLSearchParams, name: string): number | undefined {
  const value = q.get(name);
  if (!value) return undefined;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

export function notFound(url: URL): Answer {
  return {
    status: 404,
    body: { Message: `No HTTP resource was found that matches the request URI '${url.pathname}'.` },
  };
}
