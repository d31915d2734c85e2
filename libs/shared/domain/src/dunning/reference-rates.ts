import { isCalendarDate, type CalendarDate } from '../calendar-date.js';

/**
 * Reference rates for late-payment penalties (DOMAIN.md, "Late-payment penalties (France and EU)").
 *
 * Rates cross every boundary as exact decimal percent strings ('2.15', '14.50'; a database numeric(7,4)
 * such as '2.1500' is accepted too). Arithmetic is done on integers in RATE units: 1 unit = 0.0001 %
 * (one millionth of the amount), which represents exactly every rate with up to 4 decimals of a percent —
 * every official rate has 2 decimals, 3x a legal rate too, and the tenant's editable copy is stored with
 * 4 decimals. A rate with more decimals is refused rather than rounded.
 *
 * Every function takes the table as an argument: the app keeps an editable copy per tenant, seeded from the
 * shipped constants below (ECB_MRO_RATES, FR_LEGAL_INTEREST_RATES).
 */

/** One change of the ECB main refinancing operations rate: `rate` applies from `effectiveDate` on. */
export interface EcbRateChange {
  effectiveDate: CalendarDate;
  /** Percent, e.g. '2.15'. */
  rate: string;
}

/** The French legal interest rate ("taux de l'intérêt légal") of one half-year. */
export interface LegalInterestRate {
  year: number;
  /** 1: 1 January – 30 June; 2: 1 July – 31 December. */
  half: 1 | 2;
  /** Percent, e.g. '4.22'. */
  rate: string;
}

export type HalfYear = 1 | 2;

/** Rate units per percent point: a rate in RATE units is percent × 10 000 (i.e. millionths of the amount). */
export const RATE_UNITS_PER_PERCENT = 10_000n;
/** Rate units per 1 (100 %): an amount × units / RATE_UNITS_PER_ONE is the amount × rate. */
export const RATE_UNITS_PER_ONE = 100n * RATE_UNITS_PER_PERCENT;
const RATE_DECIMALS = 4;

const RATE_RE = /^([+-])?(\d+)(?:\.(\d+))?$/;

/** '14.5' → 145000n (RATE units of 0.0001 %). Throws on garbage or more than 4 decimals. */
export function rateToUnits(rate: string): bigint {
  const m = RATE_RE.exec(typeof rate === 'string' ? rate.trim() : '');
  if (!m) throw new Error(`Not a decimal percent rate: ${rate}`);
  const [, sign, int, frac = ''] = m;
  if (frac.replace(/0+$/, '').length > RATE_DECIMALS) throw new Error(`Rate ${rate} has more than ${RATE_DECIMALS} decimals`);
  const units = BigInt(int) * RATE_UNITS_PER_PERCENT + BigInt(frac.padEnd(RATE_DECIMALS, '0').slice(0, RATE_DECIMALS));
  return sign === '-' ? -units : units;
}

/** 145000n → '14.50': at least 2 decimals, up to 4 when needed (126600n → '12.66', 12345n → '1.2345'). */
export function unitsToRate(units: bigint): string {
  const neg = units < 0n;
  const abs = neg ? -units : units;
  const int = abs / RATE_UNITS_PER_PERCENT;
  let frac = (abs % RATE_UNITS_PER_PERCENT).toString().padStart(RATE_DECIMALS, '0');
  while (frac.length > 2 && frac.endsWith('0')) frac = frac.slice(0, -1);
  return `${neg ? '-' : ''}${int}.${frac}`;
}

/** Normalises a rate string: '14.5' → '14.50', '2.1500' → '2.15'. */
export function normalizeRate(rate: string): string {
  return unitsToRate(rateToUnits(rate));
}

/**
 * ECB main refinancing operations (MRO) rate, every change since the launch of the euro (1 January 1999),
 * oldest first, as published in the ECB's "Key ECB interest rates" table ("with effect from" dates).
 *
 * Sources and checks (public copies of the ECB table by the Banque de France, the Bank of Slovenia and the
 * ECB statistics site; ECB press releases; French reference pages):
 * - 1999-01-01 → 2014-09-10: as in the ECB table; cross-checked against a full copy of that table.
 *   Notes: the rows of 4 and 22 January 1999 and of 8 and 9 October 2008 changed only the standing facilities
 *   (MRO unchanged) and are left out; from 28 June 2000 to 8 October 2008 MROs were variable rate tenders and
 *   the rate here is the minimum bid rate (penalty rules then referred to the marginal rate of the most recent
 *   operation, slightly higher: this only matters for debts long time-barred); before 10 March 2004 a new MRO
 *   rate applied from the first operation settled after the date shown (days later, e.g. 9 Feb. 2000 for the
 *   4 Feb. 2000 row) — no such gap spans a 1 January or 1 July, so the half-year penalty rates are unaffected.
 * - 2014-09-10 → 2025-06-11: as listed in DOMAIN.md, and identical to the ECB table copies.
 * - After 2025-06-11: the ECB left its rates unchanged (MRO 2.15 %) at its meetings of July, September,
 *   October and December 2025 and of 5 February 2026 (press reports of those decisions). No change could be
 *   confirmed, nor ruled out, for the meetings from 19 March 2026 on: the last entry below may therefore be
 *   stale as of today (2026-11-25). Tenants should check the ECB site and add any later change to their copy.
 */
export const ECB_MRO_RATES: readonly EcbRateChange[] = Object.freeze(
  [
    { effectiveDate: '1999-01-01', rate: '3.00' },
    { effectiveDate: '1999-04-09', rate: '2.50' },
    { effectiveDate: '1999-11-05', rate: '3.00' },
    { effectiveDate: '2000-02-04', rate: '3.25' },
    { effectiveDate: '2000-03-17', rate: '3.50' },
    { effectiveDate: '2000-04-28', rate: '3.75' },
    { effectiveDate: '2000-06-09', rate: '4.25' },
    { effectiveDate: '2000-09-01', rate: '4.50' },
    { effectiveDate: '2000-10-06', rate: '4.75' },
    { effectiveDate: '2001-05-11', rate: '4.50' },
    { effectiveDate: '2001-08-31', rate: '4.25' },
    { effectiveDate: '2001-09-18', rate: '3.75' },
    { effectiveDate: '2001-11-09', rate: '3.25' },
    { effectiveDate: '2002-12-06', rate: '2.75' },
    { effectiveDate: '2003-03-07', rate: '2.50' },
    { effectiveDate: '2003-06-06', rate: '2.00' },
    { effectiveDate: '2005-12-06', rate: '2.25' },
    { effectiveDate: '2006-03-08', rate: '2.50' },
    { effectiveDate: '2006-06-15', rate: '2.75' },
    { effectiveDate: '2006-08-09', rate: '3.00' },
    { effectiveDate: '2006-10-11', rate: '3.25' },
    { effectiveDate: '2006-12-13', rate: '3.50' },
    { effectiveDate: '2007-03-14', rate: '3.75' },
    { effectiveDate: '2007-06-13', rate: '4.00' },
    { effectiveDate: '2008-07-09', rate: '4.25' },
    { effectiveDate: '2008-10-15', rate: '3.75' },
    { effectiveDate: '2008-11-12', rate: '3.25' },
    { effectiveDate: '2008-12-10', rate: '2.50' },
    { effectiveDate: '2009-01-21', rate: '2.00' },
    { effectiveDate: '2009-03-11', rate: '1.50' },
    { effectiveDate: '2009-04-08', rate: '1.25' },
    { effectiveDate: '2009-05-13', rate: '1.00' },
    { effectiveDate: '2011-04-13', rate: '1.25' },
    { effectiveDate: '2011-07-13', rate: '1.50' },
    { effectiveDate: '2011-11-09', rate: '1.25' },
    { effectiveDate: '2011-12-14', rate: '1.00' },
    { effectiveDate: '2012-07-11', rate: '0.75' },
    { effectiveDate: '2013-05-08', rate: '0.50' },
    { effectiveDate: '2013-11-13', rate: '0.25' },
    { effectiveDate: '2014-06-11', rate: '0.15' },
    { effectiveDate: '2014-09-10', rate: '0.05' },
    { effectiveDate: '2016-03-16', rate: '0.00' },
    { effectiveDate: '2022-07-27', rate: '0.50' },
    { effectiveDate: '2022-09-14', rate: '1.25' },
    { effectiveDate: '2022-11-02', rate: '2.00' },
    { effectiveDate: '2022-12-21', rate: '2.50' },
    { effectiveDate: '2023-02-08', rate: '3.00' },
    { effectiveDate: '2023-03-22', rate: '3.50' },
    { effectiveDate: '2023-05-10', rate: '3.75' },
    { effectiveDate: '2023-06-21', rate: '4.00' },
    { effectiveDate: '2023-08-02', rate: '4.25' },
    { effectiveDate: '2023-09-20', rate: '4.50' },
    { effectiveDate: '2024-06-12', rate: '4.25' },
    { effectiveDate: '2024-09-18', rate: '3.65' },
    { effectiveDate: '2024-10-23', rate: '3.40' },
    { effectiveDate: '2024-12-18', rate: '3.15' },
    { effectiveDate: '2025-02-05', rate: '2.90' },
    { effectiveDate: '2025-03-12', rate: '2.65' },
    { effectiveDate: '2025-04-23', rate: '2.40' },
    { effectiveDate: '2025-06-11', rate: '2.15' },
    // Unchanged through the meeting of 5 February 2026 (checked); later meetings could not be checked.
  ].map((e) => Object.freeze(e)),
);

/** Both halves of a year with a single annual rate (before 2015). */
function annual(year: number, rate: string): LegalInterestRate[] {
  return [
    { year, half: 1, rate },
    { year, half: 2, rate },
  ];
}

/**
 * French legal interest rate for creditors other than consumers ("pour tous les autres cas", i.e.
 * professionals), by half-year — set by arrêté each half-year since 2015 (Code monétaire et financier
 * L313-2, D313-1-A). Before 2015 there was one annual rate for every creditor, set by décret; 2010–2014 are
 * given for both halves.
 *
 * Checked against public reference pages (a table of 2015 H1 → 2025 H2 published with the service-public.fr
 * figures, arrêtés quoted by law firms): 2021–2024 H1 also match DOMAIN.md; 2024 H2 4.92, 2025 H1 3.71,
 * 2025 H2 2.76 confirmed; 2026 H1 2.62 from the arrêté of 15 December 2025 (JORF of 26 December 2025).
 * 2026 H2 (arrêté due in June 2026) could not be confirmed: it is NOT in the table — add it to the tenant copy
 * once known (computeLatePenalty falls back to the latest known half-year and says so in `warnings`).
 * 2010 0.65, 2011 0.38, 2012 0.71 checked against the décrets quoted by law firms; 2013 and 2014 0.04 from
 * memory of the décrets of those years (a 2014 page confirms 0.04 was announced; 2013 not re-checked).
 */
export const FR_LEGAL_INTEREST_RATES: readonly LegalInterestRate[] = Object.freeze(
  [
    ...annual(2010, '0.65'),
    ...annual(2011, '0.38'),
    ...annual(2012, '0.71'),
    ...annual(2013, '0.04'),
    ...annual(2014, '0.04'),
    { year: 2015, half: 1, rate: '0.93' },
    { year: 2015, half: 2, rate: '0.99' },
    { year: 2016, half: 1, rate: '1.01' },
    { year: 2016, half: 2, rate: '0.93' },
    { year: 2017, half: 1, rate: '0.90' },
    { year: 2017, half: 2, rate: '0.90' },
    { year: 2018, half: 1, rate: '0.89' },
    { year: 2018, half: 2, rate: '0.88' },
    { year: 2019, half: 1, rate: '0.86' },
    { year: 2019, half: 2, rate: '0.87' },
    { year: 2020, half: 1, rate: '0.87' },
    { year: 2020, half: 2, rate: '0.84' },
    { year: 2021, half: 1, rate: '0.79' },
    { year: 2021, half: 2, rate: '0.76' },
    { year: 2022, half: 1, rate: '0.76' },
    { year: 2022, half: 2, rate: '0.77' },
    { year: 2023, half: 1, rate: '2.06' },
    { year: 2023, half: 2, rate: '4.22' },
    { year: 2024, half: 1, rate: '5.07' },
    { year: 2024, half: 2, rate: '4.92' },
    { year: 2025, half: 1, rate: '3.71' },
    { year: 2025, half: 2, rate: '2.76' },
    { year: 2026, half: 1, rate: '2.62' },
  ].map((e) => Object.freeze(e as LegalInterestRate)),
);

/** The first day of a half-year: 'YYYY-01-01' or 'YYYY-07-01'. */
export function halfYearStart(year: number, half: HalfYear): CalendarDate {
  checkHalfYear(year, half);
  return `${String(year).padStart(4, '0')}-${half === 1 ? '01' : '07'}-01`;
}

/** The half-year a date falls in. */
export function halfYearOf(date: CalendarDate): { year: number; half: HalfYear } {
  if (!isCalendarDate(date)) throw new Error(`Not a calendar date: ${date}`);
  const [y, m] = date.split('-').map(Number);
  return { year: y, half: m <= 6 ? 1 : 2 };
}

function checkHalfYear(year: number, half: number): void {
  if (!Number.isSafeInteger(year) || year < 1 || year > 9999) throw new Error(`Not a year: ${year}`);
  if (half !== 1 && half !== 2) throw new Error(`half must be 1 or 2, got ${half}`);
}

/**
 * The rate of the last change on or before `date` (the table need not be sorted). Throws a RangeError when
 * the table has no change on or before that date (e.g. before 1999 for the ECB table).
 */
export function rateInForce(table: readonly EcbRateChange[], date: CalendarDate): string {
  if (!isCalendarDate(date)) throw new Error(`Not a calendar date: ${date}`);
  let best: EcbRateChange | undefined;
  for (const entry of table) {
    if (!isCalendarDate(entry.effectiveDate)) throw new Error(`Not a calendar date in the rate table: ${entry.effectiveDate}`);
    // 'YYYY-MM-DD' strings compare in date order.
    if (entry.effectiveDate <= date && (!best || entry.effectiveDate >= best.effectiveDate)) best = entry;
  }
  if (!best) throw new RangeError(`No reference rate in force on ${date}`);
  return normalizeRate(best.rate);
}

/**
 * The reference rate of a half-year: the ECB MRO rate in force on 1 January (first half) or 1 July (second
 * half), as both Code de commerce L441-10 and Directive 2011/7/EU (art. 2(8)) define it.
 */
export function referenceRateForHalfYear(ecbTable: readonly EcbRateChange[], year: number, half: HalfYear): string {
  return rateInForce(ecbTable, halfYearStart(year, half));
}

/**
 * Default French late-payment rate for a half-year (Code de commerce L441-10): the reference rate + 10 points.
 * (The +10 points rule dates from 2009 and the 1 January / 1 July fixing from 2013; earlier periods are
 * time-barred for commercial debts anyway.)
 */
export function frenchPenaltyRate(ecbTable: readonly EcbRateChange[], year: number, half: HalfYear): string {
  return addPoints(referenceRateForHalfYear(ecbTable, year, half), 10);
}

/** Directive 2011/7/EU statutory rate for a half-year: the reference rate + 8 points. */
export function euDirectiveRate(ecbTable: readonly EcbRateChange[], year: number, half: HalfYear): string {
  return addPoints(referenceRateForHalfYear(ecbTable, year, half), 8);
}

/** The default French penalty rate applying on a given day (the rate of that day's half-year). */
export function legalPenaltyRateForDate(ecbTable: readonly EcbRateChange[], date: CalendarDate): string {
  const { year, half } = halfYearOf(date);
  return frenchPenaltyRate(ecbTable, year, half);
}

/** The French legal interest rate of exactly that half-year, or undefined when the table lacks it. */
export function legalInterestRate(
  legalTable: readonly LegalInterestRate[],
  year: number,
  half: HalfYear,
): LegalInterestRate | undefined {
  checkHalfYear(year, half);
  const found = legalTable.find((r) => r.year === year && r.half === half);
  return found && { ...found, rate: normalizeRate(found.rate) };
}

/**
 * The latest entry of the table at or before a half-year (the exact one when present), or undefined when
 * the table starts after it.
 */
export function latestLegalInterestRate(
  legalTable: readonly LegalInterestRate[],
  year: number,
  half: HalfYear,
): LegalInterestRate | undefined {
  checkHalfYear(year, half);
  const key = year * 2 + (half - 1);
  let best: LegalInterestRate | undefined;
  for (const r of legalTable) {
    const k = r.year * 2 + (r.half - 1);
    if (k <= key && (!best || k >= best.year * 2 + (best.half - 1))) best = r;
  }
  return best && { ...best, rate: normalizeRate(best.rate) };
}

/** The floor of a contractual French penalty rate: 3 × the legal interest rate (L441-10). */
export function contractualFloorRate(legalRate: string): string {
  return unitsToRate(3n * rateToUnits(legalRate));
}

function addPoints(rate: string, points: number): string {
  return unitsToRate(rateToUnits(rate) + BigInt(points) * RATE_UNITS_PER_PERCENT);
}
