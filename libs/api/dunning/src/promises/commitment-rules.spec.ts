import { describe, expect, it } from '@jest/globals';
import { addMonths, keptRate, money, numericToMinor, oneYearAfter } from './commitment-rules.js';

describe('commitment rules', () => {
  it('reads numeric(20,3) columns in the currency digits', () => {
    expect(numericToMinor('1500.000', 'EUR')).toBe(150000n);
    expect(numericToMinor('1500.000', 'JPY')).toBe(1500n);
    expect(numericToMinor('0.125', 'KWD')).toBe(125n);
    expect(money('12.300', 'EUR')).toBe('12.30');
  });

  it('adds months clamping to the end of shorter months, and a year', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-01-31', 2)).toBe('2026-03-31');
    expect(addMonths('2026-11-15', 3)).toBe('2027-02-15');
    expect(oneYearAfter('2028-02-29')).toBe('2029-02-28');
    expect(oneYearAfter('2026-03-01')).toBe('2027-03-01');
  });

  it('keptRate = kept / (kept + broken), 4 decimals, null when none decided', () => {
    expect(keptRate(2, 1)).toBe(0.6667);
    expect(keptRate(7, 2)).toBe(0.7778);
    expect(keptRate(0, 3)).toBe(0);
    expect(keptRate(0, 0)).toBeNull();
  });
});
