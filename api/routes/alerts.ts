import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { findIntegration } from '../../db/integrations-repository';
import { setStaleAfterHours } from '../../db/stale-repository';
import type { AppDeps } from '../app';
import { audit } from '../audit';
import { accountOf } from '../auth';
import { invalidRequest, notFound } from '../errors';
import { idParams } from './integrations';

export const alertsBody = z.strictObject({
  staleAfterHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .nullable(),
});

/** When an integration counts as stale (integration.stale): its own hours, or the service's default. */
export const alertRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const view = (hours: number | null) => ({
    staleAfterHours: hours ?? deps.config.STALE_AFTER_HOURS,
    usingDefault: hours === null,
  });

  app.get('/integrations/:id/alerts', async (request) => {
    const params = idParams.safeParse(request.params);
    const row = params.success ? await findIntegration(deps.db, accountOf(request).id, params.data.id) : null;
    if (!row) throw notFound('Integration');
    return view(row.staleAfterHours);
  });

  // Mutating: sets the stale period; null returns to the service default.
  app.put('/integrations/:id/alerts', async (request) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) throw notFound('Integration');
    const body = alertsBody.safeParse(request.body ?? {});
    if (!body.success) throw invalidRequest(body.error, 'body');
    const updated = await setStaleAfterHours(
      deps.db,
      accountOf(request).id,
      params.data.id,
      body.data.staleAfterHours,
    );
    if (!updated) throw notFound('Integration');
    await audit(request, 'alerts.updated', {
      integrationId: params.data.id,
      staleAfterHours: body.data.staleAfterHours,
    });
    return view(body.data.staleAfterHours);
  });
};
