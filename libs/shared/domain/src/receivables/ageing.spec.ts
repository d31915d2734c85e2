import { describe, expect, it } from '@jest/globals';
import { addDays } from '../calendar-date.js';
import { toMinor, type Minor } from '../money.js';
import {
  ageBucketIndex,
  ageItems,
  bucketBoundsProblem,
  bucketIndex,
  bucketLabels,
  DEFAULT_BUCKET_BOUNDS,
  parseBucketBounds,
  type AgeingItem,
} from './ageing.js';

const eur = (s: string): Minor => toMinor(s, 'EUR');
const item = (openAmount: string, dueDate: string, issueDate = '2023-01-01'): AgeingItem => ({
  openAmount: eur(openAmount),
  dueDate,
  issueDate,
});

/** Small deterministic PRNG (mulberry32) for the property checks. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('parseBucketBounds', () => {
  it.each([
    ['30,60,90,120', [30, 60, 90, 120]],
    [' 15 , 45 ', [15, 45]],
    ['7', [7]],
    ['1,2,3,4,5,6,7,8,9,10', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
    ['30,365', [30, 365]],
  ])('%j → %j', (spec, bounds) => expect(parseBucketBounds(spec)).toEqual(bounds));

  it.each([
    ['', /empty/],
    ['  ', /empty/],
    ['30,30', /strictly increasing/],
    ['60,30', /strictly increasing/],
    ['0,30', /positive whole number/],
    ['-5,30', /"-5" is not a positive whole number/],
    ['30,,60', /"" is not a positive whole number/],
    ['30.5', /"30.5" is not a positive whole number/],
    ['abc', /"abc" is not/],
    ['30;60', /"30;60" is not/],
    ['1,2,3,4,5,6,7,8,9,10,11', /1 to 10 bounds, got 11/],
  ])('refuses %j', (spec, message) => expect(() => parseBucketBounds(spec)).toThrow(message));

  it('defaults to 30, 60, 90, 120, frozen', () => {
    expect(DEFAULT_BUCKET_BOUNDS).toEqual([30, 60, 90, 120]);
    expect(Object.isFrozen(DEFAULT_BUCKET_BOUNDS)).toBe(true);
  });

  it('checks bounds given as numbers', () => {
    expect(bucketBoundsProblem([30, 60])).toBeNull();
    expect(bucketBoundsProblem([])).toMatch(/1 to 10 bounds/);
    expect(bucketBoundsProblem([30, 45.5])).toMatch(/positive whole number/);
    expect(() => bucketIndex(3, [60, 30])).toThrow(/strictly increasing/);
    expect(() => ageItems([], '2024-01-01', 'due', [])).toThrow(/1 to 10 bounds/);
  });
});

describe('bucket labels', () => {
  it.each([
    [[30, 60, 90, 120], 'due', ['not_due', '1-30', '31-60', '61-90', '91-120', '>120']],
    [[15, 45], 'due', ['not_due', '1-15', '16-45', '>45']],
    [[1], 'due', ['not_due', '1-1', '>1']],
    [[30, 60, 90, 120], 'issue', ['0-30', '31-60', '61-90', '91-120', '>120']],
    [[15, 45], 'issue', ['0-15', '16-45', '>45']],
  ] as const)('%j by %s', (bounds, basis, labels) => expect(bucketLabels(bounds, basis)).toEqual(labels));

  it('uses the due date by default', () => expect(bucketLabels([10])).toEqual(['not_due', '1-10', '>10']));
});

describe('bucketIndex (days past due)', () => {
  it.each([
    [-400, 0],
    [-1, 0],
    [0, 0],
    [1, 1],
    [30, 1],
    [31, 2],
    [60, 2],
    [61, 3],
    [90, 3],
    [91, 4],
    [120, 4],
    [121, 5],
    [10_000, 5],
  ])('%i days → bucket %i with the default bounds', (days, index) =>
    expect(bucketIndex(days, DEFAULT_BUCKET_BOUNDS)).toBe(index),
  );

  it.each([
    [0, 0],
    [1, 1],
    [15, 1],
    [16, 2],
    [45, 2],
    [46, 3],
  ])('%i days → bucket %i with bounds 15,45', (days, index) => expect(bucketIndex(days, [15, 45])).toBe(index));
});

describe('ageBucketIndex (days since issue)', () => {
  it.each([
    [-3, 0],
    [0, 0],
    [30, 0],
    [31, 1],
    [120, 3],
    [121, 4],
  ])('%i days → bucket %i', (days, index) => expect(ageBucketIndex(days, DEFAULT_BUCKET_BOUNDS)).toBe(index));
});

describe('ageItems by due date', () => {
  // asOf 2024-03-01 in a leap year: 2024-02-29 exists, so the day counts cross it.
  const asOf = '2024-03-01';
  const items = [
    item('100.00', '2024-03-01'), // 0 days: not due
    item('50.00', '2024-04-15'), // due later: not due
    item('1.00', '2024-02-29'), // 1 day
    item('30.00', '2024-01-31'), // 30 days (29 + 1)
    item('31.00', '2024-01-30'), // 31 days
    item('120.00', '2023-11-02'), // 120 days (with Feb 29)
    item('121.00', '2023-11-01'), // 121 days
    item('0.00', '2020-01-01'), // paid: left out
    item('-20.00', '2024-01-15'), // credit note, 46 days
  ];

  const result = ageItems(items, asOf, 'due', DEFAULT_BUCKET_BOUNDS);

  it('puts boundary days in the right buckets', () => {
    expect(result.buckets).toEqual([
      { label: 'not_due', minDays: null, maxDays: 0, amount: eur('150.00'), count: 2 },
      { label: '1-30', minDays: 1, maxDays: 30, amount: eur('31.00'), count: 2 },
      { label: '31-60', minDays: 31, maxDays: 60, amount: eur('11.00'), count: 2 },
      { label: '61-90', minDays: 61, maxDays: 90, amount: 0n, count: 0 },
      { label: '91-120', minDays: 91, maxDays: 120, amount: eur('120.00'), count: 1 },
      { label: '>120', minDays: 121, maxDays: null, amount: eur('121.00'), count: 1 },
    ]);
  });

  it('totals and overdue (credit notes net off, zero items left out)', () => {
    expect(result.total).toBe(eur('433.00'));
    expect(result.overdue).toBe(eur('283.00'));
  });

  it('counts days differently in a non-leap year', () => {
    const r = ageItems(
      [item('1.00', '2023-02-28'), item('2.00', '2022-11-02'), item('3.00', '2022-11-01')],
      '2023-03-01',
      'due',
      [30, 60, 90, 119],
    );
    // 2023-02-28 → 1 day; 2022-11-02 → 119 days; 2022-11-01 → 120 days
    expect(r.buckets.map((b) => b.amount)).toEqual([0n, 100n, 0n, 0n, 200n, 300n]);
  });

  it('works with custom bounds and defaults', () => {
    const custom = ageItems(items, asOf, 'due', [15, 45]);
    expect(custom.buckets.map((b) => [b.label, b.amount])).toEqual([
      ['not_due', eur('150.00')],
      ['1-15', eur('1.00')],
      ['16-45', eur('61.00')],
      ['>45', eur('221.00')],
    ]);
    expect(custom.total).toBe(result.total);
    expect(custom.overdue).toBe(result.overdue);
    expect(ageItems(items, asOf)).toEqual(result);
  });

  it('returns empty buckets for no items', () => {
    const r = ageItems([], asOf, 'due', [30]);
    expect(r).toEqual({
      buckets: [
        { label: 'not_due', minDays: null, maxDays: 0, amount: 0n, count: 0 },
        { label: '1-30', minDays: 1, maxDays: 30, amount: 0n, count: 0 },
        { label: '>30', minDays: 31, maxDays: null, amount: 0n, count: 0 },
      ],
      total: 0n,
      overdue: 0n,
    });
  });

  it('refuses a bad date', () => {
    expect(() => ageItems([item('1.00', '2023-02-29')], asOf, 'due', [30])).toThrow(/Not a calendar date/);
  });
});

describe('ageItems by issue date', () => {
  const asOf = '2024-03-01';
  const items = [
    item('10.00', '2024-03-31', '2024-03-01'), // age 0 → first bucket
    item('20.00', '2024-03-31', '2024-03-05'), // issued after asOf → first bucket
    item('30.00', '2024-02-29', '2024-01-31'), // age 30, overdue 1 day
    item('31.00', '2024-04-30', '2024-01-30'), // age 31, not due
    item('121.00', '2024-01-01', '2023-11-01'), // age 121, overdue
  ];
  const result = ageItems(items, asOf, 'issue', DEFAULT_BUCKET_BOUNDS);

  it('buckets by days since issue, with no not_due bucket', () => {
    expect(result.buckets).toEqual([
      { label: '0-30', minDays: 0, maxDays: 30, amount: eur('60.00'), count: 3 },
      { label: '31-60', minDays: 31, maxDays: 60, amount: eur('31.00'), count: 1 },
      { label: '61-90', minDays: 61, maxDays: 90, amount: 0n, count: 0 },
      { label: '91-120', minDays: 91, maxDays: 120, amount: 0n, count: 0 },
      { label: '>120', minDays: 121, maxDays: null, amount: eur('121.00'), count: 1 },
    ]);
  });

  it('still counts overdue by due date', () => {
    expect(result.total).toBe(eur('212.00'));
    expect(result.overdue).toBe(eur('151.00'));
    expect(ageItems(items, asOf, 'due', DEFAULT_BUCKET_BOUNDS).overdue).toBe(result.overdue);
  });
});

describe('ageing properties (random items, fixed seed)', () => {
  const random = rng(20240229);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));

  it.each(Array.from({ length: 50 }, (_, run) => run))('run %i: buckets sum to the total', () => {
    const asOf = addDays('2024-01-01', int(0, 800));
    const boundCount = int(1, 10);
    const bounds: number[] = [];
    for (let i = 0; i < boundCount; i++) bounds.push((bounds[i - 1] ?? 0) + int(1, 60));
    const items: AgeingItem[] = Array.from({ length: int(0, 80) }, () => {
      const issueDate = addDays(asOf, int(-700, 20));
      return {
        openAmount: BigInt(int(-50_000, 5_000_000)) * (random() < 0.1 ? 0n : 1n),
        issueDate,
        dueDate: addDays(issueDate, int(0, 90)),
      };
    });
    const open = items.filter((i) => i.openAmount !== 0n);
    const expectedTotal = open.reduce((s, i) => s + i.openAmount, 0n);
    const expectedOverdue = open.filter((i) => i.dueDate < asOf).reduce((s, i) => s + i.openAmount, 0n);

    for (const basis of ['due', 'issue'] as const) {
      const r = ageItems(items, asOf, basis, bounds);
      expect(r.buckets).toHaveLength(basis === 'due' ? bounds.length + 2 : bounds.length + 1);
      expect(r.buckets.reduce((s, b) => s + b.amount, 0n)).toBe(r.total);
      expect(r.buckets.reduce((s, b) => s + b.count, 0)).toBe(open.length);
      expect(r.total).toBe(expectedTotal);
      expect(r.overdue).toBe(expectedOverdue);
      if (basis === 'due') expect(r.total - r.buckets[0].amount).toBe(r.overdue);
    }
  });
});
