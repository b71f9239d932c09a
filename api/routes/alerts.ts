import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { setStaleAfterHours } from '../../db/stale-repository';
import type { AppDeps } from '../deps';
import { audit } from '../audit';
import { accountOf } from '../auth';
import { notFound } from '../errors';
import { accountIntegration } from '../integration-scope';
import { integrationIdParams as idParams } from '../route-schemas';

export const alertsBody = z.strictObject({
  staleAfterHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .nullable(),
});

/** When an integration counts as stale (integration.stale): its own hours, or the service's default. */
const alertsSchema = z.object({ staleAfterHours: z.number().int(), usingDefault: z.boolean() });
const tags = ['Integrations'];

export const alertRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const view = (hours: number | null) => ({
    staleAfterHours: hours ?? deps.config.STALE_AFTER_HOURS,
    usingDefault: hours === null,
  });

  const getIntegrationsIdAlertsSchema = {
    tags,
    summary: 'After how many hours without a completed sync integration.stale fires',
    params: idParams,
    response: { 200: alertsSchema.describe('Its own setting or the default') },
  };
  app.get('/integrations/:id/alerts', { schema: getIntegrationsIdAlertsSchema }, async (request) => {
    const row = await accountIntegration(deps.db, accountOf(request).id, request.params.id);
    return view(row.staleAfterHours);
  });

  // Mutating: sets the stale period; null returns to the service default.
  const putIntegrationsIdAlertsSchema = {
    tags,
    summary: 'Set the stale period (null for the service default)',
    params: idParams,
    body: alertsBody,
    response: { 200: alertsSchema.describe('The setting now in force') },
  };
  app.put('/integrations/:id/alerts', { schema: putIntegrationsIdAlertsSchema }, async (request) => {
    const { staleAfterHours } = request.body;
    const updated = await setStaleAfterHours(
      deps.db,
      accountOf(request).id,
      request.params.id,
      staleAfterHours,
    );
    if (!updated) throw notFound('Integration');
    await audit(request, 'alerts.updated', { integrationId: request.params.id, staleAfterHours });
    return view(staleAfterHours);
  });
};
