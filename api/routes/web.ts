// The web page: the files in web/ served as they are (plain ES modules, no build step). Only files that
// existed when the server started can be asked for, by their exact path, so no URL reaches outside web/.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { projectRoot } from '../../config/env';
import { notFound } from '../errors';
import { errorResponse, noBody, pathParams, textBody } from '../route-schemas';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

// Scripts and styles only from files of our own; the API key lives in sessionStorage, so an injected script
// is the one thing that could read it. Forms are handled in script: a form that would submit natively
// (and put its fields in a URL) is blocked.
const securityHeaders = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
    "form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/** Every servable file under `root`, keyed by its path with forward slashes; dotfiles are left out. */
async function listFiles(root: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(entry.parentPath, entry.name);
    const rel = relative(root, path).split(sep).join('/');
    if (!entry.isFile() || rel.split('/').some((part) => part.startsWith('.'))) continue;
    if (contentTypes[extname(rel)]) files.set(rel, path);
  }
  return files;
}

const tags = ['Operations'];

export const webRoutes: FastifyPluginAsyncZod<{ root?: string }> = async (app, opts) => {
  const files = await listFiles(opts.root ?? join(projectRoot, 'web'));

  // Read on each request so an edited file shows on reload; no-cache with an ETag makes that cheap.
  async function send(request: FastifyRequest, reply: FastifyReply, rel: string) {
    const path = files.get(rel);
    const content = path ? await readFile(path).catch(() => null) : null;
    if (!content) throw notFound(`GET ${request.url.split('?')[0]}`);
    const etag = `"${createHash('sha256').update(content).digest('base64url').slice(0, 22)}"`;
    void reply.headers({ ...securityHeaders, 'cache-control': 'no-cache', etag });
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.type(contentTypes[extname(rel)] ?? 'application/octet-stream').send(content);
  }

  const getRootSchema = {
    tags,
    summary: 'The web page',
    response: {
      200: textBody('text/html', 'The single-page app'),
      304: noBody('Unchanged since the ETag given in If-None-Match'),
    },
  };
  app.get('/', { schema: getRootSchema }, (request, reply) => send(request, reply, 'index.html'));
  const getWebSchema = {
    tags,
    summary: "The web page's files",
    params: pathParams('The file', { '*': z.string() }),
    response: {
      200: textBody('application/octet-stream', 'A file of the web page'),
      304: noBody('Unchanged since the ETag given in If-None-Match'),
      404: errorResponse('not_found: no such file of the page'),
    },
  };
  app.get('/web/*', { schema: getWebSchema }, (request, reply) => send(request, reply, request.params['*']));
};
