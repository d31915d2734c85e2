import { describe, expect, it } from '@jest/globals';
import { addDays } from '../calendar-date.js';
import { isPredictedLate, predictPayment, type SettledInvoiceObservation, trainPaymentModel } from './prediction.js';

/** An invoice issued on `issueDate`, due 30 days later, settled after `days` days. */
function inv(
  customerId: string,
  issueDate: string,
  days: number,
  extra: Partial<SettledInvoiceObservation> = {},
): SettledInvoiceObservation {
  return {
    customerId,
    segment: 'FR',
    issueDate,
    dueDate: addDays(issueDate, 30),
    amount: '100.00',
    disputed: false,
    channel: 'paper',
    settledDate: addDays(issueDate, days),
    ...extra,
  };
}

/** `n` invoices, one a week from 2024-01-01, each settled after `days(i)` days. */
function series(customerId: string, n: number, days: (i: number) => number, extra = {}) {
  return Array.from({ length: n }, (_, i) => inv(customerId, addDays('2024-01-01', 7 * i), days(i), extra));
}

const open = (customerId: string, extra: Partial<SettledInvoiceObservation> = {}) => {
  const { settledDate: _, ...o } = inv(customerId, '2024-09-02', 0, extra);
  return o;
};

describe('trainPaymentModel / predictPayment', () => {
  it('predicts from the customer history: date, days late, probability', () => {
    const model = trainPaymentModel([...series('slow', 12, () => 45), ...series('fast', 12, () => 10)]);
    const slow = predictPayment(model, open('slow'));
    expect(slow.daysToSettle).toBeGreaterThanOrEqual(43);
    expect(slow.predictedDate).toBe(addDays('2024-09-02', slow.daysToSettle));
    expect(slow.daysLate).toBe(slow.daysToSettle - 30);
    expect(slow.probabilityLate).toBeGreaterThan(0.9);
    expect(isPredictedLate(slow)).toBe(true);
    const fast = predictPayment(model, open('fast'));
    expect(fast.daysToSettle).toBeLessThanOrEqual(12);
    expect(fast.daysLate).toBe(0);
    expect(fast.probabilityLate).toBeLessThan(0.1);
    expect(isPredictedLate(fast)).toBe(false);
  });

  it('shrinks a customer with few invoices toward its segment, less as its history grows', () => {
    const segment = [
      ...series('a', 20, () => 20, { segment: 'DE' }),
      ...series('b', 20, () => 20, { segment: 'DE' }),
      ...series('c', 20, () => 50, { segment: 'IT' }),
    ];
    const params = { customerShrinkage: 4 };
    const one = trainPaymentModel([...segment, ...series('new', 1, () => 50, { segment: 'DE' })], { params });
    const many = trainPaymentModel([...segment, ...series('new', 15, () => 50, { segment: 'DE' })], { params });
    const fewDays = predictPayment(one, open('new', { segment: 'DE' })).daysToSettle;
    const manyDays = predictPayment(many, open('new', { segment: 'DE' })).daysToSettle;
    expect(fewDays).toBeGreaterThan(20);
    expect(fewDays).toBeLessThan(35); // pulled most of the way toward the DE segment (≈ 20 days)
    expect(manyDays).toBeGreaterThanOrEqual(42); // its own history dominates
    // An unknown customer gets its segment's level; unknown segment, the global one.
    expect(predictPayment(one, open('nobody', { segment: 'IT' })).daysToSettle).toBeGreaterThan(40);
    expect(predictPayment(one, open('nobody', { segment: 'DE' })).daysToSettle).toBeLessThan(25);
  });

  it('weights recent invoices more: a customer who slowed down is predicted slow', () => {
    const history = series('x', 20, (i) => (i < 14 ? 15 : 40));
    const recent = predictPayment(trainPaymentModel(history, { params: { halfLifeInvoices: 3 } }), open('x'));
    const flat = predictPayment(trainPaymentModel(history, { params: { halfLifeInvoices: 1e6 } }), open('x'));
    expect(flat.daysToSettle).toBe(23); // plain mean: (14·15 + 6·40) / 20 = 22.5
    expect(recent.daysToSettle).toBeGreaterThan(30);
    expect(recent.probabilityLate).toBeGreaterThan(flat.probabilityLate);
  });

  it('learns that the same customers settle disputed invoices later', () => {
    const history = ['p', 'q', 'r'].flatMap((c, k) =>
      series(c, 12, (i) => 20 + 5 * k + (i % 3 === 0 ? 15 : 0)).map((x, i) => ({ ...x, disputed: i % 3 === 0 })),
    );
    const model = trainPaymentModel(history, { params: { ridge: 0 } });
    expect(model.coefficients.disputed).toBeCloseTo(15, 6);
    const plain = predictPayment(model, open('q'));
    const disputed = predictPayment(model, open('q', { disputed: true }));
    expect(disputed.daysToSettle - plain.daysToSettle).toBe(15);
    expect(disputed.probabilityLate).toBeGreaterThan(plain.probabilityLate);
  });

  it('does not learn from invoices settled on or after the as-of date', () => {
    const before = series('y', 10, () => 12); // settled by mid-March 2024
    // Settled 2024-05-01 (on the as-of date itself), 2024-07-07 and 2024-05-16.
    const after = [inv('y', '2024-03-02', 60), inv('y', '2024-04-08', 90), inv('z', '2024-04-01', 45)];
    const model = trainPaymentModel([...before, ...after], { asOf: '2024-05-01' });
    expect(model.trainCount).toBe(10);
    expect(model).toEqual(trainPaymentModel(before, { asOf: '2024-05-01' }));
    expect(model.customerLevels).not.toHaveProperty('z');
    expect(predictPayment(model, open('y')).daysToSettle).toBe(12);
    // Sanity: one day later the invoice settled on 2024-05-01 is history, and it moves the prediction.
    const nextDay = trainPaymentModel([...before, ...after], { asOf: '2024-05-02' });
    expect(nextDay.trainCount).toBe(11);
    expect(predictPayment(nextDay, open('y')).daysToSettle).toBeGreaterThan(12);
  });

  it('is deterministic and independent of the input order', () => {
    const history = [
      ...series('m', 9, (i) => 20 + ((i * 7) % 11), { channel: 'electronic' }),
      ...series('n', 7, (i) => 35 + ((i * 5) % 9), { amount: '2500.00' }),
    ];
    const a = trainPaymentModel(history);
    const b = trainPaymentModel([...history].reverse());
    expect(JSON.stringify(a)).toBe(JSON.stringify(trainPaymentModel(history)));
    expect(predictPayment(a, open('m'))).toEqual(predictPayment(b, open('m')));
    expect(predictPayment(a, open('n'))).toEqual(predictPayment(b, open('n')));
  });

  it('falls back to something sensible with no history at all', () => {
    const p = predictPayment(trainPaymentModel([]), open('who'));
    expect(p.daysToSettle).toBe(0);
    expect(p.probabilityLate).toBeGreaterThanOrEqual(0);
    expect(p.probabilityLate).toBeLessThanOrEqual(1);
  });
});
