import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { findSyncRun, findSyncRunById, type SyncRunRow } from '../../db/sync-runs-repository';
import type { AppDeps } from '../app';
import { audit } from '../audit';
import { accountOf } from '../auth';
import { ApiError, notFound } from '../errors';
import type { SyncService } from '../sync-service';
import { syncView } from '../views';
import { idParams } from './integrations';

export const syncRoutes: FastifyPluginAsync<{ deps: AppDeps; syncs: SyncService }> = async (
  app,
  { deps, syncs },
) => {
  async function ownSync(request: FastifyRequest): Promise<SyncRunRow> {
    const params = idParams.safeParse(request.params);
    const run = params.success ? await findSyncRun(deps.db, accountOf(request).id, params.data.id) : null;
    if (!run) throw notFound('Sync');
    return run;
  }

  app.get('/syncs/:id', async (request) => syncView(await ownSync(request), syncs));

  // Cancels the run's workflow; pages in flight stop at their next heartbeat and the run ends "cancelled".
  app.post('/syncs/:id/cancel', async (request, reply) => {
    const run = await ownSync(request);
    if (run.status !== 'running') {
      throw new ApiError('sync_not_running', `This sync has already ended (${run.status}).`, {
        sync: syncView(run, syncs),
      });
    }
    await syncs.cancelSync(run);
    await audit(request, 'sync.cancelled', {
      integrationId: run.integrationId,
      syncId: run.id,
      kind: run.kind,
    });
    return reply.code(202).send(syncView((await findSyncRunById(deps.db, run.id)) ?? run, syncs));
  });
};
