// Sign in with the account's API key; it is kept in sessionStorage for this tab only.
import { api } from '../api.js';
import { h, replace, uid } from '../dom.js';
import { signIn } from '../session.js';

export function renderSignIn(outlet, { reason, onSignedIn }) {
  document.title = 'Sign in · Halo asset sync';
  const inputId = uid('api-key');
  const hintId = uid('api-key-hint');
  const input = h('input', {
    id: inputId,
    name: 'apiKey',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': hintId,
  });
  const message = h('p', { class: 'message message-error', role: 'alert', hidden: !reason }, reason);
  const button = h('button', { type: 'submit' }, 'Sign in');
  let busy = false;

  async function submit(event) {
    event.preventDefault();
    if (busy) return;
    const key = input.value.trim();
    if (!key) {
      replace(message, 'Enter your API key.');
      message.hidden = false;
      input.focus();
      return;
    }
    busy = true;
    button.disabled = true;
    try {
      signIn(key);
      // One authenticated call proves the key; a 401 signs out again and re-renders this form.
      await api('/v1/integrations');
      input.value = '';
      onSignedIn();
    } catch (error) {
      if (error.status !== 401) {
        replace(message, error.message);
        message.hidden = false;
      }
    } finally {
      busy = false;
      button.disabled = false;
    }
  }

  replace(
    outlet,
    h(
      'section',
      { class: 'panel narrow' },
      h('h1', { tabindex: '-1' }, 'Sign in'),
      h(
        'form',
        { novalidate: true, onSubmit: submit, method: 'post' },
        h('div', { class: 'field' }, h('label', { for: inputId }, 'API key'), input),
        h(
          'p',
          { class: 'hint', id: hintId },
          'The key of your account, starting with hak_. ',
          h('code', {}, 'npm start'),
          ' prints a link that signs the local account in; ',
          h('code', {}, 'npm run account:create'),
          ' makes a new account and key. The key stays in this browser tab only.',
        ),
        message,
        h('div', { class: 'actions' }, button),
      ),
    ),
  );
  if (reason) message.hidden = false;
  input.focus();
}
