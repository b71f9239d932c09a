// One integration: its saved values (the secret only as its last four characters), Edit, Delete, Sync now,
// the schedule and the run history.
import { api } from '../api.js';
import { definitionList, h, replace } from '../dom.js';
import { formatDateTime } from '../format.js';
import { navigate } from '../router.js';
import { historySection } from './history.js';
import { integrationName } from './integrations.js';
import { scheduleSection } from './schedule.js';

export async function integrationView({ root, params: [id], signal }) {
  const integration = await api(`/v1/integrations/${id}`, { signal });
  const name = integrationName(integration);
  document.title = `${name} · Halo asset sync`;
  const [schedule, history] = await Promise.all([
    scheduleSection(integration, signal),
    historySection(integration, signal),
  ]);

  replace(
    root,
    h('h1', { tabindex: '-1' }, `Halo ITSM: ${name}`),
    history.runningBanner,
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'values-heading' },
      h('h2', { id: 'values-heading' }, 'Saved values'),
      definitionList([
        ['Resource Server URL', integration.resourceServerUrl],
        ['Authorisation Server URL', integration.authServerUrl],
        ['Tenant', integration.tenant || 'none (on-premises)'],
        ['Client ID', integration.clientId],
        [
          'Client Secret',
          h(
            'span',
            {},
            h('span', { 'aria-hidden': 'true' }, '•••• '),
            h('span', { class: 'visually-hidden' }, 'ending in '),
            integration.clientSecretLast4,
          ),
        ],
        ['Saved', formatDateTime(integration.updatedAt)],
      ]),
      h(
        'p',
        { class: 'actions' },
        h('a', { class: 'button', href: `#/integrations/${id}/edit`, 'data-needs': 'manage_sync' }, 'Edit'),
        deleteControl(integration, name, signal),
      ),
    ),
    syncNowSection(integration, signal),
    schedule,
    history.section,
  );
}

/** Full or incremental, now; a sync already running is answered with a link to it. */
function syncNowSection(integration, signal) {
  const message = h('div', { class: 'message', role: 'status', hidden: true });
  const buttons = [];
  async function start(kind) {
    if (buttons.some((b) => b.disabled)) return;
    buttons.forEach((b) => (b.disabled = true));
    message.hidden = true;
    try {
      const sync = await api(`/v1/integrations/${integration.id}/syncs`, {
        method: 'POST',
        body: { kind },
        signal,
      });
      navigate(`/syncs/${sync.id}`);
    } catch (error) {
      if (signal.aborted || error.status === 401) return;
      const running = error.code === 'sync_in_progress' ? error.details.sync : null;
      replace(
        message,
        running
          ? [
              `${running.kind === 'full' ? 'A full' : 'An incremental'} sync of this integration is already running; only one runs at a time. `,
              h('a', { href: `#/syncs/${running.id}` }, 'Follow the running sync'),
            ]
          : error.message,
      );
      message.className = `message ${running ? 'message-warning' : 'message-error'}`;
      message.hidden = false;
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  }
  buttons.push(
    h(
      'button',
      { type: 'button', class: 'button-primary', onClick: () => start('full'), 'data-needs': 'manage_sync' },
      'Full sync now',
    ),
    h(
      'button',
      { type: 'button', onClick: () => start('incremental'), 'data-needs': 'manage_sync' },
      'Incremental sync now',
    ),
  );
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'sync-now-heading' },
    h('h2', { id: 'sync-now-heading' }, 'Sync now'),
    h(
      'p',
      { class: 'hint' },
      'A full sync reads everything and finds deletions; an incremental one reads only what changed in ' +
        'Halo since the last sync.',
    ),
    h('p', { class: 'actions' }, buttons),
    message,
  );
}

/** Delete asks first, in a modal dialog that keeps keyboard focus inside until it is answered. */
function deleteControl(integration, name, signal) {
  const message = h('p', { class: 'message message-error', role: 'alert', hidden: true });
  const confirmButton = h('button', { type: 'button', class: 'button-danger' }, 'Delete integration');
  const dialog = h(
    'dialog',
    { 'aria-labelledby': 'delete-heading', class: 'panel' },
    h('h2', { id: 'delete-heading' }, `Delete the integration with ${name}?`),
    h(
      'p',
      {},
      'This stops its running sync and its schedule, and removes every customer, asset and licence it ' +
        'synced from this service. Nothing changes in Halo.',
    ),
    message,
    h(
      'p',
      { class: 'actions' },
      confirmButton,
      h('button', { type: 'button', onClick: () => dialog.close() }, 'Keep it'),
    ),
  );
  confirmButton.addEventListener('click', async () => {
    if (confirmButton.disabled) return;
    confirmButton.disabled = true;
    try {
      await api(`/v1/integrations/${integration.id}`, { method: 'DELETE', signal });
      dialog.close();
      navigate('/', {}, { replace: true });
    } catch (error) {
      if (signal.aborted) return;
      replace(message, error.message);
      message.hidden = false;
    } finally {
      confirmButton.disabled = false;
    }
  });
  const open = h(
    'button',
    {
      type: 'button',
      class: 'button-danger',
      onClick: () => dialog.showModal(),
      'data-needs': 'manage_sync',
    },
    'Delete…',
  );
  return [open, dialog];
}
