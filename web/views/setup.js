// "Add Halo ITSM integration" and its edit form: Halo checks the values before anything is stored.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { setFlash } from '../flash.js';
import { navigate } from '../router.js';
import { attachDiscovery } from './discovery.js';
import { requireSecretWhenMoved } from './secret-needed.js';
import {
  buildFields,
  clearFieldErrors,
  haloSteps,
  refusalMessage,
  setupFields,
  showFieldErrors,
} from './setup-form.js';

/**
 * The form and its submit cycle. The button is disabled while Halo is being asked, so one press makes one
 * request; field errors go beside their fields, Halo's refusal beside the button.
 */
function setupForm({ values, secretHint, buttonLabel, send, discover = false }) {
  const { nodes, controls } = buildFields(values, { secretHint });
  const discovery = discover ? attachDiscovery(controls) : null;
  const message = h('div', { class: 'message message-error', role: 'alert', hidden: true });
  const button = h('button', { type: 'submit', class: 'button-primary' }, buttonLabel);
  let busy = false;

  async function submit(event) {
    event.preventDefault();
    if (busy) return;
    busy = true;
    button.disabled = true;
    replace(button, 'Checking with Halo…');
    form.setAttribute('aria-busy', 'true');
    clearFieldErrors(controls);
    message.hidden = true;
    const entered = Object.fromEntries(setupFields.map((f) => [f.name, controls[f.name].input.value]));
    try {
      await send(entered);
    } catch (error) {
      if (error.status === 401) return;
      replace(message, refusalMessage(error));
      message.hidden = false;
      // Halo's discovery named other values: offer them beside the fields they belong to.
      if (error.details?.discovered) discovery?.offer(error.details.discovered);
      showFieldErrors(controls, error.fields ?? {})?.focus();
    } finally {
      busy = false;
      button.disabled = false;
      replace(button, buttonLabel);
      form.removeAttribute('aria-busy');
      // Disabling the focused button dropped focus to the page; give it back if nothing else took it.
      if (button.isConnected && document.activeElement === document.body) button.focus();
    }
  }

  const form = h(
    'form',
    { class: 'setup-form', novalidate: true, method: 'post', onSubmit: submit, 'data-needs': 'manage_sync' },
    nodes,
    message,
    h('div', { class: 'actions' }, button),
  );
  return form;
}

export async function setupView({ root }) {
  document.title = 'Add Halo ITSM integration · Halo asset sync';
  const form = setupForm({
    values: {},
    buttonLabel: 'Save HaloITSM Setup',
    discover: true,
    async send(entered) {
      const { sync } = await api('/v1/integrations/halo', { method: 'POST', body: entered });
      setFlash('Saved. Halo accepted the credentials and the first full sync has started.');
      navigate(`/syncs/${sync.id}`);
    },
  });
  replace(
    root,
    h('h1', { tabindex: '-1' }, 'Add Halo ITSM integration'),
    h(
      'p',
      { class: 'lead' },
      'Enter five values from your Halo ITSM or HaloPSA. The service checks them with Halo, stores the ' +
        'secret encrypted, and syncs your customers, hardware assets and software licences.',
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'steps-heading' },
      h('h2', { id: 'steps-heading' }, 'Before you start, in Halo'),
      haloSteps(),
    ),
    h('section', { class: 'panel' }, form),
  );
}

export async function editView({ root, params: [id], signal }) {
  const integration = await api(`/v1/integrations/${id}`, { signal });
  document.title = 'Edit integration · Halo asset sync';
  const form = setupForm({
    values: { ...integration, clientSecret: '' },
    secretHint: `Leave empty to keep the saved secret (ending in ${integration.clientSecretLast4}). A new secret from Halo goes here.`,
    buttonLabel: 'Save HaloITSM Setup',
    async send(entered) {
      const refusal = secretRefusal();
      if (refusal) throw refusal;
      // Only what changed is sent; an empty secret keeps the stored one.
      const patch = Object.fromEntries(
        Object.entries(entered).filter(([name, value]) =>
          name === 'clientSecret' ? value !== '' : value !== integration[name],
        ),
      );
      if (Object.keys(patch).length === 0) {
        navigate(`/integrations/${id}`);
        return;
      }
      const { sync } = await api(`/v1/integrations/${id}`, { method: 'PUT', body: patch });
      setFlash('Saved. Halo accepted the new values and a full sync has started.');
      navigate(`/syncs/${sync.id}`);
    },
  });
  const secretRefusal = requireSecretWhenMoved(form, integration);
  replace(
    root,
    h('p', { class: 'breadcrumb' }, h('a', { href: `#/integrations/${id}` }, '← Back to the integration')),
    h('h1', { tabindex: '-1' }, 'Edit Halo ITSM integration'),
    h(
      'p',
      { class: 'lead' },
      'Halo checks the changed values first; if it refuses them, the saved values stay.',
    ),
    h('section', { class: 'panel' }, form),
  );
}
