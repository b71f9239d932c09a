// A hardware asset's lifecycle as SQL expressions over its typed columns, so that filters, lists and
// summaries all answer from one definition, and at a million rows the database does the work.
//
// Dates are compared in UTC: Halo hands out UTC instants, and "today" is the UTC date, whatever the
// session's or the server's time zone. A warranty that ends on a day covers that whole (UTC) day.
import { sql, type SQL } from 'drizzle-orm';
import { hardwareAssets } from './schema/index';

export const warrantyStates = ['expired', 'expiring', 'active', 'unknown'] as const;
export type WarrantyState = (typeof warrantyStates)[number];

/** Age bands in whole years: band n holds ages n ≤ age < n+1; the last band is "5 years or more". */
export const ageBands = [0, 1, 2, 3, 4, 5] as const;
export const lastAgeBand = 5;

export const defaultExpiringWithinDays = 90;

export interface LifecycleClock {
  /** The day the answers are for, 'YYYY-MM-DD' (UTC); absent, today in UTC by the database's clock. */
  asOf?: string;
  /** A warranty ending within this many days from today (inclusive) is "expiring". */
  expiringWithinDays: number;
}

// halo/parse.ts turns Halo's "no date" (1900-01-01, anything before 1981) into null on the way in; rows
// written before it did, or by other means, are read the same way here.
const firstRealDate = sql.raw(`'1981-01-01T00:00:00Z'::timestamptz`);

const warrantyEnd = sql`${hardwareAssets.warrantyEnd}`;
const usable = (column: SQL) => sql`(case when ${column} >= ${firstRealDate} then ${column} end)`;

export const todaySql = (clock: LifecycleClock): SQL =>
  clock.asOf === undefined ? sql`(now() at time zone 'utc')::date` : sql`${clock.asOf}::date`;

/** Midnight UTC at the start of a date, as an instant comparable with the timestamptz columns. */
export const startOf = (date: SQL): SQL => sql`((${date})::timestamp at time zone 'utc')`;

const todayStart = (clock: LifecycleClock) => startOf(todaySql(clock));
const windowEnd = (clock: LifecycleClock) =>
  startOf(sql`${todaySql(clock)} + ${clock.expiringWithinDays + 1}::int`);

/** Each state as a condition on warranty_end alone, so an index on it can serve the filter. */
export function warrantyCondition(state: WarrantyState, clock: LifecycleClock): SQL {
  switch (state) {
    case 'unknown':
      return sql`(${warrantyEnd} is null or ${warrantyEnd} < ${firstRealDate})`;
    case 'expired':
      return sql`(${warrantyEnd} >= ${firstRealDate} and ${warrantyEnd} < ${todayStart(clock)})`;
    case 'expiring':
      return sql`(${warrantyEnd} >= ${todayStart(clock)} and ${warrantyEnd} < ${windowEnd(clock)})`;
    case 'active':
      return sql`(${warrantyEnd} >= ${windowEnd(clock)})`;
  }
}

export function warrantyStateSql(clock: LifecycleClock): SQL<WarrantyState> {
  return sql<WarrantyState>`(case
    when ${warrantyEnd} is null or ${warrantyEnd} < ${firstRealDate} then 'unknown'
    when ${warrantyEnd} < ${todayStart(clock)} then 'expired'
    when ${warrantyEnd} < ${windowEnd(clock)} then 'expiring'
    else 'active' end)`;
}

/** What the age counts from: the purchase date, else the warranty start; null when neither is usable. */
export const ageSourceSql = (): SQL<'purchaseDate' | 'warrantyStart' | null> =>
  sql`(case when ${usable(sql`${hardwareAssets.purchaseDate}`)} is not null then 'purchaseDate'
    when ${usable(sql`${hardwareAssets.warrantyStart}`)} is not null then 'warrantyStart' end)`;

/** The (UTC) date the age counts from. */
export const ageFromSql = (): SQL =>
  sql`((coalesce(${usable(sql`${hardwareAssets.purchaseDate}`)}, ${usable(sql`${hardwareAssets.warrantyStart}`)}) at time zone 'utc')::date)`;

/** Whole years of age on the clock's day; a date in the future counts as 0. */
export const ageYearsSql = (clock: LifecycleClock): SQL<number | null> =>
  // greatest() skips nulls, so an unknown age has to stay null outside it.
  sql<number | null>`(case when ${ageFromSql()} is not null
    then greatest(0, extract(year from age(${todaySql(clock)}, ${ageFromSql()})))::int end)`;

/** At least `years` old on the clock's day (false when the age is unknown); `years` may be an expression. */
export const ageAtLeastSql = (years: SQL | number, clock: LifecycleClock): SQL<boolean> =>
  sql<boolean>`coalesce(${ageFromSql()} <= (${todaySql(clock)} - make_interval(years => ${years}::int))::date, false)`;

/** The age band (0–5, 5 meaning 5 years or more), null when the age is unknown. */
export function ageBandSql(clock: LifecycleClock): SQL<number | null> {
  const from = ageFromSql();
  const today = todaySql(clock);
  const branches = ageBands
    .filter((band) => band < lastAgeBand)
    .map(
      (band) =>
        sql`when ${from} > (${today} - interval '${sql.raw(String(band + 1))} years')::date then ${sql.raw(String(band))}`,
    );
  return sql<
    number | null
  >`(case when ${from} is null then null ${sql.join(branches, sql` `)} else ${sql.raw(String(lastAgeBand))} end)`;
}

/** The band as a condition; 'unknown' is the rows without a usable date. */
export function ageBandCondition(band: number | 'unknown', clock: LifecycleClock): SQL {
  if (band === 'unknown') return sql`${ageFromSql()} is null`;
  const older = ageAtLeastSql(band, clock);
  return band >= lastAgeBand ? older : sql`(${older} and not ${ageAtLeastSql(band + 1, clock)})`;
}

const monthStart = (clock: LifecycleClock) => sql`date_trunc('month', ${todaySql(clock)})::date`;

/**
 * For a date column: 0 when it falls in the clock's calendar month, 1 the next, … 11; null outside those
 * twelve months. Whole months, so a warranty that ended earlier this month still counts in month 0.
 */
export function monthIndexSql(column: SQL, clock: LifecycleClock): SQL<number | null> {
  const from = startOf(monthStart(clock));
  const to = startOf(sql`(${monthStart(clock)} + interval '12 months')::date`);
  const months = (d: SQL) => sql`(extract(year from ${d}) * 12 + extract(month from ${d}))`;
  return sql<number | null>`(case when ${column} >= ${from} and ${column} < ${to}
    then (${months(sql`(${column} at time zone 'utc')`)} - ${months(todaySql(clock))})::int end)`;
}

/** A date column falling in the calendar month 'YYYY-MM' (UTC). */
export function inMonthCondition(column: SQL, month: string): SQL {
  const first = sql`${`${month}-01`}::date`;
  return sql`(${column} >= ${startOf(first)} and ${column} < ${startOf(sql`(${first} + interval '1 month')::date`)})`;
}

/** The first day of each of the twelve months monthIndexSql counts, as 'YYYY-MM'. */
export const monthLabelsSql = (clock: LifecycleClock): SQL<string[]> =>
  sql<
    string[]
  >`(select array_agg(to_char(${monthStart(clock)} + make_interval(months => i), 'YYYY-MM') order by i) from generate_series(0, 11) as i)`;
