import { describe, expect, it } from '@jest/globals';
import {
  brokenPromisesPoints,
  computeScore,
  daysLatePoints,
  disputesPoints,
  explainScore,
  externalScorePoints,
  gradeOf,
  lateSharePoints,
  lateTrendPoints,
  limitUsagePoints,
  NO_LATENESS,
  overdueRatioPoints,
  type ScoreFactorWeights,
  type ScoreInput,
} from './score.js';

const WEIGHTS: ScoreFactorWeights = {
  daysLate: 25,
  lateTrend: 10,
  lateShare: 15,
  brokenPromises: 10,
  disputes: 5,
  overdueRatio: 15,
  limitUsage: 10,
  externalScore: 20,
};

/** EUR amounts in cents. */
const eur = (x: number) => BigInt(Math.round(x * 100));
const late = (amount: number, days: number) => ({ weightedDays: eur(amount) * BigInt(days), amount: eur(amount) });

const EMPTY: ScoreInput = {
  settledRecent: NO_LATENESS,
  settledPrior: NO_LATENESS,
  overdueOpen: NO_LATENESS,
  settledCount12m: 0,
  settledLateCount12m: 0,
  hasInvoices: false,
  brokenPromises: null,
  openAmount: 0n,
  disputedAmount: 0n,
  overdueAmount: 0n,
  limit: null,
  external: null,
  legalEvent: null,
};

describe('score factors', () => {
  it.each([
    [0, 100],
    [15, 75],
    [30, 50],
    [60, 0],
    [90, 0],
  ])('daysLate: %d days → %d points', (days, points) => expect(daysLatePoints(days)).toBeCloseTo(points, 6));

  it.each([
    [0, 50], // same lateness as before
    [-10, 75], // 10 days better
    [-20, 100],
    [-40, 100],
    [8, 30], // 8 days worse
    [30, 0],
  ])('lateTrend: change %d days → %d points', (change, points) => expect(lateTrendPoints(change)).toBeCloseTo(points, 6));

  it('lateShare, disputes, overdueRatio: linear in the share', () => {
    expect(lateSharePoints(0)).toBe(100);
    expect(lateSharePoints(0.25)).toBe(75);
    expect(lateSharePoints(1)).toBe(0);
    expect(disputesPoints(0)).toBe(100);
    expect(disputesPoints(0.1)).toBeCloseTo(80, 6);
    expect(disputesPoints(0.5)).toBe(0);
    expect(disputesPoints(0.8)).toBe(0);
    expect(overdueRatioPoints(0.6)).toBeCloseTo(40, 6);
    expect(overdueRatioPoints(1)).toBe(0);
  });

  it('brokenPromises: 0 → 100, 1 → 60, 2 → 30, 3 or more → 0', () => {
    expect([0, 1, 2, 3, 7].map(brokenPromisesPoints)).toEqual([100, 60, 30, 0, 0]);
  });

  it('limitUsage: 100 up to 50 %, linear to 0 at 120 %', () => {
    expect(limitUsagePoints(0)).toBe(100);
    expect(limitUsagePoints(50)).toBe(100);
    expect(limitUsagePoints(85)).toBeCloseTo(50, 6);
    expect(limitUsagePoints(120)).toBe(0);
    expect(limitUsagePoints(Infinity)).toBe(0);
  });

  it('externalScore: the score as a percentage of the provider scale', () => {
    expect(externalScorePoints(14, 20)).toBe(70);
    expect(externalScorePoints(87, 100)).toBe(87);
  });

  it.each([
    [100, 'A'],
    [80, 'A'],
    [79, 'B'],
    [65, 'B'],
    [64, 'C'],
    [50, 'C'],
    [49, 'D'],
    [35, 'D'],
    [34, 'E'],
    [0, 'E'],
  ])('grade of %d is %s', (score, grade) => expect(gradeOf(score)).toBe(grade));
});

describe('computeScore (worked examples)', () => {
  it('a customer paying on time with nothing overdue is graded A', () => {
    const r = computeScore(
      {
        ...EMPTY,
        settledRecent: late(10_000, 0),
        settledPrior: late(8_000, 0),
        settledCount12m: 12,
        hasInvoices: true,
        brokenPromises: 0,
        openAmount: eur(3_000),
        overdueAmount: 0n,
      },
      WEIGHTS,
    );
    // daysLate 25, lateTrend 10, lateShare 15, brokenPromises 10, disputes 5, overdueRatio 15 = 80; every factor at
    // 100 but the trend, stable at 50 (neutral by design: nothing changed): (70 × 100 + 10 × 50) / 80 = 93.75 → 94.
    expect(r).toMatchObject({ score: 94, grade: 'A', forcedBy: null });
    expect(r.factors.find((f) => f.key === 'daysLate')).toEqual({
      key: 'daysLate',
      value: 0,
      points: 100,
      weight: 0.3125,
      contribution: 31.25,
      impact: 0,
      available: true,
    });
    expect(r.factors.filter((f) => !f.available).map((f) => f.key)).toEqual(['limitUsage', 'externalScore']);
  });

  it('about 30 days late with 60 % overdue: grade D, daysLate and overdueRatio cost the most', () => {
    // Paid 5,000 on time and 5,000 at 60 days (30 days late on average); 6,000 of the 10,000 open is 90 days late.
    const r = computeScore(
      {
        ...EMPTY,
        settledRecent: { weightedDays: eur(5_000) * 60n, amount: eur(10_000) },
        overdueOpen: late(6_000, 90),
        settledCount12m: 2,
        settledLateCount12m: 1,
        hasInvoices: true,
        brokenPromises: 0,
        openAmount: eur(10_000),
        overdueAmount: eur(6_000),
      },
      WEIGHTS,
    );
    // ADL = (5,000 × 60 + 6,000 × 90) / 16,000 = 52.5 days → 12.5 points. Weights present: daysLate 25,
    // lateShare 15, brokenPromises 10, disputes 5, overdueRatio 15 = 70.
    // (25 × 12.5 + 15 × 50 + 10 × 100 + 5 × 100 + 15 × 40) / 70 = 45.18 → 45, D.
    expect(r).toMatchObject({ score: 45, grade: 'D', forcedBy: null });
    expect(r.factors.map((f) => [f.key, f.value, f.points, f.weight, f.impact])).toEqual([
      ['daysLate', 52.5, 12.5, 0.3571, 31.25],
      ['overdueRatio', 60, 40, 0.2143, 12.86],
      ['lateShare', 50, 50, 0.2143, 10.71],
      ['brokenPromises', 0, 100, 0.1429, 0],
      ['disputes', 0, 100, 0.0714, 0],
      ['lateTrend', null, null, 0, 0],
      ['limitUsage', null, null, 0, 0],
      ['externalScore', null, null, 0, 0],
    ]);
    expect(explainScore(r)).toBe(
      'Grade D (45/100): main factors: days late 52.5 days on average (−31.3 points); overdue amount 60 % (−12.9 points); invoices paid late 50 % (−10.7 points).',
    );
  });

  it('weights are renormalised over the factors present, and change the grade', () => {
    const input: ScoreInput = {
      ...EMPTY,
      hasInvoices: true,
      brokenPromises: 0,
      openAmount: eur(1_000),
      overdueAmount: eur(700),
    };
    // brokenPromises 100 (w 10), disputes 100 (w 5), overdueRatio 30 (w 15): (1000 + 500 + 450) / 30 = 65 → B.
    expect(computeScore(input, WEIGHTS)).toMatchObject({ score: 65, grade: 'B' });
    // Only the overdue ratio counts: 30 → E.
    const onlyOverdue = { ...WEIGHTS, brokenPromises: 0, disputes: 0 };
    const r = computeScore(input, onlyOverdue);
    expect(r).toMatchObject({ score: 30, grade: 'E' });
    expect(r.factors[0]).toMatchObject({ key: 'overdueRatio', weight: 1, contribution: 30, impact: 70 });
    expect(r.factors.find((f) => f.key === 'brokenPromises')).toMatchObject({ available: true, weight: 0, impact: 0 });
  });

  it('without any factor: 50 and grade C, every factor unavailable, said so', () => {
    const r = computeScore(EMPTY, WEIGHTS);
    expect(r).toMatchObject({ score: 50, grade: 'C', forcedBy: null });
    expect(r.factors).toHaveLength(8);
    expect(r.factors.every((f) => !f.available && f.points === null && f.weight === 0)).toBe(true);
    expect(explainScore(r)).toBe(
      'Grade C (50/100): no payment history, credit limit or external rating is known yet: neutral score.',
    );
  });

  it('a liquidation forces grade E and caps the score at 20, the event first in the factors', () => {
    const r = computeScore(
      {
        ...EMPTY,
        settledRecent: late(5_000, 0),
        settledCount12m: 3,
        hasInvoices: true,
        brokenPromises: 0,
        external: { score: 18, scaleMax: 20, provider: 'altares', ratedOn: '2026-05-02' },
        legalEvent: { event: 'liquidation', date: '2026-05-01', provider: 'altares' },
      },
      WEIGHTS,
    );
    expect(r).toMatchObject({ score: 20, grade: 'E', forcedBy: 'legal_event' });
    expect(r.factors[0]).toEqual({
      key: 'legalEvent',
      value: null,
      points: 0,
      weight: 0,
      contribution: 0,
      impact: 77, // 97 before the cap
      available: true,
      detail: { event: 'liquidation', date: '2026-05-01', provider: 'altares' },
    });
    expect(explainScore(r)).toContain('forced by a collective proceeding (liquidation on 2026-05-01, reported by altares)');
  });

  it('a low score stays under the cap', () => {
    const r = computeScore(
      {
        ...EMPTY,
        hasInvoices: true,
        openAmount: eur(100),
        overdueAmount: eur(100),
        overdueOpen: late(100, 200),
        legalEvent: { event: 'safeguard', date: '2026-01-10', provider: 'manual' },
      },
      WEIGHTS,
    );
    // daysLate 0 (w 25), overdueRatio 0 (w 15), disputes 100 (w 5): 500 / 45 = 11.1 → 11, under the cap.
    expect(r).toMatchObject({ score: 11, grade: 'E' });
    expect(r.factors[0]).toMatchObject({ key: 'legalEvent', impact: 0 });
  });

  it('trend: 10 days better than the 6 months before → 75 points, with both averages', () => {
    const r = computeScore(
      {
        ...EMPTY,
        settledRecent: late(1_000, 5),
        settledPrior: late(3_000, 15),
        settledCount12m: 4,
        settledLateCount12m: 4,
        hasInvoices: true,
      },
      WEIGHTS,
    );
    expect(r.factors.find((f) => f.key === 'lateTrend')).toMatchObject({
      value: -10,
      points: 75,
      detail: { recentDaysLate: 5, priorDaysLate: 15 },
    });
  });

  it('limit usage and external score, with their details', () => {
    const r = computeScore(
      {
        ...EMPTY,
        limit: { exposure: eur(85_000), limit: eur(100_000), currency: 'EUR' },
        external: { score: 14, scaleMax: 20, provider: 'altares', ratedOn: '2026-03-01' },
      },
      WEIGHTS,
    );
    // (10 × 50 + 20 × 70) / 30 = 63.3 → 63, C.
    expect(r).toMatchObject({ score: 63, grade: 'C' });
    // Impacts: externalScore 2/3 × 30 = 20, limitUsage 1/3 × 50 = 16.67.
    expect(r.factors.map((f) => f.key).slice(0, 2)).toEqual(['externalScore', 'limitUsage']);
    expect(r.factors[1]).toMatchObject({
      value: 85,
      points: 50,
      weight: 0.3333,
      detail: { exposure: '85000.00', limit: '100000.00', currency: 'EUR' },
    });
    expect(r.factors[0]).toMatchObject({ value: 70, points: 70, detail: { provider: 'altares', score: 14, scaleMax: 20 } });
    // A zero limit with something owed is fully used.
    const zero = computeScore({ ...EMPTY, limit: { exposure: eur(1), limit: 0n, currency: 'EUR' } }, WEIGHTS);
    expect(zero.factors[0]).toMatchObject({ key: 'limitUsage', value: null, points: 0 });
  });

  it('brokenPromises needs invoices and a source of promises', () => {
    const keys = (i: ScoreInput) =>
      computeScore(i, WEIGHTS)
        .factors.filter((f) => f.available)
        .map((f) => f.key);
    expect(keys({ ...EMPTY, brokenPromises: 2 })).toEqual([]);
    expect(keys({ ...EMPTY, hasInvoices: true })).toEqual([]);
    const r = computeScore({ ...EMPTY, hasInvoices: true, brokenPromises: 2 }, WEIGHTS);
    expect(r).toMatchObject({ score: 30, grade: 'E' });
    expect(explainScore(r)).toBe('Grade E (30/100): main factors: broken promises 2 in 12 months (−70.0 points).');
  });
});
