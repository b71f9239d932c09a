// The account's replacement policies: years per category, and per Halo asset type where one differs.
import { api, ApiError } from '../api.js';
import { h, replace, uid } from '../dom.js';
import { formatNumber } from '../format.js';

// The API gives each category's pattern (db/schema/lifecycle-category.ts); people read it as words.
const wordsOf = (pattern) =>
  pattern
    .replace(/\\[mM]/g, '')
    .replace(/\.\?/g, ' ')
    .split('|')
    .join(', ');

const categoryNames = {
  laptop: 'Laptops',
  desktop: 'Desktops',
  server: 'Servers',
  network: 'Network gear',
  other: 'Everything else',
};

function yearsInput(label, value, placeholder, hint) {
  const id = uid('years');
  const input = h('input', {
    id,
    type: 'number',
    min: '1',
    max: '50',
    step: '1',
    inputmode: 'numeric',
    value: value ?? '',
    placeholder: placeholder ?? '',
  });
  const field = h(
    'div',
    { class: 'field field-years' },
    h('label', { for: id }, label),
    input,
    hint ? h('span', { class: 'hint' }, hint) : null,
  );
  return { field, input };
}

/** The policy form; `onSaved` redraws the page so every chart answers with the new years at once. */
export async function policiesPanel({ signal, onSaved }) {
  const policies = await api('/v1/lifecycle/policies', { signal });
  const own = new Map(policies.assetTypes.map((t) => [t.name.trim().toLowerCase(), t.years]));
  const categoryInputs = policies.categories.map((c) => ({
    category: c.category,
    ...yearsInput(
      `${categoryNames[c.category]} (years)`,
      c.years,
      String(c.defaultYears),
      c.matches ? `Types named with: ${wordsOf(c.matches)}` : 'Types no other category takes',
    ),
  }));
  const typeInputs = policies.assetTypesInUse.map((t) => ({
    name: t.name,
    ...yearsInput(
      `${t.name} (${formatNumber(t.assets)} assets, ${t.category})`,
      own.get(t.name.trim().toLowerCase()),
      String(policies.categories.find((c) => c.category === t.category)?.years ?? ''),
      null,
    ),
  }));
  const message = h('p', { role: 'status', class: 'form-message' });

  async function save(event) {
    event.preventDefault();
    const inUse = new Set(typeInputs.map((t) => t.name.trim().toLowerCase()));
    const body = {
      categories: Object.fromEntries(
        categoryInputs.filter((c) => c.input.value !== '').map((c) => [c.category, Number(c.input.value)]),
      ),
      assetTypes: [
        ...typeInputs
          .filter((t) => t.input.value !== '')
          .map((t) => ({ name: t.name, years: Number(t.input.value) })),
        // Policies for types no longer seen are kept as they were.
        ...policies.assetTypes.filter((t) => !inUse.has(t.name.trim().toLowerCase())),
      ],
    };
    try {
      await api('/v1/lifecycle/policies', { method: 'PUT', body });
      replace(message, 'Saved.');
      onSaved();
    } catch (error) {
      const fields = error instanceof ApiError ? Object.keys(error.fields).join(', ') : '';
      replace(message, `${error.message}${fields ? ` (${fields})` : ''}`);
    }
  }

  return h(
    'section',
    { class: 'panel no-print', 'aria-labelledby': 'policies-heading' },
    h('h2', { id: 'policies-heading' }, 'Replacement policies'),
    h(
      'p',
      {},
      'A device is due for replacement when its age reaches the years of its asset type, or else of its category. Changes apply at once.',
    ),
    h(
      'form',
      { class: 'policies', method: 'post', onSubmit: save },
      h(
        'fieldset',
        {},
        h('legend', {}, 'By category'),
        categoryInputs.map((c) => c.field),
      ),
      typeInputs.length
        ? h(
            'fieldset',
            {},
            h('legend', {}, 'By Halo asset type (blank: its category)'),
            typeInputs.map((t) => t.field),
          )
        : null,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'button button-primary' }, 'Save policies'),
        message,
      ),
    ),
  );
}
