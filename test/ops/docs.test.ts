// The OpenAPI document is generated from the routes' own zod schemas and lists every route Fastify has
// registered, nothing more; /docs shows it with a viewer served by the API itself.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { buildApp } from '../../api/app';
import { compareWithDocs, openApiPath, trackRoutes } from '../../api/openapi';
import { routeDocs } from '../../api/openapi-routes';
import { assetsQuery } from '../../api/routes/records';
import { parseEncryptionKey } from '../../db/crypto';
import { createDatabase } from '../../db/client';
import { testConfig } from '../support/system';

describe('the API documentation', () => {
  let app: FastifyInstance;
  let connection: Connection;
  let database: ReturnType<typeof createDatabase>;
  let doc: any;

  before(async () => {
    const config = testConfig();
    // Nothing here touches the database or Temporal: both point at closed ports.
    database = createDatabase('postgres://postgres@127.0.0.1:1/none', { max: 1 });
    connection = Connection.lazy({ address: '127.0.0.1:1' });
    app = await buildApp({
      config,
      db: database.db,
      temporal: new Client({ connection }),
      encryptionKey: parseEncryptionKey(config.ENCRYPTION_KEY),
    });
    await app.ready();
    const response = await app.inject({ method: 'GET', url: '/docs/openapi.json' });
    assert.equal(response.statusCode, 200);
    doc = response.json();
  });

  after(async () => {
    await app?.close();
    await connection?.close();
    await database?.close();
  });

  it('documents every route the app has registered, and only those', () => {
    assert.ok(app.registeredRoutes.length >= 20, `${app.registeredRoutes.length} routes seen`);
    assert.deepEqual(compareWithDocs(app.registeredRoutes, routeDocs), { undocumented: [], stale: [] });
    for (const route of app.registeredRoutes) {
      const operation = doc.paths[openApiPath(route.url)]?.[route.method.toLowerCase()];
      assert.ok(operation, `${route.method} ${route.url} is missing from the document`);
      assert.ok(operation.summary, `${route.method} ${route.url} has no summary`);
      assert.ok(Object.keys(operation.responses).length > 0, `${route.method} ${route.url} has no responses`);
    }
  });

  it('notices a route added without documentation', async () => {
    const other = Fastify();
    trackRoutes(other);
    other.get('/healthz', () => 'ok');
    other.get('/v1/something-new', () => 'new');
    await other.ready();
    const { undocumented, stale } = compareWithDocs(other.registeredRoutes, routeDocs);
    assert.deepEqual(undocumented, ['GET /v1/something-new']);
    assert.ok(stale.includes('POST /v1/integrations/halo'));
    await other.close();
  });

  it('is OpenAPI 3.1 with the API key on every /v1 route and none on health checks', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.match(doc.info.version, /^\d+\.\d+\.\d+/);
    for (const [path, operations] of Object.entries<any>(doc.paths)) {
      for (const operation of Object.values<any>(operations)) {
        const expected = path.startsWith('/v1/')
          ? [{ apiKey: [] }]
          : path === '/metrics'
            ? [{ metricsToken: [] }]
            : [];
        assert.deepEqual(operation.security, expected, path);
        for (const parameter of operation.parameters) {
          if (parameter.in === 'path')
            assert.ok(path.includes(`{${parameter.name}}`), `${path} ${parameter.name}`);
        }
      }
    }
    assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['apiKey', 'metricsToken']);
  });

  it('takes request shapes from the zod schemas the routes validate with', () => {
    const save = doc.paths['/v1/integrations/halo'].post.requestBody.content['application/json'].schema;
    assert.deepEqual(save.required, ['resourceServerUrl', 'authServerUrl', 'clientId', 'clientSecret']);
    assert.equal(save.additionalProperties, false);

    const listed = doc.paths['/v1/assets'].get.parameters;
    const expected = (z.toJSONSchema(assetsQuery, { io: 'input', unrepresentable: 'any' }) as any).properties;
    assert.deepEqual((listed as { name: string }[]).map((p) => p.name).sort(), Object.keys(expected).sort());
    const kind = listed.find((p: any) => p.name === 'kind');
    assert.deepEqual(kind.schema.enum, ['hardware', 'software']);
    const limit = listed.find((p: any) => p.name === 'limit');
    assert.equal(limit.schema.maximum, 500);

    const detail = doc.paths['/v1/assets/{kind}/{haloId}'].get.parameters.filter((p: any) => p.in === 'path');
    assert.deepEqual(
      (detail as { name: string }[]).map((p) => p.name),
      ['kind', 'haloId'],
    );
    const sync = doc.paths['/v1/syncs/{id}'].get.responses['200'].content['application/json'].schema;
    assert.ok(sync.required.includes('temporalUiUrl'));
    const conflict = doc.paths['/v1/integrations/{id}/syncs'].post.responses['409'];
    assert.ok(conflict.content['application/json'].schema.properties.error.properties.sync);
  });

  it('serves a viewer that loads nothing from outside the API', async () => {
    const page = await app.inject({ method: 'GET', url: '/docs' });
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    assert.match(page.headers['content-security-policy'] as string, /script-src 'self'/);
    const references = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(references.length >= 3);
    for (const reference of references) {
      assert.match(reference, /^\/docs\/assets\//, `${reference} is not served by the API`);
      const asset = await app.inject({ method: 'GET', url: reference });
      assert.equal(asset.statusCode, 200, reference);
      assert.ok(asset.rawPayload.length > 0);
    }
    const init = await app.inject({ method: 'GET', url: '/docs/assets/init.js' });
    assert.match(init.body, /\/docs\/openapi\.json/);
    assert.match(init.body, /validatorUrl: null/);
    const bundle = await app.inject({ method: 'GET', url: '/docs/assets/swagger-ui-bundle.js' });
    assert.match(bundle.headers['content-type'] as string, /javascript/);
    assert.ok(bundle.rawPayload.length > 100_000);
    for (const bad of [
      '/docs/assets/../../package.json',
      '/docs/assets/index.html',
      '/docs/assets/%2e%2e%2fx',
    ]) {
      assert.equal((await app.inject({ method: 'GET', url: bad })).statusCode, 404, bad);
    }
  });
});
