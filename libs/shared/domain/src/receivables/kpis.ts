import { toDayNumber, type CalendarDate } from '../calendar-date.js';
import { roundDiv, type Minor } from '../money.js';
import { subtractMonths } from './months.js';

/**
 * Receivables KPIs, as defined in the domain summary (DOMAIN.md, "KPIs").
 *
 * Conventions shared by every function here:
 * - money stays in bigint minor units; every sum is a bigint, and each ratio is computed as an exact fraction of
 *   bigints, then rounded ONCE to 2 decimals (half away from zero) and returned as a number;
 * - `null` means "not defined": no sales, a zero (or negative) denominator, no data in the window;
 * - a receivables balance ≤ 0 (net credit balance) gives a DSO of 0: nothing is waiting to be collected;
 * - `days` (length of the period) must be a positive whole number, else an Error is thrown (a caller bug, not data).
 */

/** num / den rounded to 2 decimals, half away from zero. `den` must not be 0. */
function round2(num: bigint, den: bigint): number {
  return Number(roundDiv(num * 100n, den)) / 100;
}

function checkDays(days: number, what = 'days'): bigint {
  if (!Number.isSafeInteger(days) || days <= 0) throw new Error(`${what} must be a positive whole number, got ${days}`);
  return BigInt(days);
}

/** One month of history for the count-back DSO. */
export interface CountBackMonth {
  /** Sales (TTC, credit sales) of the month, in minor units. */
  sales: Minor;
  /** Days in the month (28 to 31). */
  days: number;
}

export interface CountBackDetail {
  /** Days, 2 decimals. A lower bound when `historyExhausted`. */
  dso: number;
  /** Months whose sales were used, fully or partly (3 in the DOMAIN.md example: Mar, Feb and part of Jan). */
  monthsConsumed: number;
  /** True when the receivables outlast the sales history given: the DSO is then the days of all months. */
  historyExhausted: boolean;
}

/**
 * DSO by the count-back method ("méthode par épuisement"): subtract the sales of the latest month from the
 * receivables at the closing date, then the month before, until the balance is exhausted;
 * DSO = days of the fully consumed months + (remaining balance / sales of the partly consumed month) × its days.
 *
 * `months` are latest first. A month with sales ≤ 0 has nothing to consume: its days count in full.
 * A balance consumed exactly by a month counts that month in full and stops there.
 * Returns null when there is no month, or no month with positive sales; 0 when receivables ≤ 0.
 * When the history runs out with a balance left, `dso` is the days of all months (a lower bound) and
 * `historyExhausted` is true.
 */
export function dsoCountBackDetail(receivables: Minor, months: readonly CountBackMonth[]): CountBackDetail | null {
  const days = months.map((m, i) => checkDays(m.days, `months[${i}].days`));
  if (months.length === 0) return null;
  if (receivables <= 0n) return { dso: 0, monthsConsumed: 0, historyExhausted: false };
  if (!months.some((m) => m.sales > 0n)) return null;
  let remaining = receivables;
  let fullDays = 0n;
  for (let i = 0; i < months.length; i++) {
    const { sales } = months[i];
    if (sales > 0n && remaining <= sales) {
      // partly (or exactly) consumed month: fullDays + remaining / sales × days
      return { dso: round2(fullDays * sales + remaining * days[i], sales), monthsConsumed: i + 1, historyExhausted: false };
    }
    if (sales > 0n) remaining -= sales;
    fullDays += days[i];
  }
  return { dso: Number(fullDays), monthsConsumed: months.length, historyExhausted: true };
}

/** Count-back DSO in days (2 decimals), or null; see `dsoCountBackDetail` (a lower bound when the history runs out). */
export function dsoCountBack(receivables: Minor, months: readonly CountBackMonth[]): number | null {
  return dsoCountBackDetail(receivables, months)?.dso ?? null;
}

/** DSO, simple (ratio) method: receivables / credit sales of the period × days in the period. Null when sales ≤ 0. */
export function dsoSimple(receivables: Minor, creditSales: Minor, days: number): number | null {
  const d = checkDays(days);
  if (creditSales <= 0n) return null;
  if (receivables <= 0n) return 0;
  return round2(receivables * d, creditSales);
}

/** Best possible DSO: not-yet-due (current) receivables / credit sales × days. Null when sales ≤ 0. */
export function bestPossibleDso(currentReceivables: Minor, creditSales: Minor, days: number): number | null {
  return dsoSimple(currentReceivables, creditSales, days);
}

/**
 * Average days delinquent = DSO − BPDSO, 2 decimals. Pass both computed by the same method over the same period
 * (normally `dsoSimple` and `bestPossibleDso`). Null when either is null.
 */
export function averageDaysDelinquent(dso: number | null, bpdso: number | null): number | null {
  if (dso === null || bpdso === null) return null;
  return Math.round((dso - bpdso) * 100) / 100 + 0; // + 0 turns -0 into 0
}

export interface CeiInput {
  openingReceivables: Minor;
  creditSales: Minor;
  closingReceivables: Minor;
  /** Closing receivables not yet due. */
  closingCurrentReceivables: Minor;
}

/**
 * Collection effectiveness index, in percent (2 decimals):
 * (opening + credit sales − closing) / (opening + credit sales − closing current) × 100.
 * Null when the denominator is ≤ 0 (nothing was collectable).
 */
export function cei({ openingReceivables, creditSales, closingReceivables, closingCurrentReceivables }: CeiInput): number | null {
  const collectable = openingReceivables + creditSales - closingCurrentReceivables;
  if (collectable <= 0n) return null;
  return round2((openingReceivables + creditSales - closingReceivables) * 100n, collectable);
}

/** part / total × 100, 2 decimals; null when total ≤ 0. */
function percentOf(part: Minor, total: Minor): number | null {
  if (total <= 0n) return null;
  return round2(part * 100n, total);
}

/** Share of receivables not yet due, in percent (2 decimals); null when total ≤ 0. */
export function percentCurrent(current: Minor, total: Minor): number | null {
  return percentOf(current, total);
}

/** Share of receivables past due, in percent (2 decimals); null when total ≤ 0. */
export function overdueShare(overdue: Minor, total: Minor): number | null {
  return percentOf(overdue, total);
}

/**
 * Receivables turnover = credit sales / average receivables, both over the SAME period as given (not annualised:
 * pass twelve months of sales for the usual yearly ratio). 2 decimals; null when average receivables ≤ 0.
 */
export function receivablesTurnover(creditSales: Minor, averageReceivables: Minor): number | null {
  if (averageReceivables <= 0n) return null;
  return round2(creditSales, averageReceivables);
}

export interface PaidInvoice {
  amount: Minor;
  dueDate: CalendarDate;
  paidDate: CalendarDate;
}

export type PaymentTrend = 'improving' | 'stable' | 'worsening';

export interface PayerProfile {
  /** Amount-weighted average days late of invoices paid in the last 6 months, 2 decimals. */
  avgDaysLate6m: number | null;
  /** Same over 12 months. */
  avgDaysLate12m: number | null;
  /** Share (0..100, 2 decimals) of the invoices paid in the last 12 months that were paid after their due date, by count. */
  shareLate12m: number | null;
  /** Same by amount. */
  shareLateAmount12m: number | null;
  /** Last 3 months vs the 3 months before: > 3 days more late → worsening, > 3 days less → improving. */
  trend: PaymentTrend | null;
  /** Invoices paid in the last 12 months (those counted above). */
  invoiceCount12m: number;
}

/** Trend threshold, in days of amount-weighted lateness. */
export const PAYER_TREND_THRESHOLD_DAYS = 3;

interface LateSums {
  weightedDays: bigint; // Σ amount × days late
  amount: bigint; // Σ amount
  lateAmount: bigint;
  count: number;
  lateCount: number;
}

/**
 * Payer profile of a customer from its paid invoices (DOMAIN.md: ADD per customer).
 * - A window of n months is paidDate in (subtractMonths(asOf, n), asOf]: calendar months, the day clamped to the
 *   month's end (asOf 2024-08-31, 6 months → paid after 2024-02-29). Payments after asOf are ignored.
 * - Days late = max(0, paidDate − dueDate): an early payment counts as 0 days, it does not offset late ones.
 * - Weighted by amount; invoices with an amount ≤ 0 are left out (they carry no weight).
 * - Trend compares the exact weighted averages of (asOf − 3 months, asOf] and (asOf − 6 months, asOf − 3 months];
 *   null if either window has no invoice.
 */
export function payerProfile(paidInvoices: readonly PaidInvoice[], asOf: CalendarDate): PayerProfile {
  const today = toDayNumber(asOf);
  const from3 = toDayNumber(subtractMonths(asOf, 3));
  const from6 = toDayNumber(subtractMonths(asOf, 6));
  const from12 = toDayNumber(subtractMonths(asOf, 12));
  const empty = (): LateSums => ({ weightedDays: 0n, amount: 0n, lateAmount: 0n, count: 0, lateCount: 0 });
  const recent3 = empty();
  const prior3 = empty();
  const last6 = empty();
  const last12 = empty();
  for (const inv of paidInvoices) {
    const paid = toDayNumber(inv.paidDate);
    const late = Math.max(0, paid - toDayNumber(inv.dueDate));
    if (inv.amount <= 0n || paid > today || paid <= from12) continue;
    const windows = [last12];
    if (paid > from6) windows.push(last6, paid > from3 ? recent3 : prior3);
    for (const w of windows) {
      w.weightedDays += inv.amount * BigInt(late);
      w.amount += inv.amount;
      w.count += 1;
      if (late > 0) {
        w.lateAmount += inv.amount;
        w.lateCount += 1;
      }
    }
  }
  const avg = (w: LateSums) => (w.amount > 0n ? round2(w.weightedDays, w.amount) : null);
  let trend: PaymentTrend | null = null;
  if (recent3.amount > 0n && prior3.amount > 0n) {
    // recent − prior compared to ±threshold, exactly: (r.wd × p.a − p.wd × r.a) vs threshold × r.a × p.a
    const diff = recent3.weightedDays * prior3.amount - prior3.weightedDays * recent3.amount;
    const limit = BigInt(PAYER_TREND_THRESHOLD_DAYS) * recent3.amount * prior3.amount;
    trend = diff > limit ? 'worsening' : diff < -limit ? 'improving' : 'stable';
  }
  return {
    avgDaysLate6m: avg(last6),
    avgDaysLate12m: avg(last12),
    shareLate12m: last12.count > 0 ? round2(BigInt(last12.lateCount) * 100n, BigInt(last12.count)) : null,
    shareLateAmount12m: percentOf(last12.lateAmount, last12.amount),
    trend,
    invoiceCount12m: last12.count,
  };
}
