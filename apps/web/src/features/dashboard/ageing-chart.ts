import type { ChartData } from '../../charts';
import { chartNumber } from '../../format';
import type { AgeingBucket, AgeingGroup } from '../../api/reporting';

/** Green for what is not due, then yellow → dark red as items get older. */
const BUCKET_COLORS: Record<string, string> = {
  not_due: '#16a34a',
  '1-30': '#facc15',
  '31-60': '#f59e0b',
  '61-90': '#f97316',
  '91-120': '#ef4444',
  '>120': '#991b1b',
};
const FALLBACK_COLORS = ['#16a34a', '#facc15', '#f59e0b', '#f97316', '#ef4444', '#b91c1c', '#7f1d1d', '#450a0a'];

export function bucketColor(bucket: AgeingBucket, index: number): string {
  return BUCKET_COLORS[bucket.label] ?? FALLBACK_COLORS[Math.min(index, FALLBACK_COLORS.length - 1)] ?? '#64748b';
}

/** Translations a bucket label needs: "not due", "{min}–{max} days", "over {days} days". */
export interface BucketWords {
  notDue: string;
  range: (min: number, max: number) => string;
  over: (days: number) => string;
}

/** 'not_due' → "Non échu", '31-60' → "31–60 j", '>120' → "> 120 j" (from the bucket's bounds). */
export function bucketLabel(bucket: AgeingBucket, words: BucketWords): string {
  if (bucket.label === 'not_due') return words.notDue;
  if (bucket.minDays !== null && bucket.maxDays !== null) return words.range(bucket.minDays, bucket.maxDays);
  if (bucket.minDays !== null) return words.over(bucket.minDays - 1);
  const over = /^>(\d+)$/.exec(bucket.label);
  if (over) return words.over(Number(over[1]));
  const range = /^(\d+)-(\d+)$/.exec(bucket.label);
  if (range) return words.range(Number(range[1]), Number(range[2]));
  return bucket.label;
}

/**
 * The portfolio's ageing: one bar per bucket, each in its bucket's colour. The original
 * decimal strings travel in `amounts` so tooltips format them exactly.
 */
export function ageingTotalsChart(
  buckets: AgeingBucket[],
  amounts: string[],
  words: BucketWords,
  datasetLabel: string,
): ChartData<'bar', number[], string> & { amounts: string[] } {
  return {
    labels: buckets.map((b) => bucketLabel(b, words)),
    datasets: [
      {
        label: datasetLabel,
        data: buckets.map((_, i) => chartNumber(amounts[i])),
        backgroundColor: buckets.map((b, i) => bucketColor(b, i)),
        borderRadius: 4,
      },
    ],
    amounts: buckets.map((_, i) => amounts[i] ?? '0'),
  };
}

/**
 * Ageing per group (e.g. the top overdue customers): one stacked bar per group, one
 * dataset per bucket. `amounts[d][g]` keeps the decimal string of bucket d for group g.
 */
export function ageingGroupsChart(
  buckets: AgeingBucket[],
  groups: Pick<AgeingGroup, 'label' | 'amounts'>[],
  words: BucketWords,
): ChartData<'bar', number[], string> & { amounts: string[][] } {
  return {
    labels: groups.map((g) => g.label),
    datasets: buckets.map((bucket, d) => ({
      label: bucketLabel(bucket, words),
      data: groups.map((g) => chartNumber(g.amounts[d])),
      backgroundColor: bucketColor(bucket, d),
      stack: 'ageing',
    })),
    amounts: buckets.map((_, d) => groups.map((g) => g.amounts[d] ?? '0')),
  };
}
