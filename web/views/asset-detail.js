// One asset: its typed fields, its place among Halo's parent and child assets, and the raw record.
import { api, queryOf } from '../api.js';
import { definitionList, h, replace } from '../dom.js';
import { formatDate, formatDateTime, formatNumber } from '../format.js';

const refText = (ref) =>
  ref ? [ref.name || '(no name)', ref.haloId ? ` (#${ref.haloId})` : ''].join('') : null;
const yesNo = (value) => (value ? 'Yes' : 'No');

function hardwareFields(a) {
  return [
    ['Halo ID', String(a.haloId)],
    ['Key field', a.keyField],
    ['Key field 2', a.keyField2],
    ['Key field 3', a.keyField3],
    ['Inventory number', a.inventoryNumber],
    ['Customer', refText(a.customer)],
    ['Site', refText(a.site)],
    ['Asset type', refText(a.assetType)],
    ['Status', refText(a.status)],
    ['User', a.username],
    ['Inactive', yesNo(a.inactive)],
    ['Warranty start', formatDate(a.warrantyStart)],
    ['Warranty end', formatDate(a.warrantyEnd)],
    ['Purchase date', formatDate(a.purchaseDate)],
    ['Last changed here', formatDateTime(a.updatedAt)],
    ['Deleted in Halo', a.deletedAt ? formatDateTime(a.deletedAt) : 'No'],
  ];
}

function softwareFields(a, customerName) {
  return [
    ['Halo ID', String(a.haloId)],
    ['Name', a.name],
    ['Type', a.type === null ? null : String(a.type)],
    ['Manufacturer', a.manufacturer],
    ['Vendor', a.vendor],
    ['Customer', a.customer?.haloId ? `${customerName(a.customer.haloId)} (#${a.customer.haloId})` : null],
    ['Site ID', a.siteId ? String(a.siteId) : null],
    ['Licences', formatNumber(a.licenceCount)],
    ['In use', formatNumber(a.licencesInUse)],
    ['Product SKU', a.productSku],
    ['Status', a.status === null ? null : String(a.status)],
    ['Inactive', yesNo(a.inactive)],
    ['Start date', formatDate(a.startDate)],
    ['End date', formatDate(a.endDate)],
    ['Last changed here', formatDateTime(a.updatedAt)],
    ['Deleted in Halo', a.deletedAt ? formatDateTime(a.deletedAt) : 'No'],
  ];
}

/** A hardware asset's parent and children, each opening its own detail in the same panel. */
function family(asset, open) {
  if (asset.kind !== 'hardware' || (!asset.parent && asset.children.length === 0)) return null;
  const link = (ref) =>
    h(
      'button',
      { type: 'button', class: 'link-button', onClick: () => open(ref.haloId) },
      `${ref.name ?? `Asset #${ref.haloId}`} (#${ref.haloId})`,
      ref.deletedAt ? ' — deleted in Halo' : '',
    );
  return h(
    'section',
    { class: 'family', 'aria-label': 'Parent and child assets' },
    asset.parent ? h('p', {}, 'Part of ', link(asset.parent)) : null,
    asset.children.length > 0
      ? [
          h('h3', {}, 'Child assets'),
          h(
            'ul',
            {},
            asset.children.map((child) => h('li', {}, link(child))),
          ),
          asset.moreChildren ? h('p', { class: 'muted' }, 'Only the first 50 are shown.') : null,
        ]
      : null,
  );
}

/** Fills `panel` with the asset; `onClose` hands focus back to whatever opened it. */
export async function showAssetDetail(panel, options) {
  const { kind, haloId, integrationId, customerName, signal, onClose } = options;
  panel.hidden = false;
  replace(panel, h('p', {}, 'Loading…'));
  const asset = await api(`/v1/assets/${kind}/${haloId}${queryOf({ integrationId })}`, { signal });
  const title =
    kind === 'hardware' ? asset.keyField || `Asset #${haloId}` : asset.name || `Licence #${haloId}`;
  const heading = h('h2', { tabindex: '-1', id: 'detail-heading' }, title);
  replace(
    panel,
    h(
      'div',
      { class: 'detail-head' },
      heading,
      h(
        'button',
        { type: 'button', class: 'button-quiet', onClick: onClose },
        'Close',
        h('span', { class: 'visually-hidden' }, ' details'),
      ),
    ),
    definitionList(kind === 'hardware' ? hardwareFields(asset) : softwareFields(asset, customerName)),
    family(asset, (other) => showAssetDetail(panel, { ...options, haloId: other })),
    h(
      'details',
      { class: 'raw', open: true },
      h('summary', {}, 'Raw Halo record'),
      h(
        'pre',
        { tabindex: '0', 'aria-label': 'Raw Halo record as JSON' },
        JSON.stringify(asset.raw, null, 2),
      ),
    ),
  );
  heading.focus();
}
