// The stand-in's answers, following halo-api.md: the token endpoint (§1), the three paged lists (§3–5) with
// their envelopes and quirks (page size cap, last page repeated, inactive records left out unless asked
// for, `lastupdatefromdate` honoured only when configured), and the bare asset detail.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RawHaloRecord } from '../../halo/records';
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
  softwareForbidden: boolean;
  honourLastUpdateFilter: boolean;
}

export interface Tenant {
  customers: Collection;
  assets: Collection;
  licences: Collection;
}

type ListName = keyof Tenant;

const lists: Record<string, { name: ListName; key: string }> = {
  client: { name: 'customers', key: 'clients' },
  asset: { name: 'assets', key: 'assets' },
  softwarelicence: { name: 'licences', key: 'licences' },
};

const denied: Answer = {
  status: 401,
  body: { Message: 'Authorization has been denied for this request.' },
  headers: { 'www-authenticate': 'Bearer' },
};

export class Tokens {
  private readonly expiry = new Map<string, number>();
  /** Every token ever handed out, revoked ones too, so tests can check none leaked. */
  readonly issued: string[] = [];

  issue(lifetimeSeconds: number): string {
    const token = randomBytes(24).toString('base64url');
    this.expiry.set(token, Date.now() + lifetimeSeconds * 1000);
    this.issued.push(token);
    return token;
  }

  issueRefresh(): string {
    const token = randomBytes(24).toString('base64url');
    this.issued.push(token);
    return token;
  }

  valid(authorization: string | undefined): boolean {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const until = token === undefined ? undefined : this.expiry.get(token);
    return until !== undefined && until > Date.now();
  }

  revokeAll(): void {
    this.expiry.clear();
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
  const accessToken = tokens.issue(config.tokenLifetimeSeconds);
  return {
    status: 200,
    body: {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: config.tokenLifetimeSeconds,
      scope: params.get('scope') ?? 'all',
      // Present in real answers; clients ignore it and ask for a new token instead.
      refresh_token: tokens.issueRefresh(),
    },
  };
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
  if (!tokens.valid(req.headers.authorization)) return denied;
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
  list: { name: ListName; key: string },
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

  let records = data.sorted();
  if (!includeInactive || !includeActive || from !== undefined || to !== undefined) {
    records = records.filter((r) => {
      const inactive = isInactive(r);
      if (inactive ? !includeInactive : !includeActive) return false;
      const changed = lastModifiedOf(r);
      return (from === undefined || changed >= from) && (to === undefined || changed <= to);
    });
  }
  if (flag('orderdesc') === true) records = [...records].reverse();

  if (flag('pageinate') !== true) {
    const count = Number(q.get('count'));
    const items = count > 0 ? records.slice(0, count) : records;
    return { status: 200, body: { record_count: records.length, [list.key]: items } };
  }
  const asked = Number(q.get('page_size') ?? 50);
  // Halo caps the page size without saying so (HaloAPI issue 90): record_count stays the total.
  const pageSize = Math.min(Number.isInteger(asked) && asked > 0 ? asked : 50, config.pageCap);
  const pageNo = Math.max(1, Math.floor(Number(q.get('page_no') ?? 1)) || 1);
  const lastPage = Math.max(1, Math.ceil(records.length / pageSize));
  // Past the end, Halo has been seen to answer with the last page again (djpsa).
  const served = pageNo > lastPage && config.repeatLastPage ? lastPage : pageNo;
  const items = records.slice((served - 1) * pageSize, served * pageSize);
  return {
    status: 200,
    body: { page_no: pageNo, page_size: pageSize, record_count: records.length, [list.key]: items },
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
