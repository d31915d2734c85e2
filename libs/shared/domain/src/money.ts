import { currencyDigits } from './currencies.js';

/**
 * Money as integer minor units held in a bigint: never summed in binary floating point.
 * Amounts cross the API and the database as decimal strings ("1234.56").
 */
export type Minor = bigint;

const DECIMAL_RE = /^(-)?(\d+)(?:\.(\d+))?$/;

/** "1234.5" → 123450n for a 2-digit currency. Throws when the string has too many decimals. */
export function toMinor(amount: string | number, currency: string): Minor {
  const digits = currencyDigits(currency);
  const s = typeof amount === 'number' ? numberToPlain(amount) : amount.trim();
  const m = DECIMAL_RE.exec(s);
  if (!m) throw new Error(`Not a decimal amount: ${amount}`);
  const [, sign, int, frac = ''] = m;
  if (frac.replace(/0+$/, '').length > digits) throw new Error(`${amount} has more than ${digits} decimals for ${currency}`);
  const minor = BigInt(int + frac.padEnd(digits, '0').slice(0, digits));
  return sign ? -minor : minor;
}

/** 123450n → "1234.50" */
export function fromMinor(minor: Minor, currency: string): string {
  const digits = currencyDigits(currency);
  const neg = minor < 0n;
  const abs = (neg ? -minor : minor).toString().padStart(digits + 1, '0');
  const s = digits ? `${abs.slice(0, -digits)}.${abs.slice(-digits)}` : abs;
  return neg ? `-${s}` : s;
}

/** Checks a decimal string against the currency's minor units, returning an error message or null. */
export function amountProblem(value: unknown, currency: string): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return 'must be a decimal amount such as 1234.56';
  const s = typeof value === 'number' ? numberToPlain(value) : value.trim();
  if (!DECIMAL_RE.test(s)) return 'must be a decimal amount such as 1234.56';
  const frac = s.split('.')[1] ?? '';
  let digits: number;
  try {
    digits = currencyDigits(currency);
  } catch {
    return null; // the currency field reports its own error
  }
  if (frac.replace(/0+$/, '').length > digits) return `must have at most ${digits} decimals in ${currency}`;
  return null;
}

export function sumMinor(values: Iterable<Minor>): Minor {
  let total = 0n;
  for (const v of values) total += v;
  return total;
}

/** Rounds a rational (numerator/denominator, bigint) to the nearest integer, half away from zero. */
export function roundDiv(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new Error('Division by zero');
  const neg = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (2n * n + d) / (2n * d);
  return neg ? -q : q;
}

function numberToPlain(n: number): string {
  if (!Number.isFinite(n)) return 'NaN';
  return n.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
}
