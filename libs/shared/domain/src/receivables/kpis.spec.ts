import { describe, expect, it } from '@jest/globals';
import { toMinor, type Minor } from '../money.js';
import {
  averageDaysDelinquent,
  bestPossibleDso,
  cei,
  dsoCountBack,
  dsoCountBackDetail,
  dsoSimple,
  overdueShare,
  payerProfile,
  percentCurrent,
  receivablesTurnover,
  type CountBackMonth,
  type PaidInvoice,
} from './kpis.js';

const eur = (s: string): Minor => toMinor(s, 'EUR');
const month = (sales: string, days: number): CountBackMonth => ({ sales: eur(sales), days });
/** DOMAIN.md example, latest first: Mar 400 (31 d), Feb 500 (28 d), Jan 700 (31 d). */
const marFebJan = [month('400', 31), month('500', 28), month('700', 31)];

describe('DSO, count-back (méthode par épuisement)', () => {
  it.each([
    ['DOMAIN.md example: 31 + 28 + 500/700 × 31', '1400', marFebJan, { dso: 81.14, monthsConsumed: 3, historyExhausted: false }],
    ['within the latest month: 200/400 × 31', '200', marFebJan, { dso: 15.5, monthsConsumed: 1, historyExhausted: false }],
    ['exactly the latest month', '400', marFebJan, { dso: 31, monthsConsumed: 1, historyExhausted: false }],
    ['exactly two months', '900', marFebJan, { dso: 59, monthsConsumed: 2, historyExhausted: false }],
    ['exactly all months', '1600', marFebJan, { dso: 90, monthsConsumed: 3, historyExhausted: false }],
    ['history runs out: lower bound', '2000', marFebJan, { dso: 90, monthsConsumed: 3, historyExhausted: true }],
    ['one cent', '0.01', marFebJan, { dso: 0, monthsConsumed: 1, historyExhausted: false }],
    ['no receivables', '0', marFebJan, { dso: 0, monthsConsumed: 0, historyExhausted: false }],
    ['credit balance', '-50', marFebJan, { dso: 0, monthsConsumed: 0, historyExhausted: false }],
    [
      'a month without sales counts in full',
      '1400',
      [month('0', 30), ...marFebJan],
      { dso: 111.14, monthsConsumed: 4, historyExhausted: false },
    ],
    [
      'negative sales (credit notes) count as none',
      '100',
      [month('-300', 30), month('200', 31)],
      { dso: 45.5, monthsConsumed: 2, historyExhausted: false },
    ],
    ['February of a leap year', '290', [month('580', 29)], { dso: 14.5, monthsConsumed: 1, historyExhausted: false }],
  ])('%s', (_, receivables, months, expected) => {
    expect(dsoCountBackDetail(eur(receivables), months)).toEqual(expected);
    expect(dsoCountBack(eur(receivables), months)).toBe(expected.dso);
  });

  it('is undefined without sales', () => {
    expect(dsoCountBack(eur('1400'), [])).toBeNull();
    expect(dsoCountBackDetail(eur('1400'), [month('0', 31), month('0', 30)])).toBeNull();
    expect(dsoCountBack(0n, [])).toBeNull();
  });

  it('refuses month lengths that are not whole days', () => {
    expect(() => dsoCountBack(eur('1'), [month('10', 0)])).toThrow(/months\[0\]\.days must be a positive whole number/);
    expect(() => dsoCountBack(eur('1'), [month('10', 30), month('10', 30.5)])).toThrow(/months\[1\]\.days/);
  });

  it('stays exact on large amounts', () => {
    // 10 billion EUR of receivables against 12 billion of monthly sales: 10/12 × 30 = 25 days
    expect(dsoCountBack(eur('10000000000.00'), [month('12000000000.00', 30)])).toBe(25);
  });
});

describe('DSO, simple method, BPDSO and ADD', () => {
  it.each([
    ['example: 1,400 / 1,600 × 90', '1400', '1600', 90, 78.75],
    ['rounded to 2 decimals', '1000', '3000', 31, 10.33],
    ['half away from zero', '0.01', '0.08', 1, 0.13],
    ['no receivables', '0', '1600', 90, 0],
    ['credit balance', '-10', '1600', 90, 0],
    ['no sales', '1400', '0', 90, null],
    ['negative sales', '1400', '-1', 90, null],
  ])('dsoSimple: %s', (_, receivables, sales, days, expected) =>
    expect(dsoSimple(eur(receivables), eur(sales), days)).toBe(expected),
  );

  it('refuses a period that is not whole days', () => {
    expect(() => dsoSimple(1n, 1n, 0)).toThrow(/days must be a positive whole number/);
    expect(() => bestPossibleDso(1n, 1n, 90.5)).toThrow(/positive whole number/);
  });

  it('BPDSO: current 900 / 1,600 × 90 = 50.625 → 50.63', () => {
    expect(bestPossibleDso(eur('900'), eur('1600'), 90)).toBe(50.63);
    expect(bestPossibleDso(eur('900'), 0n, 90)).toBeNull();
  });

  it.each([
    [78.75, 50.63, 28.12],
    [81.14, 81.14, 0],
    [40, 45.5, -5.5],
    [null, 50.63, null],
    [78.75, null, null],
  ])('ADD = %p − %p = %p', (dso, bpdso, expected) => expect(averageDaysDelinquent(dso, bpdso)).toBe(expected));

  it('ADD from the worked example', () => {
    const dso = dsoSimple(eur('1400'), eur('1600'), 90);
    const bpdso = bestPossibleDso(eur('900'), eur('1600'), 90);
    expect(averageDaysDelinquent(dso, bpdso)).toBe(28.12);
  });
});

describe('CEI', () => {
  it.each([
    ['example: (1000 + 1600 − 1400) / (1000 + 1600 − 900) × 100', ['1000', '1600', '1400', '900'], 70.59],
    ['everything overdue collected', ['1000', '1600', '900', '900'], 100],
    ['nothing collected', ['1000', '1600', '2600', '900'], 0],
    ['nothing collectable', ['0', '0', '0', '0'], null],
    ['all still current', ['100', '0', '100', '100'], null],
  ])('%s', (_, [opening, sales, closing, closingCurrent], expected) =>
    expect(
      cei({
        openingReceivables: eur(opening),
        creditSales: eur(sales),
        closingReceivables: eur(closing),
        closingCurrentReceivables: eur(closingCurrent),
      }),
    ).toBe(expected),
  );
});

describe('shares and turnover', () => {
  it.each([
    [percentCurrent, '900', '1400', 64.29],
    [overdueShare, '500', '1400', 35.71],
    [overdueShare, '0', '1400', 0],
    [overdueShare, '1400', '1400', 100],
    [percentCurrent, '900', '0', null],
    [overdueShare, '10', '-5', null],
  ])('%p(%s, %s) = %p', (fn, part, total, expected) => expect(fn(eur(part), eur(total))).toBe(expected));

  it.each([
    ['1600', '1200', 1.33],
    ['12000', '1000', 12],
    ['0', '1000', 0],
    ['1600', '0', null],
  ])('turnover %s / %s = %p', (sales, average, expected) => expect(receivablesTurnover(eur(sales), eur(average))).toBe(expected));
});

describe('payer profile', () => {
  const paid = (amount: string, dueDate: string, paidDate: string): PaidInvoice => ({ amount: eur(amount), dueDate, paidDate });
  // asOf 2024-08-31: 3 months → after 2024-05-31, 6 months → after 2024-02-29, 12 months → after 2023-08-31.
  const asOf = '2024-08-31';
  const invoices = [
    paid('1000', '2024-08-01', '2024-08-11'), // 10 days late, last 3 months
    paid('3000', '2024-07-20', '2024-07-15'), // 5 days early → 0, last 3 months
    paid('2000', '2024-04-01', '2024-04-21'), // 20 days late, 3 months before
    paid('1000', '2024-02-29', '2024-02-29'), // on time, paid on the 6-month limit: 12 months only
    paid('4000', '2023-09-01', '2023-09-16'), // 15 days late, 12 months only
    paid('500', '2023-08-01', '2023-08-31'), // paid on the 12-month limit: left out
    paid('700', '2024-08-01', '2024-09-01'), // paid after asOf: left out
    paid('0', '2024-08-01', '2024-08-30'), // no amount: left out
  ];

  it('weights days late by amount over 6 and 12 months', () => {
    expect(payerProfile(invoices, asOf)).toEqual({
      avgDaysLate6m: 8.33, // (1000×10 + 3000×0 + 2000×20) / 6000
      avgDaysLate12m: 10, // (10000 + 40000 + 0 + 4000×15) / 11000
      shareLate12m: 60, // 3 of 5
      shareLateAmount12m: 63.64, // 7000 / 11000
      trend: 'improving', // 2.5 days vs 20 days
      invoiceCount12m: 5,
    });
  });

  it('counts early payments as 0, not as negative', () => {
    const p = payerProfile([paid('100', '2024-08-30', '2024-08-01'), paid('100', '2024-08-01', '2024-08-11')], asOf);
    expect(p.avgDaysLate6m).toBe(5);
    expect(p.shareLate12m).toBe(50);
  });

  it('uses calendar months clamped to the month end', () => {
    // asOf 2024-02-29: 6 months → after 2023-08-29; 12 months → after 2023-02-28
    const p = payerProfile(
      [
        paid('100', '2023-08-29', '2023-08-29'), // limit: out of 6 months, in 12 months, on time
        paid('100', '2023-08-20', '2023-08-30'), // in 6 months, 10 days late
        paid('100', '2023-02-28', '2023-02-28'), // limit: out of 12 months
        paid('100', '2023-03-01', '2023-03-01'), // in 12 months, on time
      ],
      '2024-02-29',
    );
    expect(p).toMatchObject({ avgDaysLate6m: 10, avgDaysLate12m: 3.33, invoiceCount12m: 3, shareLate12m: 33.33 });
  });

  it.each([
    [13, 'stable'], // exactly 3 days worse
    [14, 'worsening'],
    [13.5, 'worsening'],
    [7, 'stable'], // exactly 3 days better
    [6, 'improving'],
    [10, 'stable'],
  ])('trend with %p days late recently vs 10 before: %s', (recentDays, expected) => {
    // recent window: two invoices whose weighted average is recentDays; prior window: 10 days late
    const recentDue = (days: number) => new Date(Date.UTC(2024, 7, 20) - days * 86_400_000).toISOString().slice(0, 10);
    const lo = Math.floor(recentDays);
    const hi = Math.ceil(recentDays);
    const p = payerProfile(
      [
        paid('100', recentDue(lo), '2024-08-20'),
        paid('100', recentDue(hi), '2024-08-20'),
        paid('500', '2024-04-01', '2024-04-11'),
      ],
      asOf,
    );
    expect(p.trend).toBe(expected);
  });

  it('has no trend when a window is empty, and nothing without invoices', () => {
    expect(payerProfile([paid('100', '2024-08-01', '2024-08-11')], asOf).trend).toBeNull();
    expect(payerProfile([paid('100', '2024-04-01', '2024-04-11')], asOf).trend).toBeNull();
    expect(payerProfile([], asOf)).toEqual({
      avgDaysLate6m: null,
      avgDaysLate12m: null,
      shareLate12m: null,
      shareLateAmount12m: null,
      trend: null,
      invoiceCount12m: 0,
    });
  });

  it('keeps 12-month figures when the last 6 months are empty', () => {
    const p = payerProfile([paid('100', '2023-10-01', '2023-10-31')], asOf);
    expect(p).toMatchObject({ avgDaysLate6m: null, avgDaysLate12m: 30, shareLateAmount12m: 100, invoiceCount12m: 1 });
  });
});
