// One webhook: send a test event, read the delivery log, remove it.
import { api, queryOf } from '../api.js';
import { h, replace, tableWrap } from '../dom.js';
import { formatDateTime } from '../format.js';
import { navigate } from '../router.js';

const statusLabels = { pending: 'Waiting', retrying: 'Retrying', delivered: 'Delivered', failed: 'Failed' };
const badgeOf = { pending: 'running', retrying: 'running', delivered: 'completed', failed: 'failed' };

export async function webhookView({ root, params, signal }) {
  const [id] = params;
  const hook = await api(`/v1/webhooks/${id}`, { signal });
  const log = h('div', { class: 'delivery-log' });
  const message = h('p', { class: 'message', role: 'status', hidden: true });
  const say = (kind, text) => {
    message.className = `message message-${kind}`;
    replace(message, text);
    message.hidden = false;
  };

  async function refresh() {
    const { items } = await api(`/v1/webhooks/${id}/deliveries${queryOf({ limit: 20 })}`, { signal });
    replace(log, items.length === 0 ? h('p', {}, 'Nothing sent yet.') : deliveriesTable(items));
    return items;
  }

  const testButton = h('button', { type: 'button', class: 'button button-primary' }, 'Send test event');
  testButton.addEventListener('click', async () => {
    if (testButton.disabled) return;
    testButton.disabled = true;
    try {
      await api(`/v1/webhooks/${id}/test`, { method: 'POST', signal });
      say('ok', 'Test event queued; its delivery shows below.');
      await refresh();
    } catch (error) {
      if (!signal.aborted) say('error', error.message);
    } finally {
      testButton.disabled = false;
    }
  });
  const removeButton = h('button', { type: 'button', class: 'button button-danger' }, 'Remove webhook');
  removeButton.addEventListener('click', async () => {
    if (!window.confirm('Remove this webhook and its delivery log?')) return;
    try {
      await api(`/v1/webhooks/${id}`, { method: 'DELETE', signal });
      navigate('/webhooks');
    } catch (error) {
      if (!signal.aborted) say('error', error.message);
    }
  });

  replace(
    root,
    h('p', { class: 'breadcrumb' }, h('a', { href: '#/webhooks' }, 'Webhooks')),
    h('h1', { tabindex: '-1' }, hook.description || 'Webhook'),
    h('p', { class: 'lead' }, `${hook.url} · ${hook.events.join(', ')} · ${hook.format}`),
    h('div', { class: 'actions' }, testButton, removeButton),
    message,
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'delivery-log' },
      h('h2', { id: 'delivery-log' }, 'Delivery log'),
      log,
    ),
  );
  await refresh();
  // Deliveries retry on their own for a day; the log follows them while the page is open.
  let timer;
  const poll = () => {
    timer = setTimeout(() => {
      if (!signal.aborted) void refresh().then(poll, poll);
    }, 3000);
  };
  poll();
  return () => clearTimeout(timer);
}

function deliveriesTable(items) {
  return tableWrap(
    'Delivery log',
    h(
      'table',
      { class: 'deliveries' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Created', 'Event', 'Status', 'Attempts', 'Last answer'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        {},
        items.map((d) =>
          h(
            'tr',
            {},
            h('td', {}, formatDateTime(d.createdAt)),
            h('td', {}, d.eventType),
            h(
              'td',
              {},
              h('span', { class: `badge badge-${badgeOf[d.status]}` }, statusLabels[d.status] ?? d.status),
            ),
            h('td', { class: 'num' }, String(d.attempts)),
            h('td', {}, d.lastStatus === null ? '' : `HTTP ${d.lastStatus} `, d.lastAnswer ?? ''),
          ),
        ),
      ),
    ),
  );
}
