import { describe, expect, it } from 'vitest';
import type { AgeingBucket } from '../src/api/reporting';
import {
  ageingGroupsChart,
  ageingTotalsChart,
  bucketColor,
  bucketLabel,
  type BucketWords,
} from '../src/features/dashboard/ageing-chart';
import { dsoTrendChart, monthLabel } from '../src/features/dashboard/dso-chart';

const BUCKETS: AgeingBucket[] = [
  { label: 'not_due', minDays: null, maxDays: 0 },
  { label: '1-30', minDays: 1, maxDays: 30 },
  { label: '31-60', minDays: 31, maxDays: 60 },
  { label: '61-90', minDays: 61, maxDays: 90 },
  { label: '91-120', minDays: 91, maxDays: 120 },
  { label: '>120', minDays: 121, maxDays: null },
];

const FR: BucketWords = {
  notDue: 'Non échu',
  range: (min, max) => `${min}–${max} j`,
  over: (days) => `> ${days} j`,
};

describe('bucketLabel', () => {
  it('names the buckets from their bounds', () => {
    expect(BUCKETS.map((b) => bucketLabel(b, FR))).toEqual(['Non échu', '1–30 j', '31–60 j', '61–90 j', '91–120 j', '> 120 j']);
  });

  it('falls back on the label when the bounds are missing', () => {
    expect(bucketLabel({ label: '>90', minDays: null, maxDays: null }, FR)).toBe('> 90 j');
    expect(bucketLabel({ label: '1-45', minDays: null, maxDays: null }, FR)).toBe('1–45 j');
    expect(bucketLabel({ label: 'other', minDays: null, maxDays: null }, FR)).toBe('other');
  });

  it('colours not-due green and the oldest bucket dark red, custom buckets by position', () => {
    expect(bucketColor(BUCKETS[0]!, 0)).toBe('#16a34a');
    expect(bucketColor(BUCKETS[5]!, 5)).toBe('#991b1b');
    expect(bucketColor({ label: '1-45', minDays: 1, maxDays: 45 }, 1)).toBe('#facc15');
  });
});

describe('ageingTotalsChart', () => {
  it('draws one bar per bucket and keeps the exact decimal strings for the tooltips', () => {
    const amounts = ['1000.00', '250.50', '0.00', '9007199254.75', '12.34', '5.00'];
    const chart = ageingTotalsChart(BUCKETS, amounts, FR, 'Montant');
    expect(chart.labels).toEqual(['Non échu', '1–30 j', '31–60 j', '61–90 j', '91–120 j', '> 120 j']);
    expect(chart.datasets).toHaveLength(1);
    expect(chart.datasets[0]!.data).toEqual([1000, 250.5, 0, 9007199254.75, 12.34, 5]);
    expect(chart.amounts).toEqual(amounts);
    expect(chart.datasets[0]!.backgroundColor).toHaveLength(6);
  });

  it('treats a missing or malformed amount as zero height', () => {
    const chart = ageingTotalsChart(BUCKETS.slice(0, 3), ['10.00', 'abc'], FR, 'Montant');
    expect(chart.datasets[0]!.data).toEqual([10, 0, 0]);
    expect(chart.amounts).toEqual(['10.00', 'abc', '0']);
  });
});

describe('ageingGroupsChart', () => {
  it('stacks one dataset per bucket over the groups', () => {
    const groups = [
      { label: 'Dupont SAS', amounts: ['100.00', '50.00', '0.00', '0.00', '0.00', '25.00'] },
      { label: 'Martin SA', amounts: ['0.00', '10.00', '20.00', '30.00', '40.00', '50.00'] },
    ];
    const chart = ageingGroupsChart(BUCKETS, groups, FR);
    expect(chart.labels).toEqual(['Dupont SAS', 'Martin SA']);
    expect(chart.datasets.map((d) => d.label)).toEqual(['Non échu', '1–30 j', '31–60 j', '61–90 j', '91–120 j', '> 120 j']);
    expect(chart.datasets[1]!.data).toEqual([50, 10]);
    expect(chart.datasets.every((d) => d.stack === 'ageing')).toBe(true);
    expect(chart.amounts[5]).toEqual(['25.00', '50.00']);
  });
});

describe('dsoTrendChart', () => {
  it('orders months oldest first (the API sends the latest first) and rounds to one decimal', () => {
    const point = (month: string, dso: number | null) => ({
      month,
      asOf: `${month}-28`,
      dsoCountBack: dso,
      dsoSimple: dso === null ? null : dso - 1,
      bestPossibleDso: 30,
      overdueShare: 20,
      receivables: '1000.00',
      overdueAmount: '200.00',
    });
    const chart = dsoTrendChart([point('2026-10', 45.26), point('2026-09', null), point('2026-08', 50)], 'fr-FR', {
      dso: 'DSO',
      bpdso: 'BPDSO',
      simple: 'DSO simple',
    });
    expect(chart.labels).toEqual(['août 26', 'sept. 26', 'oct. 26']);
    expect(chart.datasets[0]!.data).toEqual([50, null, 45.3]);
    expect(chart.datasets[1]!.data).toEqual([30, 30, 30]);
  });

  it('labels months without a time-zone shift', () => {
    expect(monthLabel('2027-01', 'en-GB')).toBe('Jan 27');
    expect(monthLabel('bad', 'en-GB')).toBe('bad');
  });
});
