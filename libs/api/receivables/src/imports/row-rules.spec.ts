import { describe, expect, it } from '@jest/globals';
import { checkAllocation, checkCustomer, checkItem, checkPayment } from './row-rules.js';

const json = { row: 3, csv: false };
const csv = { row: 3, csv: true };
const base = {
  externalRef: 'F1',
  customerRef: 'C1',
  issueDate: '2026-01-10',
  dueDate: '2026-02-09',
  currency: 'EUR',
  amount: '100',
};
const fields = (r: { errors: { field: string }[] }) => r.errors.map((e) => e.field);

describe('checkItem', () => {
  it('normalises a valid invoice', () => {
    expect(checkItem({ ...base, currency: 'eur', amount: 1200.5 }, json).value).toMatchObject({
      number: 'F1',
      currency: 'EUR',
      amount: '1200.50',
      taxAmount: null,
    });
  });

  it.each([
    [{ issueDate: '2013-02-30' }, 'issueDate'],
    [{ dueDate: '2026-01-01' }, 'dueDate'],
    [{ currency: 'EUX' }, 'currency'],
    [{ amount: '10.001' }, 'amount'],
    [{ amount: '-5' }, 'amount'],
    [{ amount: '0' }, 'amount'],
    [{ amount: 'abc' }, 'amount'],
    [{ customerRef: undefined }, 'customerRef'],
    [{ extra: 1 }, 'extra'],
  ])('reports %j on %s with the row number', (patch, field) => {
    const r = checkItem({ ...base, ...patch }, json);
    expect(fields(r)).toContain(field);
    expect(r.errors.every((e) => e.row === 3)).toBe(true);
  });

  it('accepts French decimals and dates in CSV only', () => {
    expect(checkItem({ ...base, amount: '1 234,56', dueDate: '09/02/2026' }, csv).value).toMatchObject({
      amount: '1234.56',
      dueDate: '2026-02-09',
    });
    expect(fields(checkItem({ ...base, amount: '1234,56' }, json))).toContain('amount');
  });

  it('uses the currency minor units (JPY 0, KWD 3)', () => {
    expect(fields(checkItem({ ...base, currency: 'JPY', amount: '10.5' }, json))).toContain('amount');
    expect(checkItem({ ...base, currency: 'KWD', amount: '10.125' }, json).value?.amount).toBe('10.125');
  });
});

describe('checkCustomer, checkPayment, checkAllocation', () => {
  it('derives the SIREN and splits CSV tags', () => {
    expect(checkCustomer({ externalRef: 'C1', name: 'Dupont', siret: '55210055400013', tags: 'b|a' }, csv).value).toMatchObject({
      siren: '552100554',
      tags: ['a', 'b'],
    });
    expect(fields(checkCustomer({ externalRef: 'C1', name: 'Dupont', siren: '123' }, json))).toEqual(['siren']);
  });

  it('checks payment methods and nested allocations', () => {
    const r = checkPayment(
      {
        externalRef: 'P1',
        customerRef: 'C1',
        date: '2026-02-01',
        amount: '10',
        currency: 'EUR',
        method: 'bitcoin',
        allocations: [{ invoiceRef: 'F1', amount: '-1' }],
      },
      json,
    );
    expect(fields(r)).toEqual(['method', 'allocations[0].amount']);
  });

  it('wants exactly one source for an allocation', () => {
    expect(fields(checkAllocation({ invoiceRef: 'F1', amount: '1' }, json))).toEqual(['paymentRef']);
    expect(fields(checkAllocation({ invoiceRef: 'F1', paymentRef: 'P', creditNoteRef: 'A', amount: '1' }, json))).toEqual([
      'paymentRef',
    ]);
    expect(checkAllocation({ invoiceRef: 'F1', paymentRef: 'P', amount: '1' }, json).errors).toEqual([]);
  });
});
