import type { FieldError } from '@encours/api-core';
import { addDays, fromMinor, type CalendarDate, type Minor } from '@encours/domain';
import { addMonths } from '../promises/commitment-rules.js';
import type { InstalmentStatus } from './payment-plan.entities.js';

/**
 * Pure rules of payment plans: generating a schedule, checking one, and the waterfall that
 * applies the money received to the instalments in order.
 */

export const PLAN_FREQUENCIES = ['weekly', 'monthly'] as const;
export type PlanFrequency = (typeof PLAN_FREQUENCIES)[number];

/** At most this many instalments in a plan (ten years of monthly instalments). */
export const MAX_INSTALMENTS = 120;

export interface ScheduledInstalment {
  dueDate: CalendarDate;
  amount: Minor;
}

/**
 * `count` equal instalments of `total` (minor units), every week or every month from
 * `firstDueDate` (a monthly date keeps its day, clamped to the end of shorter months); the
 * rounding remainder goes on the last instalment. 1000.00 in 3 → 333.33, 333.33, 333.34.
 */
export function generateSchedule(
  total: Minor,
  count: number,
  firstDueDate: CalendarDate,
  frequency: PlanFrequency,
): ScheduledInstalment[] {
  if (!Number.isInteger(count) || count < 1) throw new Error(`count must be a positive integer, got ${count}`);
  const n = BigInt(count);
  const base = total / n;
  return Array.from({ length: count }, (_, k) => ({
    dueDate: frequency === 'weekly' ? addDays(firstDueDate, 7 * k) : addMonths(firstDueDate, k),
    amount: k === count - 1 ? total - base * (n - 1n) : base,
  }));
}

/**
 * What is wrong with a schedule, as field errors: an amount not above zero, a first date in
 * the past, dates not strictly increasing, and a sum that differs from the total (the message
 * names the difference; not checked when `total` is null, i.e. unknown because of other errors).
 */
export function scheduleProblems(
  instalments: ScheduledInstalment[],
  total: Minor | null,
  currency: string,
  today: CalendarDate,
): FieldError[] {
  const errors: FieldError[] = [];
  if (!instalments.length)
    return [{ field: 'instalments', message: 'instalments must contain at least one instalment', code: 'arrayMinSize' }];
  instalments.forEach((inst, i) => {
    if (inst.amount <= 0n)
      errors.push({ field: `instalments[${i}].amount`, message: 'amount must be greater than 0', code: 'positive' });
    if (i === 0 && inst.dueDate < today)
      errors.push({
        field: 'instalments[0].dueDate',
        message: `the first due date must not be in the past (today is ${today})`,
        code: 'notPast',
      });
    if (i > 0 && inst.dueDate <= instalments[i - 1].dueDate)
      errors.push({
        field: `instalments[${i}].dueDate`,
        message: `due dates must be strictly increasing: ${inst.dueDate} is not after ${instalments[i - 1].dueDate}`,
        code: 'increasing',
      });
  });
  const sum = instalments.reduce((s, i) => s + i.amount, 0n);
  if (total !== null && sum !== total) {
    const diff = sum - total;
    const abs = diff < 0n ? -diff : diff;
    errors.push({
      field: 'instalments',
      message: `the instalments add up to ${fromMinor(sum, currency)} ${currency} but the plan total is ${fromMinor(total, currency)} ${currency}: ${fromMinor(abs, currency)} ${currency} ${diff < 0n ? 'missing' : 'too much'} (difference ${fromMinor(diff, currency)})`,
      code: 'sumMismatch',
    });
  }
  return errors;
}

export interface PlanInstalmentInput {
  seq: number;
  dueDate: CalendarDate;
  amount: Minor;
}

/** Money counted for a plan on one day (allocations to its invoices). */
export interface DatedAmount {
  date: CalendarDate;
  amount: Minor;
}

export interface InstalmentEvaluation {
  seq: number;
  paidAmount: Minor;
  status: InstalmentStatus;
}

export interface PlanEvaluation {
  /** Counted through `today`. */
  paid: Minor;
  instalments: InstalmentEvaluation[];
  outcome: 'active' | 'breached' | 'completed';
  /** The first instalment not covered by the end of its grace period. */
  missedSeq: number | null;
  /** The day after the missed instalment's grace period. */
  breachedOn: CalendarDate | null;
  /** The day the money counted reached the plan total. */
  completedOn: CalendarDate | null;
}

/**
 * The waterfall: the money received since the plan was agreed pays the instalments in order.
 * Instalment k is covered when the cumulative money ≥ the cumulative amount due through k. It is
 * missed when it was not covered on its due date + `graceDays` and that day is past; the plan is
 * then breached (on the next day). Otherwise the plan is completed once the money covers every
 * instalment. The result only depends on the dated payments and `today`, not on how often it runs.
 */
export function evaluatePlan(
  instalments: PlanInstalmentInput[],
  payments: DatedAmount[],
  today: CalendarDate,
  graceDays: number,
): PlanEvaluation {
  const sorted = [...instalments].sort((a, b) => a.seq - b.seq);
  const counted = payments.filter((p) => p.date <= today).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const paidThrough = (day: CalendarDate) => counted.reduce((s, p) => (p.date <= day ? s + p.amount : s), 0n);
  const paid = paidThrough(today);
  let cumDue = 0n;
  let missedSeq: number | null = null;
  let breachedOn: CalendarDate | null = null;
  const evaluated: InstalmentEvaluation[] = sorted.map((inst) => {
    const before = cumDue;
    cumDue += inst.amount;
    const applied = paid - before;
    const paidAmount = applied <= 0n ? 0n : applied >= inst.amount ? inst.amount : applied;
    const deadline = addDays(inst.dueDate, graceDays);
    const missed = today > deadline && paidThrough(deadline) < cumDue;
    if (missed && missedSeq === null) {
      missedSeq = inst.seq;
      breachedOn = addDays(deadline, 1);
    }
    const status: InstalmentStatus = missed ? 'missed' : paid >= cumDue ? 'paid' : 'pending';
    return { seq: inst.seq, paidAmount, status };
  });
  let completedOn: CalendarDate | null = null;
  if (missedSeq === null && paid >= cumDue) {
    let running = 0n;
    for (const p of counted) {
      running += p.amount;
      if (running >= cumDue) {
        completedOn = p.date;
        break;
      }
    }
  }
  return {
    paid,
    instalments: evaluated,
    outcome: missedSeq !== null ? 'breached' : completedOn !== null ? 'completed' : 'active',
    missedSeq,
    breachedOn,
    completedOn,
  };
}
