// Building the page from data without ever parsing it as HTML: Halo's records may contain markup, and
// everything here reaches the DOM as text nodes and attribute values.

/**
 * h('a', { href: '#/x', class: 'y', onClick: fn }, 'text', child) → an element.
 * Booleans toggle attributes, `on*` functions become listeners, null/undefined/false are skipped.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else if (name === 'class') {
      element.className = String(value);
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

/** Appends strings (as text), numbers and nodes; nested arrays are flattened and empty values skipped. */
export function append(parent, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false || child === '') continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces every child of `parent`. */
export function replace(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

let idCounter = 0;
/** A document-unique id for label/aria wiring. */
export function uid(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** Only http(s) links from the API become hrefs; anything else (javascript:, data:) is dropped. */
export function safeHref(url) {
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** A table inside a scrollable, keyboard-focusable region, so wide tables never widen the page. */
export function tableWrap(label, table) {
  return h('div', { class: 'table-wrap', role: 'region', 'aria-label': label, tabindex: '0' }, table);
}

/** A `<dl>` from [term, value] pairs; empty values show as an en dash. */
export function definitionList(pairs, className = 'facts') {
  return h(
    'dl',
    { class: className },
    pairs.map(([term, value]) => [
      h('dt', {}, term),
      h('dd', {}, value === null || value === undefined || value === '' ? '–' : value),
    ]),
  );
}

/** A one-line form: on submit the last message is hidden, then `submit` runs and any error goes to `fail`. */
export function inlineForm({ message, submit, fail }, ...children) {
  const onSubmit = async (event) => {
    event.preventDefault();
    message.hidden = true;
    try {
      await submit();
    } catch (error) {
      fail(error);
    }
  };
  return h('form', { class: 'inline-form', novalidate: true, onSubmit }, ...children);
}
