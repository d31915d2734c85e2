/**
 * Priority of a collector's task (0-100, higher first): what is at stake, how late it is, and how
 * risky the customer is.
 * - amount: 50 points on a log scale, full at 1,000,000 (tenant currency): 1,000 → 25, 10,000 → 33;
 * - lateness: 35 points, linear up to 120 days of the oldest overdue invoice;
 * - risk: 15 points, from a 0-1 risk figure (`customerRisk`: broken promises and the predicted late payment
 *   of the customer's open invoices);
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

export interface CustomerRiskInput {
  /** Promises to pay the customer broke in the last 12 months. */
  brokenPromises: number;
  /**
   * Open-amount-weighted mean late probability of the customer's open invoices (payment predictions: 1 for an
   * invoice already past due, the model's probability for the others), 0-1; null when none is predicted.
   */
  lateProbability: number | null;
}

/**
 * The 0-1 risk figure of a customer, from two warnings:
 * - broken promises: 0.5 per promise broken in the last 12 months, 1 from two;
 * - late payment: the mean late probability of its open invoices (unknown → 0, i.e. the promises alone).
 * Combined as "at least one of the two warnings is right": risk = 1 − (1 − promises) × (1 − late). Either one
 * alone gives its own value (1 broken promise, nothing predicted → 0.5; no promise, late 0.6 → 0.6), both
 * together more than each (0.5 and 0.6 → 0.8), and either at 1 gives 1.
 */
export function customerRisk(r: CustomerRiskInput): number {
  const clamp = (x: number) => Math.min(1, Math.max(0, Number.isFinite(x) ? x : 0));
  const promises = clamp(r.brokenPromises / 2);
  const late = clamp(r.lateProbability ?? 0);
  return Math.round((1 - (1 - promises) * (1 - late)) * 1e4) / 1e4;
}
