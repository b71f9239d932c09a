import { sql } from 'drizzle-orm';

export const lifecycleCategories = ['laptop', 'desktop', 'server', 'network', 'other'] as const;
export type LifecycleCategory = (typeof lifecycleCategories)[number];

/**
 * Halo has no fixed asset types: each tenant names its own. A type falls in the first category whose
 * pattern matches its name (case-insensitive PostgreSQL regular expressions; \m and \M are word edges), so
 * "Server Switch" is a server, and anything unmatched, or unnamed, is "other". Changing a pattern needs a
 * migration, as the category is a stored generated column of hardware_assets.
 */
export const categoryPatterns: Record<Exclude<LifecycleCategory, 'other'>, string> = {
  laptop: 'laptop|notebook|ultrabook|macbook',
  desktop: 'desktop|workstation|\\mpc\\M|\\mimac\\M',
  server: 'server',
  network: 'firewall|switch|router|access.?point|wireless|network',
};

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

export const categoryOfAssetTypeSql = sql.raw(
  `case ${Object.entries(categoryPatterns)
    .map(([category, pattern]) => `when asset_type_name ~* ${literal(pattern)} then ${literal(category)}`)
    .join(' ')} else 'other' end`,
);
