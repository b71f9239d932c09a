// How every process reaches Temporal: a local dev server, a self-hosted cluster with (m)TLS, or Temporal
// Cloud with an API key or a client certificate. The worker (NativeConnection.connect), the API
// (Connection.lazy) and the search-attribute script all take what this returns, so they cannot disagree.
import { readFileSync } from 'node:fs';
import { ConfigError, type Env } from './env';

export type TemporalConnectionConfig = Pick<Env, 'TEMPORAL_ADDRESS'> &
  Partial<
    Pick<
      Env,
      | 'TEMPORAL_TLS'
      | 'TEMPORAL_TLS_CLIENT_CERT_PATH'
      | 'TEMPORAL_TLS_CLIENT_CERT_DATA'
      | 'TEMPORAL_TLS_CLIENT_KEY_PATH'
      | 'TEMPORAL_TLS_CLIENT_KEY_DATA'
      | 'TEMPORAL_TLS_SERVER_CA_CERT_PATH'
      | 'TEMPORAL_TLS_SERVER_CA_CERT_DATA'
      | 'TEMPORAL_TLS_SERVER_NAME'
      | 'TEMPORAL_API_KEY'
    >
  >;

export interface TemporalTls {
  serverNameOverride?: string;
  serverRootCACertificate?: Buffer;
  clientCertPair?: { crt: Buffer; key: Buffer };
}

/** The fields NativeConnectionOptions (worker) and ConnectionOptions (client) share. */
export interface TemporalConnectionOptions {
  address: string;
  /** Always explicit: the client would otherwise turn TLS on by itself whenever an API key is set. */
  tls: TemporalTls | false;
  apiKey?: string;
}

type ReadFile = (path: string) => Buffer;

const pemBlock = (label: RegExp) => new RegExp(`-----BEGIN ${label.source}-----[\\s\\S]+-----END `);
const certificatePem = pemBlock(/CERTIFICATE/);
const privateKeyPem = pemBlock(/(?:RSA |EC |ENCRYPTED )?PRIVATE KEY/);

/**
 * One PEM value given either inline (`<NAME>_DATA`, where `\n` may stand for line breaks, as one-line env
 * files need) or as a file (`<NAME>_PATH`). Messages name the variables and never show their contents.
 */
function pem(
  name: string,
  data: string | undefined,
  path: string | undefined,
  shape: RegExp,
  readFile: ReadFile,
): Buffer | undefined {
  if (data !== undefined && path !== undefined) {
    throw new ConfigError(`Set ${name}_DATA or ${name}_PATH, not both`);
  }
  let value: Buffer | undefined;
  let source = `${name}_DATA`;
  if (data !== undefined) value = Buffer.from(data.replace(/\\n/g, '\n'), 'utf8');
  if (path !== undefined) {
    source = `${name}_PATH (${path})`;
    try {
      value = readFile(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new ConfigError(`${name}_PATH: cannot read ${path} (${code})`);
    }
  }
  if (value !== undefined && !shape.test(value.toString('utf8'))) {
    throw new ConfigError(`${source}: expected PEM text (-----BEGIN …-----)`);
  }
  return value;
}

/** Turns the environment's Temporal settings into connection options; throws ConfigError on a bad mix. */
export function temporalConnectionOptions(
  config: TemporalConnectionConfig,
  readFile: ReadFile = (path) => readFileSync(path),
): TemporalConnectionOptions {
  const crt = pem(
    'TEMPORAL_TLS_CLIENT_CERT',
    config.TEMPORAL_TLS_CLIENT_CERT_DATA,
    config.TEMPORAL_TLS_CLIENT_CERT_PATH,
    certificatePem,
    readFile,
  );
  const key = pem(
    'TEMPORAL_TLS_CLIENT_KEY',
    config.TEMPORAL_TLS_CLIENT_KEY_DATA,
    config.TEMPORAL_TLS_CLIENT_KEY_PATH,
    privateKeyPem,
    readFile,
  );
  if ((crt === undefined) !== (key === undefined)) {
    throw new ConfigError(
      'mTLS needs both TEMPORAL_TLS_CLIENT_CERT_(DATA|PATH) and TEMPORAL_TLS_CLIENT_KEY_(DATA|PATH)',
    );
  }
  const ca = pem(
    'TEMPORAL_TLS_SERVER_CA_CERT',
    config.TEMPORAL_TLS_SERVER_CA_CERT_DATA,
    config.TEMPORAL_TLS_SERVER_CA_CERT_PATH,
    certificatePem,
    readFile,
  );
  const serverName = config.TEMPORAL_TLS_SERVER_NAME;
  const apiKey = config.TEMPORAL_API_KEY;

  const tlsDetails = crt !== undefined || ca !== undefined || serverName !== undefined;
  // As Temporal's own clients do: an API key or any TLS detail turns TLS on, unless TEMPORAL_TLS=false.
  const useTls = config.TEMPORAL_TLS ?? (tlsDetails || apiKey !== undefined);
  if (!useTls && tlsDetails) {
    throw new ConfigError('TEMPORAL_TLS=false contradicts the TEMPORAL_TLS_* certificate settings given');
  }

  const tls: TemporalTls = {
    ...(serverName !== undefined ? { serverNameOverride: serverName } : {}),
    ...(ca !== undefined ? { serverRootCACertificate: ca } : {}),
    ...(crt !== undefined && key !== undefined ? { clientCertPair: { crt, key } } : {}),
  };
  return {
    address: config.TEMPORAL_ADDRESS,
    tls: useTls ? tls : false,
    ...(apiKey !== undefined ? { apiKey } : {}),
  };
}

/** What the logs may say about a connection: where and how, never a key or certificate. */
export function describeTemporalConnection(options: TemporalConnectionOptions): Record<string, unknown> {
  return {
    address: options.address,
    tls: options.tls !== false,
    mtls: options.tls !== false && options.tls.clientCertPair !== undefined,
    customCa: options.tls !== false && options.tls.serverRootCACertificate !== undefined,
    apiKey: options.apiKey !== undefined,
  };
}
