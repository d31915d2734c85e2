import { describe, expect, it } from '@jest/globals';
import { addDays, daysBetween, endOfMonth, isCalendarDate, today } from './calendar-date.js';

describe('calendar dates', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2013-02-30', false],
    ['2026-13-01', false],
    ['2026-1-01', false],
    ['2026-11-25T00:00:00Z', false],
    ['2000-02-29', true],
    ['1900-02-29', false],
  ])('%s valid: %s', (s, ok) => expect(isCalendarDate(s)).toBe(ok));

  it('does arithmetic without time-zone shifts', () => {
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30'); // across the DST change in Europe
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(daysBetween('2024-06-15', '2024-08-14')).toBe(60);
    expect(endOfMonth('2024-02-10')).toBe('2024-02-29');
  });

  it('tells today in a given time zone', () => {
    const lateUtc = new Date('2026-11-25T23:30:00Z');
    expect(today('Europe/Paris', lateUtc)).toBe('2026-11-26');
    expect(today('UTC', lateUtc)).toBe('2026-11-25');
  });
});
