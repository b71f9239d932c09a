import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { headChars, readHaloErrorBody } from '../../halo/error-body';
import type { HaloResponse } from '../../halo/http';
import { SecretList } from '../../halo/redact';
import { isMissingRecord, parseJsonBody, statusError, tokenError } from '../../halo/response';

// Error bodies come from a server the account chose; these are the shapes that made the old patterns take
// time growing with the square of the body, each 5 MB, the size a hostile server can send in a few seconds.
const fiveMb = 5 * 1024 * 1024;
const fill = (start: string, unit: string, end = ''): string =>
  start + unit.repeat(Math.ceil((fiveMb - start.length - end.length) / unit.length)) + end;

const hostileBodies: Record<string, string> = {
  'repeated <title': fill('<html>', '<title'),
  'repeated <title> never closed': fill('<html>', '<title>x'),
  'unterminated tags': fill('<html><p>', '<'),
  'repeated <script never closed': fill('<html>', '<script'),
  'nested <script> blocks': fill('<html>', '<script><style><head>'),
  'repeated &#': fill('<html><p>', '&#'),
  'an endless numeric entity': fill('<html><p>&#', '1'),
  'repeated entities': fill('<html><p>', '&amp;&#x41;&nbsp;'),
  'closing tags only': fill('', '</p>'),
  'whitespace runs': fill('', ' \t\r\n', 'x'),
  'whitespace inside HTML': fill('<html><title>', ' \n', '</title>'),
  'deep JSON arrays': fill('', '[', ']'),
  'deep JSON objects': fill('', '{"error":', '1}'),
  'a huge JSON string': fill('{"error":"invalid_client","error_description":"', 'a', '"}'),
  'a huge string of escapes': fill('{"Message":"', '\\u0041\\n', '"}'),
  'a huge bare JSON string': fill('"', 'b', '"'),
  'a doctype then repeated <head': fill('<!doctype html>', '<head'),
  'repeated < with letters': fill('<html>', '<a <b '),
};

function response(status: number, text: string, path = '/api/Asset'): HaloResponse {
  return {
    method: 'GET',
    url: new URL(`https://acme.haloitsm.com${path}`),
    status,
    headers: {},
    text,
  };
}

/** The median of five runs, so one pause of the machine does not decide. */
function medianMs(work: () => void): number {
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    work();
    runs.push(performance.now() - started);
  }
  return runs.sort((a, b) => a - b)[2] ?? Infinity;
}

const ctx = { resource: 'Asset', label: 'hardware assets', permission: 'read:assets' };

describe('hostile Halo error bodies', () => {
  for (const [shape, body] of Object.entries(hostileBodies)) {
    it(`turns 5 MB of ${shape} into a short message in under 50 ms`, () => {
      assert.ok(body.length >= fiveMb);
      const secrets = new SecretList('a-client-secret-0123');
      let message: string | undefined;
      const ms = medianMs(() => {
        message = readHaloErrorBody(body, secrets).message;
        tokenError(response(400, body, '/auth/token'), secrets);
        statusError(response(500, body), secrets, ctx);
        isMissingRecord(response(404, body));
        // A 2xx body that is not JSON at all is described from its head too. (JSON-shaped ones are parsed
        // whole by JSON.parse, natively and in linear time, under the client's body size cap.)
        if (!/^[[{"]/.test(body)) assert.throws(() => parseJsonBody(response(200, body), secrets, true));
      });
      if (process.env.SHOW_MS) console.log(shape, ms.toFixed(2));
      assert.ok(ms < 50, `${shape}: ${ms.toFixed(1)} ms`);
      assert.ok(message === undefined || message.length <= 300, shape);
    });
  }

  it('still reads ordinary bodies as before', () => {
    assert.deepEqual(readHaloErrorBody('{"error":"invalid_client","error_description":"Bad secret"}'), {
      message: 'invalid_client: Bad secret',
      code: 'invalid_client',
    });
    assert.equal(
      readHaloErrorBody(
        '<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>p{}</style></head>' +
          '<body><h1>502 Bad Gateway</h1><script>x()</script><p>nginx &amp; co&#39;s</p></body></html>',
      ).message,
      "502 Bad Gateway nginx & co's",
    );
    assert.equal(
      readHaloErrorBody('<html><title>Down</title><body><p>Back   soon</p></body></html>').message,
      'Down: Back soon',
    );
    assert.equal(readHaloErrorBody('"plain words"').message, 'plain words');
    assert.equal(readHaloErrorBody('  \n ').message, undefined);
  });
});

describe('secrets in error bodies', () => {
  const secret = 'Zq9Kx7Wp4Lm2';
  const noneOf = (text: string | undefined, value = secret): void => {
    for (let i = 0; i + 4 <= value.length; i++) {
      assert.ok(!(text ?? '').includes(value.slice(i, i + 4)), `${text} holds part of the secret`);
    }
  };

  it('are removed before the message is cut to length, so none survives in part at the cut', () => {
    const body = `${'w'.repeat(292)} ${secret} more words`;
    const message = readHaloErrorBody(body, new SecretList(secret)).message;
    noneOf(message);
    assert.match(message ?? '', /^w+ \[red/);
  });

  it('are removed before the body is cut to its head, so none survives in part at that cut', () => {
    const body = `<html><p>${' '.repeat(headChars - 15)}${secret}</p></html>`;
    noneOf(readHaloErrorBody(body, new SecretList(secret)).message);
    noneOf(readHaloErrorBody(`${' '.repeat(headChars - 6)}${secret}`, new SecretList(secret)).message);
  });

  it('are removed before whitespace is folded', () => {
    const spaced = 'open  sesame\t42';
    const message = readHaloErrorBody(`invalid: ${spaced}!`, new SecretList(spaced)).message;
    assert.equal(message, 'invalid: [redacted]!');
  });

  it('are removed however short they are', () => {
    const message = readHaloErrorBody('{"error":"invalid_client","error_description":"bad x1y2z"}', [
      'x1y2z',
    ]).message;
    assert.equal(message, 'invalid_client: bad [redacted]');
  });

  it('are removed when Halo wrote them as JSON escapes or HTML entities', () => {
    const list = new SecretList(secret);
    noneOf(readHaloErrorBody('{"error":"x","error_description":"\\u005aq9Kx7Wp4Lm2"}', list).message);
    noneOf(readHaloErrorBody('<html><p>&#90;q9Kx7Wp4Lm2</p></html>', list).message);
  });

  it('never reach a token error, a status error or a bad-shape message', () => {
    const list = new SecretList(secret);
    const echoed = `${'e'.repeat(295)} client_secret=${encodeURIComponent(secret)}&x=1`;
    for (const error of [
      tokenError(response(400, echoed, '/auth/token'), list),
      statusError(response(500, echoed), list, ctx),
    ]) {
      noneOf(error.message);
    }
    const thrown = (() => {
      try {
        parseJsonBody(response(200, `<p>${'e'.repeat(110)} ${secret}`), list, true);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    assert.ok(thrown);
    noneOf(thrown.message);
  });
});
