// Halo's error bodies come in many shapes (docs/halo-api.md §8): OAuth style `{error, error_description}`,
// `{error: {error_description}}`, ASP.NET style `{Message}` / `{ClassName, Message}`, a bare JSON string,
// an HTML error page from a proxy, plain text from the rate limiter, or nothing. This turns any of them
// into one short readable line, plus Halo's machine code when there is one.
//
// The body comes from a server the account chose, so it is hostile input for a process that serves every
// account: only its first `headChars` are read, once, by plain string scanning and patterns that cannot
// backtrack, so the work is linear in that head and independent of the body's size.
import { scrubSecrets } from './redact';

const maxLength = 300;
/** Every error Halo has been seen to send fits; an HTML page's useful part (title, first lines) does too. */
export const headChars = 8 * 1024;

export interface HaloErrorBody {
  /** A readable line, or undefined when the body said nothing. */
  message: string | undefined;
  /** An OAuth-style error code such as 'invalid_client', when the body has one. */
  code: string | undefined;
}

/**
 * Reads the body's head. `secrets` are removed from the raw text first (so cutting, entity decoding and
 * whitespace folding cannot leave part of one behind) and again from the words extracted (JSON escapes).
 */
export function readHaloErrorBody(text: string, secrets: Iterable<string> = []): HaloErrorBody {
  const list = [...secrets].filter((s) => s !== '');
  const head = scrubSecrets(text.slice(0, safeCut(text, headChars, list)), list).trim();
  if (head === '') return { message: undefined, code: undefined };
  const finish = (words: string): string => shorten(scrubSecrets(words, list));
  let json: unknown;
  try {
    json = JSON.parse(head);
  } catch {
    return { message: finish(looksLikeHtml(head) ? htmlToText(head) : head), code: undefined };
  }
  const read = fromJson(json);
  return {
    message: read.message === undefined ? undefined : finish(read.message),
    code: read.code === undefined ? undefined : scrubSecrets(read.code, list),
  };
}

/**
 * Where to cut `text` near `at` so that no occurrence of a secret straddles the cut: the part kept then
 * holds only whole secrets, which redaction removes, rather than a prefix it cannot recognise.
 */
function safeCut(text: string, at: number, secrets: readonly string[]): number {
  let cut = Math.min(at, text.length);
  if (cut === text.length) return cut;
  for (let moved = true; moved && cut > 0;) {
    moved = false;
    for (const secret of secrets) {
      const from = Math.max(0, cut - secret.length + 1);
      const found = text.slice(from, cut + secret.length - 1).indexOf(secret);
      if (found !== -1 && from + found < cut) {
        cut = from + found;
        moved = true;
      }
    }
  }
  return cut;
}

function fromJson(json: unknown): HaloErrorBody {
  if (typeof json === 'string') return { message: json, code: undefined };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { message: compactJson(json), code: undefined };
  }
  const body = json as Record<string, unknown>;
  const error = body['error'];
  if (typeof error === 'string') {
    const description = text(body['error_description']) ?? text(body['message']);
    return { message: description ? `${error}: ${description}` : error, code: error.slice(0, 100) };
  }
  if (typeof error === 'object' && error !== null) {
    const inner = error as Record<string, unknown>;
    const code = text(inner['error']) ?? text(inner['code']);
    const description = text(inner['error_description']) ?? text(inner['message']) ?? text(inner['Message']);
    const message = [code, description].filter((part) => part !== undefined).join(': ');
    return { message: message === '' ? compactJson(error) : message, code: code?.slice(0, 100) };
  }
  const description = text(body['error_description']);
  if (description) return { message: description, code: undefined };
  const message = text(body['Message']) ?? text(body['message']) ?? text(body['title']);
  if (message) {
    const className = text(body['ClassName']);
    return { message: className ? `${className}: ${message}` : message, code: undefined };
  }
  return { message: compactJson(body), code: undefined };
}

/** JSON.stringify recurses; a deeply nested head could exhaust the stack, so fall back to a marker. */
function compactJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch {
    return 'a JSON value too deeply nested to show';
  }
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Lower-cases ASCII letters only, so every index in the result matches the same index in `s`. */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

function looksLikeHtml(body: string): boolean {
  const lower = asciiLower(body);
  return (
    /^<(!doctype|html|head|body|\?xml)/.test(lower) ||
    ['</html>', '</body>', '</p>', '</div>', '</h1>'].some((close) => lower.includes(close))
  );
}

/** Whether `lower` has the tag `name` opening at `at` (`<name` followed by the end of the name). */
function opensTag(lower: string, at: number, name: string): boolean {
  if (!lower.startsWith(`<${name}`, at)) return false;
  const next = lower.charAt(at + name.length + 1);
  return next === '' || next === '>' || next === '/' || /\s/.test(next);
}

/** The page's title and its visible text, in one left-to-right pass; every search starts past the last. */
function htmlToText(html: string): string {
  const lower = asciiLower(html);
  let title = '';
  const parts: string[] = [];
  let pos = 0;
  while (pos < html.length) {
    const lt = html.indexOf('<', pos);
    if (lt === -1) {
      parts.push(html.slice(pos));
      break;
    }
    parts.push(html.slice(pos, lt), ' ');
    const hidden = ['script', 'style', 'head', 'title'].find((name) => opensTag(lower, lt, name));
    const gt = html.indexOf('>', lt);
    // An unterminated tag runs to the end of the head: nothing after it is text.
    if (gt === -1) break;
    if (hidden === undefined) {
      pos = gt + 1;
      continue;
    }
    const close = lower.indexOf(`</${hidden}`, gt);
    const inner = html.slice(gt + 1, close === -1 ? html.length : close);
    // The title may sit inside <head>, which is otherwise hidden.
    if (hidden === 'title' && title === '') title = inner;
    if (hidden === 'head' && title === '') title = titleIn(inner);
    if (close === -1) break;
    const end = html.indexOf('>', close);
    if (end === -1) break;
    pos = end + 1;
  }
  const plain = oneLine(decodeEntities(parts.join('')));
  const heading = oneLine(decodeEntities(title));
  // Error pages often repeat the title as their first heading.
  if (heading && !plain.startsWith(heading)) return plain ? `${heading}: ${plain}` : heading;
  return plain || heading || 'an HTML page';
}

function titleIn(html: string): string {
  const lower = asciiLower(html);
  const open = lower.indexOf('<title');
  if (open === -1) return '';
  const gt = html.indexOf('>', open);
  if (gt === -1) return '';
  const close = lower.indexOf('</title', gt);
  return html.slice(gt + 1, close === -1 ? html.length : close);
}

const named: Record<string, string> = { nbsp: ' ', lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };

/** One pass; bounded repetitions, so no input makes the pattern backtrack. */
function decodeEntities(s: string): string {
  return s.replace(/&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,4});/gi, (whole, name: string) => {
    if (name.startsWith('#')) {
      const n = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      return n > 0 && n < 0x110000 ? String.fromCodePoint(n) : whole;
    }
    return named[name.toLowerCase()] ?? whole;
  });
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function shorten(s: string): string {
  const line = oneLine(s);
  return line.length <= maxLength ? line : `${line.slice(0, maxLength - 1)}…`;
}
