import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'drizzle-orm';
import type { AppDeps } from '../app';

/** Liveness needs nothing; readiness needs the two things every request and sync depends on. */
export const healthRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get('/healthz', () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const [database, temporal] = await Promise.all([
      deps.db.execute(sql`select 1`).then(
        () => 'ok' as const,
        () => 'unreachable' as const,
      ),
      deps.temporal.connection.workflowService.getSystemInfo({}).then(
        () => 'ok' as const,
        () => 'unreachable' as const,
      ),
    ]);
    const ready = database === 'ok' && temporal === 'ok';
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not_ready', checks: { database, temporal } });
  });
};
