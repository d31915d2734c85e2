import { describe, expect, it } from '@jest/globals';
import { formatAmount, formatDate, formatInteger, formatLongDate, joinList, sumAmounts } from './format.js';

const plain = (s: string) => s.replace(/\u00a0/g, ' ');

describe('amount formatting from decimal strings', () => {
  it('formats French and English amounts', () => {
    expect(plain(formatAmount('1234.56', 'EUR', 'fr'))).toBe('1 234,56 €');
    expect(formatAmount('1234.56', 'EUR', 'en')).toBe('€1,234.56');
    expect(formatAmount('1234.5', 'EUR', 'en')).toBe('€1,234.50');
    expect(formatAmount('-40', 'EUR', 'en')).toBe('-€40.00');
    expect(formatAmount('1250.00', 'USD', 'en')).toBe('US$1,250.00');
    expect(plain(formatAmount('1250.00', 'USD', 'fr'))).toBe('1 250,00 $US');
    expect(plain(formatAmount('1000', 'JPY', 'fr'))).toBe('1 000 JPY');
  });
  it('is exact beyond the precision of a double', () => {
    expect(plain(formatAmount('12345678901234567.89', 'EUR', 'fr'))).toBe('12 345 678 901 234 567,89 €');
    expect(formatAmount('90071992547409.93', 'EUR', 'en')).toBe('€90,071,992,547,409.93');
  });
  it('uses no-break spaces, never the narrow no-break space the PDF fonts cannot draw', () => {
    const s = formatAmount('1234.56', 'EUR', 'fr');
    expect(s).toBe('1\u00a0234,56\u00a0€');
    expect(s).not.toMatch(/\u202f/);
  });
  it('refuses a malformed amount and keeps an unknown currency readable', () => {
    expect(() => formatAmount('12,50', 'EUR', 'fr')).toThrow(/Not a decimal/);
    expect(plain(formatAmount('12.50', 'XYZ', 'fr'))).toBe('12.50 XYZ');
  });
  it('sums decimal strings exactly', () => {
    expect(sumAmounts(['0.1', '0.2'], 'EUR')).toBe('0.30');
    expect(sumAmounts(['12000.00', '2400.00', '4140.00'], 'EUR')).toBe('18540.00');
    expect(sumAmounts([], 'EUR')).toBe('0.00');
  });
});

describe('date formatting from calendar dates', () => {
  it('formats short dates', () => {
    expect(formatDate('2024-06-15', 'fr')).toBe('15/06/2024');
    expect(plain(formatDate('2024-06-15', 'en'))).toBe('15 Jun 2024');
    expect(plain(formatDate('2026-09-05', 'en'))).toBe('5 Sep 2026');
  });
  it('formats the long date of a letter', () => {
    expect(formatLongDate('2026-11-25', 'fr')).toBe('25 novembre 2026');
    expect(formatLongDate('2026-12-01', 'fr')).toBe('1er décembre 2026');
    expect(formatLongDate('2026-08-01', 'en')).toBe('1 August 2026');
  });
  it('refuses what is not a calendar date', () => {
    expect(() => formatDate('2026-02-30', 'fr')).toThrow(/calendar date/);
  });
});

describe('lists and integers', () => {
  it('joins with the language conjunction', () => {
    expect(joinList(['a'], 'fr')).toBe('a');
    expect(joinList(['a', 'b', 'c'], 'fr')).toBe('a, b et c');
    expect(joinList(['a', 'b'], 'en')).toBe('a and b');
  });
  it('groups integers', () => {
    expect(plain(formatInteger(1234, 'fr'))).toBe('1 234');
    expect(formatInteger(1234, 'en')).toBe('1,234');
  });
});
