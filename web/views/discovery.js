// Halo's discovery (POST /v1/halo/discover) proposes the Authorisation Server URL and Tenant once the
// Resource Server URL is in: empty fields are filled in, and a value the person typed differently gets a
// one-click suggestion rather than being overwritten. A field the person is in, or has typed in, is theirs:
// an answer arriving while they type would otherwise land in the middle of their typing.
import { api } from '../api.js';
import { h, replace } from '../dom.js';

const labels = { authServerUrl: 'Authorisation Server URL', tenant: 'Tenant' };

/** Wires discovery to the form's fields; `offer` also serves a refused Save that carries `discovered`. */
export function attachDiscovery(controls) {
  const resource = controls.resourceServerUrl.input;
  const box = h('div', { class: 'suggestion', role: 'status', hidden: true });
  resource.closest('.field').append(box);
  let asked = '';
  let pending;
  const typedIn = new Set();
  for (const name of ['authServerUrl', 'tenant']) {
    controls[name].input.addEventListener('input', () => typedIn.add(name));
  }
  const theirs = (name, input) => typedIn.has(name) || document.activeElement === input;

  function offer(found) {
    const filled = [];
    const differing = [];
    for (const name of ['authServerUrl', 'tenant']) {
      const input = controls[name].input;
      const value = found[name] ?? '';
      if (input.value.trim() === '' && !theirs(name, input)) {
        if (value !== '') {
          input.value = value;
          filled.push(labels[name]);
        }
      } else if (input.value.trim().replace(/\/+$/, '').toLowerCase() !== value.toLowerCase()) {
        // Typed differently, or left empty by the person (or still being typed in): offered, never written.
        differing.push(name);
      }
    }
    if (differing.length === 0) {
      if (filled.length === 0) {
        box.hidden = true;
        return;
      }
      replace(box, `Filled in from Halo's discovery: ${filled.join(' and ')}.`);
      box.hidden = false;
      return;
    }
    const use = h(
      'button',
      {
        type: 'button',
        class: 'button-small',
        onClick() {
          for (const name of differing) controls[name].input.value = found[name] ?? '';
          replace(box, "Using the values Halo's discovery named.");
        },
      },
      'Use these',
    );
    const named = differing.map((name) =>
      h('li', {}, `${labels[name]}: `, h('code', {}, found[name] === '' ? '(none)' : found[name])),
    );
    replace(box, 'For this Resource Server URL, Halo names:', h('ul', {}, named), use);
    box.hidden = false;
  }

  async function discover() {
    const url = resource.value.trim();
    if (url === '' || url === asked) return;
    asked = url;
    pending?.abort();
    pending = new AbortController();
    try {
      const found = await api('/v1/halo/discover', {
        method: 'POST',
        body: { resourceServerUrl: url },
        signal: pending.signal,
      });
      if (asked === url) offer(found);
    } catch (error) {
      if (error.name === 'AbortError' || asked !== url) return;
      // A convenience only: without it, the person enters the two values from Halo as before.
      replace(box, "Halo's discovery did not answer for this URL; enter the other values from Halo.");
      box.hidden = false;
    }
  }

  resource.addEventListener('change', discover);
  resource.addEventListener('blur', discover);
  return { offer };
}
