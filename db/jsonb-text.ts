// PostgreSQL's jsonb and text cannot hold U+0000, and jsonb refuses unpaired UTF-16 surrogates. Halo data has
// been known to carry both (pasted serial numbers, truncated strings). One bad character must not fail a
// whole page, so both become U+FFFD; everything else is stored exactly.

// Matches escapes token by token, so an escaped backslash followed by "u0000" is never mistaken for one.
const ESCAPE = /\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})|\\u(0000|d[89a-f][0-9a-f]{2})|\\./gi;

/** JSON.stringify for a value bound for a jsonb parameter. */
export function toJsonbText(value: unknown): string {
  const json = JSON.stringify(value);
  // JSON.stringify escapes only control characters and lone surrogates, so this check is exact and cheap.
  if (!json.includes('\\u0000') && !/\\ud[89a-f]/i.test(json)) return json;
  return json.replace(ESCAPE, (match, high: string | undefined, _low, bad: string | undefined) =>
    high === undefined && bad !== undefined ? '\\ufffd' : match,
  );
}
