import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { setIntegrationBudget, type IntegrationRow } from '../../db/integrations-repository';
import type { AppDeps } from '../deps';
import { audit } from '../audit';
import { accountOf } from '../auth';
import { notFound } from '../errors';
import { accountIntegration } from '../integration-scope';
import { integrationIdParams as idParams } from '../route-schemas';

// Halo's published limit is about 300 requests per rolling 5 minutes; some tenants allow more.
export const budgetBody = z.strictObject({
  requests: z.number().int().min(1).max(100_000).nullable(),
  windowSeconds: z.number().int().min(1).max(86_400).nullable(),
});

/** The Halo request budget an integration's syncs keep to: its own, or the service's default. */
const budgetSchema = z.object({
  requests: z.number().int(),
  windowSeconds: z.number().int(),
  usingDefaults: z.boolean(),
});
const tags = ['Integrations'];

export const budgetRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const view = (row: IntegrationRow) => ({
    requests: row.budgetRequests ?? deps.config.HALO_BUDGET_REQUESTS,
    windowSeconds: row.budgetWindowSeconds ?? deps.config.HALO_BUDGET_WINDOW_SECONDS,
    usingDefaults: row.budgetRequests === null && row.budgetWindowSeconds === null,
  });

  const getIntegrationsIdBudgetSchema = {
    tags,
    summary: "The Halo request budget this integration's syncs keep to",
    params: idParams,
    response: { 200: budgetSchema.describe('Its own limits, or the service defaults') },
  };
  app.get('/integrations/:id/budget', { schema: getIntegrationsIdBudgetSchema }, async (request) => {
    const row = await accountIntegration(deps.db, accountOf(request).id, request.params.id);
    return view(row);
  });

  // Integrations of one Halo tenant share one budget; give them the same limits.
  const putIntegrationsIdBudgetSchema = {
    tags,
    summary: 'Set the Halo request budget (null for the service default)',
    description: 'Integrations of one Halo tenant share one budget; give them the same limits.',
    params: idParams,
    body: budgetBody,
    response: { 200: budgetSchema.describe('The limits now in force') },
  };
  app.put('/integrations/:id/budget', { schema: putIntegrationsIdBudgetSchema }, async (request) => {
    const row = await setIntegrationBudget(deps.db, accountOf(request).id, request.params.id, request.body);
    if (!row) throw notFound('Integration');
    await audit(request, 'budget.updated', { integrationId: row.id, to: request.body });
    return view(row);
  });
};
