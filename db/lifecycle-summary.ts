// The lifecycle summary of an integration (or one of its customers): warranty states, age bands,
// replacements due and warranty expirations per month for hardware, licence end dates and seats for
// software. Each kind is one grouped query; customers come back ranked, most out of warranty first.
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Executor } from './client';
import {
  ageBandSql,
  dueSql,
  lastAgeBand,
  monthIndexSql,
  warrantyCodeSql,
  type Edges,
  type WarrantyState,
} from './lifecycle-sql';
import { dueEdgeSql, type Policy } from './lifecycle-policy';
import { summaryScope } from './lifecycle-repository';
import { customers, hardwareAssets, softwareAssets } from './schema/index';

export type HardwareCounts = {
  total: number;
  warranty: Record<WarrantyState, number>;
  /** Index n: n ≤ age < n+1 years; index 5: 5 years or more; index 6: age unknown. */
  ageBands: number[];
  replacementDue: number;
  /** Warranties ending in each of the twelve months from the clock's month on. */
  expirationsByMonth: number[];
};

export type CustomerLifecycle = HardwareCounts & {
  customerId: number | null;
  name: string | null;
  software: SoftwareCounts;
};

export type SoftwareCounts = {
  licences: number;
  endingByMonth: number[];
  seats: { bought: number; inUse: number };
};

export interface LifecycleSummary {
  asOf: string;
  months: string[];
  hardware: HardwareCounts;
  software: SoftwareCounts;
  /** Ranked: most expired warranties first, then most assets. */
  customers: CustomerLifecycle[];
}

type HardwareRow = Omit<CustomerLifecycle, 'warranty' | 'software'> & Record<WarrantyState, number>;
type SoftwareRow = Omit<SoftwareCounts, 'seats'> & {
  customerId: number | null;
  // bigint sums come back as text.
  bought: string | number;
  inUse: string | number;
};

const sumWhere = (condition: string) => sql.raw(`coalesce(sum(n) filter (where ${condition}), 0)::int`);
const twelve = Array.from({ length: 12 }, (_, i) => i);

/**
 * Hardware per customer. Each row's state, band, due flag and month are worked out once, in the inner
 * grouping; the outer one folds those few groups per customer into the columns the answer needs.
 */
export function hardwareSummarySql(
  scope: { integrationId: string; customerHaloId?: number },
  policy: Policy,
  e: Edges,
): SQL {
  const h = hardwareAssets;
  return sql`
    with g as (
      select ${h.customerHaloId} as customer,
        ${warrantyCodeSql(e)} as state,
        ${ageBandSql(e)} as band,
        ${dueSql(dueEdgeSql(policy, e))} as due,
        ${monthIndexSql(sql`${h.warrantyEnd}`, e)} as month,
        count(*)::int as n
      from ${h}
      where ${summaryScope(h, scope.integrationId, scope.customerHaloId)}
      group by 1, 2, 3, 4, 5
    )
    select g.customer as "customerId", min(${customers.name}) as name,
      sum(n)::int as total,
      ${sumWhere('state = 0')} as expired,
      ${sumWhere('state = 1')} as expiring,
      ${sumWhere('state = 2')} as active,
      ${sumWhere('state = 3')} as unknown,
      ${sumWhere('due')} as "replacementDue",
      array[${sql.raw(
        [...Array.from({ length: lastAgeBand + 1 }, (_, b) => `band = ${b}`), 'band is null']
          .map((c) => `coalesce(sum(n) filter (where ${c}), 0)::int`)
          .join(', '),
      )}] as "ageBands",
      array[${sql.raw(twelve.map((m) => `coalesce(sum(n) filter (where month = ${m}), 0)::int`).join(', '))}]
        as "expirationsByMonth"
    from g
    left join ${customers} on ${customers.integrationId} = ${scope.integrationId} and ${customers.haloId} = g.customer
    group by g.customer
    order by expired desc, total desc, g.customer nulls last
  `;
}

export async function lifecycleSummary(
  db: Executor,
  scope: { integrationId: string; customerHaloId?: number },
  policy: Policy,
  e: Edges,
): Promise<LifecycleSummary> {
  const hardwareRows = await db.execute<HardwareRow>(hardwareSummarySql(scope, policy, e));

  const s = softwareAssets;
  const softwareRows = await db.execute<SoftwareRow>(sql`
    select ${s.customerHaloId} as "customerId", count(*)::int as licences,
      array[${sql.join(
        twelve.map(
          (m) =>
            sql`count(*) filter (where ${monthIndexSql(sql`${s.endDate}`, e)} = ${sql.raw(String(m))})::int`,
        ),
        sql`, `,
      )}] as "endingByMonth",
      coalesce(sum(${s.licenceCount}), 0)::int8 as bought, coalesce(sum(${s.licencesInUse}), 0)::int8 as "inUse"
    from ${s}
    where ${summaryScope(s, scope.integrationId, scope.customerHaloId)}
    group by 1
  `);

  const softwareOf = new Map<number | null, SoftwareCounts>(
    softwareRows.map((r) => [
      r.customerId,
      {
        licences: r.licences,
        endingByMonth: r.endingByMonth,
        seats: { bought: Number(r.bought), inUse: Number(r.inUse) },
      },
    ]),
  );
  const ranked = hardwareRows.map((row): CustomerLifecycle => ({
    customerId: row.customerId,
    name: row.name,
    total: row.total,
    warranty: { expired: row.expired, expiring: row.expiring, active: row.active, unknown: row.unknown },
    ageBands: row.ageBands,
    replacementDue: row.replacementDue,
    expirationsByMonth: row.expirationsByMonth,
    software: softwareOf.get(row.customerId) ?? noSoftware(),
  }));
  // Customers with licences and no hardware come last, as none of their devices is out of warranty.
  const listed = new Set(ranked.map((r) => r.customerId));
  const others = softwareRows.filter((r) => !listed.has(r.customerId));
  const names = await customerNames(
    db,
    scope.integrationId,
    others.map((r) => r.customerId),
  );
  for (const r of others) {
    ranked.push({
      ...hardwareTotal([]),
      customerId: r.customerId,
      name: r.customerId === null ? null : (names.get(r.customerId) ?? null),
      software: softwareOf.get(r.customerId) ?? noSoftware(),
    });
  }
  return {
    asOf: e.asOf,
    months: e.months,
    hardware: hardwareTotal(ranked),
    software: softwareTotal(ranked.map((r) => r.software)),
    customers: ranked,
  };
}

async function customerNames(db: Executor, integrationId: string, ids: (number | null)[]) {
  const wanted = ids.filter((id): id is number => id !== null);
  if (wanted.length === 0) return new Map<number, string>();
  const rows = await db
    .select({ id: customers.haloId, name: customers.name })
    .from(customers)
    .where(and(eq(customers.integrationId, integrationId), inArray(customers.haloId, wanted)));
  return new Map(rows.map((r) => [r.id, r.name]));
}

const add = (a: number[], b: number[]) => a.map((v, i) => v + (b[i] ?? 0));
const noSoftware = (): SoftwareCounts => ({
  licences: 0,
  endingByMonth: Array<number>(12).fill(0),
  seats: { bought: 0, inUse: 0 },
});

function softwareTotal(rows: readonly SoftwareCounts[]): SoftwareCounts {
  return rows.reduce<SoftwareCounts>(
    (t, r) => ({
      licences: t.licences + r.licences,
      endingByMonth: add(t.endingByMonth, r.endingByMonth),
      seats: { bought: t.seats.bought + r.seats.bought, inUse: t.seats.inUse + r.seats.inUse },
    }),
    noSoftware(),
  );
}

function hardwareTotal(rows: readonly HardwareCounts[]): HardwareCounts {
  return rows.reduce<HardwareCounts>(
    (total, r) => ({
      total: total.total + r.total,
      warranty: {
        expired: total.warranty.expired + r.warranty.expired,
        expiring: total.warranty.expiring + r.warranty.expiring,
        active: total.warranty.active + r.warranty.active,
        unknown: total.warranty.unknown + r.warranty.unknown,
      },
      ageBands: add(total.ageBands, r.ageBands),
      replacementDue: total.replacementDue + r.replacementDue,
      expirationsByMonth: add(total.expirationsByMonth, r.expirationsByMonth),
    }),
    {
      total: 0,
      warranty: { expired: 0, expiring: 0, active: 0, unknown: 0 },
      ageBands: Array<number>(lastAgeBand + 2).fill(0),
      replacementDue: 0,
      expirationsByMonth: Array<number>(12).fill(0),
    },
  );
}
