import type { FastifyPluginAsync } from 'fastify';
import { sql } from 'drizzle-orm';
import type { AppDeps } from '../app';
import { withTemporalDeadline } from '../unreachable';

/**
 * Each readiness check gets this long. A load balancer polls /readyz every few seconds and gives up on it
 * after a few more, so a dependency that does not answer in time is reported unreachable, not waited for.
 */
const readyCheckMs = 1500;

function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

const outcome = (check: Promise<unknown>) =>
  check.then(
    () => 'ok' as const,
    () => 'unreachable' as const,
  );

/** Liveness needs nothing; readiness needs the two things every request and sync depends on. */
export const healthRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get('/healthz', () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    const [database, temporal] = await Promise.all([
      outcome(within(readyCheckMs, deps.db.execute(sql`select 1`))),
      outcome(
        withTemporalDeadline(
          deps.temporal,
          () => deps.temporal.connection.workflowService.getSystemInfo({}),
          readyCheckMs,
        ),
      ),
    ]);
    const ready = database === 'ok' && temporal === 'ok';
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not_ready', checks: { database, temporal } });
  });
};
