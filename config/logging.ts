// What every log line of every process goes through before it is written: one JSON object per line, with
// anything that looks like a secret replaced. Named fields are redacted where they are known (api/logging.ts,
// worker/logging.ts); this is the net under them, for secrets inside messages, URLs and error texts.

export const REDACTED = '[REDACTED]';

/**
 * The one shape every process writes, so one query finds a request, an account, an integration or a sync in
 * the API's lines and the worker's alike: `level` as a word, `time` as an ISO instant, `pid`, `hostname`,
 * `msg`, and the ids under these names.
 */
export const logFields = {
  requestId: 'requestId',
  accountId: 'accountId',
  integrationId: 'integrationId',
  syncId: 'syncId',
} as const;

/** JSON keys whose values are secret wherever they appear. Matched whole and case-insensitively. */
const secretKeys = [
  'authorization',
  'cookie',
  'password',
  'passwd',
  'secret',
  'clientSecret',
  'client_secret',
  'apiKey',
  'api_key',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'token',
  'encryptionKey',
  'ENCRYPTION_KEY',
  'TEMPORAL_API_KEY',
  'METRICS_TOKEN',
  'clientSecretEnc',
];

const keyPattern = secretKeys.map((k) => k.replace(/[$()*+.?[\\\]^{|}]/g, '\\$&')).join('|');

const rules: [RegExp, string][] = [
  // "clientSecret":"…" in a serialised object (the value may hold escaped quotes).
  [new RegExp(`("(?:${keyPattern})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'), `$1"${REDACTED}"`],
  // Authorization header values inside messages.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/g, `$1 ${REDACTED}`],
  // This service's API keys.
  [/\bhak_[A-Za-z0-9_-]{8,}/g, `hak_${REDACTED}`],
  // JSON Web Tokens (Halo's access tokens are JWTs). A request URL reaches the log unauthenticated, so this
  // must stay linear: a token starts only where no token character precedes it, and each part is taken
  // whole through a lookahead (which never backtracks), rather than retried from every "-eyJ" in a run.
  [/(?<![A-Za-z0-9_-])eyJ(?=([A-Za-z0-9_-]{4,}))\1\.(?=([A-Za-z0-9_-]{4,}))\2\.[A-Za-z0-9_-]*/g, REDACTED],
  // Passwords in URLs: postgres://user:secret@host.
  // (A scheme starts only where no scheme character precedes it: otherwise every "-e" in a long run of
  // them would begin a new attempt that scans the whole run.)
  [/(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/[^\s:/@"]+):[^\s@"/]+@/gi, `$1:${REDACTED}@`],
  // Secrets in form bodies and query strings.
  [/\b(client_secret|access_token|refresh_token|api_key|apikey|token|password)=[^&\s"]+/gi, `$1=${REDACTED}`],
  // Private keys, whether with real or escaped line breaks.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, REDACTED],
];

/** Replaces everything in `text` that looks like a secret. Safe on a serialised JSON line: it stays JSON. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of rules) out = out.replace(pattern, replacement);
  return out;
}

/** Paths for pino's `redact`: the secret fields of what the API logs, wherever they sit. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.body.clientSecret',
  'res.headers["set-cookie"]',
  '*.clientSecret',
  '*.clientSecretEnc',
  '*.apiKey',
  '*.accessToken',
  '*.password',
];

/** Fields of an error that may be logged: names, codes and where PostgreSQL failed, never values. */
const loggableFields = ['code', 'severity', 'routine', 'table_name', 'column_name', 'constraint_name'];

/**
 * An error as a log line may hold it. Database errors carry the statement's bound values (drizzle puts
 * them in its message and `params`; postgres.js in `parameters`, and PostgreSQL in `detail`): a key hash,
 * an encrypted secret, a tenant's records. Only the type, message (drizzle's replaced by its cause's),
 * codes, stack frames and the same of each cause are kept (PostgreSQL's own message names what failed).
 */
export interface LoggableError {
  [field: string]: unknown;
  type: string;
  message: string;
  stack: string;
}

export function loggableError(error: unknown, depth = 0): LoggableError {
  if (!(error instanceof Error)) {
    return { type: typeof error, message: String(error).slice(0, 500), stack: '' };
  }
  const wrapsQuery = 'params' in error || error.name === 'DrizzleQueryError';
  const out: LoggableError = {
    type: error.name,
    message: wrapsQuery ? 'a database query failed' : error.message,
    stack: '',
  };
  for (const field of loggableFields) {
    const value = (error as unknown as Record<string, unknown>)[field];
    if (typeof value === 'string' || typeof value === 'number') out[field] = value;
  }
  // The stack's first lines repeat the message; keep only its frames.
  const frames = error.stack?.split('\n').filter((line) => line.trimStart().startsWith('at '));
  if (frames) out.stack = frames.slice(0, 12).join('\n');
  if (error.cause !== undefined && depth < 4) out['cause'] = loggableError(error.cause, depth + 1);
  return out;
}
