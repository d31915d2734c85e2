import { describe, expect, it } from '@jest/globals';
import { evaluatePlan, generateSchedule, scheduleProblems } from './plan-rules.js';

const eur = (s: string) => BigInt(Math.round(Number(s) * 100));

describe('generateSchedule', () => {
  it('splits into equal instalments with the rounding remainder on the last one', () => {
    expect(generateSchedule(100000n, 3, '2026-01-31', 'monthly')).toEqual([
      { dueDate: '2026-01-31', amount: 33333n },
      { dueDate: '2026-02-28', amount: 33333n },
      { dueDate: '2026-03-31', amount: 33334n },
    ]);
  });

  it('steps by 7 days for weekly plans', () => {
    expect(generateSchedule(1000n, 2, '2026-12-28', 'weekly').map((i) => i.dueDate)).toEqual(['2026-12-28', '2027-01-04']);
  });

  it('handles a single instalment and a leap day', () => {
    expect(generateSchedule(5n, 1, '2028-02-29', 'monthly')).toEqual([{ dueDate: '2028-02-29', amount: 5n }]);
    expect(generateSchedule(12n, 13, '2028-02-29', 'monthly')[12]).toEqual({ dueDate: '2029-02-28', amount: 12n });
  });
});

describe('scheduleProblems', () => {
  const today = '2026-03-01';
  it('accepts a schedule that adds up to the total', () => {
    const s = [
      { dueDate: '2026-03-01', amount: eur('500') },
      { dueDate: '2026-04-01', amount: eur('500') },
    ];
    expect(scheduleProblems(s, eur('1000'), 'EUR', today)).toEqual([]);
  });

  it('names the difference when the sum is wrong', () => {
    const s = [
      { dueDate: '2026-03-10', amount: eur('400') },
      { dueDate: '2026-04-10', amount: eur('500') },
    ];
    const [e] = scheduleProblems(s, eur('1000'), 'EUR', today);
    expect(e.field).toBe('instalments');
    expect(e.message).toContain('900.00 EUR');
    expect(e.message).toContain('100.00 EUR missing');
    expect(e.message).toContain('difference -100.00');
  });

  it('reports past first dates, non-increasing dates and amounts not above zero by field', () => {
    const s = [
      { dueDate: '2026-02-28', amount: eur('500') },
      { dueDate: '2026-02-28', amount: 0n },
    ];
    expect(scheduleProblems(s, eur('500'), 'EUR', today).map((e) => e.field)).toEqual([
      'instalments[0].dueDate',
      'instalments[1].amount',
      'instalments[1].dueDate',
    ]);
  });
});

describe('evaluatePlan (waterfall)', () => {
  // 1000.00 in three instalments, grace 3 days.
  const plan = [
    { seq: 1, dueDate: '2026-03-10', amount: eur('300') },
    { seq: 2, dueDate: '2026-04-10', amount: eur('300') },
    { seq: 3, dueDate: '2026-05-10', amount: eur('400') },
  ];

  it('applies the money in order and stays active while on track', () => {
    const r = evaluatePlan(plan, [{ date: '2026-03-09', amount: eur('450') }], '2026-03-20', 3);
    expect(r.outcome).toBe('active');
    expect(r.paid).toBe(eur('450'));
    expect(r.instalments).toEqual([
      { seq: 1, paidAmount: eur('300'), status: 'paid' },
      { seq: 2, paidAmount: eur('150'), status: 'pending' },
      { seq: 3, paidAmount: 0n, status: 'pending' },
    ]);
  });

  it('tolerates the grace days, then breaches the day after', () => {
    const paid = [{ date: '2026-03-09', amount: eur('300') }];
    expect(evaluatePlan(plan, paid, '2026-04-13', 3).outcome).toBe('active');
    const r = evaluatePlan(plan, paid, '2026-04-14', 3);
    expect(r).toMatchObject({ outcome: 'breached', missedSeq: 2, breachedOn: '2026-04-14', completedOn: null });
    expect(r.instalments.map((i) => i.status)).toEqual(['paid', 'missed', 'pending']);
  });

  it('an instalment paid within the grace days is not missed', () => {
    const r = evaluatePlan(plan, [{ date: '2026-03-13', amount: eur('300') }], '2026-03-20', 3);
    expect(r.outcome).toBe('active');
    expect(r.instalments[0].status).toBe('paid');
  });

  it('decides the same whether evaluated daily or late: a late payment does not undo a miss', () => {
    const r = evaluatePlan(plan, [{ date: '2026-03-20', amount: eur('300') }], '2026-03-25', 3);
    expect(r).toMatchObject({ outcome: 'breached', missedSeq: 1, breachedOn: '2026-03-14' });
  });

  it('completes on the day the money covers every instalment, even ahead of schedule', () => {
    const r = evaluatePlan(
      plan,
      [
        { date: '2026-03-10', amount: eur('300') },
        { date: '2026-04-02', amount: eur('700') },
      ],
      '2026-04-05',
      3,
    );
    expect(r).toMatchObject({ outcome: 'completed', completedOn: '2026-04-02', missedSeq: null });
    expect(r.instalments.every((i) => i.status === 'paid')).toBe(true);
  });

  it('ignores money dated after today', () => {
    const r = evaluatePlan(plan, [{ date: '2026-03-30', amount: eur('1000') }], '2026-03-12', 3);
    expect(r.paid).toBe(0n);
    expect(r.outcome).toBe('active');
  });
});
