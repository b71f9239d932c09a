// What every route's schema has in common, added in one place as each route is registered: who may call it
// (the security scheme, and the permission from api/permissions.ts), the error answers any route of its kind
// can give, and an operation id. The routes declare the rest themselves: their params, querystring, body,
// answers, summary and tag. test/api/route-schemas.unit.test.ts walks every route for what it must declare.
import type { FastifyInstance, FastifySchema, RouteOptions } from 'fastify';
import { permissionNames, permissionOf } from './permissions';
import { errorResponse } from './route-schemas';

export interface RegisteredRoute {
  method: string;
  url: string;
  /** The route's schema as Fastify compiles it, with what this file adds. */
  schema: RouteSchema;
  handler: RouteOptions['handler'];
}

export interface RouteSchema extends FastifySchema {
  summary?: string;
  description?: string;
  tags?: string[];
  operationId?: string;
  security?: Record<string, string[]>[];
  'x-permission'?: string;
  response?: Record<string, unknown>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered on this app, as Fastify saw it (HEAD twins of GET routes left out). */
    registeredRoutes: RegisteredRoute[];
  }
}

const common = {
  400: 'invalid_request: `fields` names each bad field',
  401: 'unauthorized: no valid API key (revoked and expired keys are not valid)',
  404: 'not_found: no such id in this account',
  413: 'payload_too_large: the body is larger than 64 KiB',
  415: 'unsupported_media_type: send the body as application/json',
  429: 'rate_limited: too many requests for this key, or without a valid key from this address; see Retry-After',
  500: 'internal: something went wrong on our side; it is logged under the requestId',
  503:
    'temporal_unavailable / database_unavailable: a dependency is down; see Retry-After, and `saved` for ' +
    'whether the request changed anything',
};

/** Who may call a route: an account's API key (everything under /v1), the metrics token, or anyone. */
function securityOf(url: string): Record<string, string[]>[] {
  if (url.startsWith('/v1/')) return [{ apiKey: [] }];
  if (url === '/metrics') return [{ metricsToken: [] }];
  return [];
}

/** 'GET /v1/integrations/:id' → 'getV1IntegrationsId'. */
function operationId(method: string, url: string): string {
  const words = url
    .replace(/:([A-Za-z0-9_]+)/g, '$1')
    .replace(/\*$/, 'path')
    .replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string = '') => c.toUpperCase());
  return `${method.toLowerCase()}${words}`;
}

function completed(method: string, url: string, schema: RouteSchema): RouteSchema {
  const errors: Record<number, string> = { 500: common[500] };
  if (schema.params) errors[404] = common[404];
  if (schema.querystring || schema.body) errors[400] = common[400];
  if (schema.body) Object.assign(errors, { 413: common[413], 415: common[415] });
  if (url.startsWith('/v1/')) Object.assign(errors, { 401: common[401], 429: common[429], 503: common[503] });
  const permission = permissionOf(method, url);
  const guarded = permission !== undefined && permission !== 'public';
  if (guarded) errors[403] = `forbidden: needs the ${permissionNames[permission]} permission`;
  const response: Record<string, unknown> = {};
  for (const [status, description] of Object.entries(errors)) response[status] = errorResponse(description);
  return {
    ...schema,
    operationId: operationId(method, url),
    security: securityOf(url),
    ...(guarded ? { 'x-permission': permission } : {}),
    // What the route declares itself wins over the common descriptions.
    response: { ...response, ...schema.response },
  };
}

/** Completes each route's schema as above and records the route; call before any route is added. */
export function completeRouteSchemas(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route: RouteOptions) => {
    // Fastify answers HEAD for every GET by itself; those twins are not routes of their own.
    const methods = [route.method].flat().filter((m) => m !== 'HEAD');
    const [method] = methods;
    if (method === undefined) return;
    const schema = completed(method, route.url, (route.schema ?? {}) as RouteSchema);
    route.schema = schema;
    for (const m of methods) routes.push({ method: m, url: route.url, schema, handler: route.handler });
  });
}
