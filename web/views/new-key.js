// A new API key, shown once: only its hash is kept, so this is the one chance to copy it.
import { h } from '../dom.js';

export function newKeyNotice(created, whose) {
  const field = h('input', {
    type: 'text',
    readonly: true,
    value: created.key,
    class: 'new-key',
    'aria-label': `New API key for ${whose}`,
    onFocus: (event) => event.target.select(),
  });
  return h(
    'div',
    { class: 'message message-warning', role: 'status' },
    h('p', {}, h('strong', {}, `New API key for ${whose}, shown only now. `), 'Copy it and give it to them.'),
    field,
    h(
      'p',
      { class: 'hint' },
      `It starts with ${created.prefix}; that prefix is all the key list will show from now on.`,
    ),
  );
}
