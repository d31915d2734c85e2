import { describe, expect, it } from '@jest/globals';
import {
  addToBuckets,
  balancesAtMonthEnds,
  convertMinor,
  countBackMonths,
  emptyBucketed,
  parseRate,
  periodMonths,
  previousMonthEnd,
  salesOver,
  turnoverPoints,
} from './reporting-math.js';

describe('reporting math', () => {
  it('converts minor units exactly, rounding half away from zero', () => {
    expect(parseRate('0.92150000')).toEqual({ num: 92150000n, den: 100000000n });
    expect(convertMinor(20000n, 'USD', 'EUR', '0.9')).toBe(18000n);
    expect(convertMinor(1n, 'USD', 'EUR', '0.5')).toBe(1n); // 0.005 EUR → 0.01
    expect(convertMinor(-1n, 'USD', 'EUR', '0.5')).toBe(-1n);
    expect(convertMinor(1000n, 'JPY', 'EUR', '0.0061')).toBe(610n); // 1000 JPY (no decimals) = 6.10 EUR
    expect(convertMinor(123n, 'EUR', 'EUR', null)).toBe(123n);
    expect(() => convertMinor(1n, 'USD', 'EUR', null)).toThrow(/No rate/);
    expect(() => parseRate('-1')).toThrow();
  });

  it('buckets aggregated rows like ageItems, with counts and overdue by due date', () => {
    const acc = emptyBucketed([30, 60], 'due');
    addToBuckets(
      acc,
      [
        { dueDate: '2026-03-31', issueDate: '2026-03-01', amount: 100n, count: 2 }, // due today: not due
        { dueDate: '2026-03-30', issueDate: '2026-03-01', amount: 50n, count: 1 }, // 1 day
        { dueDate: '2026-01-30', issueDate: '2026-01-01', amount: -20n, count: 1 }, // 60 days
        { dueDate: '2025-12-01', issueDate: '2025-11-01', amount: 7n, count: 1 }, // > 60
      ],
      '2026-03-31',
      'due',
      [30, 60],
    );
    expect(acc).toEqual({ amounts: [100n, 50n, -20n, 7n], total: 137n, overdue: 37n, count: 5 });
    const byIssue = addToBuckets(
      emptyBucketed([30], 'issue'),
      [{ dueDate: '2026-04-30', issueDate: '2026-02-01', amount: 10n, count: 1 }],
      '2026-03-31',
      'issue',
      [30],
    );
    expect(byIssue).toEqual({ amounts: [0n, 10n], total: 10n, overdue: 0n, count: 1 });
  });

  it('counts the month of asOf up to asOf, the months before in full', () => {
    expect(periodMonths('2026-03-31', 3)).toEqual([
      { month: '2026-03', days: 31 },
      { month: '2026-02', days: 28 },
      { month: '2026-01', days: 31 },
    ]);
    expect(periodMonths('2024-03-15', 2)).toEqual([
      { month: '2024-03', days: 15 },
      { month: '2024-02', days: 29 },
    ]);
    const sales = new Map([
      ['2026-03', 40000n],
      ['2026-02', 50000n],
      ['2026-01', 70000n],
    ]);
    expect(salesOver(periodMonths('2026-03-31', 3), sales)).toEqual({ sales: 160000n, days: 90 });
    expect(countBackMonths(periodMonths('2026-03-31', 4), sales)).toEqual([
      { sales: 40000n, days: 31 },
      { sales: 50000n, days: 28 },
      { sales: 70000n, days: 31 },
      { sales: 0n, days: 31 },
    ]);
  });

  it('gives the CEI opening date and the turnover points', () => {
    expect(previousMonthEnd('2026-03-31')).toBe('2026-02-28');
    expect(previousMonthEnd('2026-01-15')).toBe('2025-12-31');
    const points = turnoverPoints('2026-03-15');
    expect(points).toHaveLength(13);
    expect(points.slice(0, 3)).toEqual(['2026-03-15', '2026-02-28', '2026-01-31']);
    expect(points.at(-1)).toBe('2025-03-31');
  });

  it('sums monthly flows up to each month end, per key and currency', () => {
    const flow = (key: string | null, currency: string, month: string, receivables: bigint, overdue = 0n) => ({
      key,
      currency,
      month,
      receivables,
      overdue,
    });
    const balances = balancesAtMonthEnds(
      [
        flow('a', 'EUR', '2026-03', 500n, 100n),
        flow('a', 'EUR', '2026-01', 1000n),
        flow('a', 'USD', '2026-02', 70n, 70n),
        flow(null, 'EUR', '2026-04', -5n),
        flow('a', 'EUR', '2026-02', -300n, 200n),
      ],
      ['2026-03-31', '2026-01-31', '2026-02-28'],
    );
    const at = (date: string) =>
      balances.filter((b) => b.at === date).map(({ key, currency, total, overdue }) => [key, currency, total, overdue]);
    expect(at('2026-01-31')).toEqual([['a', 'EUR', 1000n, 0n]]);
    expect(at('2026-02-28')).toEqual([
      ['a', 'EUR', 700n, 200n],
      ['a', 'USD', 70n, 70n],
    ]);
    expect(at('2026-03-31')).toEqual([
      ['a', 'EUR', 1200n, 300n],
      ['a', 'USD', 70n, 70n],
    ]); // the April flow of key null counts at no date
    expect(balances).toHaveLength(5);
    expect(() => balancesAtMonthEnds([], ['2026-03-30'])).toThrow(/month end/);
  });
});
