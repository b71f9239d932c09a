// Lists belong to one integration; an account with several picks which one, and the choice rides in the URL.
import { api } from '../api.js';
import { h, uid } from '../dom.js';
import { integrationName } from './integrations.js';

/** The integration a list is about, and (with several) a labelled select that switches it. */
export async function pickIntegration(query, signal, onChange) {
  const { items } = await api('/v1/integrations', { signal });
  const wanted = query.get('integrationId');
  const current = items.find((i) => i.id === wanted) ?? items[0] ?? null;
  if (items.length < 2) return { current, picker: null };
  const id = uid('integration');
  const select = h(
    'select',
    { id, onChange: () => onChange(select.value) },
    items.map((i) => h('option', { value: i.id, selected: i.id === current.id }, integrationName(i))),
  );
  return { current, picker: h('div', { class: 'field' }, h('label', { for: id }, 'Integration'), select) };
}

/** What a list shows before any integration exists: where to start. */
export function nothingSynced(title) {
  return [
    h('h1', { tabindex: '-1' }, title),
    h(
      'p',
      {},
      'Nothing synced yet. ',
      h('a', { href: '#/integrations/new' }, 'Add a Halo ITSM integration'),
      ' first.',
    ),
  ];
}
