// `#/audit` (admins and sync managers): who changed what, when and from where, newest first.
import { api, queryOf } from '../api.js';
import { h, replace, tableWrap } from '../dom.js';
import { formatDateTime } from '../format.js';

const actionNames = {
  'integration.created': 'Integration added',
  'integration.updated': 'Integration changed',
  'integration.deleted': 'Integration deleted',
  'schedule.updated': 'Schedule changed',
  'budget.updated': 'Request budget changed',
  'sync.started': 'Sync started',
  'sync.cancelled': 'Sync cancelled',
  'member.added': 'Member added',
  'member.updated': 'Member changed',
  'member.removed': 'Member removed',
  'api_key.created': 'API key created',
  'api_key.revoked': 'API key revoked',
};

/** A short line from an entry's details: names and values that are never secrets (api/audit.ts). */
function summary(entry) {
  const d = entry.details ?? {};
  if (Array.isArray(d.fields))
    return d.fields.length ? `Changed: ${d.fields.join(', ')}` : 'No values changed';
  if (d.changes)
    return Object.entries(d.changes)
      .map(([k, c]) => `${k}: ${c.from} → ${c.to}`)
      .join('; ');
  if (d.to && typeof d.to === 'object')
    return Object.entries(d.to)
      .map(([k, v]) => `${k}: ${v ?? 'default'}`)
      .join(', ');
  const parts = [d.kind, d.name, d.role, d.prefix ? `${d.prefix}…` : null, d.tenant].filter(Boolean);
  return parts.join(' · ');
}

export async function auditView({ root, query, signal }) {
  document.title = 'Audit log · Halo asset sync';
  const integrationId = query.get('integrationId') ?? undefined;
  const body = h('tbody');
  const more = h('button', { type: 'button', hidden: true }, 'Older entries');
  let after;

  async function load() {
    const page = await api(`/v1/audit${queryOf({ limit: 50, after, integrationId })}`, { signal });
    for (const entry of page.items) {
      body.append(
        h(
          'tr',
          {},
          h('td', {}, formatDateTime(entry.at)),
          h('td', {}, entry.member.name, h('span', { class: 'muted' }, ` (key ${entry.apiKey.prefix}…)`)),
          h('td', {}, actionNames[entry.action] ?? entry.action),
          h('td', {}, summary(entry)),
          h('td', {}, entry.ip),
        ),
      );
    }
    after = page.nextCursor ?? undefined;
    more.hidden = !after;
    return page.items.length;
  }

  more.addEventListener('click', async () => {
    more.disabled = true;
    try {
      await load();
    } finally {
      more.disabled = false;
    }
  });

  const count = await load();
  replace(
    root,
    h('h1', { tabindex: '-1' }, 'Audit log'),
    h(
      'p',
      { class: 'lead' },
      'Every change to integrations, schedules, budgets, syncs, members and keys, with who made it and from ' +
        'which address. Secret values are never recorded; entries cannot be changed or removed.',
    ),
    count === 0
      ? h('p', {}, 'Nothing recorded yet.')
      : tableWrap(
          'Audit log',
          h(
            'table',
            { class: 'records audit' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ['When', 'Who', 'What', 'Details', 'From'].map((t) => h('th', {}, t)),
              ),
            ),
            body,
          ),
        ),
    more,
  );
}
