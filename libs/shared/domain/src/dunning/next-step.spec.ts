import { describe, expect, it } from '@jest/globals';
import { decideNextStep, type CustomerSituation, type StepRule } from './next-step.js';

const step = (position: number, offsetDays: number, min = 0n): StepRule => ({ position, offsetDays, minAmountMinor: min });
/** Preventive -5, gentle +5, firm +15, formal notice +45 (minimum 500.00). */
const STEPS = [step(1, -5), step(2, 5), step(3, 15), step(4, 45, 50_000n)];
const sit = (over: Partial<CustomerSituation>): CustomerSituation => ({
  level: 0,
  oldestDaysLate: 0,
  overdueMinor: 100_000n,
  dueSoonMinor: 0n,
  ...over,
});

describe('decideNextStep', () => {
  it.each([
    // [case, situation, expected]
    ['nothing open → cycle ends', sit({ level: 3, oldestDaysLate: null }), { kind: 'none', level: 0, reason: 'nothing_due' }],
    [
      'only disputed late invoices → paused, level kept',
      sit({ level: 2, oldestDaysLate: null, onlyDisputedLate: true }),
      { kind: 'none', level: 2, reason: 'paused', pausedBy: 'dispute' },
    ],
    [
      'not due yet, outside the preventive window',
      sit({ oldestDaysLate: -10, dueSoonMinor: 5_000n }),
      { kind: 'none', level: 0, reason: 'waiting' },
    ],
    [
      'preventive reminder 5 days before',
      sit({ oldestDaysLate: -5, overdueMinor: 0n, dueSoonMinor: 5_000n }),
      { kind: 'step', position: 1, level: 1 },
    ],
    [
      'preventive done, due date not reached',
      sit({ level: 1, oldestDaysLate: -2, overdueMinor: 0n }),
      { kind: 'none', level: 1, reason: 'waiting' },
    ],
    ['gentle reminder at +5', sit({ level: 1, oldestDaysLate: 5 }), { kind: 'step', position: 2, level: 2 }],
    ['preventive step skipped once overdue', sit({ level: 0, oldestDaysLate: 6 }), { kind: 'step', position: 2, level: 2 }],
    ['gentle done, waiting for +15', sit({ level: 2, oldestDaysLate: 14 }), { kind: 'none', level: 2, reason: 'waiting' }],
    ['firm at +15', sit({ level: 2, oldestDaysLate: 15 }), { kind: 'step', position: 3, level: 3 }],
    [
      '90 days late, never dunned → one step only',
      sit({ level: 0, oldestDaysLate: 90 }),
      { kind: 'step', position: 2, level: 2 },
    ],
    ['90 days late at level 2 → next step only', sit({ level: 2, oldestDaysLate: 90 }), { kind: 'step', position: 3, level: 3 }],
    [
      'formal notice below its minimum waits',
      sit({ level: 3, oldestDaysLate: 50, overdueMinor: 49_999n }),
      { kind: 'none', level: 3, reason: 'below_minimum' },
    ],
    [
      'formal notice at its minimum',
      sit({ level: 3, oldestDaysLate: 50, overdueMinor: 50_000n }),
      { kind: 'step', position: 4, level: 4 },
    ],
    ['scenario completed', sit({ level: 4, oldestDaysLate: 120 }), { kind: 'none', level: 4, reason: 'completed' }],
    [
      'paused by a promise',
      sit({ level: 2, oldestDaysLate: 30, pausedBy: 'promise' }),
      { kind: 'none', level: 2, reason: 'paused', pausedBy: 'promise' },
    ],
    [
      'paused by a plan',
      sit({ level: 3, oldestDaysLate: 60, pausedBy: 'payment_plan' }),
      { kind: 'none', level: 3, reason: 'paused', pausedBy: 'payment_plan' },
    ],
    [
      'spacing: firm reminder 3 days after the gentle one waits (offsets 5 → 15)',
      sit({ level: 2, oldestDaysLate: 90, daysSinceLevel: 3 }),
      { kind: 'none', level: 2, reason: 'waiting' },
    ],
    [
      'spacing: 10 days after the gentle one, the firm reminder goes',
      sit({ level: 2, oldestDaysLate: 90, daysSinceLevel: 10 }),
      { kind: 'step', position: 3, level: 3 },
    ],
    [
      'spacing from the preventive step: gentle reminder 10 days after it',
      sit({ level: 1, oldestDaysLate: 5, daysSinceLevel: 10 }),
      { kind: 'step', position: 2, level: 2 },
    ],
    [
      'a step awaiting validation holds the next one',
      sit({ level: 3, oldestDaysLate: 90, pausedBy: 'validation' }),
      { kind: 'none', level: 3, reason: 'paused', pausedBy: 'validation' },
    ],
    [
      'oldest settled: level follows the next oldest (+7 → gentle reached)',
      sit({ level: 3, oldestDaysLate: 7 }),
      { kind: 'none', level: 2, reason: 'waiting' },
    ],
    [
      'oldest settled: next oldest at +2 → back to 0, then nothing yet',
      sit({ level: 3, oldestDaysLate: 2 }),
      { kind: 'none', level: 0, reason: 'waiting' },
    ],
    [
      'oldest settled: next oldest not due → preventive again',
      sit({ level: 3, oldestDaysLate: -5, overdueMinor: 0n, dueSoonMinor: 1n }),
      { kind: 'step', position: 1, level: 1 },
    ],
    [
      'zero amount never triggers',
      sit({ oldestDaysLate: 10, overdueMinor: 0n }),
      { kind: 'none', level: 0, reason: 'below_minimum' },
    ],
  ] as const)('%s', (_name, situation, expected) => {
    expect(decideNextStep(STEPS, situation)).toEqual(expected);
  });

  it('no steps: nothing to do', () => {
    expect(decideNextStep([], sit({ oldestDaysLate: 30 }))).toEqual({ kind: 'none', level: 0, reason: 'nothing_due' });
  });

  it('a level beyond a shortened scenario is capped to its last step', () => {
    expect(decideNextStep(STEPS.slice(0, 2), sit({ level: 4, oldestDaysLate: 30 }))).toEqual({
      kind: 'none',
      level: 2,
      reason: 'completed',
    });
  });
});
