// Customers as they arrived, each with how many hardware and software assets it has, linked to those lists.
import { api, queryOf } from '../api.js';
import { h, replace, tableWrap } from '../dom.js';
import { formatNumber } from '../format.js';
import { navigate } from '../router.js';
import { nothingSynced, pickIntegration } from './integration-picker.js';
import { listFilters, pager } from './list-controls.js';

export async function customersView({ root, query, signal }) {
  document.title = 'Customers · Halo asset sync';
  const filters = {
    q: query.get('q') ?? '',
    deleted: query.get('deleted') === '1',
    integrationId: query.get('integrationId') ?? '',
  };
  const go = (changes) => {
    const next = { ...filters, ...changes };
    navigate('/customers', { ...next, deleted: next.deleted ? '1' : '' });
  };
  const { current, picker } = await pickIntegration(query, signal, (integrationId) => go({ integrationId }));
  if (!current) {
    replace(root, ...nothingSynced('Customers'));
    return;
  }
  const assetsLink = (kind, customer, count) =>
    h(
      'a',
      {
        href: `#/assets/${kind}${queryOf({ customerId: customer.haloId, integrationId: filters.integrationId })}`,
        'aria-label': `${formatNumber(count)} ${kind} assets of ${customer.name || `customer #${customer.haloId}`}`,
      },
      formatNumber(count),
    );

  const summary = h('p', { class: 'summary', role: 'status' });
  const body = h('tbody');
  const paging = pager({
    label: 'Customer pages',
    async load(cursor) {
      const page = await api(
        `/v1/customers${queryOf({ integrationId: current.id, q: filters.q, includeDeleted: filters.deleted ? 'true' : '', limit: 50, cursor })}`,
        { signal },
      );
      replace(
        body,
        page.items.map((customer) =>
          h(
            'tr',
            {},
            h(
              'th',
              { scope: 'row' },
              customer.name || `#${customer.haloId}`,
              customer.inactive ? h('span', { class: 'badge badge-inactive' }, 'Inactive') : null,
              customer.deletedAt ? h('span', { class: 'badge badge-deleted' }, 'Deleted') : null,
            ),
            h('td', {}, customer.topLevel?.name || '–'),
            h('td', { class: 'num' }, assetsLink('hardware', customer, customer.assetCounts?.hardware ?? 0)),
            h('td', { class: 'num' }, assetsLink('software', customer, customer.assetCounts?.software ?? 0)),
            h('td', { class: 'num' }, String(customer.haloId)),
          ),
        ),
      );
      return page;
    },
    onShown(page, number) {
      replace(
        summary,
        page.items.length === 0
          ? 'No customers match.'
          : `Page ${number}: ${formatNumber(page.items.length)} customers${page.nextCursor ? ', more on the next page' : ''}.`,
      );
    },
  });

  replace(
    root,
    h('h1', { tabindex: '-1' }, 'Customers'),
    picker,
    listFilters({
      filters,
      searchLabel: 'Search customers',
      toggles: [['deleted', 'Show deleted']],
      onApply: go,
    }),
    summary,
    tableWrap(
      'Customers',
      h(
        'table',
        { class: 'records' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Customer', 'Top level', 'Hardware', 'Software', 'Halo ID'].map((label, i) =>
              h('th', { scope: 'col', class: i >= 2 ? 'num' : null }, label),
            ),
          ),
        ),
        body,
      ),
    ),
    paging.element,
  );
  await paging.first();
}
