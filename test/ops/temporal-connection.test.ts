// Connecting to any Temporal from the environment: TLS, mTLS and API keys turned into the options both the
// client (API) and the native connection (worker) take, checked against gRPC servers of our own on
// 127.0.0.1 that record what a client presents, since no remote Temporal is reachable here.
import assert from 'node:assert/strict';
import { createSecureServer, createServer, type Http2Server, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { ConfigError, parseEnv } from '../../config/env';
import {
  describeTemporalConnection,
  temporalConnectionOptions,
  type TemporalConnectionConfig,
} from '../../config/temporal-connection';
import { makeCertificates, openSslAvailable, type TestCertificates } from './certificates';

const options = (env: Record<string, string>) => temporalConnectionOptions(parseEnv(env));

interface Seen {
  authorization: string | undefined;
  path: string | undefined;
  clientCertificate: string | undefined;
}

/** A gRPC endpoint that answers every call UNIMPLEMENTED and records what the caller sent. */
async function grpcStandIn(
  server: Http2Server,
): Promise<{ address: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  server.on('stream', (stream: ServerHttp2Stream, headers) => {
    const socket = stream.session?.socket as TLSSocket | undefined;
    const peer = typeof socket?.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
    seen.push({
      authorization: headers['authorization'],
      path: headers[':path'],
      clientCertificate: peer?.subject?.CN as string | undefined,
    });
    stream.respond(
      { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '12', 'grpc-message': 'stand-in' },
      { endStream: true },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('connection options from the environment', () => {
  it('is plain address-only for a local dev server', () => {
    assert.deepEqual(options({ TEMPORAL_ADDRESS: '127.0.0.1:7233' }), {
      address: '127.0.0.1:7233',
      tls: false,
    });
  });

  it('turns TLS on for an API key, as Temporal Cloud needs, unless TEMPORAL_TLS=false', () => {
    const cloud = options({
      TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233',
      TEMPORAL_API_KEY: 'cloud-api-key-123',
    });
    assert.deepEqual(cloud, {
      address: 'eu-west-1.aws.api.temporal.io:7233',
      tls: {},
      apiKey: 'cloud-api-key-123',
    });
    const proxied = options({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' });
    assert.equal(proxied.tls, false);
    assert.equal(proxied.apiKey, 'k');
    assert.deepEqual(options({ TEMPORAL_TLS: 'true' }).tls, {});
  });

  it('reads the client certificate, key and CA from PEM in the environment, one-line \\n form included', () => {
    const crt = '-----BEGIN CERTIFICATE-----\\nMIIBfake\\n-----END CERTIFICATE-----';
    const key = '-----BEGIN PRIVATE KEY-----\\nMIIEfake\\n-----END PRIVATE KEY-----';
    const result = options({
      TEMPORAL_TLS_CLIENT_CERT_DATA: crt,
      TEMPORAL_TLS_CLIENT_KEY_DATA: key,
      TEMPORAL_TLS_SERVER_CA_CERT_DATA: crt,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    assert.ok(result.tls);
    assert.equal(result.tls.serverNameOverride, 'temporal.internal');
    assert.equal(result.tls.clientCertPair?.crt.toString(), crt.replace(/\\n/g, '\n'));
    assert.equal(result.tls.clientCertPair?.key.toString(), key.replace(/\\n/g, '\n'));
    assert.equal(result.tls.serverRootCACertificate?.toString(), crt.replace(/\\n/g, '\n'));
    assert.equal(result.apiKey, undefined);
  });

  it('refuses half an mTLS pair, both forms of one value, non-PEM text and unreadable files, naming the variable only', () => {
    const secret = '-----BEGIN PRIVATE KEY-----\nsecret-key-material\n-----END PRIVATE KEY-----';
    const refusals: [Partial<TemporalConnectionConfig>, RegExp][] = [
      [{ TEMPORAL_TLS_CLIENT_KEY_DATA: secret }, /TEMPORAL_TLS_CLIENT_CERT.*TEMPORAL_TLS_CLIENT_KEY/],
      [
        { TEMPORAL_TLS_CLIENT_KEY_DATA: secret, TEMPORAL_TLS_CLIENT_KEY_PATH: '/x' },
        /TEMPORAL_TLS_CLIENT_KEY_DATA or TEMPORAL_TLS_CLIENT_KEY_PATH/,
      ],
      [
        { TEMPORAL_TLS_SERVER_CA_CERT_DATA: 'not a certificate' },
        /TEMPORAL_TLS_SERVER_CA_CERT_DATA: expected PEM/,
      ],
      [
        { TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/nonexistent/ca.pem' },
        /TEMPORAL_TLS_SERVER_CA_CERT_PATH.*ENOENT/,
      ],
      [{ TEMPORAL_TLS: false, TEMPORAL_TLS_SERVER_NAME: 'x' }, /TEMPORAL_TLS=false/],
    ];
    for (const [config, message] of refusals) {
      assert.throws(
        () => temporalConnectionOptions({ TEMPORAL_ADDRESS: 'h:1', ...config }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigError, String(error));
          assert.match(error.message, message);
          assert.ok(!error.message.includes('secret-key-material'));
          return true;
        },
      );
    }
  });

  it('describes a connection for the log without its key or certificates', () => {
    const text = JSON.stringify(
      describeTemporalConnection(
        options({ TEMPORAL_ADDRESS: 'a.tmprl.cloud:7233', TEMPORAL_API_KEY: 'sekrit' }),
      ),
    );
    assert.ok(!text.includes('sekrit'));
    assert.deepEqual(JSON.parse(text), {
      address: 'a.tmprl.cloud:7233',
      tls: true,
      mtls: false,
      customCa: false,
      apiKey: true,
    });
  });
});

describe('what a client built from those options sends', { timeout: 60_000 }, () => {
  let certs: TestCertificates | undefined;

  before(() => {
    if (openSslAvailable()) certs = makeCertificates('temporal.internal', 'halo-worker');
  });
  after(() => certs?.remove());

  it('sends the API key as a bearer token from both the API client and the worker connection', async () => {
    const server = await grpcStandIn(createServer());
    try {
      const settings = options({
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_API_KEY: 'api-key-for-tests',
        TEMPORAL_TLS: 'false',
      });
      // No retry interceptor: one attempt says what the client sent.
      const client = Connection.lazy({ ...settings, interceptors: [] });
      await assert.rejects(client.workflowService.getSystemInfo({}), /UNIMPLEMENTED|stand-in/);
      await client.close();
      const byClient = server.seen.length;
      assert.equal(byClient, 1);
      // The worker's connection (Rust core) calls GetSystemInfo as it connects; UNIMPLEMENTED is fine by it.
      await NativeConnection.connect(settings).then(
        (native) => native.close(),
        () => undefined,
      );
      assert.ok(server.seen.length > byClient, 'the worker connection reached the server');
      for (const call of server.seen) assert.equal(call.authorization, 'Bearer api-key-for-tests');
    } finally {
      await server.close();
    }
  });

  it('verifies the server against the given CA and server name and presents the client certificate (mTLS)', async (t) => {
    if (!certs) return t.skip('openssl is not installed');
    const read = (path: string) => certs!.read(path);
    const server = await grpcStandIn(
      createSecureServer({
        key: read(certs.serverKey),
        cert: read(certs.serverCert),
        ca: read(certs.caCert),
        requestCert: true,
        rejectUnauthorized: true,
        allowHTTP1: false,
      }),
    );
    try {
      // Paths for the certificate and CA, PEM text for the key: both forms in one configuration.
      const keyData = read(certs.clientKey).replace(/\n/g, '\\n');
      const settings = options({
        TEMPORAL_ADDRESS: server.address,
        TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert,
        TEMPORAL_TLS_CLIENT_KEY_DATA: keyData,
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
        TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      });
      // No retry interceptor: one attempt says what the client sent.
      const client = Connection.lazy({ ...settings, interceptors: [] });
      await assert.rejects(client.workflowService.getSystemInfo({}), /UNIMPLEMENTED|stand-in/);
      await client.close();
      const byClient = server.seen.length;
      assert.equal(byClient, 1);
      // The worker's connection (Rust core) calls GetSystemInfo as it connects; UNIMPLEMENTED is fine by it.
      await NativeConnection.connect(settings).then(
        (native) => native.close(),
        () => undefined,
      );
      assert.ok(server.seen.length > byClient, 'the worker connection reached the server');
      for (const call of server.seen) assert.equal(call.clientCertificate, 'halo-worker');

      // Without the server name the certificate (issued for temporal.internal, not 127.0.0.1) is refused.
      const before = server.seen.length;
      const { serverNameOverride: _name, ...withoutName } = settings.tls || {};
      const strict = Connection.lazy({ ...settings, tls: withoutName, interceptors: [] });
      await assert.rejects(strict.workflowService.getSystemInfo({}));
      await strict.close();
      assert.equal(server.seen.length, before);
    } finally {
      await server.close();
    }
  });
});
