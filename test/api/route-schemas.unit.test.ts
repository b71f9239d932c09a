// Every route declares once, in zod, what it takes (params, querystring, body) and what it answers, and the
// OpenAPI document is generated from exactly those declarations: walked here over every route the app
// registers, with no database or Temporal behind it. Also: how a request that fails its schema is answered,
// and how an answer that does not fit its schema is caught in tests.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errorHandler } from '../../api/errors';
import { permissionOf } from '../../api/permissions';
import { completeRouteSchemas, type RegisteredRoute } from '../../api/route-docs';
import { idParams } from '../../api/route-schemas';
import { useZodSchemas } from '../../api/schema-compilers';
import { buildUnconnectedApp } from '../support/api';
import { testConfig } from '../support/system';

const anError = { error: { code: 'not_found', message: 'Integration was not found.' }, requestId: 'r-1' };

/** The path parameters a Fastify URL has: ':id' → 'id', a trailing '*' → '*'. */
const pathNames = (url: string) => [...url.matchAll(/:([A-Za-z0-9_]+)|\*$/g)].map((m) => m[1] ?? '*');

/** The zod schemas of one declared answer: the schema itself, or one per content type. */
function answerSchemas(answer: unknown): unknown[] {
  if (answer instanceof z.ZodType) return [answer];
  const content = (answer as { content?: Record<string, { schema: unknown }> }).content;
  return content ? Object.values(content).map((c) => c.schema) : [answer];
}

/** What `route` fails to declare, in words; empty when it declares everything it must. */
function missingSchemas(route: RegisteredRoute): string[] {
  const { schema } = route;
  const source = String(route.handler);
  const missing: string[] = [];
  if (!schema.summary) missing.push('summary');
  if (!schema.tags?.length) missing.push('tags');
  const names = pathNames(route.url);
  if (names.length > 0) {
    const shape = schema.params instanceof z.ZodObject ? Object.keys(schema.params.shape) : [];
    if (shape.sort().join() !== [...names].sort().join()) missing.push(`params (${names.join(', ')})`);
  } else if (schema.params) missing.push('no params: the URL has none');
  if (/\brequest\.query\b/.test(source) && !(schema.querystring instanceof z.ZodType))
    missing.push('querystring');
  if (/\brequest\.body\b/.test(source) && !(schema.body instanceof z.ZodType)) missing.push('body');
  const answers = Object.entries(schema.response ?? {});
  if (!answers.some(([status]) => /^[23]\d\d$/.test(status))) missing.push('a response for success');
  for (const [status, answer] of answers) {
    for (const zod of answerSchemas(answer)) {
      if (!(zod instanceof z.ZodType)) missing.push(`a zod schema for ${status}`);
      else if (Number(status) >= 400 && route.url !== '/readyz' && !zod.safeParse(anError).success)
        missing.push(`the error shape for ${status}`);
    }
  }
  return missing;
}

describe('route schemas', () => {
  let offline: Awaited<ReturnType<typeof buildUnconnectedApp>>;
  let app: FastifyInstance;
  let doc: any;

  before(async () => {
    offline = await buildUnconnectedApp(testConfig());
    app = offline.app;
    await app.ready();
    doc = (await app.inject({ method: 'GET', url: '/docs/openapi.json' })).json();
  });

  after(async () => {
    await offline?.close();
  });

  it('are declared by every route: params, querystring and body where it takes them, and its answers', () => {
    assert.ok(app.registeredRoutes.length >= 40, `${app.registeredRoutes.length} routes seen`);
    const missing = app.registeredRoutes
      .map((route) => [`${route.method} ${route.url}`, missingSchemas(route)] as const)
      .filter(([, what]) => what.length > 0);
    assert.deepEqual(missing, []);
  });

  it('notice a route added without them', async () => {
    const other = Fastify();
    useZodSchemas(other, true);
    completeRouteSchemas(other);
    other.get('/v1/things/:id', async (request) => ({ asked: request.query }));
    other.post('/v1/things', { schema: { summary: 'Add a thing', tags: ['Things'] } }, async (request) => ({
      added: request.body,
    }));
    await other.ready();
    const [get, post] = other.registeredRoutes.map(missingSchemas);
    assert.deepEqual(get, ['summary', 'tags', 'params (id)', 'querystring', 'a response for success']);
    assert.deepEqual(post, ['body', 'a response for success']);
    await other.close();
  });

  it('make the OpenAPI document: every route, with its parameters, body, answers and permission', () => {
    const operations = Object.values<any>(doc.paths).flatMap((path) => Object.keys(path)).length;
    assert.equal(operations, app.registeredRoutes.length, 'the document lists exactly the registered routes');
    for (const { method, url, schema } of app.registeredRoutes) {
      const what = `${method} ${url}`;
      const path = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{*}');
      const operation = doc.paths[path]?.[method.toLowerCase()];
      assert.ok(operation, `${what} is missing from the document`);
      assert.equal(operation.summary, schema.summary, what);
      assert.deepEqual(operation.tags, schema.tags, what);
      const parameters = (operation.parameters ?? []) as { in: string; name: string }[];
      const named = (where: string) =>
        parameters
          .filter((p) => p.in === where)
          .map((p) => p.name)
          .sort();
      assert.deepEqual(named('path'), pathNames(url).sort(), `${what}: path parameters`);
      const query = schema.querystring as z.ZodObject | undefined;
      assert.deepEqual(named('query'), query ? Object.keys(query.shape).sort() : [], `${what}: query`);
      assert.equal(Boolean(operation.requestBody), Boolean(schema.body), `${what}: request body`);
      assert.deepEqual(
        Object.keys(operation.responses).sort(),
        Object.keys(schema.response ?? {}).sort(),
        `${what}: answers`,
      );
      for (const answer of Object.values<any>(operation.responses))
        assert.ok(answer.description && answer.description !== 'Default Response', `${what}: a description`);
      const permission = permissionOf(method, url);
      assert.equal(operation['x-permission'], permission === 'public' ? undefined : permission, what);
      if (url.startsWith('/v1/')) {
        for (const status of ['401', '403', '429', '500', '503'])
          assert.ok(operation.responses[status], `${what} answers ${status}`);
      }
    }
  });

  it('answer a request that fails them in the one error shape, naming each field', async () => {
    const other = Fastify();
    useZodSchemas(other, true);
    other.setErrorHandler(errorHandler);
    other.post(
      '/widgets/:id',
      {
        schema: {
          params: idParams('Widget'),
          querystring: z.strictObject({ limit: z.coerce.number().int().max(5).default(1) }),
          body: z.strictObject({
            name: z.string({ error: 'expected a string' }),
            size: z.number().optional(),
          }),
          response: { 200: z.object({ id: z.uuid(), limit: z.number(), name: z.string() }) },
        },
      },
      async (request) => ({
        id: (request.params as any).id,
        limit: (request.query as any).limit,
        ...(request.body as any),
      }),
    );
    const id = '6f1c2a7e-3b4d-4e8f-9a01-23456789abcd';
    const post = (url: string, payload?: unknown) =>
      other.inject({ method: 'POST', url, ...(payload === undefined ? {} : { payload: payload as object }) });

    const notFound = await post('/widgets/not-a-uuid', { name: 'a' });
    assert.equal(notFound.statusCode, 404);
    assert.equal(notFound.json().error.code, 'not_found');
    assert.equal(notFound.json().error.message, 'Widget was not found.');

    const query = await post(`/widgets/${id}?limit=9`, { name: 'a' });
    assert.equal(query.statusCode, 400);
    assert.equal(query.json().error.message, 'The request query is not valid: check limit.');
    assert.deepEqual(Object.keys(query.json().error.fields), ['limit']);

    const body = await post(`/widgets/${id}`, { name: 7, size: 'big' });
    assert.equal(body.statusCode, 400);
    assert.equal(body.json().error.code, 'invalid_request');
    assert.equal(body.json().error.message, 'The request body is not valid: check name, size.');
    assert.equal(body.json().error.fields.name, 'expected a string');
    assert.equal(typeof body.json().requestId, 'string');

    // No body at all reads as an empty one, so the answer names the missing field rather than the body.
    const bare = await post(`/widgets/${id}`);
    assert.equal(bare.statusCode, 400);
    assert.deepEqual(Object.keys(bare.json().error.fields), ['name']);

    const good = await post(`/widgets/${id}?limit=2`, { name: 'a' });
    assert.deepEqual(good.json(), { id, limit: 2, name: 'a' });
    await other.close();
  });

  it('check answers against them when asked (as the tests do), and only write them otherwise', async () => {
    async function answer(checkResponses: boolean) {
      const other = Fastify();
      useZodSchemas(other, checkResponses);
      other.setErrorHandler(errorHandler);
      other.get('/count', { schema: { response: { 200: z.object({ n: z.number() }) } } }, async () => ({
        n: 'one',
      }));
      const response = await other.inject({ method: 'GET', url: '/count' });
      await other.close();
      return response;
    }
    const checked = await answer(true);
    assert.equal(checked.statusCode, 500);
    assert.equal(checked.json().error.code, 'internal');
    assert.match(checked.json().error.message, /200 answer of GET \/count does not match its schema: n:/);
    const written = await answer(false);
    assert.equal(written.statusCode, 200);
    assert.equal(written.body, '{"n":"one"}');
  });
});
