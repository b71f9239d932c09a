// The stored Client Secret is only ever sent to the Halo it was entered for. A change that would send it
// somewhere else (another Authorisation or Resource Server origin, another Tenant) must bring the secret
// again, so an API key alone cannot point an integration at a host of its own and receive the secret there.
import type { HaloSettings } from '../halo/settings';
import { ApiError } from './errors';

type Binding = Pick<HaloSettings, 'resourceServerUrl' | 'authServerUrl' | 'tenant'>;

const originOf = (url: string) => new URL(url).origin;

/** Which of the fields that bind the secret to one Halo differ, both sides already normalised. */
function rebindingFields(stored: Binding, next: Binding): string[] {
  const changed: string[] = [];
  if (originOf(stored.authServerUrl) !== originOf(next.authServerUrl)) changed.push('authServerUrl');
  if (originOf(stored.resourceServerUrl) !== originOf(next.resourceServerUrl)) {
    changed.push('resourceServerUrl');
  }
  if (stored.tenant !== next.tenant) changed.push('tenant');
  return changed;
}

const labels: Record<string, string> = {
  authServerUrl: 'the Authorisation Server URL',
  resourceServerUrl: 'the Resource Server URL',
  tenant: 'the Tenant',
};

/** 400 naming `clientSecret` when the change moves the secret to another Halo and does not bring it. */
export function requireSecretForNewHalo(stored: Binding, next: Binding, secretGiven: boolean): void {
  const changed = rebindingFields(stored, next);
  if (changed.length === 0 || secretGiven) return;
  const names = changed.map((f) => labels[f]);
  const what = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0];
  throw new ApiError('invalid_request', `Changing ${what} needs the Client Secret again.`, {
    fields: {
      clientSecret: `Enter the Client Secret: the saved one is sent only to the Halo it was entered for, and ${what} changed.`,
    },
  });
}
