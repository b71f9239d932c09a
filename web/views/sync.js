// One sync, live: status, phase, a progress bar from pages done of pages total, counts per kind, elapsed
// time, its run in the Temporal UI, and Cancel. Polls the API about once a second while the sync runs.
import { api } from '../api.js';
import { h, replace, safeHref, tableWrap, uid } from '../dom.js';
import { takeFlash } from '../flash.js';
import { countKinds, durationOf, formatDateTime, formatNumber, phaseLabel, statusLabel } from '../format.js';
import { integrationName } from './integrations.js';

const pollMs = 1000;
const countColumns = [
  ['seen', 'Seen'],
  ['created', 'New'],
  ['updated', 'Changed'],
  ['unchanged', 'Unchanged'],
  ['deleted', 'Deleted'],
];

export async function syncView({ root, params: [id], signal }) {
  let sync = await api(`/v1/syncs/${id}`, { signal });
  const integration = await api(`/v1/integrations/${sync.integrationId}`, { signal });
  const name = integrationName(integration);
  document.title = `Sync of ${name} · Halo asset sync`;

  const flash = takeFlash();
  const status = h('strong', { class: 'status' });
  const phase = h('span');
  const elapsed = h('span');
  const started = h('span');
  const progressId = uid('progress');
  const progress = h('progress', { id: progressId, max: '1' });
  const progressText = h('span', { class: 'progress-text' });
  const countCells = {};
  const countRows = countKinds.map(([kind, label]) => {
    countCells[kind] = countColumns.map(() => h('td', { class: 'num' }));
    return h('tr', {}, h('th', { scope: 'row' }, label), countCells[kind]);
  });
  const statusLine = h(
    'p',
    { class: 'status-line', role: 'status', tabindex: '-1' },
    'Status: ',
    status,
    phase,
  );
  const problems = h('div');
  const notice = h('p', { class: 'message', role: 'status', hidden: true });
  const cancelButton = h(
    'button',
    { type: 'button', class: 'button-danger', onClick: cancel, 'data-needs': 'manage_sync' },
    'Cancel sync',
  );
  const finishedLinks = h(
    'p',
    { class: 'actions', hidden: true },
    h('a', { class: 'button', href: '#/assets/hardware' }, 'Browse hardware'),
    h('a', { class: 'button', href: '#/assets/software' }, 'Browse software'),
    h('a', { class: 'button', href: '#/customers' }, 'Customers'),
  );
  const temporalHref = safeHref(sync.temporalUiUrl);

  replace(
    root,
    h('p', { class: 'breadcrumb' }, h('a', { href: `#/integrations/${integration.id}` }, `← ${name}`)),
    h('h1', { tabindex: '-1' }, `${sync.kind === 'full' ? 'Full' : 'Incremental'} sync of ${name}`),
    flash ? h('p', { class: 'message message-ok', role: 'status' }, flash) : null,
    h(
      'section',
      { class: 'panel', 'aria-label': 'Progress' },
      statusLine,
      h(
        'div',
        { class: 'progress' },
        h('label', { for: progressId }, 'Pages synced'),
        progress,
        progressText,
      ),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Started'),
        h('dd', {}, started),
        h('dt', {}, 'Elapsed'),
        h('dd', {}, elapsed),
      ),
      problems,
      h(
        'p',
        { class: 'actions' },
        cancelButton,
        temporalHref
          ? h(
              'a',
              { href: temporalHref, target: '_blank', rel: 'noopener noreferrer' },
              'Open this run in the Temporal UI',
            )
          : null,
      ),
      notice,
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'counts-heading' },
      h('h2', { id: 'counts-heading' }, 'Records'),
      tableWrap(
        'Records per kind',
        h(
          'table',
          { class: 'counts' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'Kind'),
              countColumns.map(([, l]) => h('th', { scope: 'col', class: 'num' }, l)),
            ),
          ),
          h('tbody', {}, countRows),
        ),
      ),
    ),
    finishedLinks,
  );

  function show() {
    const running = sync.status === 'running';
    replace(status, statusLabel(sync.status));
    status.dataset.status = sync.status;
    // While running, what it is working on; once ended the status says it all.
    replace(phase, running ? ` · ${phaseLabel(sync.progress.phase)}` : '');
    replace(started, formatDateTime(sync.startedAt));
    replace(elapsed, durationOf(sync));
    const { pagesDone, pagesTotal } = sync.progress;
    if (pagesTotal > 0) {
      progress.max = pagesTotal;
      progress.value = pagesDone;
      replace(
        progressText,
        `${formatNumber(pagesDone)} of ${formatNumber(pagesTotal)} pages (${Math.floor((pagesDone / pagesTotal) * 100)}%)`,
      );
    } else if (running) {
      progress.removeAttribute('value'); // indeterminate while Halo is counted
      replace(progressText, 'Counting records in Halo…');
    } else {
      progress.max = 1;
      progress.value = sync.status === 'completed' ? 1 : 0;
      replace(progressText, 'No pages');
    }
    for (const [kind] of countKinds) {
      countColumns.forEach(([column], i) =>
        replace(countCells[kind][i], formatNumber(sync.counts?.[kind]?.[column])),
      );
    }
    replace(
      problems,
      sync.error ? h('p', { class: 'message message-error', role: 'alert' }, sync.error) : null,
      sync.warnings.length > 0
        ? h(
            'ul',
            { class: 'message message-warning', 'aria-label': 'Warnings' },
            sync.warnings.map((w) => h('li', {}, w)),
          )
        : null,
    );
    // The button goes away when the run ends; focus must not fall back to the top of the page.
    if (!running && document.activeElement === cancelButton) statusLine.focus();
    cancelButton.hidden = !running;
    // aria-disabled, not disabled: a disabled button drops keyboard focus while the cancel is on its way.
    cancelButton.setAttribute('aria-disabled', String(cancelling));
    replace(cancelButton, cancelling ? 'Cancelling…' : 'Cancel sync');
    finishedLinks.hidden = sync.status !== 'completed';
  }

  let cancelling = false;
  async function cancel() {
    if (cancelling) return;
    cancelling = true;
    show();
    try {
      sync = await api(`/v1/syncs/${id}/cancel`, { method: 'POST', signal });
      say('Cancelling: pages in flight finish or stop at their next heartbeat, then the sync ends.');
    } catch (error) {
      if (signal.aborted) return;
      cancelling = false;
      if (error.code === 'sync_not_running' && error.details.sync) sync = error.details.sync;
      say(error.message);
    }
    show();
  }

  function say(text) {
    replace(notice, text);
    notice.hidden = !text;
  }

  let timer = null;
  let refreshFailed = false;
  async function poll() {
    try {
      sync = await api(`/v1/syncs/${id}`, { signal });
      show();
      if (refreshFailed) say('');
      refreshFailed = false;
    } catch (error) {
      if (signal.aborted) return;
      refreshFailed = true;
      say(`Could not refresh: ${error.message} Retrying…`);
    }
    if (sync.status === 'running' && !signal.aborted) timer = setTimeout(poll, pollMs);
  }

  show();
  if (sync.status === 'running') timer = setTimeout(poll, pollMs);
  return () => clearTimeout(timer);
}
