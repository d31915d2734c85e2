import { addDays, daysBetween, isCalendarDate, type CalendarDate } from '../calendar-date.js';
import { fromMinor, roundDiv, toMinor, type Minor } from '../money.js';
import {
  contractualFloorRate,
  ECB_MRO_RATES,
  euDirectiveRate,
  FR_LEGAL_INTEREST_RATES,
  frenchPenaltyRate,
  halfYearOf,
  latestLegalInterestRate,
  RATE_UNITS_PER_ONE,
  rateToUnits,
  unitsToRate,
  type EcbRateChange,
  type HalfYear,
  type LegalInterestRate,
} from './reference-rates.js';

/**
 * Late-payment penalties (DOMAIN.md, "Late-payment penalties (France and EU)"), as pure functions.
 *
 * Conventions:
 * - Lateness runs from the day after the due date up to and including the payment date (or the as-of date
 *   for an invoice still open): days late = daysBetween(due, paid), 0 when paid on or before the due date.
 * - The days are split at half-year boundaries (1 January, 1 July); each half-year uses its own rate.
 * - Interest = amount × rate × days / 365 — always 365, leap years included (29 February counts as a day
 *   late, the divisor stays 365), as the French practice and DOMAIN.md formula do.
 * - No floating point: the amount is in bigint minor units of its currency, rates in integer units of
 *   0.0001 % (see reference-rates.ts). The interest of the invoice is the exact fraction
 *   Σ amount × rate × days / (365 × 1 000 000) rounded ONCE, half up, to the currency's minor unit (per
 *   invoice, not per segment). Each segment's `interest` is its share by cumulative rounding (rounded running
 *   total minus the previous rounded running total), so the segments always add up to the invoice's interest
 *   and each is within one minor unit of its exact value.
 * - The 40 EUR recovery indemnity (Code de commerce D441-5) is due once per invoice paid late, B2B only, is
 *   not subject to VAT and is not split on partial payments. It is always expressed in EUR: for an invoice
 *   in another currency it is reported separately (`indemnityCurrency: 'EUR'`), never converted, and is not
 *   in `total`.
 */

export type LatePenaltyRegime = 'fr' | 'eu' | 'none';

/**
 * Where the rate came from: the statutory default (ECB + 10 points in France, + 8 under the EU directive),
 * the contractual rate, the contractual rate raised to its floor for at least one half-year, or no rate at
 * all (regime 'none' or a non-B2B debt without a contractual rate).
 */
export type PenaltyRateSource = 'legal_default' | 'contractual' | 'contractual_floored' | 'none';

/** The 40 EUR fixed recovery indemnity, in EUR. */
export const RECOVERY_INDEMNITY_EUR = '40.00';
const INDEMNITY_MINOR = toMinor(RECOVERY_INDEMNITY_EUR, 'EUR');
const DAYS_IN_YEAR = 365n;

export interface HalfYearSegment {
  /** First day late in the segment. */
  from: CalendarDate;
  /** Last day late in the segment (inclusive). */
  to: CalendarDate;
  days: number;
  year: number;
  half: HalfYear;
}

/**
 * The days late, from the day after `dueDate` to `paidOrAsOfDate` inclusive, split at 1 January and 1 July.
 * Empty when paid on or before the due date. The days of the segments add up to daysBetween(due, paid).
 */
export function halfYearSegments(dueDate: CalendarDate, paidOrAsOfDate: CalendarDate): HalfYearSegment[] {
  checkDate(dueDate, 'dueDate');
  checkDate(paidOrAsOfDate, 'paid / as-of date');
  const segments: HalfYearSegment[] = [];
  let from = addDays(dueDate, 1);
  while (from <= paidOrAsOfDate) {
    const { year, half } = halfYearOf(from);
    const halfEnd = `${String(year).padStart(4, '0')}-${half === 1 ? '06-30' : '12-31'}`;
    const to = halfEnd < paidOrAsOfDate ? halfEnd : paidOrAsOfDate;
    segments.push({ from, to, days: daysBetween(from, to) + 1, year, half });
    from = addDays(to, 1);
  }
  return segments;
}

export interface LatePenaltyInput {
  /**
   * Decimal amount TTC (VAT included) on which the penalties run, in `currency`. For an invoice paid late:
   * the amount paid late. For an invoice still open: the caller passes the OPEN amount (after partial
   * payments and credit notes) with `asOf`. For partial payments, compute one call per tranche (each with its
   * own payment date) and sum them with computeCustomerPenalties and the same `invoiceId`, which counts the
   * 40 EUR once. Must not be negative.
   */
  amount: string;
  currency: string;
  dueDate: CalendarDate;
  /** Payment date; when set, it is the end of lateness (it wins over `asOf`). */
  paidDate?: CalendarDate | null;
  /** For an invoice still open: lateness runs up to and including this date. */
  asOf?: CalendarDate | null;
  /**
   * 'fr': French Code de commerce (L441-10, D441-5); 'eu': Directive 2011/7/EU (reference rate + 8 points,
   * 40 EUR); 'none': no statutory penalty nor indemnity (only a contractual rate, if any, applies).
   */
  regime: LatePenaltyRegime;
  /**
   * Contractual rate in percent ('12', '15.5'). Used for every day late. Under the 'fr' regime (B2B) it is
   * never below 3 × the French legal interest rate of each half-year: below that, the floor applies. Under
   * 'eu' or 'none' it applies as given (the floor is a rule of French law).
   */
  contractualRate?: string | null;
  /** The ECB MRO rate changes to use (the tenant's copy); defaults to ECB_MRO_RATES. */
  ecbTable?: readonly EcbRateChange[];
  /** The French legal interest rates to use (the tenant's copy); defaults to FR_LEGAL_INTEREST_RATES. */
  legalTable?: readonly LegalInterestRate[];
  /**
   * A debt between professionals (default true). The statutory rules (default rate, floor of the
   * contractual rate, 40 EUR indemnity) only govern commercial transactions: with `b2b: false` only a
   * contractual rate, if any, applies, as given, and there is no indemnity.
   */
  b2b?: boolean;
}

export interface LatePenaltySegment {
  from: CalendarDate;
  to: CalendarDate;
  days: number;
  /** Annual rate applied, percent ('14.50'). */
  rate: string;
  /** This segment's share of the interest, in the invoice currency. */
  interest: string;
  /** Set when a contractual rate was raised to this floor (3 × the legal interest rate) for this segment. */
  floorRate?: string;
}

export interface LatePenaltyResult {
  daysLate: number;
  /** The last day counted: the payment date, else the as-of date. */
  until: CalendarDate;
  currency: string;
  segments: LatePenaltySegment[];
  /** Interest in the invoice currency, with its minor-unit decimals ('235.27' EUR, '10808' JPY). */
  interest: string;
  /** '40.00' when daysLate > 0, the amount is positive, the debt is B2B and the regime is not 'none'; else '0.00'. */
  indemnity: string;
  /** The indemnity is always in EUR, whatever the invoice currency. */
  indemnityCurrency: 'EUR';
  /**
   * In the invoice currency: interest + indemnity for a EUR invoice; the interest alone for any other
   * currency (the EUR indemnity is then reported apart, never converted).
   */
  total: string;
  rateSource: PenaltyRateSource;
  /** The floor (3 × legal interest rate) when it replaced the contractual rate; the highest one if several. */
  floorRate?: string;
  /** Data gaps worked around (e.g. a legal interest rate missing from the table for a half-year). */
  warnings: string[];
}

/** Penalties on one amount: see the conventions at the top of this file. */
export function computeLatePenalty(input: LatePenaltyInput): LatePenaltyResult {
  const { currency, dueDate, regime } = input;
  const ecbTable = input.ecbTable ?? ECB_MRO_RATES;
  const legalTable = input.legalTable ?? FR_LEGAL_INTEREST_RATES;
  const b2b = input.b2b ?? true;
  if (regime !== 'fr' && regime !== 'eu' && regime !== 'none') throw new Error(`Unknown penalty regime: ${String(regime)}`);
  const until = input.paidDate ?? input.asOf;
  if (!until) throw new Error('computeLatePenalty needs a paidDate, or an asOf date for an open invoice');
  checkDate(dueDate, 'dueDate');
  checkDate(until, input.paidDate ? 'paidDate' : 'asOf');

  const amount = toMinor(input.amount, currency);
  if (amount < 0n) throw new RangeError(`Penalties run on a positive amount, got ${input.amount} ${currency}`);

  const statutory = b2b && regime !== 'none';
  const hasContract = input.contractualRate != null && String(input.contractualRate).trim() !== '';
  const contractual = hasContract ? rateToUnits(String(input.contractualRate)) : null;
  if (contractual !== null && contractual < 0n) throw new RangeError(`Negative contractual rate: ${input.contractualRate}`);
  const applyFloor = contractual !== null && statutory && regime === 'fr';

  const warnings = new Set<string>();
  const halves = halfYearSegments(dueDate, until);
  const daysLate = halves.reduce((n, s) => n + s.days, 0);

  let anyFloored = false;
  let maxFloor: bigint | null = null;
  const priced = halves.map((s) => {
    let rate: bigint;
    let floor: bigint | null = null;
    if (contractual !== null) {
      rate = contractual;
      if (applyFloor) {
        const f = rateToUnits(contractualFloorRate(legalRateFor(legalTable, s.year, s.half, warnings)));
        if (f > contractual) {
          rate = f;
          floor = f;
          anyFloored = true;
          if (maxFloor === null || f > maxFloor) maxFloor = f;
        }
      }
    } else if (statutory) {
      rate = rateToUnits(
        regime === 'fr' ? frenchPenaltyRate(ecbTable, s.year, s.half) : euDirectiveRate(ecbTable, s.year, s.half),
      );
    } else {
      rate = 0n;
    }
    return { ...s, rate, floor };
  });

  // One rounding per invoice; segments by cumulative rounding (they add up to the invoice's interest).
  const denominator = DAYS_IN_YEAR * RATE_UNITS_PER_ONE;
  let exactRunning = 0n;
  let roundedRunning: Minor = 0n;
  const segments: LatePenaltySegment[] = priced.map((s) => {
    exactRunning += amount * s.rate * BigInt(s.days);
    const rounded = roundDiv(exactRunning, denominator);
    const share = rounded - roundedRunning;
    roundedRunning = rounded;
    const seg: LatePenaltySegment = {
      from: s.from,
      to: s.to,
      days: s.days,
      rate: unitsToRate(s.rate),
      interest: fromMinor(share, currency),
    };
    if (s.floor !== null) seg.floorRate = unitsToRate(s.floor);
    return seg;
  });
  const interest = roundedRunning;

  const indemnityDue = statutory && daysLate > 0 && amount > 0n;
  const indemnity = indemnityDue ? INDEMNITY_MINOR : 0n;
  const total = currency === 'EUR' ? interest + indemnity : interest;

  const rateSource: PenaltyRateSource =
    contractual !== null ? (anyFloored ? 'contractual_floored' : 'contractual') : statutory ? 'legal_default' : 'none';
  const result: LatePenaltyResult = {
    daysLate,
    until,
    currency,
    segments,
    interest: fromMinor(interest, currency),
    indemnity: fromMinor(indemnity, 'EUR'),
    indemnityCurrency: 'EUR',
    total: fromMinor(total, currency),
    rateSource,
    warnings: [...warnings],
  };
  if (maxFloor !== null) result.floorRate = unitsToRate(maxFloor);
  return result;
}

/** The legal interest rate of a half-year; the latest earlier one (with a warning) when the table lacks it. */
function legalRateFor(table: readonly LegalInterestRate[], year: number, half: HalfYear, warnings: Set<string>): string {
  const found = latestLegalInterestRate(table, year, half);
  if (!found) throw new RangeError(`No French legal interest rate for ${year} H${half} or before`);
  if (found.year !== year || found.half !== half) {
    warnings.add(`French legal interest rate for ${year} H${half} missing: used ${found.year} H${found.half} (${found.rate} %)`);
  }
  return found.rate;
}

function checkDate(date: unknown, what: string): void {
  if (!isCalendarDate(date)) throw new Error(`${what} is not a calendar date (YYYY-MM-DD): ${String(date)}`);
}

// ---------------------------------------------------------------------------------------------------------
// A customer's invoices (statement, formal notice)
// ---------------------------------------------------------------------------------------------------------

export interface CustomerPenaltyInvoice {
  /**
   * Identifies the invoice: several lines with the same id (tranches of an invoice paid in several partial
   * payments) count the 40 EUR indemnity once. Lines without an id each count as a separate invoice.
   */
  invoiceId?: string;
  /** Amount TTC paid late (paid invoice or tranche), or open amount (open invoice). */
  amount: string;
  currency: string;
  dueDate: CalendarDate;
  /** Payment date of this amount; absent or null while open (lateness then runs to `options.asOf`). */
  paidDate?: CalendarDate | null;
  /** Overrides `options.contractualRate` for this invoice. */
  contractualRate?: string | null;
}

export interface CustomerPenaltiesOptions {
  /** End of lateness for the open amounts. */
  asOf: CalendarDate;
  regime: LatePenaltyRegime;
  contractualRate?: string | null;
  ecbTable?: readonly EcbRateChange[];
  legalTable?: readonly LegalInterestRate[];
  b2b?: boolean;
}

export interface CustomerPenaltyLine extends LatePenaltyResult {
  invoiceId?: string;
}

export interface CurrencyPenaltyTotal {
  currency: string;
  /** Sum of the invoices' interest in that currency. */
  interest: string;
  /** The 40 EUR indemnities: on the EUR row only ('0.00' / '0' on others). */
  indemnity: string;
  /** interest + indemnity. */
  total: string;
}

export interface CustomerPenaltiesResult {
  asOf: CalendarDate;
  lines: CustomerPenaltyLine[];
  /** One row per currency with interest, plus a EUR row when indemnities are due; sorted by currency code. */
  totals: CurrencyPenaltyTotal[];
  /** All the indemnities (always in EUR), once per invoice paid late. */
  indemnity: { count: number; amount: string; currency: 'EUR' };
  warnings: string[];
}

/**
 * Penalties on a customer's invoices, summed per currency in bigint minor units. The indemnity is counted
 * once per invoice (per `invoiceId`): a second late tranche of the same invoice shows '0.00' indemnity.
 */
export function computeCustomerPenalties(
  invoices: readonly CustomerPenaltyInvoice[],
  options: CustomerPenaltiesOptions,
): CustomerPenaltiesResult {
  checkDate(options.asOf, 'asOf');
  const interestByCurrency = new Map<string, Minor>();
  const indemnified = new Set<string>();
  let indemnityCount = 0;
  const warnings = new Set<string>();

  const lines = invoices.map((inv): CustomerPenaltyLine => {
    const result = computeLatePenalty({
      amount: inv.amount,
      currency: inv.currency,
      dueDate: inv.dueDate,
      paidDate: inv.paidDate ?? null,
      asOf: options.asOf,
      regime: options.regime,
      contractualRate: inv.contractualRate !== undefined ? inv.contractualRate : options.contractualRate,
      ecbTable: options.ecbTable,
      legalTable: options.legalTable,
      b2b: options.b2b,
    });
    const line: CustomerPenaltyLine = inv.invoiceId !== undefined ? { invoiceId: inv.invoiceId, ...result } : { ...result };
    if (result.indemnity !== '0.00') {
      if (inv.invoiceId !== undefined && indemnified.has(inv.invoiceId)) {
        line.indemnity = '0.00';
        line.total = result.interest;
      } else {
        if (inv.invoiceId !== undefined) indemnified.add(inv.invoiceId);
        indemnityCount += 1;
      }
    }
    const interest = toMinor(result.interest, inv.currency);
    interestByCurrency.set(inv.currency, (interestByCurrency.get(inv.currency) ?? 0n) + interest);
    for (const w of result.warnings) warnings.add(w);
    return line;
  });

  const indemnityTotal = INDEMNITY_MINOR * BigInt(indemnityCount);
  if (indemnityCount > 0 && !interestByCurrency.has('EUR')) interestByCurrency.set('EUR', 0n);
  const totals = [...interestByCurrency.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, interest]): CurrencyPenaltyTotal => {
      const indemnity = currency === 'EUR' ? indemnityTotal : 0n;
      return {
        currency,
        interest: fromMinor(interest, currency),
        indemnity: fromMinor(indemnity, currency),
        total: fromMinor(interest + indemnity, currency),
      };
    });

  return {
    asOf: options.asOf,
    lines,
    totals,
    indemnity: { count: indemnityCount, amount: fromMinor(indemnityTotal, 'EUR'), currency: 'EUR' },
    warnings: [...warnings],
  };
}
