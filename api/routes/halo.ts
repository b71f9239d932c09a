import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authInfoUrl, discoverHalo } from '../../halo/discovery';
import { HaloUrlRejectedError, isHaloError } from '../../halo/errors';
import { safeUrl } from '../../halo/redact';
import { haloSettingsSchema } from '../../halo/settings';
import type { AppDeps } from '../deps';
import { ApiError } from '../errors';
import { errorResponse } from '../route-schemas';

/** The Resource Server URL under the same rules (and normalisation) as a Save's. */
export const discoverBody = (allowPrivate: boolean) =>
  z.strictObject({
    resourceServerUrl: z
      .string({ error: 'expected a string' })
      .pipe(haloSettingsSchema({ allowPrivate }).shape.resourceServerUrl),
  });

export const haloRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const allowPrivate = deps.config.ALLOW_PRIVATE_HALO_URLS;

  // Proposes the other two server values from the Resource Server URL alone; stores nothing.
  const postHaloDiscoverSchema = {
    tags: ['Integrations'],
    summary: 'Propose the Authorisation Server URL and Tenant for a Resource Server URL',
    description:
      "Asks Halo's unauthenticated discovery endpoint ({base}/api/authinfo) under the same URL rules as a " +
      'Save. Nothing is stored.',
    body: discoverBody(allowPrivate),
    response: {
      200: z
        .object({ authServerUrl: z.string(), tenant: z.string() })
        .describe('What Halo names for this Resource Server URL'),
      422: errorResponse(
        'halo_discovery_failed: Halo did not answer discovery; the message says what was tried',
      ),
    },
  };
  app.post('/halo/discover', { schema: postHaloDiscoverSchema }, async (request) => {
    const url = request.body.resourceServerUrl;
    try {
      return await discoverHalo(url, { allowPrivate, timeoutMs: deps.config.HALO_TIMEOUT_MS });
    } catch (error) {
      if (error instanceof HaloUrlRejectedError) {
        throw new ApiError('invalid_request', error.message, {
          fields: { resourceServerUrl: error.message },
        });
      }
      if (!isHaloError(error)) throw error;
      throw new ApiError(
        'halo_discovery_failed',
        `Halo's discovery did not answer with the other values: tried GET ${safeUrl(authInfoUrl(url))}, ` +
          `and ${error.message}. Enter the Authorisation Server URL and Tenant from Halo's ` +
          `Configuration > Integrations > HaloITSM API page.`,
      );
    }
  });
};
