// Who may call what: ONE table of route → permission, read by ONE onRequest hook in the /v1 scope. A route
// missing here answers 403 to everyone (fails closed), and test/api/permissions.test.ts walks every route
// Fastify registered with every role against this table. Routes outside /v1 are listed as 'public'.
import type { FastifyRequest } from 'fastify';
import type { Role } from '../db/schema/index';
import { ApiError } from './errors';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export type Permission = 'public' | 'view' | 'manage_sync' | 'admin';

/** The product's own words, for messages and the page. */
export const permissionNames: Record<Exclude<Permission, 'public'>, string> = {
  view: 'View',
  manage_sync: 'Manage Sync Settings',
  admin: 'Admin',
};

export const grants: Record<Role, readonly Permission[]> = {
  viewer: ['public', 'view'],
  sync_manager: ['public', 'view', 'manage_sync'],
  admin: ['public', 'view', 'manage_sync', 'admin'],
};

/** Keyed by method and Fastify's path, exactly as registered. */
export const routePermissions: Record<`${HttpMethod} /${string}`, Permission> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /metrics': 'public', // guarded by its own METRICS_TOKEN
  'GET /docs': 'public',
  'GET /docs/openapi.json': 'public',
  'GET /docs/assets/*': 'public',
  'GET /': 'public',
  'GET /web/*': 'public',

  'POST /v1/integrations/halo': 'manage_sync',
  'POST /v1/halo/discover': 'manage_sync',
  'GET /v1/integrations': 'view',
  'GET /v1/integrations/:id': 'view',
  'PUT /v1/integrations/:id': 'manage_sync',
  'DELETE /v1/integrations/:id': 'manage_sync',
  'POST /v1/integrations/:id/syncs': 'manage_sync',
  'GET /v1/integrations/:id/syncs': 'view',
  'GET /v1/integrations/:id/schedule': 'view',
  'PUT /v1/integrations/:id/schedule': 'manage_sync',
  'GET /v1/integrations/:id/budget': 'view',
  'PUT /v1/integrations/:id/budget': 'manage_sync',
  'GET /v1/syncs/:id': 'view',
  'POST /v1/syncs/:id/cancel': 'manage_sync',
  'GET /v1/assets': 'view',
  'GET /v1/assets/:kind/:haloId': 'view',
  'GET /v1/customers': 'view',
  'GET /v1/lifecycle/policies': 'view',
  'PUT /v1/lifecycle/policies': 'manage_sync',
  'GET /v1/lifecycle/summary': 'view',
  // A webhook's URL can carry a receiver's credentials, so even reading them is for sync managers.
  'POST /v1/webhooks': 'manage_sync',
  'GET /v1/webhooks': 'manage_sync',
  'GET /v1/webhooks/:id': 'manage_sync',
  'PUT /v1/webhooks/:id': 'manage_sync',
  'DELETE /v1/webhooks/:id': 'manage_sync',
  'GET /v1/webhooks/:id/deliveries': 'manage_sync',
  'POST /v1/webhooks/:id/test': 'manage_sync',
  'GET /v1/changes': 'view',
  'GET /v1/integrations/:id/alerts': 'view',
  'PUT /v1/integrations/:id/alerts': 'manage_sync',

  'GET /v1/me': 'view',
  // Every member manages their own keys; the handlers scope them to the caller unless the caller is an admin.
  'GET /v1/api-keys': 'view',
  'POST /v1/api-keys': 'view',
  'DELETE /v1/api-keys/:id': 'view',
  'GET /v1/members': 'admin',
  'POST /v1/members': 'admin',
  'PATCH /v1/members/:id': 'admin',
  'DELETE /v1/members/:id': 'admin',
  'POST /v1/members/:id/api-keys': 'admin',
  'GET /v1/audit': 'manage_sync',
};

export function permissionOf(method: string, url: string | undefined): Permission | undefined {
  return (routePermissions as Record<string, Permission>)[`${method} ${url ?? ''}`];
}

export function mayDo(role: Role, permission: Permission): boolean {
  return grants[role].includes(permission);
}

/** The permissions a role holds, as /v1/me reports them to the page. */
export function permissionsOf(role: Role): Exclude<Permission, 'public'>[] {
  return grants[role].filter((p): p is Exclude<Permission, 'public'> => p !== 'public');
}

/** The one check: runs after authentication, before any handler of the /v1 scope. */
export async function authorize(request: FastifyRequest): Promise<void> {
  const method = request.method === 'HEAD' ? 'GET' : request.method;
  const permission = permissionOf(method, request.routeOptions.url);
  if (permission === undefined) {
    throw new ApiError('forbidden', 'This route declares no permission, so no one may call it.', {
      permission: null,
    });
  }
  if (permission === 'public') return;
  const role = request.member?.role;
  if (role === undefined || !mayDo(role, permission)) {
    throw new ApiError(
      'forbidden',
      `This needs the ${permissionNames[permission]} permission, which the ${role ?? 'anonymous'} role ` +
        'does not have. Ask an admin of the account.',
      { permission },
    );
  }
}
