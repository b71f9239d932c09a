import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { encryptSecret } from '../../db/crypto';
import { findIntegration, insertIntegration, listIntegrations } from '../../db/integrations-repository';
import { haloSettingsSchema } from '../../halo/settings';
import type { AppDeps } from '../app';
import { accountOf } from '../auth';
import { invalidRequest, notFound } from '../errors';
import { checkHaloCredentials } from '../halo-check';
import type { SyncService } from '../sync-service';
import { integrationView, syncView } from '../views';

export const idParams = z.object({ id: z.uuid({ error: 'expected an id (UUID)' }) });

export const integrationRoutes: FastifyPluginAsync<{ deps: AppDeps; syncs: SyncService }> = async (
  app,
  { deps, syncs },
) => {
  const settingsSchema = haloSettingsSchema({ allowPrivate: deps.config.ALLOW_PRIVATE_HALO_URLS });

  // Save HaloITSM Setup: check with Halo, store (secret encrypted), start the first full sync, answer at once.
  app.post('/integrations/halo', async (request, reply) => {
    const account = accountOf(request);
    const parsed = settingsSchema.safeParse(request.body ?? {});
    if (!parsed.success) throw invalidRequest(parsed.error, 'body');
    const settings = parsed.data;

    await checkHaloCredentials(settings, {
      allowPrivate: deps.config.ALLOW_PRIVATE_HALO_URLS,
      timeoutMs: deps.config.HALO_TIMEOUT_MS,
    });

    const id = randomUUID();
    const integration = await insertIntegration(deps.db, {
      id,
      accountId: account.id,
      settings,
      clientSecretEnc: encryptSecret(deps.encryptionKey, settings.clientSecret, id),
      clientSecretLast4: settings.clientSecret.slice(-4),
    });
    const { run } = await syncs.startFullSync(account.id, id);
    return reply.code(202).send({ integration: integrationView(integration), sync: syncView(run, syncs) });
  });

  app.get('/integrations', async (request) => {
    const rows = await listIntegrations(deps.db, accountOf(request).id);
    return { items: rows.map(integrationView) };
  });

  app.get('/integrations/:id', async (request) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) throw notFound('Integration');
    const row = await findIntegration(deps.db, accountOf(request).id, params.data.id);
    if (!row) throw notFound('Integration');
    return integrationView(row);
  });
};
