/**
 * The payment-plan form's arithmetic: amounts as integer minor units (bigint), calendar dates
 * as `YYYY-MM-DD` strings. The generator follows the API's rule (equal instalments, the
 * rounding remainder on the last one; a monthly date keeps its day, clamped to shorter months),
 * so what the form shows is what the server would generate.
 */
import { minorToDecimal } from '../../format';

export type Frequency = 'weekly' | 'monthly';

export interface InstalmentRow {
  dueDate: string;
  /** Minor units (cents for EUR). */
  amount: bigint;
}

const DECIMAL = /^(-)?(\d+)(?:[.,](\d+))?$/;

/** Digits after the decimal separator for a currency (2 for EUR, 0 for JPY). */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * "1234.56" (or "1234,5", or 1234.5 from a number input) → 123456n for EUR. Null when it is not
 * an amount or has more decimals than the currency allows.
 */
export function toMinor(value: string | number | null | undefined, currency = 'EUR'): bigint | null {
  if (value === null || value === undefined || value === '') return null;
  const digits = currencyDigits(currency);
  const text = typeof value === 'number' ? (Number.isFinite(value) ? value.toFixed(digits) : '') : value.trim();
  const m = DECIMAL.exec(text);
  if (!m) return null;
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  if (fraction.length > digits) return null;
  const minor = BigInt(m[2]!) * 10n ** BigInt(digits) + BigInt(fraction.padEnd(digits, '0') || '0');
  return m[1] ? -minor : minor;
}

/** 123456n → "1234.56" (EUR): the decimal string the API takes. */
export function fromMinor(minor: bigint, currency = 'EUR'): string {
  return minorToDecimal(minor, currency);
}

/** Minor units as a number for an amount input (display only; never summed as a float). */
export function minorToNumber(minor: bigint, currency = 'EUR'): number {
  return Number(fromMinor(minor, currency));
}

export function sumMinor(values: Iterable<bigint>): bigint {
  let sum = 0n;
  for (const v of values) sum += v;
  return sum;
}

function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number);
  return [y ?? 1970, m ?? 1, d ?? 1];
}

function format(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = parts(date);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return format(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** Same day `months` later, clamped to the end of a shorter month (31 Jan + 1 → 28/29 Feb). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return format(year, month, Math.min(d, last));
}

/**
 * `count` equal instalments of `total`, every week or month from `firstDueDate`; the rounding
 * remainder goes on the last one: 1000.00 in 3 → 333.33, 333.33, 333.34.
 */
export function generateInstalments(total: bigint, count: number, firstDueDate: string, frequency: Frequency): InstalmentRow[] {
  if (!Number.isInteger(count) || count < 1) return [];
  const n = BigInt(count);
  const base = total / n;
  return Array.from({ length: count }, (_, k) => ({
    dueDate: frequency === 'weekly' ? addDays(firstDueDate, 7 * k) : addMonths(firstDueDate, k),
    amount: k === count - 1 ? total - base * (n - 1n) : base,
  }));
}

export interface SumCheck {
  sum: bigint;
  /** sum − total: negative when some is missing, positive when there is too much. */
  difference: bigint;
  ok: boolean;
}

/** Do the instalments add up exactly to the plan total? (rows without an amount count as 0) */
export function checkSum(amounts: ReadonlyArray<bigint | null>, total: bigint): SumCheck {
  const sum = sumMinor(amounts.map((a) => a ?? 0n));
  return { sum, difference: sum - total, ok: sum === total };
}

export type RowProblem = 'amount' | 'firstInPast' | 'notIncreasing';

/** What is wrong with each row, as the API would say it (amount > 0, dates strictly increasing, first not past). */
export function rowProblems(
  rows: ReadonlyArray<{ dueDate: string | null; amount: bigint | null }>,
  today: string,
): RowProblem[][] {
  return rows.map((row, i) => {
    const problems: RowProblem[] = [];
    if (row.amount === null || row.amount <= 0n) problems.push('amount');
    if (i === 0 && row.dueDate && row.dueDate < today) problems.push('firstInPast');
    const previous = rows[i - 1]?.dueDate;
    if (i > 0 && row.dueDate && previous && row.dueDate <= previous) problems.push('notIncreasing');
    return problems;
  });
}
