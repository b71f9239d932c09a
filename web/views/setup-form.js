// The five values from Halo, each with where to find it, and errors from the API beside the field they name.
import { h, replace, uid } from '../dom.js';

const where = (...path) => h('strong', { class: 'path' }, path.join(' > '));
const apiPage = () => where('Configuration', 'Integrations', 'HaloITSM API');

export const setupFields = [
  {
    name: 'resourceServerUrl',
    label: 'Resource Server URL',
    type: 'url',
    placeholder: 'https://yourcompany.haloitsm.com/api',
    hint: () => [
      'In Halo: ',
      apiPage(),
      '. For example https://yourcompany.haloitsm.com/api. Once it is in, Halo is asked for the next two.',
    ],
  },
  {
    name: 'authServerUrl',
    label: 'Authorisation Server URL',
    type: 'url',
    placeholder: 'https://yourcompany.haloitsm.com/auth',
    hint: () => [
      'On the same page, ',
      apiPage(),
      '. Copy it exactly: often https://yourcompany.haloitsm.com/auth, sometimes a host alone.',
    ],
  },
  {
    name: 'tenant',
    label: 'Tenant',
    optional: true,
    hint: () => [
      'On the same page, ',
      apiPage(),
      '. Hosted (cloud) Halo shows your tenant; on-premises Halo has none, so leave this empty.',
    ],
  },
  {
    name: 'clientId',
    label: 'Client ID',
    hint: () => [
      'In Halo: ',
      where('Configuration', 'Integrations', 'HaloITSM API', 'View Applications', 'New'),
      '. Authentication method ',
      h('strong', {}, 'Client ID and Secret (Services)'),
      ', login type ',
      h('strong', {}, 'Agent'),
      ', with the permissions ',
      h('code', {}, 'read:assets'),
      ' and ',
      h('code', {}, 'read:customers'),
      ' (and ',
      h('code', {}, 'read:software'),
      ' for software licences).',
    ],
  },
  {
    name: 'clientSecret',
    label: 'Client Secret',
    type: 'password',
    hint: () =>
      'Shown by Halo only once, when you save the application: copy it then. Lost it? Generate a new ' +
      'secret for the application in Halo.',
  },
];

/** Steps to follow in Halo before filling the form. */
export function haloSteps() {
  return h(
    'ol',
    { class: 'steps' },
    h(
      'li',
      {},
      'In Halo, open ',
      apiPage(),
      ' and copy the Resource Server URL, Authorisation Server URL and Tenant.',
    ),
    h(
      'li',
      {},
      'Click ',
      where('View Applications', 'New'),
      '. Name it (for example "Asset sync"), choose ',
      h('strong', {}, 'Client ID and Secret (Services)'),
      ' and login type ',
      h('strong', {}, 'Agent'),
      '.',
    ),
    h(
      'li',
      {},
      'Under Permissions, allow ',
      h('code', {}, 'read:assets'),
      ' and ',
      h('code', {}, 'read:customers'),
      '. Software licences also need ',
      h('code', {}, 'read:software'),
      ', and the agent the application logs in as must be allowed to see them; without that they are ' +
        'skipped and the rest still syncs. Add it later and the next sync brings them.',
    ),
    h('li', {}, 'Save it and copy the Client ID and Client Secret: Halo shows the secret only once.'),
  );
}

/** One labelled input per field, with its hint and an error slot wired through aria-describedby. */
export function buildFields(values = {}, { secretHint } = {}) {
  const controls = {};
  const nodes = setupFields.map((field) => {
    const id = uid(field.name);
    const hintId = `${id}-hint`;
    const errorId = `${id}-error`;
    const input = h('input', {
      id,
      name: field.name,
      type: field.type ?? 'text',
      value: values[field.name] ?? '',
      placeholder: field.placeholder,
      autocomplete: 'off',
      spellcheck: 'false',
      autocapitalize: 'off',
      'aria-describedby': hintId,
    });
    const error = h('p', { class: 'field-error', id: errorId, hidden: true });
    controls[field.name] = { input, error, hintId, errorId };
    const hint = field.name === 'clientSecret' && secretHint ? secretHint : field.hint();
    return h(
      'div',
      { class: 'field' },
      h(
        'label',
        { for: id },
        field.label,
        field.optional ? h('span', { class: 'optional' }, ' (optional)') : null,
      ),
      input,
      h('p', { class: 'hint', id: hintId }, hint),
      error,
    );
  });
  return { nodes, controls };
}

export function clearFieldErrors(controls) {
  for (const { input, error, hintId } of Object.values(controls)) {
    input.removeAttribute('aria-invalid');
    input.setAttribute('aria-describedby', hintId);
    replace(error);
    error.hidden = true;
  }
}

/** Shows each `fields` message beside its input; returns the first input that has one. */
export function showFieldErrors(controls, fields) {
  let first = null;
  for (const [name, text] of Object.entries(fields)) {
    const control = controls[name];
    if (!control) continue;
    replace(control.error, text);
    control.error.hidden = false;
    control.input.setAttribute('aria-invalid', 'true');
    control.input.setAttribute('aria-describedby', `${control.hintId} ${control.errorId}`);
    first ??= control.input;
  }
  return first;
}

/** The API's message as a sentence, so the advice after it reads on. */
const sentence = (text) => (/[.!?]$/.test(text.trim()) ? `${text.trim()} ` : `${text.trim()}. `);

/** What to tell a person when the API refused a setup, in terms of what to fix. */
export function refusalMessage(error) {
  switch (error.code) {
    case 'halo_auth_failed':
      return [
        h('strong', {}, 'Halo refused these credentials. '),
        sentence(error.message),
        'Check the Client ID and Client Secret (copy the secret again, or generate a new one in Halo), that ' +
          'the application uses "Client ID and Secret (Services)" with login type Agent, and the Tenant. ' +
          'Nothing was saved.',
      ];
    case 'halo_permission_denied':
      return [
        h('strong', {}, 'Halo accepted the credentials, but the application lacks a permission. '),
        sentence(error.message),
        'Give it read:assets and read:customers in Halo, then save again.',
      ];
    case 'halo_unreachable':
      return [
        h('strong', {}, 'Halo did not accept the request. '),
        sentence(error.message),
        'Check the Resource Server URL, the Authorisation Server URL and the Tenant (Configuration > ' +
          'Integrations > HaloITSM API in Halo). Nothing was saved.',
      ];
    case 'invalid_request':
    case 'halo_url_rejected':
      return [h('strong', {}, 'Check the highlighted fields. '), error.message];
    default:
      return [error.message];
  }
}
