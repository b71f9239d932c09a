import { createHaloClient } from '../halo/client';
import { discoverHalo, type DiscoveredHalo } from '../halo/discovery';
import {
  HaloAuthError,
  HaloError,
  HaloNotFoundError,
  HaloPermissionError,
  HaloServerError,
  HaloUrlRejectedError,
  isHaloError,
} from '../halo/errors';
import type { HaloSettings } from '../halo/settings';
import { ApiError } from './errors';

export interface HaloCheckOptions {
  allowPrivate: boolean;
  timeoutMs: number;
}

/**
 * Asks Halo for one token with the values a person entered. Halo's answer decides the API's: a refusal is
 * the person's to fix (422), silence or a broken answer is Halo's side (502). When the token request fails,
 * Halo's discovery answer is asked for too, and a refused Save names the values it gives where they differ
 * from what was entered. Returns the scope Halo granted, to remember for the integration.
 */
export async function checkHaloCredentials(
  settings: HaloSettings,
  opts: HaloCheckOptions,
): Promise<{ tokenScope: string }> {
  try {
    const token = await createHaloClient({
      settings,
      allowPrivate: opts.allowPrivate,
      timeoutMs: opts.timeoutMs,
    }).requestToken();
    return { tokenScope: token.scope };
  } catch (error) {
    if (!isHaloError(error) || error instanceof HaloUrlRejectedError) throw toApiError(error, undefined);
    throw toApiError(error, await differingDiscovery(settings, opts));
  }
}

/** Discovery's values when they differ from those entered; nothing when it fails or agrees. */
async function differingDiscovery(
  settings: HaloSettings,
  opts: HaloCheckOptions,
): Promise<DiscoveredHalo | undefined> {
  // A short deadline: this only improves an error message the user is already waiting for.
  const found = await discoverHalo(settings.resourceServerUrl, {
    allowPrivate: opts.allowPrivate,
    timeoutMs: Math.min(opts.timeoutMs, 5_000),
  }).catch(() => undefined);
  if (!found) return undefined;
  const sameAuth = found.authServerUrl.toLowerCase() === settings.authServerUrl.toLowerCase();
  const sameTenant = found.tenant.toLowerCase() === settings.tenant.toLowerCase();
  return sameAuth && sameTenant ? undefined : found;
}

function discoveryNote(found: DiscoveredHalo | undefined): string {
  if (!found) return '';
  const tenant = found.tenant === '' ? 'no Tenant' : `the Tenant "${found.tenant}"`;
  return (
    ` Halo's discovery for this Resource Server URL names the Authorisation Server URL ` +
    `${found.authServerUrl} and ${tenant}; try those.`
  );
}

function toApiError(error: unknown, found: DiscoveredHalo | undefined): unknown {
  if (!isHaloError(error)) return error;
  const details = found ? { discovered: found } : {};
  const note = discoveryNote(found);
  if (error instanceof HaloAuthError) return new ApiError('halo_auth_failed', error.message + note, details);
  if (error instanceof HaloPermissionError) {
    return new ApiError('halo_permission_denied', error.message + note, details);
  }
  if (error instanceof HaloUrlRejectedError) {
    return new ApiError('invalid_request', error.message, { fields: { authServerUrl: error.message } });
  }
  // A wrong Tenant has been seen to make the token endpoint answer 500 (docs/halo-api.md §8), so "try later"
  // alone would send the user away from the value to fix.
  if (error instanceof HaloServerError) {
    return new ApiError(
      'halo_unreachable',
      `Halo's token endpoint failed (${error.message}). The Tenant or the Authorisation Server URL may be ` +
        `wrong: Halo has been seen to answer a wrong Tenant this way. Check both, or try again later.${note}`,
      details,
    );
  }
  if (error instanceof HaloNotFoundError)
    return new ApiError('halo_unreachable', error.message + note, details);
  return new ApiError('halo_unreachable', (error satisfies HaloError).message + note, details);
}
