// The all-customers summary of a large tenant reads every hardware row (about a second of PostgreSQL time at
// a million assets), yet its inputs change only when a sync ends, a policy changes or the day turns. So a
// summary is kept under a key made of exactly those inputs and served again until one of them changes.
// While a sync runs, rows change under it, so nothing is cached or served from the cache meanwhile.
import { createHash } from 'node:crypto';
import { and, eq, notInArray, sql } from 'drizzle-orm';
import type { Executor } from './client';
import { lifecycleSummaryCache } from './schema/index';

/** How many summaries one integration keeps (customers × days × windows × policies); the newest stay. */
const keptPerIntegration = 50;

/** The synced data's version: the end of the last run, or null while a run is writing. */
async function dataVersion(db: Executor, integrationId: string): Promise<string | null> {
  const [row] = await db.execute<{ running: boolean; finished: string | null }>(sql`
    select coalesce(bool_or(status = 'running'), false) as running, max(finished_at)::text as finished
    from sync_runs where integration_id = ${integrationId}::uuid`);
  if (!row || row.running) return null;
  return row.finished ?? 'never synced';
}

/**
 * `compute()`'s answer for `inputs`, from the cache when the same inputs over the same synced data were
 * answered before. `inputs` must name everything the answer depends on besides the synced rows.
 */
export async function cachedSummary<T>(
  db: Executor,
  integrationId: string,
  inputs: unknown,
  compute: () => Promise<T>,
): Promise<T> {
  const version = await dataVersion(db, integrationId);
  if (version === null) return compute();
  const cacheKey = createHash('sha256').update(JSON.stringify({ version, inputs })).digest('base64url');
  const [hit] = await db
    .select({ summary: lifecycleSummaryCache.summary })
    .from(lifecycleSummaryCache)
    .where(
      and(
        eq(lifecycleSummaryCache.integrationId, integrationId),
        eq(lifecycleSummaryCache.cacheKey, cacheKey),
      ),
    );
  if (hit) return hit.summary as T;
  const summary = await compute();
  await db.insert(lifecycleSummaryCache).values({ integrationId, cacheKey, summary }).onConflictDoNothing();
  const newest = db
    .select({ key: lifecycleSummaryCache.cacheKey })
    .from(lifecycleSummaryCache)
    .where(eq(lifecycleSummaryCache.integrationId, integrationId))
    .orderBy(sql`${lifecycleSummaryCache.createdAt} desc`)
    .limit(keptPerIntegration);
  await db
    .delete(lifecycleSummaryCache)
    .where(
      and(
        eq(lifecycleSummaryCache.integrationId, integrationId),
        notInArray(lifecycleSummaryCache.cacheKey, newest),
      ),
    );
  return summary;
}
