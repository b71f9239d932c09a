// The OpenAPI 3.1 document of the API, generated from the same zod schemas the routes validate with
// (api/openapi-routes.ts lists them per route). test/ops/docs.test.ts checks that every route Fastify has
// registered is in it, so a new route without an entry fails the tests.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errorSchema } from './openapi-schemas';
import { permissionNames, permissionOf } from './permissions';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export interface ResponseDoc {
  description: string;
  /** JSON body; omit for none. */
  schema?: z.ZodType;
  /** For bodies that are not JSON (HTML, Prometheus text). */
  contentType?: string;
}

export interface OperationDoc {
  summary: string;
  description?: string;
  tag: string;
  /** Who may call it: an account's API key (default under /v1), the metrics token, or anyone. */
  auth?: 'apiKey' | 'metricsToken' | 'none';
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, ResponseDoc>;
}

/** Keyed by method and Fastify's path, exactly as registered: 'GET /v1/integrations/:id'. */
export type RouteDocs = Record<`${HttpMethod} /${string}`, OperationDoc>;

export interface RegisteredRoute {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered on this app, as Fastify saw it (HEAD twins of GET routes left out). */
    registeredRoutes: RegisteredRoute[];
  }
}

/** Records every route as it is registered; call before any route is added. */
export function trackRoutes(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route) => {
    // Fastify answers HEAD for every GET by itself; those twins are not routes of their own.
    for (const method of [route.method].flat())
      if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
}

/** Registered routes with no entry in `docs`, and entries that name no registered route. */
export function compareWithDocs(routes: RegisteredRoute[], docs: RouteDocs) {
  const registered = new Set(routes.map((r) => `${r.method} ${r.url}`));
  const documented = new Set(Object.keys(docs));
  return {
    undocumented: [...registered].filter((key) => !documented.has(key)).sort(),
    stale: [...documented].filter((key) => !registered.has(key)).sort(),
  };
}

/** ':id' → '{id}', '*' → '{path}', as OpenAPI spells path parameters. */
export function openApiPath(fastifyPath: string): string {
  return fastifyPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{path}');
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
}

function parameters(where: 'path' | 'query', schema: z.ZodObject | undefined, url: string) {
  const out: Record<string, unknown>[] = [];
  const converted = schema ? jsonSchema(schema, 'input') : { properties: {}, required: [] };
  const properties = (converted['properties'] ?? {}) as Record<string, Record<string, unknown>>;
  const required = new Set((converted['required'] ?? []) as string[]);
  for (const [name, property] of Object.entries(properties)) {
    const { description, ...rest } = property;
    out.push({
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    });
  }
  // A wildcard has no zod schema of its own.
  if (where === 'path' && url.endsWith('*')) {
    out.push({ name: 'path', in: 'path', required: true, schema: { type: 'string' } });
  }
  return out;
}

/** 'GET /v1/integrations/:id' → 'getV1IntegrationsId'. */
function operationId(method: HttpMethod, url: string): string {
  const words = openApiPath(url).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string = '') => c.toUpperCase());
  return `${method.toLowerCase()}${words}`;
}

function operation(method: HttpMethod, url: string, doc: OperationDoc) {
  const auth = doc.auth ?? (url.startsWith('/v1/') ? 'apiKey' : 'none');
  const responses = Object.fromEntries(
    Object.entries(doc.responses).map(([status, response]) => {
      // A response may come as JSON and, when asked, in another type as well (CSV exports).
      const content =
        response.schema || response.contentType
          ? {
              ...(response.schema
                ? { 'application/json': { schema: jsonSchema(response.schema, 'output') } }
                : {}),
              ...(response.contentType ? { [response.contentType]: { schema: { type: 'string' } } } : {}),
            }
          : undefined;
      return [status, { description: response.description, ...(content ? { content } : {}) }];
    }),
  );
  // The permission each route needs comes from the one table the API checks it with.
  const permission = permissionOf(method, url);
  if (permission !== undefined && permission !== 'public') {
    responses['403'] = {
      description: `forbidden: needs the ${permissionNames[permission]} permission`,
      content: { 'application/json': { schema: jsonSchema(errorSchema, 'output') } },
    };
  }
  return {
    operationId: operationId(method, url),
    summary: doc.summary,
    ...(permission !== undefined && permission !== 'public' ? { 'x-permission': permission } : {}),
    ...(doc.description ? { description: doc.description } : {}),
    tags: [doc.tag],
    security: auth === 'none' ? [] : [{ [auth]: [] }],
    parameters: [...parameters('path', doc.params, url), ...parameters('query', doc.query, url)],
    ...(doc.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(doc.body, 'input') } },
          },
        }
      : {}),
    responses,
  };
}

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
}

export function buildOpenApiDocument(routes: RouteDocs, info: DocumentInfo) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [key, doc] of Object.entries(routes) as [keyof RouteDocs, OperationDoc][]) {
    const [method, url] = key.split(' ', 2) as [HttpMethod, string];
    const path = openApiPath(url);
    paths[path] = { ...paths[path], [method.toLowerCase()]: operation(method, url, doc) };
  }
  return {
    openapi: '3.1.0',
    info,
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An account API key (hak_…): `npm run account:create`.',
        },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'The METRICS_TOKEN the operator set.' },
      },
    },
    paths,
  };
}
