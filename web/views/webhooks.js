// The account's webhooks: the list, and a form to add one. The signing secret is shown once, on adding.
import { api } from '../api.js';
import { h, replace, tableWrap, uid } from '../dom.js';

export const eventChoices = [
  ['sync.failed', 'A sync failed'],
  ['sync.warning', 'A sync needs attention (deletions refused, software skipped)'],
  ['integration.stale', 'No sync has completed for too long'],
  ['sync.completed', 'A sync completed'],
];
const formats = [
  ['json', 'JSON, signed (for your own systems)'],
  ['slack', 'Slack incoming webhook'],
  ['teams', 'Microsoft Teams workflow webhook'],
];

export async function webhooksView({ root, signal }) {
  const { items } = await api('/v1/webhooks', { signal });
  const list =
    items.length === 0
      ? h('p', {}, 'No webhooks yet. Add one below to hear about failed or stale syncs.')
      : tableWrap(
          'Webhooks',
          h(
            'table',
            { class: 'webhooks' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['Receiver', 'Events', 'Format'].map((t) => h('th', { scope: 'col' }, t)),
              ),
            ),
            h(
              'tbody',
              {},
              items.map((hook) =>
                h(
                  'tr',
                  {},
                  h('td', {}, h('a', { href: `#/webhooks/${hook.id}` }, hook.description || hook.url)),
                  h('td', {}, hook.events.join(', ')),
                  h('td', {}, formats.find(([value]) => value === hook.format)?.[1] ?? hook.format),
                ),
              ),
            ),
          ),
        );
  replace(
    root,
    h('h1', { tabindex: '-1' }, 'Webhooks'),
    h('p', { class: 'lead' }, 'Tell people and systems when a sync fails, warns, completes or goes stale.'),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'webhook-list' },
      h('h2', { id: 'webhook-list' }, 'Your webhooks'),
      list,
    ),
    addForm(signal),
  );
}

function addForm(signal) {
  const urlId = uid('webhook-url');
  const url = h('input', { id: urlId, name: 'url', type: 'url', required: true, autocomplete: 'off' });
  const descriptionId = uid('webhook-description');
  const description = h('input', { id: descriptionId, name: 'description', type: 'text', maxlength: '200' });
  const formatId = uid('webhook-format');
  const format = h(
    'select',
    { id: formatId, name: 'format' },
    formats.map(([value, label]) => h('option', { value }, label)),
  );
  const boxes = eventChoices.map(([value, label]) => {
    const id = uid('event');
    const box = h('input', {
      id,
      type: 'checkbox',
      name: 'events',
      value,
      checked: value !== 'sync.completed',
    });
    return { value, box, row: h('div', { class: 'field-check' }, box, h('label', { for: id }, label)) };
  });
  const message = h('p', { class: 'message', role: 'status', hidden: true });
  const button = h('button', { type: 'submit', class: 'button button-primary' }, 'Add webhook');
  const say = (kind, ...text) => {
    message.className = `message message-${kind}`;
    replace(message, ...text);
    message.hidden = false;
  };

  async function submit(event) {
    event.preventDefault();
    if (button.disabled) return;
    button.disabled = true;
    try {
      const body = {
        url: url.value.trim(),
        description: description.value.trim(),
        format: format.value,
        events: boxes.filter((b) => b.box.checked).map((b) => b.value),
      };
      const { webhook, secret } = await api('/v1/webhooks', { method: 'POST', body, signal });
      say(
        'ok',
        h('strong', {}, 'Webhook added. '),
        'Its signing secret is shown only now; copy it to your receiver: ',
        h('code', { class: 'secret' }, secret),
        ' ',
        h('a', { href: `#/webhooks/${webhook.id}` }, 'Open it to send a test event'),
      );
      form.reset();
    } catch (error) {
      if (signal.aborted) return;
      const fields = Object.entries(error.fields ?? {}).map(([name, text]) => `${name}: ${text}`);
      say('error', [error.message, ...fields].join(' '));
    } finally {
      button.disabled = false;
    }
  }

  const form = h(
    'form',
    { class: 'panel webhook-form', 'aria-labelledby': 'add-webhook', onSubmit: submit, novalidate: true },
    h('h2', { id: 'add-webhook' }, 'Add a webhook'),
    h('div', { class: 'field' }, h('label', { for: urlId }, 'Receiver URL'), url),
    h('div', { class: 'field' }, h('label', { for: descriptionId }, 'Name (optional)'), description),
    h('div', { class: 'field' }, h('label', { for: formatId }, 'Format'), format),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Events'),
      boxes.map((b) => b.row),
    ),
    h('div', { class: 'actions' }, button),
    message,
  );
  return form;
}
