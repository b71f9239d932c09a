import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { authInfoUrl, discoverHalo } from '../../halo/discovery';
import { HaloUrlRejectedError, isHaloError } from '../../halo/errors';
import { safeUrl } from '../../halo/redact';
import { haloSettingsSchema } from '../../halo/settings';
import type { AppDeps } from '../app';
import { ApiError, invalidRequest } from '../errors';

export const discoverBody = z.strictObject({ resourceServerUrl: z.string({ error: 'expected a string' }) });

export const haloRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const allowPrivate = deps.config.ALLOW_PRIVATE_HALO_URLS;
  const resourceUrl = haloSettingsSchema({ allowPrivate }).shape.resourceServerUrl;

  // Proposes the other two server values from the Resource Server URL alone; stores nothing.
  app.post('/halo/discover', async (request) => {
    const body = discoverBody.safeParse(request.body ?? {});
    if (!body.success) throw invalidRequest(body.error, 'body');
    const url = resourceUrl.safeParse(body.data.resourceServerUrl);
    if (!url.success) {
      const message = url.error.issues[0]?.message ?? 'expected a Resource Server URL';
      throw new ApiError('invalid_request', `The Resource Server URL is not valid: ${message}.`, {
        fields: { resourceServerUrl: message },
      });
    }
    try {
      return await discoverHalo(url.data, { allowPrivate, timeoutMs: deps.config.HALO_TIMEOUT_MS });
    } catch (error) {
      if (error instanceof HaloUrlRejectedError) {
        throw new ApiError('invalid_request', error.message, {
          fields: { resourceServerUrl: error.message },
        });
      }
      if (!isHaloError(error)) throw error;
      throw new ApiError(
        'halo_discovery_failed',
        `Halo's discovery did not answer with the other values: tried GET ${safeUrl(authInfoUrl(url.data))}, ` +
          `and ${error.message}. Enter the Authorisation Server URL and Tenant from Halo's ` +
          `Configuration > Integrations > HaloITSM API page.`,
      );
    }
  });
};
