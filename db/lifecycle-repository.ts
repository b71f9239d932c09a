// Lifecycle answers over the synced hardware and software: the filter conditions the asset list adds,
// each listed asset's state, and the per-customer summary, each as one query.
import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Executor } from './client';
import {
  ageAtLeastSql,
  dueSql,
  ageBandCondition,
  ageSourceSql,
  ageYearsSql,
  inMonthCondition,
  warrantyCondition,
  warrantyStateSql,
  type Edges,
  type WarrantyState,
} from './lifecycle-sql';
import { categorySql, dueEdgeSql, yearsSql, type Category, type Policy } from './lifecycle-policy';
import { hardwareAssets, softwareAssets } from './schema/index';

export interface LifecycleFilter {
  warranty?: WarrantyState;
  replacementDue?: boolean;
  minAgeYears?: number;
  ageBand?: number | 'unknown';
  assetTypeId?: number;
  /** 'YYYY-MM': the warranty (hardware) or the licence (software) ends in that month (UTC). */
  endsInMonth?: string;
}

/** The filter as one condition on hardware_assets, or undefined when it asks for nothing. */
export function hardwareLifecycleCondition(
  filter: LifecycleFilter,
  policy: Policy,
  e: Edges,
): SQL | undefined {
  const parts: SQL[] = [];
  if (filter.warranty) parts.push(warrantyCondition(filter.warranty, e));
  if (filter.replacementDue !== undefined) {
    const due = dueSql(dueEdgeSql(policy, e));
    parts.push(filter.replacementDue ? due : sql`not ${due}`);
  }
  if (filter.minAgeYears !== undefined) parts.push(ageAtLeastSql(filter.minAgeYears, e));
  if (filter.ageBand !== undefined) parts.push(ageBandCondition(filter.ageBand, e));
  if (filter.assetTypeId !== undefined) parts.push(eq(hardwareAssets.assetTypeId, filter.assetTypeId));
  if (filter.endsInMonth)
    parts.push(inMonthCondition(sql`${hardwareAssets.warrantyEnd}`, filter.endsInMonth));
  return parts.length > 0 ? and(...parts) : undefined;
}

export function softwareLifecycleCondition(filter: LifecycleFilter): SQL | undefined {
  return filter.endsInMonth
    ? inMonthCondition(sql`${softwareAssets.endDate}`, filter.endsInMonth)
    : undefined;
}

export interface Lifecycle {
  warranty: WarrantyState;
  ageYears: number | null;
  ageFrom: 'purchaseDate' | 'warrantyStart' | null;
  category: Category;
  replacementYears: number;
  replacementDue: boolean;
}

/** The lifecycle columns of a hardware row, for any select over hardware_assets. */
export function lifecycleColumns(policy: Policy, e: Edges) {
  return {
    warranty: warrantyStateSql(e),
    ageYears: ageYearsSql(e),
    ageFrom: ageSourceSql(),
    category: categorySql(),
    replacementYears: yearsSql(policy),
    replacementDue: dueSql(dueEdgeSql(policy, e)),
  };
}

/** The lifecycle of the listed rows (a page of the asset list), by Halo id. */
export async function lifecycleOf(
  db: Executor,
  integrationId: string,
  haloIds: readonly number[],
  policy: Policy,
  e: Edges,
): Promise<Map<number, Lifecycle>> {
  if (haloIds.length === 0) return new Map();
  const rows = await db
    .select({ haloId: hardwareAssets.haloId, ...lifecycleColumns(policy, e) })
    .from(hardwareAssets)
    .where(
      and(eq(hardwareAssets.integrationId, integrationId), inArray(hardwareAssets.haloId, [...haloIds])),
    );
  return new Map(rows.map(({ haloId, ...lifecycle }) => [haloId, lifecycle]));
}

/** Rows that count in a lifecycle summary: live and not marked inactive in Halo (retired, disposed). */
export function summaryScope(
  table: typeof hardwareAssets | typeof softwareAssets,
  integrationId: string,
  customerHaloId?: number,
) {
  return and(
    eq(table.integrationId, integrationId),
    isNull(table.deletedAt),
    eq(table.inactive, false),
    customerHaloId === undefined ? undefined : eq(table.customerHaloId, customerHaloId),
  );
}
