import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createHaloClient, type HaloClientOptions } from '../../halo/client';
import {
  HaloBadResponseError,
  HaloServerError,
  HaloUnreachableError,
  isHaloError,
  type HaloError,
} from '../../halo/errors';
import { createMemoryTokenCache } from '../../halo/token-cache';
import { startHaloStandin, type HaloStandin } from '../../standin';

let standin: HaloStandin;
before(async () => {
  standin = await startHaloStandin({ assets: 60, customers: 5, licences: 5 });
});
after(() => standin.close());

const noFaults = {
  errorRate: 0,
  resetRate: 0,
  timeoutRate: 0,
  truncateRate: 0,
  malformedRate: 0,
  latencyMs: undefined,
  faultsOnToken: false,
  rateLimit: null,
  seed: 1,
};
beforeEach(() => {
  standin.setFaults(noFaults);
  standin.resetStats();
});

function clientFor(extra: Partial<HaloClientOptions> = {}) {
  return createHaloClient({
    settings: standin.settings,
    allowPrivate: true,
    tokenCache: createMemoryTokenCache(),
    ...extra,
  });
}

async function failureOf(work: Promise<unknown>): Promise<HaloError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(isHaloError(error), `expected a HaloError, got ${String(error)}`);
  return error;
}

describe('the stand-in fault switches, met by the client', () => {
  it('answers 5xx with JSON and HTML bodies, which the client reports as HaloServerError', async () => {
    standin.setFaults({ errorRate: 1, seed: 3 });
    const client = clientFor();
    const statuses = new Set<number>();
    for (let i = 0; i < 12; i++) {
      const error = await failureOf(client.listPage('hardware', 1, 10));
      assert.ok(error instanceof HaloServerError, error.message);
      assert.equal(error.retryable, true);
      assert.doesNotMatch(error.message, /<html|<title/i);
      statuses.add(error.status ?? 0);
    }
    assert.deepEqual([...statuses].sort(), [500, 502, 503]);
    // The token endpoint is spared unless asked for: one token served all twelve.
    assert.equal(standin.stats.tokenRequests, 1);
    assert.equal(standin.stats.faults.error, 12);
  });

  it('resets the connection, which the client reports as HaloUnreachableError', async () => {
    standin.setFaults({ resetRate: 1 });
    const error = await failureOf(clientFor().listPage('hardware', 1, 10));
    assert.ok(error instanceof HaloUnreachableError, error.message);
    assert.match(error.message, /closed before Halo answered/);
  });

  it('never answers, which the client reports as HaloUnreachableError after its timeout', async () => {
    standin.setFaults({ timeoutRate: 1 });
    const began = Date.now();
    const error = await failureOf(clientFor({ timeoutMs: 300 }).listPage('hardware', 1, 10));
    assert.ok(error instanceof HaloUnreachableError, error.message);
    assert.match(error.message, /did not answer within 0\.3 s/);
    assert.ok(Date.now() - began < 2000);
  });

  it('cuts JSON off part-way, which the client reports as HaloBadResponseError', async () => {
    standin.setFaults({ truncateRate: 1, seed: 5 });
    const client = clientFor();
    const messages: string[] = [];
    for (let i = 0; i < 6; i++) {
      const error = await failureOf(client.listPage('hardware', 1, 10));
      assert.ok(error instanceof HaloBadResponseError, error.message);
      messages.push(error.message);
    }
    // Both ways a body gets cut: the connection dropping, and a short body passed on as whole.
    assert.ok(messages.some((m) => /body was cut off/.test(m)));
    assert.ok(messages.some((m) => /not JSON/.test(m)));
  });

  it('sends invalid JSON, which the client reports as HaloBadResponseError', async () => {
    standin.setFaults({ malformedRate: 1 });
    const error = await failureOf(clientFor().listPage('customers', 1, 10));
    assert.ok(error instanceof HaloBadResponseError, error.message);
    assert.match(error.message, /answered 200 with a body that is not JSON/);
  });

  it('adds latency within the range asked for', async () => {
    const client = clientFor();
    await client.requestToken();
    standin.setFaults({ latencyMs: [80, 120] });
    const began = Date.now();
    await client.listPage('hardware', 1, 10);
    const took = Date.now() - began;
    assert.ok(took >= 80 && took < 400, `took ${took} ms`);
  });

  it('spares the token endpoint unless faultsOnToken is set', async () => {
    standin.setFaults({ errorRate: 1 });
    await clientFor().requestToken();
    standin.setFaults({ faultsOnToken: true });
    const error = await failureOf(clientFor().requestToken());
    assert.ok(error instanceof HaloServerError, error.message);
  });

  it('misbehaves the same way for the same seed', async () => {
    const client = clientFor();
    await client.requestToken();
    const outcomes = async () => {
      const seen: string[] = [];
      for (let i = 0; i < 16; i++) {
        const result = await client.listPage('hardware', 1, 5).then(
          () => 'ok',
          (e: unknown) => `${(e as HaloError).name}:${(e as HaloError).status ?? ''}`,
        );
        seen.push(result);
      }
      return seen;
    };
    standin.setFaults({ errorRate: 0.3, malformedRate: 0.2, seed: 42 });
    const first = await outcomes();
    standin.setFaults({ seed: 42 });
    const second = await outcomes();
    assert.deepEqual(second, first);
    assert.ok(first.includes('ok') && first.some((o) => o.startsWith('HaloServerError')));
  });

  it('leaves a gateway error to Temporal: the request fails at once with HaloServerError', async () => {
    let failures = 1;
    standin.faults.intercept = (req, res) => {
      if (!req.url?.startsWith('/api/') || failures === 0) return false;
      failures--;
      res.writeHead(503, { 'content-type': 'text/html' }).end('<h1>Service Unavailable</h1>');
      return true;
    };
    try {
      const error = await failureOf(clientFor().listPage('hardware', 1, 10));
      assert.ok(error instanceof HaloServerError);
      assert.equal(error.retryable, true);
    } finally {
      standin.faults.intercept = undefined;
    }
  });

  it('keeps working with tokens that live only 2 s, renewing them before Halo refuses them', async () => {
    standin.config.tokenLifetimeSeconds = 2;
    try {
      const client = clientFor();
      const began = Date.now();
      while (Date.now() - began < 3000) {
        await client.listPage('hardware', 1, 5);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      assert.ok(standin.stats.tokenRequests >= 2);
      assert.equal(standin.stats.byStatus['401'], undefined);
    } finally {
      standin.config.tokenLifetimeSeconds = 3600;
    }
  });
});
