// The API's documentation: the OpenAPI document and Swagger UI to read it, served from this process (the
// swagger-ui-dist package), so the page needs nothing from the internet.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { projectRoot } from '../../config/env';
import { notFound } from '../errors';
import { buildOpenApiDocument } from '../openapi';
import { routeDocs } from '../openapi-routes';

const swaggerDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const assets: Record<string, { file?: string; body?: string; type: string }> = {
  'swagger-ui.css': { file: 'swagger-ui.css', type: 'text/css; charset=utf-8' },
  'swagger-ui-bundle.js': { file: 'swagger-ui-bundle.js', type: 'text/javascript; charset=utf-8' },
  'favicon-32x32.png': { file: 'favicon-32x32.png', type: 'image/png' },
  // validatorUrl null: Swagger UI would otherwise fetch a badge from validator.swagger.io.
  'init.js': {
    body: `window.ui = SwaggerUIBundle({ url: '/docs/openapi.json', dom_id: '#ui', validatorUrl: null,
  deepLinking: true, persistAuthorization: false });\n`,
    type: 'text/javascript; charset=utf-8',
  },
};

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Halo asset sync API</title>
<link rel="icon" href="/docs/assets/favicon-32x32.png">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>
`;

// Swagger UI sets inline styles; scripts still come only from this origin.
const securityHeaders = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export const docsRoutes: FastifyPluginAsync = async (app) => {
  const { version } = JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8')) as {
    version: string;
  };
  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  const cache = new Map<string, Buffer>();

  app.get('/docs', async (_request, reply) =>
    reply.headers(securityHeaders).type('text/html; charset=utf-8').send(page),
  );

  app.get('/docs/openapi.json', async () => {
    document ??= buildOpenApiDocument(routeDocs, {
      title: 'Halo asset sync',
      version,
      description:
        'Connects a Halo ITSM / HaloPSA tenant and keeps its customers, hardware and software assets in ' +
        'PostgreSQL through Temporal. Errors always have the shape `{"error": {"code", "message", ...}, "requestId"}`.',
    });
    return document;
  });

  app.get('/docs/assets/*', async (request, reply) => {
    const name = (request.params as { '*': string })['*'];
    const asset = Object.hasOwn(assets, name) ? assets[name] : undefined;
    if (!asset) throw notFound(`GET ${request.url.split('?')[0]}`);
    let body = cache.get(name);
    if (!body) {
      body = asset.file ? await readFile(join(swaggerDir, asset.file)) : Buffer.from(asset.body ?? '');
      cache.set(name, body);
    }
    return reply
      .headers({ ...securityHeaders, 'cache-control': 'public, max-age=3600' })
      .type(asset.type)
      .send(body);
  });
};
