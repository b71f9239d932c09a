import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { findSyncRun, findSyncRunById, type SyncRunRow } from '../../db/sync-runs-repository';
import type { AppDeps } from '../deps';
import { audit } from '../audit';
import { accountOf } from '../auth';
import { ApiError, notFound } from '../errors';
import type { SyncService } from '../sync-service';
import { syncErrorSchema, syncSchema } from '../response-schemas';
import { idParams as idOf } from '../route-schemas';
import { syncView } from '../views';

const idParams = idOf('Sync');
const tags = ['Syncs'];

export const syncRoutes: FastifyPluginAsyncZod<{ deps: AppDeps; syncs: SyncService }> = async (
  app,
  { deps, syncs },
) => {
  async function ownSync(request: FastifyRequest): Promise<SyncRunRow> {
    const { id } = request.params as z.output<typeof idParams>;
    const run = await findSyncRun(deps.db, accountOf(request).id, id);
    if (!run) throw notFound('Sync');
    return run;
  }

  const getSyncsIdSchema = {
    tags,
    summary: 'Follow a sync: status, progress, counts',
    params: idParams,
    response: { 200: syncSchema.describe('The sync') },
  };
  app.get('/syncs/:id', { schema: getSyncsIdSchema }, async (request) =>
    syncView(await ownSync(request), syncs),
  );

  // Cancels the run's workflow; pages in flight stop at their next heartbeat and the run ends "cancelled".
  const postSyncsIdCancelSchema = {
    tags,
    summary: 'Cancel a running sync',
    description: 'Pages in flight finish or stop at their next heartbeat; the run ends "cancelled".',
    params: idParams,
    response: {
      202: syncSchema.describe('Cancelling'),
      409: syncErrorSchema.describe('sync_not_running: it has already ended'),
    },
  };
  app.post('/syncs/:id/cancel', { schema: postSyncsIdCancelSchema }, async (request, reply) => {
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
