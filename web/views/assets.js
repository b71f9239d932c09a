// Hardware and software as they arrived: search, customer filter, deleted/inactive toggles, keyset paging,
// and a detail panel. The filters live in the URL (#/assets/hardware?q=…&customerId=…) so Back works.
import { allPages, api, downloadCsv, queryOf } from '../api.js';
import { h, replace, tableWrap, uid } from '../dom.js';
import { formatDate, formatNumber } from '../format.js';
import { navigate } from '../router.js';
import { showAssetDetail } from './asset-detail.js';
import { nothingSynced, pickIntegration } from './integration-picker.js';
import { listFilters, pager } from './list-controls.js';

const pageSize = 50;
const refName = (ref) => (ref ? ref.name || `#${ref.haloId}` : '–');

const columnsOf = {
  hardware: [
    ['Asset', null],
    ['Type', (a) => refName(a.assetType)],
    ['Customer', (a) => refName(a.customer)],
    ['Site', (a) => refName(a.site)],
    ['Status', (a) => refName(a.status)],
    ['User', (a) => a.username || '–'],
    ['Warranty end', (a) => formatDate(a.warrantyEnd)],
    ['Lifecycle', (a) => lifecycleCell(a.lifecycle)],
  ],
  software: [
    ['Licence', null],
    ['Manufacturer', (a) => a.manufacturer || '–'],
    ['Customer', (a, name) => (a.customer?.haloId ? name(a.customer.haloId) : '–')],
    ['In use', (a) => `${formatNumber(a.licencesInUse)} of ${formatNumber(a.licenceCount)}`],
    ['SKU', (a) => a.productSku || '–'],
    ['End date', (a) => formatDate(a.endDate)],
  ],
};

// The lifecycle filters a chart on the Lifecycle page links with; they ride along in the URL.
const lifecycleParams = [
  'warranty',
  'expiringWithinDays',
  'replacementDue',
  'minAgeYears',
  'ageBand',
  'assetTypeId',
  'endsInMonth',
];
const warrantyWords = {
  expired: 'Out of warranty',
  expiring: 'Warranty ending',
  active: 'In warranty',
  unknown: 'Warranty unknown',
};

function lifecycleCell(lifecycle) {
  if (!lifecycle) return '–';
  const age = lifecycle.ageYears === null ? 'age unknown' : `${lifecycle.ageYears} y`;
  return h(
    'span',
    { class: `lifecycle lifecycle-${lifecycle.warranty}` },
    `${warrantyWords[lifecycle.warranty]} · ${age}`,
    lifecycle.replacementDue ? h('span', { class: 'badge badge-due' }, 'Replace') : null,
  );
}

export async function assetsView({ root, params: [kind], query, signal }) {
  const word = kind === 'hardware' ? 'Hardware' : 'Software';
  document.title = `${word} assets · Halo asset sync`;
  const filters = {
    q: query.get('q') ?? '',
    customerId: query.get('customerId') ?? '',
    inactive: query.get('inactive') === '1',
    deleted: query.get('deleted') === '1',
    integrationId: query.get('integrationId') ?? '',
  };
  const lifecycle = Object.fromEntries(lifecycleParams.map((name) => [name, query.get(name) ?? '']));
  const paramsOf = (f) => ({ ...f, inactive: f.inactive ? '1' : '', deleted: f.deleted ? '1' : '' });
  const go = (changes) => navigate(`/assets/${kind}`, paramsOf({ ...filters, ...lifecycle, ...changes }));
  const apiQuery = () => ({
    kind,
    integrationId: current.id,
    q: filters.q,
    customerId: filters.customerId,
    includeDeleted: filters.deleted ? 'true' : '',
    includeInactive: filters.inactive ? 'true' : 'false',
    ...lifecycle,
  });
  const { current, picker } = await pickIntegration(query, signal, (integrationId) =>
    go({ integrationId, customerId: '' }),
  );
  if (!current) {
    replace(root, ...nothingSynced('Assets'));
    return;
  }
  const customers = await allPages('/v1/customers', { integrationId: current.id }, { signal });
  const names = new Map(customers.map((c) => [c.haloId, c.name]));
  const customerName = (id) => names.get(id) ?? `#${id}`;

  const tabs = h(
    'nav',
    { class: 'tabs', 'aria-label': 'Asset kind' },
    ['hardware', 'software'].map((k) =>
      h(
        'a',
        { href: `#/assets/${k}${queryOf(paramsOf(filters))}`, 'aria-current': k === kind ? 'page' : null },
        k === 'hardware' ? 'Hardware' : 'Software',
      ),
    ),
  );
  const filterForm = listFilters({
    filters,
    customers,
    searchLabel: `Search ${word.toLowerCase()}`,
    toggles: [
      ['inactive', 'Show inactive'],
      ['deleted', 'Show deleted'],
    ],
    onApply: (changes) => go(changes),
  });

  const summary = h('p', { class: 'summary', role: 'status' });
  const body = h('tbody');
  const detail = h('section', { class: 'panel detail', hidden: true, 'aria-label': 'Asset details' });
  const columns = columnsOf[kind];
  let opener = null;

  async function open(asset, button) {
    opener = button;
    try {
      await showAssetDetail(detail, {
        kind,
        haloId: asset.haloId,
        integrationId: current.id,
        customerName,
        signal,
        onClose: () => {
          detail.hidden = true;
          opener?.focus();
        },
      });
    } catch (error) {
      if (!signal.aborted)
        replace(detail, h('p', { class: 'message message-error', role: 'alert' }, error.message));
    }
  }

  function row(asset) {
    const label =
      kind === 'hardware'
        ? asset.keyField || asset.inventoryNumber || `#${asset.haloId}`
        : asset.name || `(no name) #${asset.haloId}`;
    const button = h(
      'button',
      { type: 'button', class: 'link-button', onClick: () => open(asset, button) },
      label,
    );
    return h(
      'tr',
      {},
      h(
        'th',
        { scope: 'row' },
        button,
        asset.inactive ? h('span', { class: 'badge badge-inactive' }, 'Inactive') : null,
        asset.deletedAt ? h('span', { class: 'badge badge-deleted' }, 'Deleted') : null,
      ),
      columns.slice(1).map(([, cell]) => h('td', {}, cell(asset, customerName))),
    );
  }

  const paging = pager({
    label: `${word} pages`,
    async load(cursor) {
      const page = await api(`/v1/assets${queryOf({ ...apiQuery(), limit: pageSize, cursor })}`, { signal });
      replace(body, page.items.map(row));
      return page;
    },
    onShown(page, number) {
      replace(
        summary,
        page.items.length === 0
          ? `No ${word.toLowerCase()} assets match.`
          : `Page ${number}: ${formatNumber(page.items.length)} ${word.toLowerCase()} ${page.items.length === 1 ? 'asset' : 'assets'}${page.nextCursor ? ', more on the next page' : ''}.`,
      );
    },
  });

  const tableId = uid('assets');
  const lifecycleFilters = Object.entries(lifecycle).filter(([, value]) => value !== '');
  const lifecycleLine = lifecycleFilters.length
    ? h(
        'p',
        { class: 'lifecycle-filter' },
        `Lifecycle filter: ${lifecycleFilters.map(([name, value]) => `${name} = ${value}`).join(', ')}. `,
        h('a', { href: `#/assets/${kind}${queryOf(paramsOf(filters))}` }, 'Clear'),
      )
    : null;
  const download = h(
    'button',
    {
      type: 'button',
      class: 'button button-small',
      onClick: () =>
        downloadCsv(`/v1/assets${queryOf({ ...apiQuery(), format: 'csv' })}`, `${kind}-assets.csv`),
    },
    'Download CSV',
  );
  replace(
    root,
    h('h1', { tabindex: '-1' }, 'Assets'),
    picker,
    tabs,
    filterForm,
    lifecycleLine,
    h('div', { class: 'actions' }, summary, download),
    h(
      'div',
      { class: 'split' },
      h(
        'div',
        { class: 'split-main' },
        tableWrap(
          `${word} assets`,
          h(
            'table',
            { id: tableId, class: 'records' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                columns.map(([label]) => h('th', { scope: 'col' }, label)),
              ),
            ),
            body,
          ),
        ),
        paging.element,
      ),
      detail,
    ),
  );
  await paging.first();
}
