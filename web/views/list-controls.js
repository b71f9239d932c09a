// Controls the asset and customer lists share: a search form with filters, and keyset paging.
import { h, replace, uid } from '../dom.js';

/**
 * Search box, optional customer select and checkboxes. Typing waits for "Search"; the select and
 * checkboxes apply as soon as they change. `onApply` receives only the changed filters.
 */
export function listFilters({ filters, customers, searchLabel, toggles = [], onApply }) {
  const searchId = uid('search');
  const search = h('input', {
    id: searchId,
    type: 'search',
    name: 'q',
    value: filters.q,
    autocomplete: 'off',
  });
  const parts = [h('div', { class: 'field field-grow' }, h('label', { for: searchId }, searchLabel), search)];
  let select = null;
  if (customers) {
    const customerId = uid('customer');
    select = h(
      'select',
      { id: customerId, name: 'customerId', onChange: () => onApply({ customerId: select.value }) },
      h('option', { value: '' }, 'All customers'),
      customers.map((c) =>
        h(
          'option',
          { value: String(c.haloId), selected: String(c.haloId) === filters.customerId },
          c.name || `#${c.haloId}`,
        ),
      ),
    );
    parts.push(h('div', { class: 'field' }, h('label', { for: customerId }, 'Customer'), select));
  }
  const checks = toggles.map(([name, label]) => {
    const id = uid(name);
    const box = h('input', {
      id,
      type: 'checkbox',
      name,
      checked: filters[name],
      onChange: () => onApply({ [name]: box.checked }),
    });
    return h('div', { class: 'field field-check' }, box, h('label', { for: id }, label));
  });
  return h(
    'form',
    {
      class: 'filters',
      role: 'search',
      method: 'post',
      onSubmit(event) {
        event.preventDefault();
        onApply({ q: search.value.trim(), ...(select ? { customerId: select.value } : {}) });
      },
    },
    parts,
    h('div', { class: 'field-actions' }, h('button', { type: 'submit' }, 'Search')),
    checks.length ? h('div', { class: 'checks' }, checks) : null,
  );
}

/**
 * Previous/Next over keyset pages: the API gives only a cursor to the next page, so the cursors of the
 * pages seen so far are kept to go back.
 */
export function pager({ label, load, onShown }) {
  const cursors = [undefined];
  // aria-disabled rather than disabled: a button pressed on the last page keeps keyboard focus.
  const previous = h(
    'button',
    { type: 'button', 'aria-disabled': 'true', onClick: () => go(-1) },
    'Previous page',
  );
  const next = h('button', { type: 'button', 'aria-disabled': 'true', onClick: () => go(1) }, 'Next page');
  const problem = h('p', { class: 'message message-error', role: 'alert', hidden: true });
  let shown = 0;
  let nextCursor = null;
  let busy = false;

  async function show(index) {
    busy = true;
    try {
      const page = await load(cursors[index]);
      shown = index;
      nextCursor = page.nextCursor;
      problem.hidden = true;
      onShown(page, index + 1);
    } catch (error) {
      replace(problem, error.message);
      problem.hidden = false;
    } finally {
      cursors.length = shown + 1;
      busy = false;
      previous.setAttribute('aria-disabled', String(shown === 0));
      next.setAttribute('aria-disabled', String(!nextCursor));
    }
  }

  function go(step) {
    if (busy) return;
    if (step > 0 && !nextCursor) return;
    if (step < 0 && shown === 0) return;
    if (step > 0) cursors[shown + 1] = nextCursor;
    void show(shown + step);
  }

  return {
    element: h('nav', { class: 'pager', 'aria-label': label }, previous, next, problem),
    first: () => show(0),
  };
}
