import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { findIntegration, setIntegrationBudget, type IntegrationRow } from '../../db/integrations-repository';
import type { AppDeps } from '../app';
import { audit } from '../audit';
import { accountOf } from '../auth';
import { invalidRequest, notFound } from '../errors';
import { idParams } from './integrations';

// Halo's published limit is about 300 requests per rolling 5 minutes; some tenants allow more.
export const budgetBody = z.strictObject({
  requests: z.number().int().min(1).max(100_000).nullable(),
  windowSeconds: z.number().int().min(1).max(86_400).nullable(),
});

/** The Halo request budget an integration's syncs keep to: its own, or the service's default. */
export const budgetRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const view = (row: IntegrationRow) => ({
    requests: row.budgetRequests ?? deps.config.HALO_BUDGET_REQUESTS,
    windowSeconds: row.budgetWindowSeconds ?? deps.config.HALO_BUDGET_WINDOW_SECONDS,
    usingDefaults: row.budgetRequests === null && row.budgetWindowSeconds === null,
  });

  app.get('/integrations/:id/budget', async (request) => {
    const params = idParams.safeParse(request.params);
    const row = params.success ? await findIntegration(deps.db, accountOf(request).id, params.data.id) : null;
    if (!row) throw notFound('Integration');
    return view(row);
  });

  // Integrations of one Halo tenant share one budget; give them the same limits.
  app.put('/integrations/:id/budget', async (request) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) throw notFound('Integration');
    const body = budgetBody.safeParse(request.body ?? {});
    if (!body.success) throw invalidRequest(body.error, 'body');
    const row = await setIntegrationBudget(deps.db, accountOf(request).id, params.data.id, body.data);
    if (!row) throw notFound('Integration');
    await audit(request, 'budget.updated', { integrationId: row.id, to: body.data });
    return view(row);
  });
};
