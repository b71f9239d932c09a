// Discovery (docs/halo-api.md §1a): Halo answers `GET {base}/api/authinfo` without a token, naming the
// Authorisation Server URL and the Tenant that go with a Resource Server URL. The page offers them as the
// user types, and a refused Save names them, so a mistyped tenant or auth URL is caught before a token is
// asked for.
import { z } from 'zod';
import type { Dispatcher } from 'undici';
import { defaultDispatcher } from './client';
import { exchange } from './http';
import { badShape, parseJsonBody, statusError } from './response';
import { haloSettingsSchema } from './settings';
import { describeIssues } from './shapes';

export interface DiscoveredHalo {
  authServerUrl: string;
  /** Empty when Halo names none (on-premises installs). */
  tenant: string;
}

export interface DiscoveryOptions {
  allowPrivate: boolean;
  timeoutMs: number;
  dispatcher?: Dispatcher;
}

// The answer is two short strings; anything bigger is not Halo's authinfo.
const maxBodyBytes = 64 * 1024;

const authInfoSchema = z.looseObject({
  auth_url: z.string({ error: 'expected a string' }).min(1, 'expected a URL'),
  tenant_id: z.union([z.string(), z.number(), z.null()]).optional(),
});

/** Where discovery asks: the Resource Server URL's base (its `/api` path removed) plus `/api/authinfo`. */
export function authInfoUrl(resourceServerUrl: string): URL {
  const base = resourceServerUrl.replace(/\/+$/, '').replace(/\/api$/i, '');
  return new URL(`${base}/api/authinfo`);
}

/**
 * Asks Halo which Authorisation Server URL and Tenant belong to a (normalised) Resource Server URL. The
 * values it returns pass the same checks as typed ones; anything else is a HaloError saying what came back.
 */
export async function discoverHalo(
  resourceServerUrl: string,
  opts: DiscoveryOptions,
): Promise<DiscoveredHalo> {
  const url = authInfoUrl(resourceServerUrl);
  // Nothing secret is sent: discovery is unauthenticated.
  const secrets: string[] = [];
  const res = await exchange(
    { method: 'GET', url, headers: { accept: 'application/json' } },
    {
      dispatcher: opts.dispatcher ?? defaultDispatcher(opts.allowPrivate),
      allowPrivate: opts.allowPrivate,
      timeoutMs: opts.timeoutMs,
      maxBodyBytes,
      secrets: () => secrets,
    },
  );
  if (res.status < 200 || res.status >= 300) {
    throw statusError(res, secrets, { resource: 'authinfo', label: 'discovery', permission: '' });
  }
  const parsed = authInfoSchema.safeParse(parseJsonBody(res, secrets, true));
  if (!parsed.success)
    badShape(res, `an authinfo answer of the wrong shape (${describeIssues(parsed.error)})`);
  const fields = haloSettingsSchema({ allowPrivate: opts.allowPrivate }).shape;
  const authServerUrl = fields.authServerUrl.safeParse(parsed.data.auth_url);
  if (!authServerUrl.success) {
    badShape(res, `an auth_url that cannot be used (${describeIssues(authServerUrl.error)})`);
  }
  const tenantId = parsed.data.tenant_id;
  const tenant = fields.tenant.safeParse(tenantId === null || tenantId === undefined ? '' : String(tenantId));
  if (!tenant.success) badShape(res, `a tenant_id that cannot be used (${describeIssues(tenant.error)})`);
  return { authServerUrl: authServerUrl.data, tenant: tenant.data };
}
