import { describe, expect, it } from 'vitest';
import {
  chartNumber,
  formatCompactMoney,
  formatDate,
  formatDateTime,
  formatMoney,
  formatNumber,
  formatPercent,
  minorToDecimal,
  toCalendarDate,
} from '../src/format';
import { setLocale } from '../src/i18n';

/** Intl uses narrow and regular no-break spaces in French; compare with plain spaces. */
const plain = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');

describe('formatDate', () => {
  it('shows a calendar date as day/month/year in both locales', () => {
    expect(formatDate('2026-11-23', 'fr')).toBe('23/11/2026');
    expect(formatDate('2026-11-23', 'en')).toBe('23/11/2026');
  });

  it('never shifts a calendar date with the time zone', () => {
    // 1 January at UTC midnight would be 31 December in America/* if parsed as an instant.
    expect(formatDate('2027-01-01', 'fr')).toBe('01/01/2027');
  });

  it('uses the current UI locale by default and ignores empty or invalid input', () => {
    setLocale('en', false);
    expect(formatDate('2026-02-03')).toBe('03/02/2026');
    expect(formatDate(null)).toBe('');
    expect(formatDate('')).toBe('');
    expect(formatDate('not a date')).toBe('');
  });
});

describe('formatDateTime', () => {
  it('shows an instant with hours and minutes in the requested time zone', () => {
    expect(formatDateTime('2026-11-23T13:05:00Z', 'fr', 'UTC')).toBe('23/11/2026 13:05');
    expect(formatDateTime('2026-11-23T13:05:00Z', 'en', 'UTC')).toBe('23/11/2026 13:05');
    expect(formatDateTime('2026-11-23T13:05:00Z', 'fr', 'Europe/Paris')).toBe('23/11/2026 14:05');
  });
});

describe('formatMoney', () => {
  it('formats integer minor units in French and English', () => {
    expect(plain(formatMoney(123456, 'EUR', 'fr'))).toBe('1 234,56 €');
    expect(formatMoney(123456, 'EUR', 'en')).toBe('€1,234.56');
  });

  it('formats a decimal string exactly, even beyond float precision', () => {
    expect(plain(formatMoney('1234.56', 'EUR', 'fr'))).toBe('1 234,56 €');
    // 2^53 + 1 cents: a float would print ...992 or ...994.
    expect(formatMoney(9007199254740993n, 'EUR', 'en')).toBe('€90,071,992,547,409.93');
    expect(formatMoney('90071992547409.93', 'EUR', 'en')).toBe('€90,071,992,547,409.93');
  });

  it('handles negatives, small amounts and currencies without minor units', () => {
    expect(plain(formatMoney(-5, 'EUR', 'fr'))).toBe('-0,05 €');
    expect(formatMoney(1500, 'JPY', 'en')).toBe('JP¥1,500');
    expect(minorToDecimal(-120050)).toBe('-1200.50');
  });

  it('rejects non-integer minor units and malformed strings', () => {
    expect(() => formatMoney(12.5, 'EUR', 'fr')).toThrow(RangeError);
    expect(formatMoney('12,50', 'EUR', 'fr')).toBe('');
  });
});

describe('toCalendarDate', () => {
  it('reads the local calendar fields of a date picker value', () => {
    expect(toCalendarDate(new Date(2026, 10, 23, 23, 59))).toBe('2026-11-23');
  });
});

describe('formatPercent, formatNumber, formatCompactMoney, chartNumber', () => {
  it('shows percentage points as the API sends them', () => {
    expect(plain(formatPercent(35.71, 'fr'))).toBe('35,7 %');
    expect(formatPercent(35.71, 'en')).toBe('35.7%');
    expect(formatPercent(null, 'fr')).toBe('');
  });

  it('shows days with one decimal at most', () => {
    expect(formatNumber(42.37, 'fr')).toBe('42,4');
    expect(formatNumber(42, 'en', 0)).toBe('42');
    expect(formatNumber(Number.NaN, 'en')).toBe('');
  });

  it('abbreviates large amounts for chart axes, from the decimal string', () => {
    expect(plain(formatCompactMoney('1234567.89', 'EUR', 'fr'))).toBe('1,2 M €');
    expect(formatCompactMoney('1234567.89', 'EUR', 'en')).toBe('€1.2m');
    expect(formatCompactMoney('x', 'EUR', 'en')).toBe('');
  });

  it('turns decimal strings into bar heights, zero for anything else', () => {
    expect(chartNumber('1234.56')).toBe(1234.56);
    expect(chartNumber('-10.5')).toBe(-10.5);
    expect(chartNumber('1e5')).toBe(0);
    expect(chartNumber(null)).toBe(0);
  });

  it('formats the amounts of the new screens in French with a no-break space and the euro sign after', () => {
    expect(plain(formatMoney('1234.56', 'EUR', 'fr'))).toBe('1 234,56 €');
    expect(plain(formatMoney('-120.00', 'EUR', 'fr'))).toBe('-120,00 €');
    expect(plain(formatMoney('0.00', 'EUR', 'fr'))).toBe('0,00 €');
  });
});
