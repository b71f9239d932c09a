// The saved Client Secret is sent only to the Halo it was entered for. Pointing an integration elsewhere
// (another origin for either URL, another Tenant) needs the secret typed again; the API refuses the change
// without it, and the edit form says so as soon as such a field changes, not after Save.
import { replace } from '../dom.js';

const originOf = (text) => {
  try {
    return new URL(text.trim()).origin;
  } catch {
    return null;
  }
};

/** The labels of the fields in `entered` that point the secret at another Halo than `saved` does. */
export function movedFields(saved, entered) {
  const moved = [];
  const urlMoved = (name) => {
    const next = originOf(entered[name] ?? '');
    return next === null || next !== originOf(saved[name] ?? '');
  };
  if (urlMoved('authServerUrl')) moved.push('the Authorisation Server URL');
  if (urlMoved('resourceServerUrl')) moved.push('the Resource Server URL');
  if ((entered.tenant ?? '').trim() !== (saved.tenant ?? '')) moved.push('the Tenant');
  return moved;
}

const reasonFor = (moved) =>
  `Required: ${moved.join(' and ')} changed, and the saved secret is sent only to the Halo it was entered for.`;

/**
 * Marks the form's Client Secret required while a moving field differs from its saved value, with the
 * reason as its hint. Returns the refusal to show when the form is sent without it, or null.
 */
export function requireSecretWhenMoved(form, saved) {
  const input = (name) => form.elements.namedItem(name);
  const secret = input('clientSecret');
  const hint = form.querySelector(`[id="${secret.getAttribute('aria-describedby').split(' ')[0]}"]`);
  const keepHint = [...hint.childNodes];
  const entered = () =>
    Object.fromEntries(['authServerUrl', 'resourceServerUrl', 'tenant'].map((n) => [n, input(n).value]));

  function update() {
    const moved = movedFields(saved, entered());
    secret.required = moved.length > 0;
    secret.setAttribute('aria-required', String(moved.length > 0));
    replace(hint, moved.length > 0 ? reasonFor(moved) : keepHint);
  }
  form.addEventListener('input', update);
  update();

  return function refusal() {
    const moved = movedFields(saved, entered());
    if (moved.length === 0 || secret.value.trim() !== '') return null;
    return {
      code: 'invalid_request',
      message: `Changing ${moved.join(' and ')} needs the Client Secret again.`,
      fields: { clientSecret: reasonFor(moved) },
    };
  };
}
