import { describe, expect, it } from '@jest/globals';
import { amountProblem, fromMinor, roundDiv, sumMinor, toMinor } from './money.js';

describe('money in minor units', () => {
  it('parses decimal strings exactly', () => {
    expect(toMinor('1234.56', 'EUR')).toBe(123456n);
    expect(toMinor('0.1', 'EUR') + toMinor('0.2', 'EUR')).toBe(toMinor('0.3', 'EUR'));
    expect(toMinor('-12.5', 'EUR')).toBe(-1250n);
    expect(toMinor('1000', 'JPY')).toBe(1000n);
    expect(toMinor('1.234', 'KWD')).toBe(1234n);
    expect(toMinor('12.300', 'EUR')).toBe(1230n);
  });
  it('refuses too many decimals and garbage', () => {
    expect(() => toMinor('1.234', 'EUR')).toThrow(/more than 2 decimals/);
    expect(() => toMinor('12,50', 'EUR')).toThrow(/Not a decimal/);
    expect(amountProblem('1.234', 'EUR')).toMatch(/at most 2 decimals/);
    expect(amountProblem('abc', 'EUR')).toMatch(/decimal amount/);
    expect(amountProblem('99999999.99', 'EUR')).toBeNull();
  });
  it('formats back', () => {
    expect(fromMinor(123456n, 'EUR')).toBe('1234.56');
    expect(fromMinor(-5n, 'EUR')).toBe('-0.05');
    expect(fromMinor(1000n, 'JPY')).toBe('1000');
  });
  it('sums a million cents without drift', () => {
    const values = Array.from({ length: 1_000_000 }, () => toMinor('0.01', 'EUR'));
    expect(fromMinor(sumMinor(values), 'EUR')).toBe('10000.00');
  });
  it('rounds half away from zero', () => {
    expect(roundDiv(5n, 2n)).toBe(3n);
    expect(roundDiv(-5n, 2n)).toBe(-3n);
    expect(roundDiv(4n, 3n)).toBe(1n);
  });
});
