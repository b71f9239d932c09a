// The account's API key lives in sessionStorage only: gone when the tab closes, never in a URL after sign-in.
const storageKey = 'halo-sync.apiKey';

/** A `#key=...` sign-in link (printed by `npm start`): keep the key, then drop it from the address bar. */
export function takeKeyFromFragment() {
  const match = /^#key=([^&]+)/.exec(location.hash);
  if (!match) return false;
  const key = decodeURIComponent(match[1]);
  // Replace, not push: the URL with the key must not stay in history either.
  history.replaceState(null, '', location.pathname + location.search);
  if (!key.trim()) return false;
  sessionStorage.setItem(storageKey, key.trim());
  return true;
}

export function apiKey() {
  return sessionStorage.getItem(storageKey);
}

export function signIn(key) {
  sessionStorage.setItem(storageKey, key.trim());
}

/** Forgets the key; the app listens for the event and shows the sign-in form with `reason`. */
export function signOut(reason = '') {
  sessionStorage.removeItem(storageKey);
  window.dispatchEvent(new CustomEvent('signed-out', { detail: { reason } }));
}
