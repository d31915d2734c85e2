/**
 * The dunning next-step rule, as a pure function (the daily run applies it to every customer).
 *
 * A scenario is a list of steps ordered by their offset in days from the due date (negative: a
 * preventive reminder before it). A customer's `level` is the position of the last step done in
 * the current cycle (0: none). On each run:
 * - nothing open to dun (no eligible invoice: all paid, or only disputed ones) → the cycle ends:
 *   the level goes back to 0, unless the only late invoices are disputed (then it is paused);
 * - paused (pending promise, payment plan on track, manual hold, excluded, legal collection, a
 *   step still awaiting a person's validation)
 *   → nothing, the level is kept;
 * - when the oldest late invoice was settled and the next one is less late than the level's
 *   offset, the level drops to the last step that this invoice's lateness has reached, so the
 *   cycle follows the oldest invoice still open;
 * - the next step is the first one after the level whose offset is reached (preventive steps
 *   only while nothing is overdue): a customer climbs at most one step per run, even when it
 *   is late enough for several; a step whose minimum amount is not reached waits (later steps
 *   are not taken instead);
 * - steps keep the scenario's spacing: the next step also waits until as many days have passed
 *   since the current one as separate their offsets (a customer found 90 days late gets the
 *   gentle reminder today and the firm one 10 days later, not tomorrow).
 */
export interface StepRule {
  position: number;
  offsetDays: number;
  /** Minimum amount of the statement, in minor units of the comparison currency. */
  minAmountMinor: bigint;
}

export type PauseReason = 'promise' | 'payment_plan' | 'hold' | 'excluded' | 'legal_collection' | 'dispute' | 'validation';

export interface CustomerSituation {
  /** Position of the last step done in the current cycle (0: none). */
  level: number;
  /**
   * Days between the due date of the oldest eligible open invoice and the run date (negative:
   * not due yet); null when nothing eligible is open.
   */
  oldestDaysLate: number | null;
  /** Amount that a reminder would claim: overdue total, or (preventive) total due soon. Minor units. */
  overdueMinor: bigint;
  /** Open, not yet due, within the preventive window (minor units). */
  dueSoonMinor: bigint;
  /** Days since the current level was reached (null: unknown). */
  daysSinceLevel?: number | null;
  /** Has disputed late invoices (and nothing else late). */
  onlyDisputedLate?: boolean;
  pausedBy?: PauseReason | null;
}

export type NextStepDecision =
  | { kind: 'step'; position: number; level: number }
  | {
      kind: 'none';
      level: number;
      reason: 'nothing_due' | 'paused' | 'below_minimum' | 'waiting' | 'completed';
      pausedBy?: PauseReason;
    };

/** Steps must be sorted by position with strictly increasing offsets (the scenario API enforces it). */
export function decideNextStep(steps: readonly StepRule[], s: CustomerSituation): NextStepDecision {
  if (s.oldestDaysLate === null) {
    if (s.onlyDisputedLate) return { kind: 'none', level: s.level, reason: 'paused', pausedBy: 'dispute' };
    return { kind: 'none', level: 0, reason: 'nothing_due' };
  }
  if (s.pausedBy) return { kind: 'none', level: s.level, reason: 'paused', pausedBy: s.pausedBy };
  const days = s.oldestDaysLate;
  let level = Math.min(s.level, steps.length ? steps[steps.length - 1].position : 0);
  const current = steps.find((st) => st.position === level);
  let dropped = false;
  if (current && days < current.offsetDays) {
    dropped = true;
    // The invoice the level was reached for is settled: follow the oldest one still open.
    // (Preventive steps were never done for that invoice: they are not counted as reached.)
    const reached = steps.filter((st) => st.position <= level && st.offsetDays >= 0 && st.offsetDays <= days);
    level = reached.length ? reached[reached.length - 1].position : 0;
  }
  const next = steps.find((st) => st.position > level && (st.offsetDays >= 0 || days < 0));
  if (!next) return { kind: 'none', level, reason: steps.length ? 'completed' : 'nothing_due' };
  if (next.offsetDays > days) return { kind: 'none', level, reason: 'waiting' };
  if (!dropped && current && s.daysSinceLevel != null && s.daysSinceLevel < next.offsetDays - current.offsetDays)
    return { kind: 'none', level, reason: 'waiting' };
  const amount = next.offsetDays < 0 ? s.dueSoonMinor : s.overdueMinor;
  if (amount < next.minAmountMinor || amount <= 0n) return { kind: 'none', level, reason: 'below_minimum' };
  return { kind: 'step', position: next.position, level: next.position };
}
