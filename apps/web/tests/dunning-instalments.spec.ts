import { describe, expect, it } from 'vitest';
import { addMonths, checkSum, fromMinor, generateInstalments, rowProblems, toMinor } from '../src/features/dunning/instalments';

const rows = (r: ReturnType<typeof generateInstalments>) => r.map((i) => [i.dueDate, fromMinor(i.amount)]);

describe('amounts in minor units', () => {
  it.each([
    ['1234.56', 'EUR', 123456n],
    ['1234,5', 'EUR', 123450n],
    ['0', 'EUR', 0n],
    ['1500', 'JPY', 1500n],
    ['12.345', 'EUR', null],
    ['1 234', 'EUR', null],
    ['abc', 'EUR', null],
    ['', 'EUR', null],
  ] as const)('%s %s → %s', (text, currency, minor) => {
    expect(toMinor(text, currency)).toBe(minor);
  });

  it('reads a number input without float drift, and writes the decimal string the API takes', () => {
    expect(toMinor(0.1 + 0.2, 'EUR')).toBe(30n);
    expect(toMinor(99999999999.99, 'EUR')).toBe(9999999999999n);
    expect(fromMinor(123456n, 'EUR')).toBe('1234.56');
    expect(fromMinor(-5n, 'EUR')).toBe('-0.05');
  });
});

describe('generateInstalments', () => {
  it('splits the total in equal instalments, the rounding remainder on the last one', () => {
    expect(rows(generateInstalments(100000n, 3, '2026-12-15', 'monthly'))).toEqual([
      ['2026-12-15', '333.33'],
      ['2027-01-15', '333.33'],
      ['2027-02-15', '333.34'],
    ]);
  });

  it('keeps the day of the month, clamped to shorter months (leap years too)', () => {
    expect(generateInstalments(400n, 4, '2027-11-30', 'monthly').map((i) => i.dueDate)).toEqual([
      '2027-11-30',
      '2027-12-30',
      '2028-01-30',
      '2028-02-29',
    ]);
    expect(generateInstalments(300n, 3, '2026-01-31', 'monthly').map((i) => i.dueDate)).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
    ]);
    expect(addMonths('2026-12-31', 2)).toBe('2027-02-28');
  });

  it('goes week by week across months and years', () => {
    expect(generateInstalments(1000n, 3, '2026-12-24', 'weekly').map((i) => i.dueDate)).toEqual([
      '2026-12-24',
      '2026-12-31',
      '2027-01-07',
    ]);
  });

  it('always adds up exactly to the total', () => {
    for (const [total, count] of [
      [1n, 3],
      [100n, 7],
      [123456789n, 12],
      [999999n, 120],
    ] as const) {
      const generated = generateInstalments(total, count, '2026-06-01', 'monthly');
      expect(generated).toHaveLength(count);
      expect(
        checkSum(
          generated.map((i) => i.amount),
          total,
        ),
      ).toEqual({ sum: total, difference: 0n, ok: true });
    }
  });

  it('gives nothing for a count that is not a positive integer', () => {
    expect(generateInstalments(1000n, 0, '2026-06-01', 'monthly')).toEqual([]);
    expect(generateInstalments(1000n, 2.5, '2026-06-01', 'monthly')).toEqual([]);
  });
});

describe('checkSum', () => {
  it('tells how much is missing or too much', () => {
    expect(checkSum([50000n, 40000n], 100000n)).toEqual({ sum: 90000n, difference: -10000n, ok: false });
    expect(checkSum([50000n, 60000n], 100000n)).toEqual({ sum: 110000n, difference: 10000n, ok: false });
    expect(checkSum([50000n, null], 100000n)).toEqual({ sum: 50000n, difference: -50000n, ok: false });
    expect(checkSum([], 0n).ok).toBe(true);
  });
});

describe('rowProblems', () => {
  it('flags a first date in the past, dates not strictly increasing and amounts not above zero', () => {
    expect(
      rowProblems(
        [
          { dueDate: '2026-11-20', amount: 100n },
          { dueDate: '2026-12-01', amount: 0n },
          { dueDate: '2026-12-01', amount: 100n },
          { dueDate: '2027-01-01', amount: null },
        ],
        '2026-11-25',
      ),
    ).toEqual([['firstInPast'], ['amount'], ['notIncreasing'], ['amount']]);
    expect(rowProblems([{ dueDate: '2026-11-25', amount: 1n }], '2026-11-25')).toEqual([[]]);
  });
});
