import { daysInMonth, endOfMonth, isCalendarDate, type CalendarDate } from '../calendar-date.js';

/** A calendar month as `YYYY-MM`. */
export type CalendarMonth = string;

function parts(date: CalendarDate): [number, number, number] {
  if (!isCalendarDate(date)) throw new Error(`Not a calendar date: ${date}`);
  const [y, m, d] = date.split('-').map(Number);
  return [y, m, d];
}

function format(y: number, m: number, d: number): CalendarDate {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** `2024-08-31` → `2024-08`. */
export function monthOf(date: CalendarDate): CalendarMonth {
  parts(date);
  return date.slice(0, 7);
}

/**
 * `date` moved `n` whole calendar months back (a negative `n` moves forward). The day of month is kept and clamped
 * to the target month's length, never overflowing into the next month: 2024-08-31 − 6 → 2024-02-29,
 * 2024-03-31 − 1 → 2024-02-29, 2024-02-29 − 12 → 2023-02-28. A month end is NOT pinned to month ends:
 * 2024-02-29 − 1 → 2024-01-29.
 */
export function subtractMonths(date: CalendarDate, n: number): CalendarDate {
  if (!Number.isInteger(n)) throw new Error(`Months to subtract must be an integer, got ${n}`);
  const [y, m, d] = parts(date);
  const index = y * 12 + (m - 1) - n;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  if (year < 0 || year > 9999) throw new Error(`${date} minus ${n} months is out of range`);
  return format(year, month, Math.min(d, daysInMonth(year, month)));
}

/**
 * The `count` latest month ends on or before `asOf`, latest first: the points of a monthly history.
 * asOf 2024-03-31 → ['2024-03-31', '2024-02-29', ...]; asOf 2024-03-15 → ['2024-02-29', '2024-01-31', ...]
 * (the current, unfinished month is not a history point).
 */
export function monthEnds(asOf: CalendarDate, count: number): CalendarDate[] {
  if (!Number.isInteger(count) || count < 0) throw new Error(`Month count must be a non-negative integer, got ${count}`);
  parts(asOf);
  const first = endOfMonth(asOf) === asOf ? asOf : endOfMonth(subtractMonths(asOf.slice(0, 8) + '01', 1));
  const out: CalendarDate[] = [];
  for (let i = 0; i < count; i++) out.push(endOfMonth(subtractMonths(first.slice(0, 8) + '01', i)));
  return out;
}
