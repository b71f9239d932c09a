// The page's files as the server hands them out: only files under web/, with headers that keep scripts to
// our own files, and page code that never parses data as HTML.
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { projectRoot } from '../../config/env';
import { errorHandler, notFound } from '../../api/errors';
import { webRoutes } from '../../api/routes/web';
import { useZodSchemas } from '../../api/schema-compilers';

async function appFor(root?: string): Promise<FastifyInstance> {
  const app = Fastify();
  useZodSchemas(app, true);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request) => {
    throw notFound(`${request.method} ${request.url}`);
  });
  await app.register(webRoutes, root ? { root } : {});
  return app;
}

describe('serving web/', () => {
  let app: FastifyInstance;
  let scratch: string;
  let scratchApp: FastifyInstance;

  before(async () => {
    app = await appFor();
    scratch = await mkdtemp(join(tmpdir(), 'web-route-'));
    await writeFile(join(scratch, 'index.html'), '<!doctype html><title>x</title>');
    await writeFile(join(scratch, 'notes.txt'), 'not servable');
    await writeFile(join(scratch, '.env'), 'SECRET=1');
    await mkdir(join(scratch, '.hidden'));
    await writeFile(join(scratch, '.hidden', 'app.js'), 'hidden');
    scratchApp = await appFor(scratch);
  });

  after(async () => {
    await app?.close();
    await scratchApp?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('serves the page at / with a strict CSP, nosniff, no referrer and revalidation', async () => {
    const response = await app.inject({ method: 'GET', url: '/' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/html/);
    const csp = String(response.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.equal(response.headers['referrer-policy'], 'no-referrer');
    assert.equal(response.headers['cache-control'], 'no-cache');
    const etag = String(response.headers['etag']);
    const again = await app.inject({ method: 'GET', url: '/', headers: { 'if-none-match': etag } });
    assert.equal(again.statusCode, 304);
    assert.equal(again.body, '');
  });

  it('serves the modules and styles with their types', async () => {
    const script = await app.inject({ method: 'GET', url: '/web/app.js' });
    assert.equal(script.statusCode, 200);
    assert.match(String(script.headers['content-type']), /^text\/javascript/);
    const nested = await app.inject({ method: 'GET', url: '/web/views/sync.js' });
    assert.equal(nested.statusCode, 200);
    const styles = await app.inject({ method: 'GET', url: '/web/styles.css' });
    assert.match(String(styles.headers['content-type']), /^text\/css/);
  });

  it('answers 404 for anything outside web/, hidden, or of an unknown type', async () => {
    for (const url of [
      '/web/../package.json',
      '/web/%2e%2e/package.json',
      '/web/..%2fpackage.json',
      '/web/views/../../package.json',
      '/web/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/web//etc/passwd',
      '/web/',
      '/web/nothing.js',
    ]) {
      const response = await app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 404, url);
      assert.doesNotMatch(response.body, /"dependencies"|root:/, url);
    }
    for (const url of ['/web/notes.txt', '/web/.env', '/web/.hidden/app.js']) {
      assert.equal((await scratchApp.inject({ method: 'GET', url })).statusCode, 404, url);
    }
  });

  it('has no inline script or style in the HTML, and no HTML parsing of data in the modules', async () => {
    const html = await readFile(join(projectRoot, 'web', 'index.html'), 'utf8');
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) assert.match(tag, /\ssrc="\/web\//);
    assert.doesNotMatch(html, /<script>(?!<\/script>)|\sstyle=|\son[a-z]+=/i);
    const files = (await readdir(join(projectRoot, 'web'), { recursive: true })).filter((f) =>
      f.endsWith('.js'),
    );
    assert.ok(files.length > 5);
    for (const file of files) {
      const code = await readFile(join(projectRoot, 'web', file), 'utf8');
      assert.doesNotMatch(
        code,
        /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/,
        file,
      );
    }
  });
});
