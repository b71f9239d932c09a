// A hardware asset's lifecycle as SQL expressions over its typed columns, so that filters, lists and
// summaries all answer from one definition, and at a million rows the database does the work.
//
// Dates are compared in UTC: Halo hands out UTC instants, and "today" is the UTC date, whatever the
// session's or the server's time zone. A warranty that ends on a day covers that whole (UTC) day.
// The day's edges (today, the end of the expiring window, n years ago, the month starts) are worked out
// once per request (resolveClock) and reach the rows as constants: per row there are only comparisons.
import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from './client';
import { hardwareAssets } from './schema/index';

export const warrantyStates = ['expired', 'expiring', 'active', 'unknown'] as const;
export type WarrantyState = (typeof warrantyStates)[number];

/** Age bands in whole years: band n holds ages n ≤ age < n+1; the last band is "5 years or more". */
export const lastAgeBand = 5;
const maxAgeYears = 100;

export const defaultExpiringWithinDays = 90;

export interface LifecycleClock {
  /** The day the answers are for, 'YYYY-MM-DD' (UTC); absent, today in UTC by the database's clock. */
  asOf?: string;
  /** A warranty ending within this many days from today (inclusive) is "expiring". */
  expiringWithinDays: number;
}

/** A clock with its edges resolved: instants are ISO strings in UTC. */
export interface Edges {
  asOf: string;
  expiringWithinDays: number;
  todayStart: string;
  /** Midnight after the last day of the expiring window. */
  windowEnd: string;
  /** ageEdge[n]: a purchase before this instant makes an asset at least n years old (n = 0…100). */
  ageEdge: string[];
  /** The starts of this month and the twelve after it. */
  monthStarts: string[];
  /** The twelve months as 'YYYY-MM', this one first. */
  months: string[];
}

const dayMs = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const dayStart = (day: string) => Date.parse(`${day}T00:00:00Z`);

/**
 * Today (UTC, by the database's clock) unless the clock names a day, and the edges that follow from it.
 * "n years ago" comes from PostgreSQL, so that 29 February steps back as its date arithmetic does.
 */
export async function resolveClock(db: Executor, clock: LifecycleClock): Promise<Edges> {
  const [row] = await db.execute<{ asOf: string; yearsAgo: string[] }>(sql`
    select to_char(d, 'YYYY-MM-DD') as "asOf",
      array(select to_char(d - make_interval(years => n), 'YYYY-MM-DD')
            from generate_series(0, ${maxAgeYears}::int) as n order by n) as "yearsAgo"
    from (select coalesce(${clock.asOf ?? null}::date, (now() at time zone 'utc')::date) as d) as today`);
  if (!row) throw new Error('Resolving the lifecycle clock returned no row');
  const today = dayStart(row.asOf);
  const date = new Date(today);
  const monthStart = (i: number) => Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + i, 1);
  return {
    asOf: row.asOf,
    expiringWithinDays: clock.expiringWithinDays,
    todayStart: iso(today),
    windowEnd: iso(today + (clock.expiringWithinDays + 1) * dayMs),
    // Born on the day n years ago is exactly n: everything before the next midnight counts.
    ageEdge: row.yearsAgo.map((day) => iso(dayStart(day) + dayMs)),
    monthStarts: Array.from({ length: 13 }, (_, i) => iso(monthStart(i))),
    months: Array.from({ length: 12 }, (_, i) => iso(monthStart(i)).slice(0, 7)),
  };
}

// halo/parse.ts turns Halo's "no date" (1900-01-01, anything before 1981) into null on the way in; rows
// written before it did, or by other means, are read the same way here.
const firstRealDate = sql.raw(`'1981-01-01T00:00:00Z'::timestamptz`);
const instant = (value: string) => sql`${value}::timestamptz`;
const instants = (values: string[]) => sql`${`{${values.join(',')}}`}::timestamptz[]`;

const warrantyEnd = sql`${hardwareAssets.warrantyEnd}`;
const purchase = sql`${hardwareAssets.purchaseDate}`;
const warrantyStart = sql`${hardwareAssets.warrantyStart}`;

/** Each state as a condition on warranty_end alone, so an index on it can serve the filter. */
export function warrantyCondition(state: WarrantyState, e: Edges): SQL {
  switch (state) {
    case 'unknown':
      return sql`(${warrantyEnd} is null or ${warrantyEnd} < ${firstRealDate})`;
    case 'expired':
      return sql`(${warrantyEnd} >= ${firstRealDate} and ${warrantyEnd} < ${instant(e.todayStart)})`;
    case 'expiring':
      return sql`(${warrantyEnd} >= ${instant(e.todayStart)} and ${warrantyEnd} < ${instant(e.windowEnd)})`;
    case 'active':
      return sql`(${warrantyEnd} >= ${instant(e.windowEnd)})`;
  }
}

/** The state as its index in warrantyStates (cheaper to group by than text). */
export const warrantyCodeSql = (e: Edges): SQL<number> =>
  sql<number>`(case
    when ${warrantyEnd} is null or ${warrantyEnd} < ${firstRealDate} then 3
    when ${warrantyEnd} < ${instant(e.todayStart)} then 0
    when ${warrantyEnd} < ${instant(e.windowEnd)} then 1
    else 2 end)`;

export const warrantyStateSql = (e: Edges): SQL<WarrantyState> =>
  sql<WarrantyState>`((array['expired', 'expiring', 'active', 'unknown'])[${warrantyCodeSql(e)} + 1])`;

/** What the age counts from: the purchase date, else the warranty start; null when neither is usable. */
export const ageSourceSql = (): SQL<'purchaseDate' | 'warrantyStart' | null> =>
  sql`(case when ${purchase} >= ${firstRealDate} then 'purchaseDate'
    when ${warrantyStart} >= ${firstRealDate} then 'warrantyStart' end)`;

/** The instant the age counts from. */
const ageFromSql = (): SQL =>
  sql`(case when ${purchase} >= ${firstRealDate} then ${purchase}
    when ${warrantyStart} >= ${firstRealDate} then ${warrantyStart} end)`;

/** Whole years of age on the clock's day; a date in the future counts as 0. */
export const ageYearsSql = (e: Edges): SQL<number | null> =>
  // greatest() skips nulls, so an unknown age has to stay null outside it.
  sql<number | null>`(case when ${ageFromSql()} is not null
    then greatest(0, extract(year from age(${e.asOf}::date, (${ageFromSql()} at time zone 'utc')::date)))::int end)`;

const edgeOf = (years: number, e: Edges) => {
  const edge = e.ageEdge[Math.min(Math.max(0, years), maxAgeYears)];
  if (!edge) throw new Error(`No age edge for ${years} years`);
  return edge;
};

/** At least `years` old on the clock's day (false when the age is unknown). */
export const ageAtLeastSql = (years: number, e: Edges, from: SQL = ageFromSql()): SQL<boolean> =>
  sql<boolean>`coalesce(${from} < ${instant(edgeOf(years, e))}, false)`;

/** Old enough for replacement: the edge for each row's years, picked by `yearsCase` (a CASE over edges). */
export const dueSql = (edgeCase: SQL, from: SQL = ageFromSql()): SQL<boolean> =>
  sql<boolean>`coalesce(${from} < ${edgeCase}, false)`;

export const edgeInstantSql = (years: number, e: Edges): SQL => instant(edgeOf(years, e));

/** The age band (0–5, 5 meaning 5 years or more), null when the age is unknown. */
export function ageBandSql(e: Edges, from: SQL = ageFromSql()): SQL<number | null> {
  const edges = [5, 4, 3, 2, 1].map((years) => edgeOf(years, e));
  return sql<number | null>`(${lastAgeBand} - width_bucket(${from}, ${instants(edges)}))`;
}

/** The band as a condition; 'unknown' is the rows without a usable date. */
export function ageBandCondition(band: number | 'unknown', e: Edges): SQL {
  if (band === 'unknown') return sql`${ageFromSql()} is null`;
  const older = ageAtLeastSql(band, e);
  return band >= lastAgeBand ? older : sql`(${older} and not ${ageAtLeastSql(band + 1, e)})`;
}

/**
 * For a date column: 0 when it falls in the clock's calendar month, 1 the next, … 11; null outside those
 * twelve months. Whole months, so a warranty that ended earlier this month still counts in month 0.
 */
export function monthIndexSql(column: SQL, e: Edges): SQL<number | null> {
  return sql<
    number | null
  >`(case when ${column} >= ${instant(e.monthStarts[0] ?? '')} and ${column} < ${instant(e.monthStarts[12] ?? '')}
    then width_bucket(${column}, ${instants(e.monthStarts)}) - 1 end)`;
}

/** A date column falling in the calendar month 'YYYY-MM' (UTC). */
export function inMonthCondition(column: SQL, month: string): SQL {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const from = iso(Date.UTC(year, m - 1, 1));
  const to = iso(Date.UTC(year, m, 1));
  return sql`(${column} >= ${instant(from)} and ${column} < ${instant(to)})`;
}
