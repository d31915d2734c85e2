/**
 * Priority of a collector's task (0-100, higher first): what is at stake, how late it is, and how
 * risky the customer is.
 * - amount: 50 points on a log scale, full at 1,000,000 (tenant currency): 1,000 → 25, 10,000 → 33;
 * - lateness: 35 points, linear up to 120 days of the oldest overdue invoice;
 * - risk: 15 points, from a 0-1 risk figure (broken promises, later the risk grade);
 * - overdue tasks (due before today) get +1 point per day waited, up to 10, so nothing starves.
 */
export interface PriorityInput {
  /** Overdue amount in the tenant currency, as a decimal string. */
  overdue: string;
  daysLate: number;
  /** 0 (no known risk) to 1 (highest). */
  risk: number;
  /** Days the task has waited past its due date. */
  waitingDays?: number;
}

export function taskPriority(p: PriorityInput): number {
  const amount = Math.max(0, Number(p.overdue) || 0);
  const amountScore = 50 * Math.min(1, Math.log10(1 + amount) / 6);
  const lateScore = 35 * Math.min(1, Math.max(0, p.daysLate) / 120);
  const riskScore = 15 * Math.min(1, Math.max(0, p.risk));
  const waitScore = Math.min(10, Math.max(0, p.waitingDays ?? 0));
  return Math.round((amountScore + lateScore + riskScore + waitScore) * 10) / 10;
}
