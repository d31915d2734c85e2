import { describe, expect, it } from '@jest/globals';
import {
  approvalDecision,
  formatUsage,
  levelSeverity,
  limitValidOn,
  MAX_USAGE_HUNDREDTHS,
  normaliseLevels,
  normaliseRating,
  reviewReminders,
  usageChange,
  usageHundredths,
  usageLevel,
} from './limits.js';

const LEVELS = [50, 80, 100];

describe('usageHundredths / formatUsage', () => {
  it.each([
    // exposure, limit (minor units), usage
    [0n, 100_000n, '0.00'],
    [50_000n, 100_000n, '50.00'],
    [79_999n, 100_000n, '80.00'], // 79.999 % rounds half up to 80.00
    [79_994n, 100_000n, '79.99'],
    [123_456n, 100_000n, '123.46'],
    [1n, 3n, '33.33'],
    [2n, 3n, '66.67'],
    [-5_000n, 100_000n, '0.00'], // credit notes above invoices
    [0n, 0n, '0.00'], // a zero limit with nothing owed
  ])('exposure %p of a limit %p is %p %', (exposure, limit, expected) => {
    expect(formatUsage(usageHundredths(exposure, limit))).toBe(expected);
  });

  it('caps a zero limit or a huge ratio at the largest storable usage', () => {
    expect(usageHundredths(1n, 0n)).toBe(MAX_USAGE_HUNDREDTHS);
    expect(usageHundredths(10n ** 15n, 1n)).toBe(MAX_USAGE_HUNDREDTHS);
    expect(formatUsage(MAX_USAGE_HUNDREDTHS)).toBe('9999999.99');
  });

  it('refuses a negative limit', () => {
    expect(() => usageHundredths(1n, -1n)).toThrow();
  });

  it('formats small values with a leading zero', () => {
    expect(formatUsage(5n)).toBe('0.05');
    expect(formatUsage(-150n)).toBe('-1.50');
  });
});

describe('usageLevel / usageChange: one alert per crossing', () => {
  it('is the highest level at or under the usage', () => {
    expect(usageLevel(LEVELS, 4_999n)).toBe(0);
    expect(usageLevel(LEVELS, 5_000n)).toBe(50);
    expect(usageLevel(LEVELS, 9_999n)).toBe(80);
    expect(usageLevel(LEVELS, 10_000n)).toBe(100);
    expect(usageLevel(LEVELS, 50_000n)).toBe(100);
  });

  it('walks through a customer story: cross 50, stay, jump over 80 and 100, fall, cross again', () => {
    let stored = 0;
    const step = (hundredths: bigint | null) => {
      const c = usageChange(LEVELS, stored, hundredths);
      stored = c.level;
      return c;
    };
    expect(step(2_000n)).toEqual({ level: 0, crossed: [], lowered: false });
    expect(step(5_500n)).toEqual({ level: 50, crossed: [50], lowered: false });
    expect(step(6_000n)).toEqual({ level: 50, crossed: [], lowered: false }); // stays: nothing
    expect(step(10_500n)).toEqual({ level: 100, crossed: [80, 100], lowered: false }); // two levels at once
    expect(step(11_000n)).toEqual({ level: 100, crossed: [], lowered: false });
    expect(step(4_000n)).toEqual({ level: 0, crossed: [], lowered: true }); // falls: silent
    expect(step(5_100n)).toEqual({ level: 50, crossed: [50], lowered: false }); // crosses again: alerts again
    expect(step(null)).toEqual({ level: 0, crossed: [], lowered: true }); // no valid limit any more
  });

  it('uses the tenant levels whatever their order, ignoring junk', () => {
    expect(normaliseLevels([100, 75, 75, 0, -5, 90.5, 25])).toEqual([25, 75, 100]);
    expect(usageChange([100, 75, 25], 0, 8_000n)).toEqual({ level: 75, crossed: [25, 75], lowered: false });
  });

  it('is critical from 100 %', () => {
    expect(levelSeverity(80)).toBe('warning');
    expect(levelSeverity(100)).toBe('critical');
    expect(levelSeverity(120)).toBe('critical');
  });
});

describe('approvalDecision', () => {
  const base = { current: 1_000_000n, threshold: 500_000n, trusted: false };

  it.each([
    // requested, current, threshold, trusted, decision, increase
    [800_000n, 1_000_000n, 500_000n, false, 'decrease', -200_000n],
    [1_000_000n, 1_000_000n, 500_000n, false, 'decrease', 0n],
    [1_500_000n, 1_000_000n, 500_000n, false, 'within_threshold', 500_000n],
    [1_500_001n, 1_000_000n, 500_000n, false, 'needs_approval', 500_001n],
    [1_500_001n, 1_000_000n, 500_000n, true, 'trusted_requester', 500_001n],
    [400_000n, null, 500_000n, false, 'within_threshold', 400_000n], // no current limit counts as 0
    [600_000n, null, 500_000n, false, 'needs_approval', 600_000n],
    [1n, 1_000_000n, null, false, 'decrease', -999_999n],
    [1_000_001n, 1_000_000n, null, false, 'needs_approval', 1n], // no threshold: every increase waits
    [0n, null, null, false, 'decrease', 0n], // a zero limit is never an increase
  ] as const)('%p over %p (threshold %p, trusted %p) → %p', (requested, current, threshold, trusted, decision, increase) => {
    expect(approvalDecision({ ...base, requested, current, threshold, trusted })).toEqual({ decision, increase });
  });
});

describe('limitValidOn', () => {
  it('includes both ends; no end date is open-ended', () => {
    const l = { validFrom: '2026-01-01', validTo: '2026-06-30' };
    expect(limitValidOn(l, '2025-12-31')).toBe(false);
    expect(limitValidOn(l, '2026-01-01')).toBe(true);
    expect(limitValidOn(l, '2026-06-30')).toBe(true);
    expect(limitValidOn(l, '2026-07-01')).toBe(false);
    expect(limitValidOn({ validFrom: '2026-01-01', validTo: null }, '2099-01-01')).toBe(true);
  });
});

describe('reviewReminders', () => {
  it('reminds of the review date and the end of validity within the horizon, or past', () => {
    const limit = { reviewOn: '2026-03-20', validTo: '2026-06-30' };
    expect(reviewReminders(limit, '2026-02-01', 30)).toEqual([]);
    expect(reviewReminders(limit, '2026-02-18', 30)).toEqual([{ kind: 'review', date: '2026-03-20', due: false }]);
    expect(reviewReminders(limit, '2026-06-10', 30)).toEqual([
      { kind: 'review', date: '2026-03-20', due: true },
      { kind: 'expiry', date: '2026-06-30', due: false },
    ]);
    expect(reviewReminders({ reviewOn: null, validTo: null }, '2026-06-10', 30)).toEqual([]);
    expect(reviewReminders({ reviewOn: '2026-06-10', validTo: null }, '2026-06-10', 0)).toEqual([
      { kind: 'review', date: '2026-06-10', due: true },
    ]);
  });
});

describe('normaliseRating', () => {
  it.each([
    ['15', '20', 75],
    ['7.5', '10', 75],
    [62, 100, 62],
    ['1', '3', 33.33],
    ['0', '20', 0],
    ['20', '20', 100],
    ['21', '20', null],
    ['-1', '20', null],
    ['5', '0', null],
    [null, '20', null],
    ['5', null, null],
    ['abc', '20', null],
  ] as const)('%p on %p → %p', (score, max, expected) => {
    expect(normaliseRating(score, max)).toBe(expected);
  });
});
