/**
 * The priority badge of a worklist task. The API scores tasks 0-100 (overdue amount on a log
 * scale: 50 points, days late: 35, risk: 15, days waited: up to 10); the badge cuts that scale
 * into four levels a collector reads at a glance.
 */
export type PriorityLevel = 'urgent' | 'high' | 'medium' | 'low';

/** Lower bound (inclusive) of each level, highest first. */
export const PRIORITY_THRESHOLDS: ReadonlyArray<readonly [PriorityLevel, number]> = [
  ['urgent', 70],
  ['high', 50],
  ['medium', 30],
  ['low', 0],
];

export const PRIORITY_SEVERITY: Record<PriorityLevel, 'danger' | 'warn' | 'info' | 'secondary'> = {
  urgent: 'danger',
  high: 'warn',
  medium: 'info',
  low: 'secondary',
};

export function priorityLevel(priority: number): PriorityLevel {
  const p = Number.isFinite(priority) ? priority : 0;
  for (const [level, min] of PRIORITY_THRESHOLDS) if (p >= min) return level;
  return 'low';
}
