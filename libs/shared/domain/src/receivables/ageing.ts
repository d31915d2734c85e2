import { toDayNumber, type CalendarDate } from '../calendar-date.js';
import type { Minor } from '../money.js';

/**
 * Ageing ("balance âgée").
 *
 * Bounds are the upper limits, in days, of the dated buckets: [30, 60, 90, 120] gives
 * - basis 'due' (the default, days past the due date): not_due (≤ 0), 1-30, 31-60, 61-90, 91-120, >120;
 * - basis 'issue' (days since the issue date, on demand): 0-30, 31-60, 61-90, 91-120, >120, with no not_due
 *   bucket; day 0 (issued on asOf) falls in the first bucket, and so does an issue date after asOf.
 *
 * Items with a zero open amount are left out (they are not open). Negative items (credit notes, payments on account,
 * unapplied cash) are aged like any item and reduce their bucket, the total and, when past due, the overdue amount.
 * `overdue` always uses the due date, whatever the basis: the open amount of items due strictly before asOf.
 */

export type AgeingBasis = 'due' | 'issue';

export const DEFAULT_BUCKET_BOUNDS: readonly number[] = Object.freeze([30, 60, 90, 120]);

export const MAX_BUCKET_BOUNDS = 10;

/** Returns the problem with a list of bucket bounds, or null when it is valid. */
export function bucketBoundsProblem(bounds: readonly number[]): string | null {
  if (bounds.length < 1 || bounds.length > MAX_BUCKET_BOUNDS) {
    return `Ageing buckets need 1 to ${MAX_BUCKET_BOUNDS} bounds, got ${bounds.length}`;
  }
  for (let i = 0; i < bounds.length; i++) {
    const b = bounds[i];
    if (!Number.isSafeInteger(b) || b <= 0) return `Ageing bucket bound ${b} is not a positive whole number of days`;
    if (i > 0 && b <= bounds[i - 1]) return `Ageing bucket bounds must be strictly increasing (${bounds[i - 1]} then ${b})`;
  }
  return null;
}

function checkBounds(bounds: readonly number[]): void {
  const problem = bucketBoundsProblem(bounds);
  if (problem) throw new Error(problem);
}

/** '30,60,90,120' → [30, 60, 90, 120]. Spaces around the numbers are allowed. Throws an Error on anything else. */
export function parseBucketBounds(spec: string): number[] {
  const parts = spec.split(',').map((p) => p.trim());
  if (parts.length === 1 && parts[0] === '') throw new Error('Ageing bucket bounds are empty: expected e.g. "30,60,90,120"');
  const bounds = parts.map((p) => {
    if (!/^\d+$/.test(p)) throw new Error(`Ageing bucket bound "${p}" is not a positive whole number of days (in "${spec}")`);
    return Number(p);
  });
  checkBounds(bounds);
  return bounds;
}

/** Labels of the buckets, in order: ['not_due', '1-30', ..., '>120'] by due date, ['0-30', ..., '>120'] by issue date. */
export function bucketLabels(bounds: readonly number[], basis: AgeingBasis = 'due'): string[] {
  return bucketRanges(bounds, basis).map((r) => r.label);
}

interface BucketRange {
  label: string;
  minDays: number | null;
  maxDays: number | null;
}

function bucketRanges(bounds: readonly number[], basis: AgeingBasis): BucketRange[] {
  checkBounds(bounds);
  const ranges: BucketRange[] = [];
  if (basis === 'due') ranges.push({ label: 'not_due', minDays: null, maxDays: 0 });
  bounds.forEach((b, i) => {
    const min = i === 0 ? (basis === 'due' ? 1 : 0) : bounds[i - 1] + 1;
    ranges.push({ label: `${min}-${b}`, minDays: min, maxDays: b });
  });
  const last = bounds[bounds.length - 1];
  ranges.push({ label: `>${last}`, minDays: last + 1, maxDays: null });
  return ranges;
}

/** First index i with days ≤ bounds[i], or bounds.length when beyond the last bound. */
function rank(days: number, bounds: readonly number[]): number {
  let i = 0;
  while (i < bounds.length && days > bounds[i]) i++;
  return i;
}

/** Bucket of an item by days past due: ≤ 0 → 0 (not due), 1..bounds[0] → 1, ..., > last bound → bounds.length + 1. */
export function bucketIndex(daysPastDue: number, bounds: readonly number[]): number {
  checkBounds(bounds);
  return daysPastDue <= 0 ? 0 : 1 + rank(daysPastDue, bounds);
}

/** Bucket of an item by days since issue (basis 'issue'): ≤ bounds[0] → 0 (negative ages too), ..., > last → bounds.length. */
export function ageBucketIndex(daysSinceIssue: number, bounds: readonly number[]): number {
  checkBounds(bounds);
  return rank(daysSinceIssue, bounds);
}

export interface AgeingItem {
  openAmount: Minor;
  dueDate: CalendarDate;
  issueDate: CalendarDate;
}

export interface AgeingBucket {
  label: string;
  /** Inclusive lower bound in days; null when open below (not_due). */
  minDays: number | null;
  /** Inclusive upper bound in days; null when open above (the last bucket). */
  maxDays: number | null;
  amount: Minor;
  count: number;
}

export interface AgeingResult {
  buckets: AgeingBucket[];
  total: Minor;
  overdue: Minor;
}

export function ageItems(
  items: readonly AgeingItem[],
  asOf: CalendarDate,
  basis: AgeingBasis = 'due',
  bounds: readonly number[] = DEFAULT_BUCKET_BOUNDS,
): AgeingResult {
  const buckets: AgeingBucket[] = bucketRanges(bounds, basis).map((r) => ({ ...r, amount: 0n, count: 0 }));
  const today = toDayNumber(asOf);
  let total = 0n;
  let overdue = 0n;
  for (const item of items) {
    if (item.openAmount === 0n) continue;
    const daysPastDue = today - toDayNumber(item.dueDate);
    const index =
      basis === 'due'
        ? daysPastDue <= 0
          ? 0
          : 1 + rank(daysPastDue, bounds)
        : rank(today - toDayNumber(item.issueDate), bounds);
    buckets[index].amount += item.openAmount;
    buckets[index].count += 1;
    total += item.openAmount;
    if (daysPastDue > 0) overdue += item.openAmount;
  }
  return { buckets, total, overdue };
}
