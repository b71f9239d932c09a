// A whole-view message for loads that failed, with a way to try again.
import { h } from '../dom.js';

export function problemPanel(title, message, retry) {
  return h(
    'section',
    { class: 'panel problem', role: 'alert' },
    h('h1', { tabindex: '-1' }, title),
    h('p', {}, message),
    retry ? h('button', { type: 'button', onClick: retry }, 'Try again') : null,
    h('p', {}, h('a', { href: '#/' }, 'Back to the start')),
  );
}
