// Who is signed in (GET /v1/me) and what their role may do. Controls that change something carry
// `data-needs="manage_sync"` (or "admin"); for a role without that permission they are disabled, with the
// reason beside them. The API checks every request itself; this only spares people a refused click.
import { api } from './api.js';
import { h } from './dom.js';

export const permissionNames = { view: 'View', manage_sync: 'Manage Sync Settings', admin: 'Admin' };
export const roleNames = { admin: 'Admin', sync_manager: 'Sync manager', viewer: 'Viewer' };

let me = null;

export async function loadMe() {
  me = await api('/v1/me');
  return me;
}

export function forgetMe() {
  me = null;
}

export const currentMe = () => me;

export function may(permission) {
  return Boolean(me?.permissions.includes(permission));
}

export function reasonFor(permission) {
  const role = roleNames[me?.member.role] ?? 'your role';
  return `Needs the ${permissionNames[permission]} permission; you are signed in as ${role}.`;
}

function disable(control, reason) {
  if (control.tagName === 'A') {
    if (control.hasAttribute('href')) control.removeAttribute('href');
    if (control.getAttribute('aria-disabled') !== 'true') control.setAttribute('aria-disabled', 'true');
  } else if (!control.disabled) {
    control.disabled = true;
  }
  if (control.title !== reason) control.title = reason;
}

/**
 * One visible reason per form (at its top) or per group of guarded controls (after the last of them), hidden
 * when every control it speaks for is hidden.
 */
function showReason(element, reason) {
  const form = element.tagName === 'FORM';
  const holder = form ? element : element.parentElement;
  let note = [...holder.children].find((child) => child.classList.contains('permission-note'));
  if (!note) {
    note = h(form ? 'p' : 'span', { class: 'permission-note' }, reason);
    if (form) holder.prepend(note);
    else holder.append(note);
  }
  const shown = form
    ? !element.hidden
    : [...holder.querySelectorAll(':scope > [data-needs]')].some((control) => !control.hidden);
  if (note.hidden === shown) note.hidden = !shown;
}

function guard(element) {
  const permission = element.dataset.needs;
  if (may(permission)) return;
  const reason = reasonFor(permission);
  const controls = element.matches('form, fieldset')
    ? element.querySelectorAll('input, select, textarea, button')
    : [element];
  for (const control of controls) disable(control, reason);
  showReason(element, reason);
}

/**
 * Keeps every `[data-needs]` under `root` in line with the role, also when a view re-enables a button after
 * a request or adds controls later; every change it makes is idempotent, so observing its own work settles.
 */
export function watchPermissions(root) {
  const apply = () => root.querySelectorAll('[data-needs]').forEach(guard);
  new MutationObserver(apply).observe(root, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['disabled', 'href', 'hidden'],
  });
  apply();
}
