import { describe, expect, it } from '@jest/globals';
import { addDays } from '../calendar-date.js';
import {
  isPredictedLate,
  parsePaymentModel,
  predictOpenInvoice,
  predictPayment,
  refreshCustomerLevels,
  serializePaymentModel,
  type SettledInvoiceObservation,
  trainPaymentModel,
} from './prediction.js';

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

describe('refreshCustomerLevels', () => {
  const history = [...series('slow', 12, () => 45), ...series('fast', 12, () => 10), ...series('mid', 6, () => 25)];

  it('gives the same levels as a full training when nothing changed', () => {
    const model = trainPaymentModel(history);
    const refreshed = refreshCustomerLevels(
      model,
      history.filter((h) => h.customerId === 'fast'),
    );
    expect(refreshed).toEqual(model);
  });

  it("moves only the named customers' levels with their new settlements, keeping the tenant-wide parts", () => {
    const model = trainPaymentModel(history);
    // 'fast' settled six more invoices, 50 days each (weekly from 2024-03-25).
    const fastNow = [
      ...series('fast', 12, () => 10),
      ...series('fast', 6, () => 50).map((x) => ({
        ...x,
        issueDate: addDays(x.issueDate, 84),
        dueDate: addDays(x.dueDate, 84),
        settledDate: addDays(x.settledDate, 84),
      })),
    ];
    const refreshed = refreshCustomerLevels(model, fastNow);
    expect(refreshed.coefficients).toEqual(model.coefficients);
    expect(refreshed.globalLevel).toBe(model.globalLevel);
    expect(refreshed.residualSd).toBe(model.residualSd);
    expect(refreshed.customerLevels.slow).toEqual(model.customerLevels.slow);
    expect(refreshed.customerLevels.fast.invoiceCount).toBe(18);
    expect(refreshed.trainCount).toBe(model.trainCount + 6);
    expect(predictPayment(refreshed, open('fast')).daysToSettle).toBeGreaterThanOrEqual(25);
    // A customer first seen gets a level of its own.
    expect(
      refreshCustomerLevels(
        model,
        series('new', 3, () => 60),
      ).customerLevels.new.invoiceCount,
    ).toBe(3);
  });
});

describe('predictOpenInvoice (an invoice still open on asOf)', () => {
  const model = trainPaymentModel([
    ...series('slow', 12, (i) => 40 + ((i * 5) % 11)),
    ...series('fast', 12, (i) => 6 + ((i * 3) % 9)),
  ]);

  it('is the plain prediction for a fresh invoice', () => {
    for (const id of ['slow', 'fast']) {
      const plain = predictPayment(model, open(id));
      const p = predictOpenInvoice(model, open(id), '2024-09-02');
      expect(Math.abs(daysOf(p.predictedDate) - daysOf(plain.predictedDate))).toBeLessThanOrEqual(1);
      expect(p.probabilityLate).toBeCloseTo(plain.probabilityLate, 2);
      expect(p.basis).toBe('customer');
      expect(p.daysFromDue).toBe(p.daysToSettle - 30);
    }
  });

  it('never predicts a day already gone, and an overdue invoice is late for sure', () => {
    // A punctual payer's invoice, 20 days past due on 2024-10-22 and still open.
    const p = predictOpenInvoice(model, open('fast'), '2024-10-22');
    expect(p.predictedDate >= '2024-10-22').toBe(true);
    expect(p.probabilityLate).toBe(1);
    expect(p.daysLate).toBeGreaterThanOrEqual(20);
    // Before its due date, not yet paid although it usually pays in 10 days: more likely late than at issue.
    const waiting = predictOpenInvoice(model, open('fast'), '2024-09-25');
    expect(waiting.predictedDate >= '2024-09-25').toBe(true);
    expect(waiting.probabilityLate).toBeGreaterThan(predictOpenInvoice(model, open('fast'), '2024-09-02').probabilityLate);
  });

  it('says where the prediction comes from: customer, segment, global, or only the due date', () => {
    expect(predictOpenInvoice(model, open('nobody', { segment: 'FR' }), '2024-09-02').basis).toBe('segment');
    expect(predictOpenInvoice(model, open('nobody', { segment: 'XX' }), '2024-09-02').basis).toBe('global');
    const none = trainPaymentModel([]);
    expect(predictOpenInvoice(none, open('who'), '2024-09-02')).toEqual({
      predictedDate: '2024-10-02',
      daysToSettle: 30,
      daysLate: 0,
      daysFromDue: 0,
      probabilityLate: 0.5,
      basis: 'due_date',
    });
    expect(predictOpenInvoice(none, open('who'), '2024-10-12')).toMatchObject({
      predictedDate: '2024-10-12',
      daysLate: 10,
      probabilityLate: 1,
    });
  });
});

describe('serializePaymentModel / parsePaymentModel', () => {
  it('round-trips through JSON and refuses what is not a model', () => {
    const model = trainPaymentModel([...series('a', 5, () => 20), ...series('b', 3, () => 40, { segment: 'DE' })]);
    const back = parsePaymentModel(JSON.parse(JSON.stringify(serializePaymentModel(model))));
    expect(back).toEqual(model);
    expect(predictPayment(back, open('a'))).toEqual(predictPayment(model, open('a')));
    expect(() => parsePaymentModel({ ...serializePaymentModel(model), residualSd: 'x' })).toThrow(/residualSd/);
    expect(() => parsePaymentModel(null)).toThrow(/payment model/);
  });
});

function daysOf(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / 86_400_000;
}
