// Hash routes (#/assets/hardware?q=laptop): the server serves one page, and fragments never reach it.
import { queryOf } from './api.js';
import { h, replace } from './dom.js';
import { problemPanel } from './views/problem.js';

export function parseHash(hash = location.hash) {
  const text = hash.startsWith('#/') ? hash.slice(1) : '/';
  const at = text.indexOf('?');
  return at < 0
    ? { path: text, query: new URLSearchParams() }
    : { path: text.slice(0, at), query: new URLSearchParams(text.slice(at + 1)) };
}

export const hashOf = (path, params = {}) => `#${path}${queryOf(params)}`;

/** Goes to a route; `replace` leaves no history entry (for redirects). */
export function navigate(path, params = {}, { replace: replaceEntry = false } = {}) {
  const hash = hashOf(path, params);
  if (hash === location.hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else if (replaceEntry) location.replace(hash);
  else location.hash = hash;
}

/**
 * Renders the matching view into a fresh container. A view gets an AbortSignal that fires when the person
 * moves on, and may return a cleanup function (timers); a view still loading writes into its own detached
 * container, never over the next one.
 */
export function createRouter(routes, outlet, { onRoute } = {}) {
  let current = null;
  let first = true;

  function stop() {
    current?.controller.abort();
    current?.cleanup?.();
    current = null;
  }

  async function render() {
    stop();
    const { path, query } = parseHash();
    const route = routes.find((r) => r.pattern.test(path)) ?? null;
    const entry = { controller: new AbortController(), cleanup: null };
    current = entry;
    const root = h('div', { class: 'view' });
    replace(outlet, root);
    onRoute?.(route);
    outlet.setAttribute('aria-busy', 'true');
    const focusHeading = !first;
    first = false;
    try {
      if (!route) {
        replace(root, problemPanel('Page not found', 'There is nothing at this address.', null));
      } else {
        const params = route.pattern.exec(path).slice(1);
        entry.cleanup = (await route.view({ root, params, query, signal: entry.controller.signal })) ?? null;
      }
    } catch (error) {
      if (entry.controller.signal.aborted) return;
      // A refusal for the role will not change on a retry; say so instead of offering one.
      const refused = error.status === 403;
      replace(
        root,
        problemPanel(
          refused ? 'Not open to your role' : 'Something went wrong',
          error.message,
          refused ? null : () => void render(),
        ),
      );
    } finally {
      if (current === entry) outlet.removeAttribute('aria-busy');
    }
    if (entry.controller.signal.aborted) {
      entry.cleanup?.();
      return;
    }
    // After the first page, moving focus to the new heading tells keyboard and screen-reader users where
    // they are, as a page load would.
    if (focusHeading) root.querySelector('h1')?.focus();
  }

  return { render, stop };
}
