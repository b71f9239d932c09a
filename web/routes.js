// Which view each hash path shows, and which header section it belongs to.
import { assetsView } from './views/assets.js';
import { auditView } from './views/audit.js';
import { customersView } from './views/customers.js';
import { homeView, integrationsView } from './views/integrations.js';
import { integrationView } from './views/integration.js';
import { lifecycleView } from './views/lifecycle.js';
import { membersView, ownKeysView } from './views/members.js';
import { editView, setupView } from './views/setup.js';
import { syncView } from './views/sync.js';
import { webhookView } from './views/webhook.js';
import { webhooksView } from './views/webhooks.js';

const id = '([0-9a-fA-F-]{36})';

export const routes = [
  { pattern: /^\/?$/, view: homeView, section: 'integrations' },
  { pattern: /^\/integrations$/, view: integrationsView, section: 'integrations' },
  { pattern: /^\/integrations\/new$/, view: setupView, section: 'integrations' },
  { pattern: new RegExp(`^/integrations/${id}$`), view: integrationView, section: 'integrations' },
  { pattern: new RegExp(`^/integrations/${id}/edit$`), view: editView, section: 'integrations' },
  { pattern: new RegExp(`^/syncs/${id}$`), view: syncView, section: 'integrations' },
  { pattern: /^\/assets\/(hardware|software)$/, view: assetsView, section: 'assets' },
  { pattern: /^\/customers$/, view: customersView, section: 'customers' },
  { pattern: /^\/lifecycle$/, view: lifecycleView, section: 'lifecycle' },
  { pattern: /^\/members$/, view: membersView, section: 'members' },
  { pattern: /^\/keys$/, view: ownKeysView, section: 'keys' },
  { pattern: /^\/audit$/, view: auditView, section: 'audit' },
  { pattern: /^\/webhooks$/, view: webhooksView, section: 'webhooks' },
  { pattern: new RegExp(`^/webhooks/${id}$`), view: webhookView, section: 'webhooks' },
];
