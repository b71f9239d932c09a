// Halo's error bodies come in many shapes (docs/halo-api.md §8): OAuth style `{error, error_description}`,
// `{error: {error_description}}`, ASP.NET style `{Message}` / `{ClassName, Message}`, a bare JSON string,
// an HTML error page from a proxy, plain text from the rate limiter, or nothing. This turns any of them
// into one short readable line, plus Halo's machine code when there is one.

const maxLength = 300;

export interface HaloErrorBody {
  /** A readable line, or undefined when the body said nothing. */
  message: string | undefined;
  /** An OAuth-style error code such as 'invalid_client', when the body has one. */
  code: string | undefined;
}

export function readHaloErrorBody(text: string): HaloErrorBody {
  const trimmed = text.trim();
  if (trimmed === '') return { message: undefined, code: undefined };
  let json: unknown;
  try {
    json = JSON.parse(trimmed);
  } catch {
    return { message: shorten(looksLikeHtml(trimmed) ? htmlToText(trimmed) : trimmed), code: undefined };
  }
  return fromJson(json);
}

function fromJson(json: unknown): HaloErrorBody {
  if (typeof json === 'string') return { message: shorten(json), code: undefined };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { message: shorten(JSON.stringify(json)), code: undefined };
  }
  const body = json as Record<string, unknown>;
  const error = body['error'];
  if (typeof error === 'string') {
    const description = text(body['error_description']) ?? text(body['message']);
    return { message: shorten(description ? `${error}: ${description}` : error), code: error };
  }
  if (typeof error === 'object' && error !== null) {
    const inner = error as Record<string, unknown>;
    const code = text(inner['error']) ?? text(inner['code']);
    const description = text(inner['error_description']) ?? text(inner['message']) ?? text(inner['Message']);
    const message = [code, description].filter((part) => part !== undefined).join(': ');
    return { message: message === '' ? shorten(JSON.stringify(error)) : shorten(message), code };
  }
  const description = text(body['error_description']);
  if (description) return { message: shorten(description), code: undefined };
  const message = text(body['Message']) ?? text(body['message']) ?? text(body['title']);
  if (message) {
    const className = text(body['ClassName']);
    return { message: shorten(className ? `${className}: ${message}` : message), code: undefined };
  }
  return { message: shorten(JSON.stringify(body)), code: undefined };
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function looksLikeHtml(body: string): boolean {
  return /^<(!doctype|html|head|body|\?xml)/i.test(body) || /<\/(html|body|p|div|h1)>/i.test(body);
}

function htmlToText(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  const body = html.replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ');
  const plain = decodeEntities(body).replace(/\s+/g, ' ').trim();
  const heading = title ? decodeEntities(title).replace(/\s+/g, ' ').trim() : '';
  // Error pages often repeat the title as their first heading.
  if (heading && !plain.startsWith(heading)) return plain ? `${heading}: ${plain}` : heading;
  return plain || heading || 'an HTML page';
}

function decodeEntities(s: string): string {
  return s
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n) % 0x110000))
    .replace(/&amp;/g, '&');
}

function shorten(s: string): string {
  const oneLine = s.replace(/\s+/g, ' ').trim();
  return oneLine.length <= maxLength ? oneLine : `${oneLine.slice(0, maxLength - 1)}…`;
}
