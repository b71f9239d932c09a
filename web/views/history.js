// The integration's runs, newest first: outcome, duration, counts per kind, warnings and errors.
import { api, queryOf } from '../api.js';
import { h, tableWrap } from '../dom.js';
import { countKinds, countsSummary, durationOf, formatDateTime, statusLabel } from '../format.js';

export async function historySection(integration, signal) {
  const first = await api(`/v1/integrations/${integration.id}/syncs${queryOf({ limit: 10 })}`, { signal });
  const running = first.items.find((run) => run.status === 'running');
  const body = h('tbody');
  const more = h('button', { type: 'button', hidden: !first.nextCursor }, 'Older runs');
  let cursor = first.nextCursor;

  function add(items) {
    for (const run of items) {
      body.append(
        h(
          'tr',
          {},
          h('td', {}, h('a', { href: `#/syncs/${run.id}` }, formatDateTime(run.startedAt))),
          h('td', {}, run.kind === 'full' ? 'Full' : 'Incremental'),
          h('td', {}, h('span', { class: `badge badge-${run.status}` }, statusLabel(run.status))),
          h('td', {}, durationOf(run)),
          countKinds.map(([kind]) => h('td', {}, countsSummary(run.counts?.[kind]))),
          h(
            'td',
            { class: 'notes' },
            run.error ? h('p', { class: 'text-error' }, run.error) : null,
            run.warnings.map((warning) => h('p', { class: 'text-warning' }, warning)),
          ),
        ),
      );
    }
  }

  more.addEventListener('click', async () => {
    if (more.disabled) return;
    more.disabled = true;
    try {
      const page = await api(`/v1/integrations/${integration.id}/syncs${queryOf({ limit: 10, cursor })}`, {
        signal,
      });
      add(page.items);
      cursor = page.nextCursor;
      more.hidden = !cursor;
    } catch (error) {
      if (!signal.aborted)
        more.after(h('p', { class: 'message message-error', role: 'alert' }, error.message));
    } finally {
      more.disabled = false;
    }
  });

  add(first.items);
  const section = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'history-heading' },
    h('h2', { id: 'history-heading' }, 'Run history'),
    first.items.length === 0
      ? h('p', {}, 'No runs yet.')
      : tableWrap(
          'Run history',
          h(
            'table',
            { class: 'history' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                [
                  'Started',
                  'Kind',
                  'Outcome',
                  'Duration',
                  ...countKinds.map(([, label]) => label),
                  'Warnings and errors',
                ].map((label) => h('th', { scope: 'col' }, label)),
              ),
            ),
            body,
          ),
        ),
    more,
  );
  const runningBanner = running
    ? h(
        'p',
        { class: 'message message-info' },
        `${running.kind === 'full' ? 'A full' : 'An incremental'} sync is running. `,
        h('a', { href: `#/syncs/${running.id}` }, 'Watch its progress'),
      )
    : null;
  return { section, runningBanner };
}
