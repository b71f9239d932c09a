// An account's replacement policies: read as a Policy (defaults filled in), replaced as a whole.
import { and, count, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Executor } from './client';
import {
  assetTypeKey,
  categories,
  categorySql,
  defaultPolicy,
  type Category,
  type Policy,
} from './lifecycle-policy';
import { hardwareAssets, integrations, lifecyclePolicies } from './schema/index';

export async function loadPolicy(db: Executor, accountId: string): Promise<Policy> {
  const policy = defaultPolicy();
  const rows = await db.select().from(lifecyclePolicies).where(eq(lifecyclePolicies.accountId, accountId));
  for (const row of rows) {
    if (row.scope === 'category') {
      if ((categories as readonly string[]).includes(row.key))
        policy.categories[row.key as Category] = row.years;
    } else {
      policy.assetTypes.set(row.key, { label: row.label, years: row.years });
    }
  }
  return policy;
}

export interface PolicyInput {
  /** Categories left out go back to their defaults. */
  categories: Partial<Record<Category, number>>;
  assetTypes: { name: string; years: number }[];
}

/** Replaces the account's policies in one transaction; what is not named returns to the default. */
export async function replacePolicy(db: Executor, accountId: string, input: PolicyInput): Promise<Policy> {
  await db.transaction(async (tx) => {
    await tx.delete(lifecyclePolicies).where(eq(lifecyclePolicies.accountId, accountId));
    const rows = [
      ...Object.entries(input.categories).map(([key, years]) => ({
        accountId,
        scope: 'category' as const,
        key,
        label: key,
        years,
      })),
      ...input.assetTypes.map(({ name, years }) => ({
        accountId,
        scope: 'assetType' as const,
        key: assetTypeKey(name),
        label: name.trim(),
        years,
      })),
    ];
    // A name given twice (in another case) keeps the last one, as a JSON object would.
    const unique = [...new Map(rows.map((r) => [`${r.scope}:${r.key}`, r])).values()];
    if (unique.length > 0) await tx.insert(lifecyclePolicies).values(unique);
  });
  return loadPolicy(db, accountId);
}

/** The Halo asset type names among the account's live hardware, with how many assets each has. */
export async function assetTypesInUse(
  db: Executor,
  accountId: string,
): Promise<{ name: string; category: Category; assets: number }[]> {
  const rows = await db
    .select({ name: hardwareAssets.assetTypeName, category: categorySql(), assets: count() })
    .from(hardwareAssets)
    .innerJoin(integrations, eq(integrations.id, hardwareAssets.integrationId))
    .where(
      and(
        eq(integrations.accountId, accountId),
        isNull(hardwareAssets.deletedAt),
        isNotNull(hardwareAssets.assetTypeName),
      ),
    )
    .groupBy(sql`1, 2`)
    .orderBy(sql`3 desc, 1`)
    .limit(500);
  return rows.map((r) => ({ name: r.name ?? '', category: r.category, assets: r.assets }));
}
