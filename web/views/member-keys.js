// One member's API keys: name, prefix, when created and last used, expiry; create (shown once) and revoke.
import { api, queryOf } from '../api.js';
import { h, inlineForm, replace, tableWrap } from '../dom.js';
import { formatDateTime } from '../format.js';
import { newKeyNotice } from './new-key.js';

const statusNames = { active: 'Active', expired: 'Expired', revoked: 'Revoked' };
const expiryChoices = [
  ['', 'Never'],
  ['30', 'In 30 days'],
  ['90', 'In 90 days'],
  ['365', 'In a year'],
];

/** `member` is {id, name}; `own` lists through /v1/api-keys without a member filter. */
export function memberKeysPanel(member, { own = false, signal }) {
  const list = h('div');
  const notice = h('div');
  const message = h('p', { class: 'message message-error', role: 'alert', hidden: true });

  function fail(error) {
    if (signal.aborted || error.status === 401) return;
    replace(message, error.message);
    message.hidden = false;
  }

  async function revoke(key, button) {
    button.disabled = true;
    try {
      await api(`/v1/api-keys/${key.id}`, { method: 'DELETE', signal });
      await refresh();
    } catch (error) {
      button.disabled = false;
      fail(error);
    }
  }

  function row(key) {
    const revokeButton = h('button', { type: 'button', class: 'button-small button-danger' }, 'Revoke');
    revokeButton.addEventListener('click', () => void revoke(key, revokeButton));
    return h(
      'tr',
      {},
      h('td', {}, key.name),
      h('td', {}, h('code', {}, `${key.prefix}…`)),
      h('td', {}, formatDateTime(key.createdAt)),
      h('td', {}, key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'Never'),
      h('td', {}, key.expiresAt ? formatDateTime(key.expiresAt) : 'Never'),
      h(
        'td',
        {},
        h('span', { class: `badge badge-key-${key.status}` }, statusNames[key.status] ?? key.status),
      ),
      h('td', {}, key.status === 'active' ? revokeButton : null),
    );
  }

  async function refresh() {
    const { items } = await api(`/v1/api-keys${queryOf({ memberId: own ? undefined : member.id })}`, {
      signal,
    });
    replace(
      list,
      items.length === 0
        ? h('p', {}, 'No keys yet.')
        : tableWrap(
            `API keys of ${member.name}`,
            h(
              'table',
              { class: 'records' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['Name', 'Key', 'Created', 'Last used', 'Expires', 'Status', ''].map((t) => h('th', {}, t)),
                ),
              ),
              h('tbody', {}, items.map(row)),
            ),
          ),
    );
  }

  const nameInput = h('input', { type: 'text', name: 'name', required: true, maxlength: '100' });
  const expiry = h(
    'select',
    { name: 'expiresInDays' },
    expiryChoices.map(([value, label]) => h('option', { value }, label)),
  );
  const form = inlineForm(
    {
      message,
      fail,
      submit: async () => {
        const body = { name: nameInput.value.trim() || 'API key' };
        if (expiry.value) body.expiresInDays = Number(expiry.value);
        const path = own ? '/v1/api-keys' : `/v1/members/${member.id}/api-keys`;
        const created = await api(path, { method: 'POST', body, signal });
        nameInput.value = '';
        replace(notice, newKeyNotice(created, member.name));
        await refresh();
      },
    },
    h('label', {}, 'Key name ', nameInput),
    h('label', {}, 'Expires ', expiry),
    h('button', { type: 'submit' }, 'Create key'),
  );

  return { element: h('div', { class: 'member-keys' }, notice, list, form, message), refresh };
}
