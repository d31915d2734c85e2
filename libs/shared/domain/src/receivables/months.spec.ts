import { describe, expect, it } from '@jest/globals';
import { monthEnds, monthOf, subtractMonths } from './months.js';

describe('subtractMonths', () => {
  it.each([
    ['2024-08-31', 6, '2024-02-29'], // clamped to the end of a leap February
    ['2023-08-31', 6, '2023-02-28'],
    ['2024-03-31', 1, '2024-02-29'],
    ['2024-02-29', 12, '2023-02-28'],
    ['2024-02-29', 1, '2024-01-29'], // a month end is not pinned to month ends
    ['2024-01-15', 1, '2023-12-15'],
    ['2024-01-31', 13, '2022-12-31'],
    ['2024-05-31', -1, '2024-06-30'],
    ['2024-08-31', 3, '2024-05-31'],
    ['2024-08-31', 12, '2023-08-31'],
    ['2000-02-29', 0, '2000-02-29'],
    ['2000-02-29', 1200, '1900-02-28'],
  ])('%s − %i months = %s', (date, n, expected) => expect(subtractMonths(date, n)).toBe(expected));

  it('refuses bad input', () => {
    expect(() => subtractMonths('2024-02-30', 1)).toThrow(/Not a calendar date/);
    expect(() => subtractMonths('2024-02-01', 1.5)).toThrow(/integer/);
  });
});

describe('monthOf and monthEnds', () => {
  it('gives the month', () => {
    expect(monthOf('2024-02-29')).toBe('2024-02');
    expect(() => monthOf('2024-13-01')).toThrow(/Not a calendar date/);
  });

  it.each([
    ['2024-03-31', 3, ['2024-03-31', '2024-02-29', '2024-01-31']],
    ['2024-03-15', 3, ['2024-02-29', '2024-01-31', '2023-12-31']],
    ['2025-01-01', 2, ['2024-12-31', '2024-11-30']],
    ['2024-02-29', 2, ['2024-02-29', '2024-01-31']],
    ['2024-02-28', 1, ['2024-01-31']],
    ['2024-03-31', 0, []],
  ])('month ends up to %s, %i of them', (asOf, count, expected) => expect(monthEnds(asOf, count)).toEqual(expected));

  it('lists 13 month ends across a year boundary', () => {
    const ends = monthEnds('2024-12-31', 13);
    expect(ends[0]).toBe('2024-12-31');
    expect(ends[12]).toBe('2023-12-31');
    expect(new Set(ends.map(monthOf)).size).toBe(13);
  });

  it('refuses a bad count', () => expect(() => monthEnds('2024-03-31', -1)).toThrow(/non-negative integer/));
});
