// `#/members` (admins): the account's people, their roles and keys; add a member (their first key is shown
// once), change a role, remove someone.
import { api } from '../api.js';
import { h, inlineForm, replace } from '../dom.js';
import { currentMe, roleNames } from '../permissions.js';
import { memberKeysPanel } from './member-keys.js';
import { newKeyNotice } from './new-key.js';

const roleHints = {
  admin: 'everything, including members and keys',
  sync_manager: 'Manage Sync Settings: add, edit and delete integrations, schedules, budgets, syncs',
  viewer: 'reads only',
};

function roleSelect(value, label) {
  return h(
    'select',
    { name: 'role', 'aria-label': label },
    Object.entries(roleNames).map(([role, name]) =>
      h('option', { value: role, selected: role === value, title: roleHints[role] }, name),
    ),
  );
}

export async function membersView({ root, signal }) {
  document.title = 'Members · Halo asset sync';
  const message = h('div', { class: 'message message-error', role: 'alert', hidden: true });
  const notice = h('div');
  const listing = h('div');

  function fail(error) {
    if (signal.aborted || error.status === 401) return;
    replace(message, error.message);
    message.hidden = false;
  }

  async function render() {
    const { items } = await api('/v1/members', { signal });
    const panels = [];
    for (const member of items) {
      const keys = memberKeysPanel(member, { signal });
      await keys.refresh();
      const select = roleSelect(member.role, `Role of ${member.name}`);
      select.addEventListener('change', async () => {
        message.hidden = true;
        try {
          await api(`/v1/members/${member.id}`, { method: 'PATCH', body: { role: select.value }, signal });
        } catch (error) {
          select.value = member.role;
          fail(error);
        }
      });
      const remove = h('button', { type: 'button', class: 'button-small button-danger' }, 'Remove');
      // Asks once more in place: removing someone stops all their keys at once.
      remove.addEventListener('click', async () => {
        if (remove.dataset.confirm !== 'yes') {
          remove.dataset.confirm = 'yes';
          replace(remove, `Remove ${member.name} and their keys?`);
          return;
        }
        message.hidden = true;
        try {
          await api(`/v1/members/${member.id}`, { method: 'DELETE', signal });
          await render();
        } catch (error) {
          fail(error);
        }
      });
      const you = member.id === currentMe()?.member.id ? ' (you)' : '';
      panels.push(
        h(
          'section',
          { class: 'panel member', 'aria-label': member.name },
          h('h2', {}, `${member.name}${you}`),
          h('p', { class: 'actions' }, h('label', {}, 'Role ', select), remove),
          h('h3', {}, 'API keys'),
          keys.element,
        ),
      );
    }
    replace(listing, panels);
  }

  const nameInput = h('input', { type: 'text', name: 'name', required: true, maxlength: '200' });
  const addRole = roleSelect('viewer', 'Role of the new member');
  const addForm = inlineForm(
    {
      message,
      fail,
      submit: async () => {
        const added = await api('/v1/members', {
          method: 'POST',
          body: { name: nameInput.value, role: addRole.value },
          signal,
        });
        nameInput.value = '';
        replace(notice, newKeyNotice(added.apiKey, added.member.name));
        await render();
      },
    },
    h('label', {}, 'Name ', nameInput),
    h('label', {}, 'Role ', addRole),
    h('button', { type: 'submit', class: 'button-primary' }, 'Add member'),
  );

  await render();
  replace(
    root,
    h('h1', { tabindex: '-1' }, 'Members'),
    h(
      'p',
      { class: 'lead' },
      'Admins do everything. Sync managers hold the Manage Sync Settings permission: they add, edit and ' +
        'delete integrations and change schedules, budgets and syncs. Viewers only read.',
    ),
    h(
      'section',
      { class: 'panel', 'aria-labelledby': 'add-member' },
      h('h2', { id: 'add-member' }, 'Add a member'),
      addForm,
    ),
    notice,
    message,
    listing,
  );
}

/** `#/keys`: everyone's own keys. */
export async function ownKeysView({ root, signal }) {
  document.title = 'Your API keys · Halo asset sync';
  const me = currentMe();
  const keys = memberKeysPanel({ id: me.member.id, name: me.member.name }, { own: true, signal });
  await keys.refresh();
  replace(
    root,
    h('h1', { tabindex: '-1' }, 'Your API keys'),
    h('p', { class: 'lead' }, 'Keys sign in as you, with your role. A revoked key stops working at once.'),
    h('section', { class: 'panel' }, keys.element),
  );
}
