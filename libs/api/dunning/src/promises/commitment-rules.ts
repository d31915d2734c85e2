import { daysInMonth, fromMinor, toMinor, type CalendarDate, type Minor } from '@encours/domain';

/**
 * Pure rules shared by promises to pay and payment plans: amounts (numeric columns ↔ minor
 * units), calendar arithmetic on months and years, and the promises-kept rate.
 */

/** A numeric(20,3) column value ("1500.000") → minor units of the currency. */
export function numericToMinor(value: string, currency: string): Minor {
  const s = value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
  return toMinor(s, currency);
}

/** A numeric(20,3) column value as a decimal string with the currency's digits ("1500.00"). */
export function money(value: string, currency: string): string {
  return fromMinor(numericToMinor(value, currency), currency);
}

/** `date` plus `months` calendar months, the day clamped to the end of a shorter month (Jan 31 + 1 → Feb 28). */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const [y, m, d] = date.split('-').map(Number);
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const day = Math.min(d, daysInMonth(year, month));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The same day one year later (Feb 29 → Feb 28): the furthest date a promise may name. */
export function oneYearAfter(date: CalendarDate): CalendarDate {
  return addMonths(date, 12);
}

/**
 * Promises-kept rate: kept / (kept + broken), rounded to 4 decimals; pending and cancelled
 * promises are left out; null when no promise was decided.
 */
export function keptRate(kept: number, broken: number): number | null {
  const decided = kept + broken;
  if (decided === 0) return null;
  return Math.round((kept * 10_000) / decided) / 10_000;
}
