// Keeps the client secret and access tokens out of error messages, fields and causes. Errors travel far:
// into Temporal histories, logs and the API's answers to the browser.

const sensitiveParam = /secret|token|password|passwd|key|code|signature|sig$/i;

/** Replaces every occurrence of a secret with a marker; the text may come from Halo or from a socket error. */
export function scrubSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    // Every length counts: a short secret is still the secret (blanking an ordinary word with it is the
    // lesser harm). Only the empty string is skipped, which would split between every character.
    if (secret !== '') out = out.split(secret).join('[redacted]');
  }
  return out;
}

/** The URL as it may appear in a message: no user info, and secret-looking query values masked. */
export function safeUrl(url: URL | string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(invalid URL)';
  }
  parsed.username = '';
  parsed.password = '';
  for (const name of [...parsed.searchParams.keys()]) {
    if (sensitiveParam.test(name)) parsed.searchParams.set(name, 'redacted');
  }
  return parsed.toString();
}

/**
 * A copy of a low-level error that keeps name, code and message (scrubbed) but drops everything else,
 * since library errors can carry request options, headers included.
 */
export function safeCause(e: unknown, secrets: Iterable<string>): Error {
  const source = e instanceof Error ? e : new Error(String(e));
  const copy = new Error(scrubSecrets(source.message, secrets));
  copy.name = source.name;
  const code = (source as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(copy, { code });
  return copy;
}

/** The values one client must never reveal: its secret (as sent, and form-encoded) and recent tokens. */
export class SecretList implements Iterable<string> {
  private readonly fixed: readonly string[];
  private readonly tokens: string[] = [];

  constructor(clientSecret: string) {
    // A server may echo the form body back in an error, where the secret appears encoded.
    this.fixed = [
      clientSecret,
      encodeURIComponent(clientSecret),
      new URLSearchParams({ s: clientSecret }).toString().slice(2),
    ];
  }

  addToken(token: string): void {
    if (this.tokens.includes(token)) return;
    this.tokens.push(token);
    // A long-lived client sees a new token every hour; old ones are useless to an attacker anyway.
    if (this.tokens.length > 10) this.tokens.shift();
  }

  *[Symbol.iterator](): Iterator<string> {
    yield* this.fixed;
    yield* this.tokens;
  }
}
