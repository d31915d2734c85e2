import {
  ageBucketIndex,
  bucketIndex,
  bucketLabels,
  currencyDigits,
  daysInMonth,
  endOfMonth,
  subtractMonths,
  roundDiv,
  toDayNumber,
  type AgeingBasis,
  type CalendarDate,
  type CountBackMonth,
  type Minor,
} from '@encours/domain';

/**
 * Pure helpers of the reporting module: currency conversion of minor units, bucketing of aggregated ledger rows
 * (through the domain's bucketIndex / ageBucketIndex) and the calendar periods of the KPIs.
 */

/** An exchange rate "0.92150000" as an exact fraction. */
export function parseRate(rate: string): { num: bigint; den: bigint } {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(rate.trim());
  if (!m) throw new Error(`Not an exchange rate: ${rate}`);
  const frac = m[2] ?? '';
  return { num: BigInt(m[1] + frac), den: 10n ** BigInt(frac.length) };
}

/** `minor` units of `from` converted at `rate` (1 from = rate to) into minor units of `to`, rounded half away from zero. */
export function convertMinor(minor: Minor, from: string, to: string, rate: string | null): Minor {
  if (from === to) return minor;
  if (rate === null) throw new Error(`No rate from ${from} to ${to}`);
  const { num, den } = parseRate(rate);
  const scaleFrom = 10n ** BigInt(currencyDigits(from));
  const scaleTo = 10n ** BigInt(currencyDigits(to));
  return roundDiv(minor * num * scaleTo, den * scaleFrom);
}

/** One aggregated ledger row: open amount (signed, minor units of the target currency) of items sharing dates. */
export interface BucketRow {
  dueDate: CalendarDate;
  issueDate: CalendarDate;
  amount: Minor;
  count: number;
}

export interface Bucketed {
  amounts: Minor[];
  total: Minor;
  overdue: Minor;
  count: number;
}

export function emptyBucketed(bounds: readonly number[], basis: AgeingBasis): Bucketed {
  return { amounts: bucketLabels(bounds, basis).map(() => 0n), total: 0n, overdue: 0n, count: 0 };
}

/**
 * Adds rows into buckets. Same rules as the domain's `ageItems`: `overdue` always by due date (due strictly before
 * asOf), bucket by days past due (basis due) or days since issue (basis issue).
 */
export function addToBuckets(
  acc: Bucketed,
  rows: readonly BucketRow[],
  asOf: CalendarDate,
  basis: AgeingBasis,
  bounds: readonly number[],
): Bucketed {
  const today = toDayNumber(asOf);
  for (const r of rows) {
    const daysPastDue = today - toDayNumber(r.dueDate);
    const index = basis === 'due' ? bucketIndex(daysPastDue, bounds) : ageBucketIndex(today - toDayNumber(r.issueDate), bounds);
    acc.amounts[index] += r.amount;
    acc.total += r.amount;
    acc.count += r.count;
    if (daysPastDue > 0) acc.overdue += r.amount;
  }
  return acc;
}

/** A calendar period of the KPIs: one month, or its first part when asOf falls inside it. */
export interface PeriodMonth {
  month: string; // YYYY-MM
  /** Days counted: the whole month, or 1..asOf for the month of asOf. */
  days: number;
}

/**
 * The `count` calendar months ending at asOf, latest first: the month of asOf counts its days 1..asOf (the whole month
 * when asOf is its last day), the months before count in full.
 */
export function periodMonths(asOf: CalendarDate, count: number): readonly PeriodMonth[] {
  // The same few (asOf, count) pairs come back on every KPI request (its history asks for 24 of them): kept.
  const key = `${asOf}|${count}`;
  const hit = PERIODS.get(key);
  if (hit) return hit;
  const out: PeriodMonth[] = [];
  const first = `${asOf.slice(0, 8)}01`;
  for (let i = 0; i < count; i++) {
    const start = subtractMonths(first, i);
    const [y, m] = start.split('-').map(Number);
    out.push(Object.freeze({ month: start.slice(0, 7), days: i === 0 ? Number(asOf.slice(8, 10)) : daysInMonth(y, m) }));
  }
  if (PERIODS.size >= 2000) PERIODS.clear();
  PERIODS.set(key, Object.freeze(out));
  return out;
}
const PERIODS = new Map<string, readonly PeriodMonth[]>();

/** Count-back input (latest first) from monthly sales. */
export function countBackMonths(periods: readonly PeriodMonth[], sales: ReadonlyMap<string, Minor>): CountBackMonth[] {
  return periods.map((p) => ({ sales: sales.get(p.month) ?? 0n, days: p.days }));
}

/** Sum of sales and days over the periods. */
export function salesOver(periods: readonly PeriodMonth[], sales: ReadonlyMap<string, Minor>): { sales: Minor; days: number } {
  return periods.reduce((acc, p) => ({ sales: acc.sales + (sales.get(p.month) ?? 0n), days: acc.days + p.days }), {
    sales: 0n,
    days: 0,
  });
}

/** The month end before the month of asOf: the opening date of the CEI period. */
export function previousMonthEnd(asOf: CalendarDate): CalendarDate {
  return endOfMonth(subtractMonths(`${asOf.slice(0, 8)}01`, 1));
}

/** Points of the turnover's average receivables: asOf and the 12 month ends before its month. */
export function turnoverPoints(asOf: CalendarDate): CalendarDate[] {
  const out = [asOf];
  for (let i = 1; i <= 12; i++) out.push(endOfMonth(subtractMonths(`${asOf.slice(0, 8)}01`, i)));
  return out;
}

/** Change of receivables (and of their overdue part) in one calendar month, for one key and currency. */
export interface MonthFlow {
  key: string | null;
  currency: string;
  /** YYYY-MM */
  month: string;
  receivables: Minor;
  overdue: Minor;
}

/** Receivables (and overdue) of one key and currency at a date. */
export interface DatedBalance {
  at: CalendarDate;
  key: string | null;
  currency: string;
  total: Minor;
  overdue: Minor;
}

/**
 * Balances at month ends from monthly flows: at a month end, the sum of the flows of its month and the months before.
 * One balance per date and (key, currency) that has a flow on or before that date.
 */
export function balancesAtMonthEnds(flows: readonly MonthFlow[], monthEnds: readonly CalendarDate[]): DatedBalance[] {
  const groups = new Map<string, MonthFlow[]>();
  for (const f of flows) {
    const k = `${f.key}\u0000${f.currency}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(f);
  }
  const dates = [...new Set(monthEnds)].sort();
  for (const at of dates) if (endOfMonth(at) !== at) throw new Error(`Not a month end: ${at}`);
  const out: DatedBalance[] = [];
  for (const rows of groups.values()) {
    rows.sort((a, b) => a.month.localeCompare(b.month));
    let i = 0;
    let total = 0n;
    let overdue = 0n;
    for (const at of dates) {
      for (; i < rows.length && rows[i].month <= at.slice(0, 7); i++) {
        total += rows[i].receivables;
        overdue += rows[i].overdue;
      }
      if (i > 0) out.push({ at, key: rows[0].key, currency: rows[0].currency, total, overdue });
    }
  }
  return out;
}
