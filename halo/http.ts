// One HTTP exchange with Halo: guard the URL, send with a deadline, read the body under a size cap, and
// turn every transport failure into a HaloError. Status codes are judged by the caller (halo/response.ts).
import type { IncomingHttpHeaders } from 'node:http';
import { request, type Dispatcher } from 'undici';
import { HaloBadResponseError, HaloUnreachableError, HaloUrlRejectedError, type HaloError } from './errors';
import { safeCause, safeUrl } from './redact';
import { assertHostAllowed, urlRejectedCode } from './url-guard';

export interface HaloRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /**
   * A smaller cap for a 2xx body, which is parsed whole as JSON (error bodies are read from their head only,
   * halo/error-body.ts): a token answer is a few hundred bytes, and parsing 50 MB of nested arrays from a
   * hostile server would hold the event loop for seconds.
   */
  maxOkBodyBytes?: number;
}

export interface HaloResponse {
  method: string;
  url: URL;
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface ExchangeOptions {
  dispatcher: Dispatcher | undefined;
  allowPrivate: boolean;
  timeoutMs: number;
  maxBodyBytes: number;
  /** Values to keep out of causes: the client secret and tokens in use. */
  secrets: () => Iterable<string>;
  onRequest?: ((info: { method: string; path: string; status: number; ms: number }) => void) | undefined;
}

export async function exchange(req: HaloRequest, opts: ExchangeOptions): Promise<HaloResponse> {
  await assertHostAllowed(req.url, { allowPrivate: opts.allowPrivate });
  const started = performance.now();
  let status = 0;
  try {
    const response = await send(req, opts);
    status = response.status;
    return response;
  } finally {
    opts.onRequest?.({ method: req.method, path: req.url.pathname, status, ms: performance.now() - started });
  }
}

async function send(req: HaloRequest, opts: ExchangeOptions): Promise<HaloResponse> {
  const where = `${req.method} ${safeUrl(req.url)}`;
  // One deadline for connect, headers and body together; undici's own timeouts only cover phases.
  const signal = AbortSignal.timeout(opts.timeoutMs);
  let res: Dispatcher.ResponseData;
  try {
    res = await request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body ?? null,
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
      signal,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
  } catch (e) {
    throw transportError(e, req, signal.aborted, opts);
  }
  const ok = res.statusCode >= 200 && res.statusCode < 300;
  const cap =
    ok && req.maxOkBodyBytes !== undefined
      ? Math.min(req.maxOkBodyBytes, opts.maxBodyBytes)
      : opts.maxBodyBytes;
  const declared = Number(res.headers['content-length']);
  if (declared > cap) {
    res.body.destroy();
    throw tooLarge(where, res.statusCode, cap);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > cap) {
        res.body.destroy();
        throw tooLarge(where, res.statusCode, cap);
      }
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof HaloBadResponseError) throw e;
    if (signal.aborted || (e as { code?: unknown }).code === 'UND_ERR_BODY_TIMEOUT') {
      throw transportError(e, req, true, opts);
    }
    throw new HaloBadResponseError({
      message: `${where} answered ${res.statusCode} but the body was cut off after ${size} bytes`,
      status: res.statusCode,
      cause: safeCause(e, opts.secrets()),
    });
  }
  return {
    method: req.method,
    url: req.url,
    status: res.statusCode,
    headers: res.headers,
    text: Buffer.concat(chunks).toString('utf8'),
  };
}

function tooLarge(where: string, status: number, cap: number): HaloError {
  const size = cap >= 1024 * 1024 ? `${Math.round(cap / 1024 / 1024)} MB` : `${Math.round(cap / 1024)} KB`;
  return new HaloBadResponseError({
    message: `${where} answered ${status} with a body larger than ${size}`,
    status,
  });
}

function transportError(e: unknown, req: HaloRequest, timedOut: boolean, opts: ExchangeOptions): HaloError {
  const where = `${req.method} ${safeUrl(req.url)}`;
  const cause = safeCause(e, opts.secrets());
  const code = errorCode(e);
  if (code === urlRejectedCode) {
    return new HaloUrlRejectedError({
      message: `${where} refused: ${cause.message}`,
      host: req.url.hostname,
      cause,
    });
  }
  let why: string;
  if (timedOut || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    why = `Halo did not answer within ${opts.timeoutMs / 1000} s`;
  } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    why = 'the host name does not resolve; check the URL';
  } else if (code === 'ECONNREFUSED') {
    why = 'the connection was refused';
  } else if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') {
    why = 'the connection timed out';
  } else if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') {
    why = 'the connection was closed before Halo answered';
  } else if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    why = 'the network cannot reach the host';
  } else if (code?.includes('CERT') || code?.startsWith('ERR_TLS') || code?.startsWith('ERR_SSL')) {
    why = `the TLS certificate was not accepted (${code})`;
  } else {
    why = `the request failed (${code ?? cause.message})`;
  }
  return new HaloUnreachableError({ message: `${where} failed: ${why}`, cause });
}

/** Node and undici put the code on the error, its cause, or (for several addresses) its first inner error. */
function errorCode(e: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current: unknown = e;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const { code, cause, errors } = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string') return code;
    current = cause ?? (Array.isArray(errors) ? (errors as unknown[])[0] : undefined);
  }
  return undefined;
}
