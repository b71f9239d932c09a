// Lifecycle of an integration's hardware and licences, for all customers or one: warranty states, age,
// replacements due and renewals as charts whose bars open the matching asset list. A customer's page is
// what an MSP shows that customer in a quarterly review, so it prints on its own (print rules in styles.css).
import { api, downloadCsv, queryOf } from '../api.js';
import { barChart } from '../charts.js';
import { h, replace, tableWrap } from '../dom.js';
import { formatNumber } from '../format.js';
import { navigate } from '../router.js';
import { nothingSynced, pickIntegration } from './integration-picker.js';
import { policiesPanel } from './lifecycle-policies.js';

const month = new Intl.DateTimeFormat(undefined, { month: 'short', year: '2-digit', timeZone: 'UTC' });
const monthLabel = (yyyyMm) => month.format(new Date(`${yyyyMm}-01T00:00:00Z`));
const ageLabels = ['<1', '1–2', '2–3', '3–4', '4–5', '5+', '?'];
const ageWords = [
  'Under 1 year',
  '1–2 years',
  '2–3 years',
  '3–4 years',
  '4–5 years',
  '5 years or more',
  'Age unknown',
];
const warrantyBars = [
  ['expired', 'Expired', 'danger'],
  ['expiring', 'Expiring', 'warn'],
  ['active', 'Active', 'ok'],
  ['unknown', 'Unknown', 'muted'],
];

export async function lifecycleView({ root, query, signal }) {
  const customerId = query.get('customerId') ?? '';
  const go = (changes) =>
    navigate('/lifecycle', { integrationId: query.get('integrationId') ?? '', customerId, ...changes });
  const { current, picker } = await pickIntegration(query, signal, (integrationId) =>
    go({ integrationId, customerId: '' }),
  );
  if (!current) {
    replace(root, ...nothingSynced('Lifecycle'));
    return;
  }
  const scope = { integrationId: current.id, customerId };
  const summary = await api(`/v1/lifecycle/summary${queryOf(scope)}`, { signal });
  const customer = customerId ? summary.customers[0] : null;
  const who = customerId ? (customer?.name ?? `Customer #${customerId}`) : 'All customers';
  document.title = `Lifecycle · ${who} · Halo asset sync`;

  // Bars link to the hardware list the summary counted: live, active assets of the same scope.
  const listOf = (kind, filter) => `#/assets/${kind}${queryOf({ ...scope, ...filter })}`;
  const hw = summary.hardware;
  const charts = h(
    'div',
    { class: 'charts' },
    barChart({
      title: `Warranty (expiring: within ${summary.expiringWithinDays} days)`,
      bars: warrantyBars.map(([state, label, tone]) => ({
        label,
        value: hw.warranty[state],
        tone,
        href: listOf('hardware', { warranty: state }),
        description: `Warranty ${label.toLowerCase()}`,
      })),
    }),
    barChart({
      title: 'Age (years, from purchase or warranty start)',
      bars: hw.ageBands.map((value, band) => ({
        label: ageLabels[band],
        value,
        tone: band >= 4 && band < 6 ? 'warn' : band === 6 ? 'muted' : 'brand',
        href: listOf('hardware', { ageBand: band === 6 ? 'unknown' : String(band) }),
        description: ageWords[band],
      })),
    }),
    barChart({
      title: 'Warranties ending per month',
      wide: true,
      bars: hw.expirationsByMonth.map((value, i) => ({
        label: monthLabel(summary.months[i]),
        value,
        href: listOf('hardware', { endsInMonth: summary.months[i] }),
        description: `Warranties ending ${monthLabel(summary.months[i])}`,
      })),
    }),
    barChart({
      title: 'Licences ending per month',
      wide: true,
      bars: summary.software.endingByMonth.map((value, i) => ({
        label: monthLabel(summary.months[i]),
        value,
        tone: 'muted',
        href: listOf('software', { endsInMonth: summary.months[i] }),
        description: `Licences ending ${monthLabel(summary.months[i])}`,
      })),
    }),
  );

  const seats = summary.software.seats;
  const facts = h(
    'ul',
    { class: 'stats' },
    stat('Hardware assets', hw.total, listOf('hardware', {})),
    stat('Out of warranty', hw.warranty.expired, listOf('hardware', { warranty: 'expired' })),
    stat('Due for replacement', hw.replacementDue, listOf('hardware', { replacementDue: 'true' })),
    stat('Licences', summary.software.licences, listOf('software', {})),
    h(
      'li',
      {},
      h('span', { class: 'stat-value' }, `${formatNumber(seats.inUse)} / ${formatNumber(seats.bought)}`),
      h('span', { class: 'stat-label' }, 'Seats in use / bought'),
    ),
  );

  const download = h(
    'button',
    {
      type: 'button',
      class: 'button',
      onClick: () =>
        downloadCsv(`/v1/lifecycle/summary${queryOf({ ...scope, format: 'csv' })}`, 'lifecycle-summary.csv'),
    },
    'Download CSV',
  );
  const print = h('button', { type: 'button', class: 'button', onClick: () => window.print() }, 'Print');

  replace(
    root,
    h(
      'p',
      { class: 'breadcrumb no-print' },
      customerId
        ? h('a', { href: `#/lifecycle${queryOf({ integrationId: current.id })}` }, 'All customers')
        : null,
    ),
    h('h1', { tabindex: '-1' }, customerId ? `Lifecycle: ${who}` : 'Lifecycle'),
    h(
      'p',
      { class: 'lede' },
      `As of ${summary.asOf} (UTC). Hardware and licences not marked inactive in Halo.`,
    ),
    picker ? h('div', { class: 'no-print' }, picker) : null,
    h('div', { class: 'actions no-print' }, download, print),
    facts,
    charts,
    customerId ? null : rankedCustomers(summary, current.id),
    customerId ? null : await policiesPanel({ signal, onSaved: () => go({}) }),
  );
}

function stat(label, value, href) {
  return h(
    'li',
    {},
    h('a', { href, class: 'stat-value' }, formatNumber(value)),
    h('span', { class: 'stat-label' }, label),
  );
}

// The first customers of the ranking; the CSV holds every one.
const rankedShown = 50;

function rankedCustomers(summary, integrationId) {
  const rows = summary.customers.slice(0, rankedShown).map((c) =>
    h(
      'tr',
      {},
      h(
        'th',
        { scope: 'row' },
        c.customerId === null
          ? '(no customer)'
          : h(
              'a',
              { href: `#/lifecycle${queryOf({ integrationId, customerId: c.customerId })}` },
              c.name || `#${c.customerId}`,
            ),
      ),
      [
        c.total,
        c.warranty.expired,
        c.warranty.expiring,
        c.warranty.unknown,
        c.replacementDue,
        c.software.licences,
      ].map((n) => h('td', { class: 'num' }, formatNumber(n))),
    ),
  );
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'ranked-heading' },
    h('h2', { id: 'ranked-heading' }, 'Customers, most out of warranty first'),
    summary.customers.length > rankedShown
      ? h(
          'p',
          {},
          `The first ${rankedShown} of ${formatNumber(summary.customers.length)}; Download CSV has them all.`,
        )
      : null,
    tableWrap(
      'Customers by warranty',
      h(
        'table',
        { class: 'records ranked' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Customer', 'Hardware', 'Expired', 'Expiring', 'Unknown', 'Due for replacement', 'Licences'].map(
              (label, i) => h('th', { scope: 'col', class: i > 0 ? 'num' : null }, label),
            ),
          ),
        ),
        h('tbody', {}, rows),
      ),
    ),
  );
}
