// The start page and the list of the account's Halo integrations.
import { api } from '../api.js';
import { h, replace } from '../dom.js';
import { navigate } from '../router.js';

/** `#/`: the setup form for a new account, the integration itself when there is one, the list otherwise. */
export async function homeView({ signal }) {
  const { items } = await api('/v1/integrations', { signal });
  if (items.length === 0) navigate('/integrations/new', {}, { replace: true });
  else if (items.length === 1) navigate(`/integrations/${items[0].id}`, {}, { replace: true });
  else navigate('/integrations', {}, { replace: true });
}

export const integrationName = (integration) =>
  integration.tenant || new URL(integration.resourceServerUrl).host;

export async function integrationsView({ root, signal }) {
  document.title = 'Integrations · Halo asset sync';
  const { items } = await api('/v1/integrations', { signal });
  if (items.length === 0) {
    navigate('/integrations/new', {}, { replace: true });
    return;
  }
  replace(
    root,
    h('h1', { tabindex: '-1' }, 'Halo integrations'),
    h(
      'ul',
      { class: 'cards' },
      items.map((integration) =>
        h(
          'li',
          { class: 'panel' },
          h(
            'h2',
            {},
            h(
              'a',
              { href: `#/integrations/${integration.id}` },
              `Halo ITSM: ${integrationName(integration)}`,
            ),
          ),
          h('p', { class: 'muted' }, integration.resourceServerUrl),
        ),
      ),
    ),
    h(
      'p',
      {},
      h(
        'a',
        { class: 'button', href: '#/integrations/new', 'data-needs': 'manage_sync' },
        'Add Halo ITSM integration',
      ),
    ),
  );
}
