import { sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../deps';
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

function readiness(status: 'ready' | 'not_ready') {
  const check = z.enum(['ok', 'unreachable']);
  return z.object({ status: z.literal(status), checks: z.object({ database: check, temporal: check }) });
}
const tags = ['Operations'];

/** Liveness needs nothing; readiness needs the two things every request and sync depends on. */
export const healthRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const getHealthzSchema = {
    tags,
    summary: 'Liveness: the process is up',
    response: { 200: z.object({ status: z.literal('ok') }).describe('Up') },
  };
  app.get('/healthz', { schema: getHealthzSchema }, () => ({ status: 'ok' as const }));

  const getReadyzSchema = {
    tags,
    summary: 'Readiness: PostgreSQL and Temporal answer',
    response: {
      200: readiness('ready').describe('Ready'),
      503: readiness('not_ready').describe('Not ready; `checks` says which dependency is down'),
    },
  };
  app.get('/readyz', { schema: getReadyzSchema }, async (_request, reply) => {
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
