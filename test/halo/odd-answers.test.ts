import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHaloClient } from '../../halo/client';
import {
  HaloBadResponseError,
  HaloNotFoundError,
  HaloRateLimitError,
  HaloServerError,
  isHaloError,
} from '../../halo/errors';
import { createMemoryTokenCache } from '../../halo/token-cache';
import { startTinyServer, type TinyServer } from './tiny-server';

// Answers the stand-in never gives: every error body shape of docs/halo-api.md §8, wrong envelopes, redirects.

/** Every text an error exposes: message, fields and cause. */
function everythingIn(e: unknown): string {
  const error = e as Error & { cause?: Error };
  return [error.message, JSON.stringify(error), error.cause?.message ?? '', String(error.stack)].join('\n');
}

describe('odd answers', () => {
  let odd: TinyServer;
  let answer: { status: number; body: string; headers?: Record<string, string> } = { status: 200, body: '' };

  before(async () => {
    odd = await startTinyServer((req, res) => {
      if (req.url?.startsWith('/auth/token')) {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"access_token":"tiny-token-123456","token_type":"Bearer","expires_in":3600}');
        return;
      }
      res
        .writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
        .end(answer.body);
    });
  });
  after(() => odd.close());

  const oddClient = (maxBodyBytes?: number) =>
    createHaloClient({
      settings: {
        resourceServerUrl: `${odd.url}/api`,
        authServerUrl: `${odd.url}/auth`,
        tenant: '',
        clientId: 'odd-client-id',
        clientSecret: 'odd-client-secret-0123456789',
      },
      allowPrivate: true,
      tokenCache: createMemoryTokenCache(),
      ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
    });

  async function failureFor(
    status: number,
    body: string,
    headers: Record<string, string> = {},
  ): Promise<Error> {
    answer = { status, body, headers };
    const error = await oddClient()
      .listPage('hardware', 1, 100)
      .catch((e: unknown) => e);
    assert.ok(isHaloError(error), `expected a HaloError, got ${String(error)}`);
    assert.ok(!everythingIn(error).includes('tiny-token-123456'), 'the token leaked');
    return error;
  }

  const bodies: [string, number, string, RegExp][] = [
    ['{error}', 500, '{"error":"server_failure"}', /answered 500: server_failure/],
    [
      '{error:{error_description}}',
      502,
      '{"error":{"error_description":"upstream broke"}}',
      /answered 502: upstream broke/,
    ],
    ['{error_description}', 503, '{"error_description":"maintenance"}', /answered 503: maintenance/],
    ['{Message}', 500, '{"Message":"An error has occurred."}', /answered 500: An error has occurred\./],
    [
      '{ClassName, Message}',
      500,
      '{"ClassName":"NullReferenceException","Message":"Object reference not set"}',
      /answered 500: NullReferenceException: Object reference not set/,
    ],
    ['a bare JSON string', 500, '"Something went wrong"', /answered 500: Something went wrong/],
    [
      'HTML',
      502,
      '<html><head><title>502 Bad Gateway</title><style>p{}</style></head><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>',
      /answered 502: 502 Bad Gateway nginx/,
    ],
    ['an empty body', 504, '', /answered 504 with an empty body/],
  ];
  for (const [shape, status, body, expected] of bodies) {
    it(`turns ${shape} into a readable message with the status`, async () => {
      const error = await failureFor(status, body);
      assert.ok(error instanceof HaloServerError);
      assert.equal(error.retryable, true);
      assert.match(
        error.message,
        /^Halo had a server error \(GET http:\/\/127\.0\.0\.1:\d+\/api\/Asset\?pageinate=true/,
      );
      assert.match(error.message, expected);
    });
  }

  it("reports 429 as HaloRateLimitError with Halo's text", async () => {
    const error = await failureFor(429, 'Rate Limit Reached - 300 Requests per rolling 5 minute window');
    assert.ok(error instanceof HaloRateLimitError);
    assert.equal(error.retryable, true);
    assert.match(error.message, /Rate Limit Reached - 300 Requests/);
  });

  it('reports a 404 on a list as HaloNotFoundError pointing at the Resource Server URL', async () => {
    const error = await failureFor(404, '{"Message":"No HTTP resource was found"}');
    assert.ok(error instanceof HaloNotFoundError);
    assert.match(error.message, /check the Resource Server URL/);
  });

  it('treats a missing route as a wrong URL, not as a deleted asset', async () => {
    answer = { status: 404, body: '{"Message":"No HTTP resource was found that matches the request URI"}' };
    const error = await oddClient()
      .getAsset(5)
      .catch((e: unknown) => e);
    assert.ok(error instanceof HaloNotFoundError);
  });

  it('does not follow redirects', async () => {
    const error = await failureFor(302, '', { location: 'https://elsewhere.example/api/Asset' });
    assert.ok(error instanceof HaloBadResponseError);
    assert.match(error.message, /redirected to https:\/\/elsewhere\.example\/api\/Asset/);
  });

  it('reports an envelope without its list as HaloBadResponseError naming the key', async () => {
    const error = await failureFor(200, '{"page_no":1,"page_size":100,"record_count":3,"clients":[]}');
    assert.ok(error instanceof HaloBadResponseError);
    assert.match(
      error.message,
      /no "assets" list in its envelope \(it has page_no, page_size, record_count, clients\)/,
    );
  });

  it('reports a record without an integer id, naming where it is', async () => {
    const error = await failureFor(200, '{"record_count":2,"assets":[{"id":1},{"id":"abc"}]}');
    assert.ok(error instanceof HaloBadResponseError);
    assert.match(error.message, /assets\[1\]\.id: expected an integer/);
  });

  it('reports a body that is not JSON', async () => {
    const error = await failureFor(200, '<html><body>Login</body></html>');
    assert.ok(error instanceof HaloBadResponseError);
    assert.match(error.message, /answered 200 with a body that is not JSON: Login/);
  });

  it('accepts counts as strings and ids written as 12.0', async () => {
    answer = { status: 200, body: '{"record_count":"2","assets":[{"id":12.0,"key_field":"A"},{"id":"13"}]}' };
    const page = await oddClient().listPage('hardware', 1, 100);
    assert.equal(page.recordCount, 2);
    assert.deepEqual(page.items, [{ id: 12, key_field: 'A' }, { id: 13 }]);
  });

  it('refuses a body larger than the cap', async () => {
    answer = {
      status: 200,
      body: JSON.stringify({ record_count: 1, assets: [{ id: 1, notes: 'x'.repeat(5000) }] }),
    };
    const error = await oddClient(1000)
      .listPage('hardware', 1, 100)
      .catch((e: unknown) => e);
    assert.ok(error instanceof HaloBadResponseError);
    assert.match(error.message, /larger than/);
  });
});
