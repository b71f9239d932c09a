import type { FastifyPluginAsync } from 'fastify';
import { findSyncRun } from '../../db/sync-runs-repository';
import type { AppDeps } from '../app';
import { accountOf } from '../auth';
import { notFound } from '../errors';
import type { SyncService } from '../sync-service';
import { syncView } from '../views';
import { idParams } from './integrations';

export const syncRoutes: FastifyPluginAsync<{ deps: AppDeps; syncs: SyncService }> = async (
  app,
  { deps, syncs },
) => {
  app.get('/syncs/:id', async (request) => {
    const params = idParams.safeParse(request.params);
    if (!params.success) throw notFound('Sync');
    const run = await findSyncRun(deps.db, accountOf(request).id, params.data.id);
    if (!run) throw notFound('Sync');
    return syncView(run, syncs);
  });
};
