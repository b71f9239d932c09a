// Calling the API as a client would, for tests that drive the real processes over HTTP.
import { waitFor } from '../../scripts/children';

// Answers are JSON of many shapes; tests read them field by field.
export type Body = Record<string, any>;

export interface CallOptions {
  /** Another API key, or null for none; the caller's own key otherwise. */
  key?: string | null;
  body?: unknown;
  /** Sent as the body as it is, for malformed JSON. */
  raw?: string;
}

export type Call = (
  method: string,
  path: string,
  opts?: CallOptions,
) => Promise<{ status: number; body: Body }>;

/** A caller of the API at `base` with `key`, both read at each call (tests set them in `before`). */
export function apiCaller(base: () => string, key: () => string): Call {
  return async (method, path, opts = {}) => {
    const headers: Record<string, string> = {};
    const apiKey = opts.key === undefined ? key() : opts.key;
    if (apiKey) headers['authorization'] = `Bearer ${apiKey}`;
    let body: string | undefined;
    if (opts.raw !== undefined || opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = opts.raw ?? JSON.stringify(opts.body);
    }
    const response = await fetch(`${base()}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as Body };
  };
}

/** Polls a sync until it is no longer running; returns it as the API last showed it. */
export async function syncEnded(call: Call, syncId: string, timeoutMs = 120_000): Promise<Body> {
  let sync: Body = {};
  await waitFor(
    `sync ${syncId} to end`,
    async () => {
      sync = (await call('GET', `/v1/syncs/${syncId}`)).body;
      return sync['status'] !== 'running';
    },
    timeoutMs,
  );
  return sync;
}
