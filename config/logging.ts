// What every log line of every process goes through before it is written: one JSON object per line, with
// anything that looks like a secret replaced. Named fields are redacted where they are known (api/logging.ts,
// worker/logging.ts); this is the net under them, for secrets inside messages, URLs and error texts.

export const REDACTED = '[REDACTED]';

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
  // JSON Web Tokens (Halo's access tokens are JWTs).
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // Passwords in URLs: postgres://user:secret@host.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@"]+):[^\s@"/]+@/gi, `$1:${REDACTED}@`],
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
