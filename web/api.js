// Every call the page makes: same origin, `Authorization: Bearer <key>`, errors in the API's one shape.
import { apiKey, signOut } from './session.js';

export class ApiError extends Error {
  /** @param {number} status @param {{code?: string, message?: string, fields?: Record<string,string>, sync?: object}} error */
  constructor(status, error) {
    super(error.message ?? `The service answered ${status}.`);
    this.name = 'ApiError';
    this.status = status;
    this.code = error.code ?? 'unknown';
    this.fields = error.fields ?? {};
    this.details = error;
  }
}

/** A query string from the defined, non-empty values of `params`. */
export function queryOf(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '' && value !== false) {
      search.set(name, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export async function api(path, { method = 'GET', body, signal } = {}) {
  const headers = { authorization: `Bearer ${apiKey() ?? ''}`, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, {
      code: 'network',
      message: 'The service did not answer. Check that it is running, then try again.',
    });
  }
  const text = await response.text();
  let data;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (response.status === 401) signOut('That API key was not accepted. Sign in again.');
  if (!response.ok) throw new ApiError(response.status, data?.error ?? {});
  return data;
}

/** Everything a paged list holds, page by page, up to `maxPages` pages. */
export async function allPages(path, params, { signal, maxPages = 10 } = {}) {
  const items = [];
  let cursor;
  for (let page = 0; page < maxPages; page++) {
    const answer = await api(`${path}${queryOf({ ...params, limit: 500, cursor })}`, { signal });
    items.push(...answer.items);
    cursor = answer.nextCursor;
    if (!cursor) break;
  }
  return items;
}

/**
 * Saves a CSV answer as a file. A plain link cannot carry the API key, so the page fetches the file and
 * hands the browser a local copy to save.
 */
export async function downloadCsv(path, filename) {
  const response = await fetch(path, {
    headers: { authorization: `Bearer ${apiKey() ?? ''}`, accept: 'text/csv' },
    cache: 'no-store',
    credentials: 'omit',
  });
  if (!response.ok) throw new ApiError(response.status, {});
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
