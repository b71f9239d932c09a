import { createHaloClient } from '../halo/client';
import {
  HaloAuthError,
  HaloError,
  HaloPermissionError,
  HaloUrlRejectedError,
  isHaloError,
} from '../halo/errors';
import type { HaloSettings } from '../halo/settings';
import { ApiError } from './errors';

/**
 * Asks Halo for one token with the values a person entered. Halo's answer decides the API's: a refusal is
 * the person's to fix (422), silence or a broken answer is Halo's side (502).
 */
export async function checkHaloCredentials(
  settings: HaloSettings,
  opts: { allowPrivate: boolean; timeoutMs: number },
): Promise<void> {
  try {
    await createHaloClient({
      settings,
      allowPrivate: opts.allowPrivate,
      timeoutMs: opts.timeoutMs,
    }).requestToken();
  } catch (error) {
    throw toApiError(error);
  }
}

function toApiError(error: unknown): unknown {
  if (!isHaloError(error)) return error;
  if (error instanceof HaloAuthError) return new ApiError('halo_auth_failed', error.message);
  if (error instanceof HaloPermissionError) return new ApiError('halo_permission_denied', error.message);
  if (error instanceof HaloUrlRejectedError) {
    return new ApiError('invalid_request', error.message, { fields: { authServerUrl: error.message } });
  }
  return new ApiError('halo_unreachable', (error satisfies HaloError).message);
}
