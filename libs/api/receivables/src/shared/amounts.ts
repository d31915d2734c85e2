import { fromMinor, toMinor, type Minor } from '@encours/domain';

/** A numeric column value ("100.000") as a decimal string with the currency's digits ("100.00"). */
export function money(value: string | null | undefined, currency: string): string | null {
  if (value === null || value === undefined) return null;
  return fromMinor(minorOf(value, currency), currency);
}

/** numeric(20,3) string → minor units of the currency (trailing zeros dropped first). */
export function minorOf(value: string, currency: string): Minor {
  const s = value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
  return toMinor(s, currency);
}
