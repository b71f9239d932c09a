// One POST to a receiver the account named. The receiver is untrusted: the URL goes through the same guard
// as Halo URLs, one deadline covers connect, headers and body, and at most `maxAnswerBytes` of the answer are
// read before the connection is dropped, so a slow or hostile receiver holds a worker slot for seconds only.
import { Agent, request, type Dispatcher } from 'undici';
import { isHaloError } from '../halo/errors';
import { assertHostAllowed, guardedLookup } from '../halo/url-guard';

export interface SendOptions {
  allowPrivate: boolean;
  timeoutMs: number;
  maxAnswerBytes?: number;
}

export type SendResult =
  | { ok: boolean; status: number; answer: string }
  | { ok: false; status: null; answer: string; refused?: boolean };

let guardedAgent: Agent | undefined;
/** Connects only to addresses the guard approves, even when DNS changes between check and connect. */
function dispatcherFor(allowPrivate: boolean): Dispatcher | undefined {
  if (allowPrivate) return undefined;
  guardedAgent ??= new Agent({ connect: { lookup: guardedLookup } });
  return guardedAgent;
}

export async function sendWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  opts: SendOptions,
): Promise<SendResult> {
  const target = new URL(url);
  try {
    await assertHostAllowed(target, { allowPrivate: opts.allowPrivate });
  } catch (error) {
    const message = isHaloError(error) ? error.message.replace('Halo must', 'webhooks must') : 'refused';
    return { ok: false, status: null, answer: message, refused: true };
  }
  const signal = AbortSignal.timeout(opts.timeoutMs);
  const maxBytes = opts.maxAnswerBytes ?? 4096;
  try {
    const dispatcher = dispatcherFor(opts.allowPrivate);
    const res = await request(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'halo-asset-sync-webhooks', ...headers },
      body,
      signal,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      ...(dispatcher ? { dispatcher } : {}),
    });
    const answer = await readAtMost(res.body, maxBytes);
    return { ok: res.statusCode >= 200 && res.statusCode < 300, status: res.statusCode, answer };
  } catch (error) {
    if (signal.aborted) return { ok: false, status: null, answer: `No answer within ${opts.timeoutMs} ms` };
    const code = (error as { code?: unknown }).code;
    return {
      ok: false,
      status: null,
      answer: `Could not reach the receiver (${typeof code === 'string' ? code : 'network error'})`,
    };
  }
}

/** The first bytes of an answer, for the delivery log; the rest is never read. */
async function readAtMost(body: Dispatcher.ResponseData['body'], maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= maxBytes) break;
  }
  // Leaving the loop early does not drain the stream; destroying it closes the connection instead.
  body.destroy();
  return Buffer.concat(chunks)
    .subarray(0, maxBytes)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
}
