// Replacement policies: default years per category, and the SQL that gives each hardware row its years
// under an account's policy. The categories themselves come from db/schema/lifecycle-category.ts.
import { sql, type SQL } from 'drizzle-orm';
import { categoryPatterns, lifecycleCategories, type LifecycleCategory } from './schema/lifecycle-category';
import { edgeInstantSql, type Edges } from './lifecycle-sql';
import { hardwareAssets } from './schema/index';

export const categories = lifecycleCategories;
export type Category = LifecycleCategory;
export { categoryPatterns };

export const defaultYears: Record<Category, number> = {
  laptop: 4,
  desktop: 4,
  server: 5,
  network: 5,
  other: 5,
};

export interface Policy {
  categories: Record<Category, number>;
  /** Asset type name, lower-cased and trimmed → years; beats the type's category. */
  assetTypes: Map<string, { label: string; years: number }>;
}

export const defaultPolicy = (): Policy => ({ categories: { ...defaultYears }, assetTypes: new Map() });

/** How a type name is matched against a policy: case and outer spaces do not matter. */
export const assetTypeKey = (name: string) => name.trim().toLowerCase();

export const categorySql = (): SQL<Category> => sql<Category>`${hardwareAssets.lifecycleCategory}`;

/** The row's replacement years under `policy`: its own asset type's, else its category's. */
export function yearsSql(policy: Policy): SQL<number> {
  const byCategory = categories.map((c) => sql`when ${c} then ${policy.categories[c]}::int`);
  const categoryYears = sql`case ${hardwareAssets.lifecycleCategory} ${sql.join(byCategory, sql` `)} end`;
  if (policy.assetTypes.size === 0) return sql<number>`(${categoryYears})`;
  const byType = [...policy.assetTypes].map(([key, { years }]) => sql`when ${key} then ${years}::int`);
  return sql<number>`(case lower(trim(${hardwareAssets.assetTypeName})) ${sql.join(byType, sql` `)} else ${categoryYears} end)`;
}

/**
 * The instant before which a row's age source must fall for it to be due, under `policy`: a CASE that
 * picks the edge of the row's own years, so each row costs one comparison.
 */
export function dueEdgeSql(policy: Policy, e: Edges): SQL {
  const byCategory = categories.map((c) => sql`when ${c} then ${edgeInstantSql(policy.categories[c], e)}`);
  const categoryEdge = sql`case ${hardwareAssets.lifecycleCategory} ${sql.join(byCategory, sql` `)} end`;
  if (policy.assetTypes.size === 0) return sql`(${categoryEdge})`;
  const byType = [...policy.assetTypes].map(
    ([key, { years }]) => sql`when ${key} then ${edgeInstantSql(years, e)}`,
  );
  return sql`(case lower(trim(${hardwareAssets.assetTypeName})) ${sql.join(byType, sql` `)} else ${categoryEdge} end)`;
}
