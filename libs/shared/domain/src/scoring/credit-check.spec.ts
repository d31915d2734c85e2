import { describe, expect, it } from '@jest/globals';
import {
  compareDecimal,
  decideCreditCheck,
  type CreditCheckInput,
  type CreditCheckRuleSet,
  type CreditDecision,
} from './credit-check.js';

/** The defaults of the scoring settings. */
const RULES: CreditCheckRuleSet = {
  overLimit: 'block',
  noLimit: 'review',
  overdueDays: 60,
  overdueDaysOutcome: 'review',
  overdueAmount: null,
  overdueAmountOutcome: 'review',
  accountBlocked: 'block',
  gradeE: 'block',
  gradeD: 'review',
  legalEvent: 'block',
};

/** A healthy customer: limit 10,000 EUR, exposure 4,000, nothing overdue, grade B. */
const BASE: CreditCheckInput = {
  currency: 'EUR',
  orderAmount: '1000.00',
  exposure: '4000.00',
  limit: '10000.00',
  overdue: '0.00',
  maxDaysLate: 0,
  blocked: false,
  grade: 'B',
  legalEvent: null,
};

const RECEIVERSHIP = { type: 'receivership', date: '2026-03-02', provider: 'altares' };

type Row = [string, Partial<CreditCheckInput>, Partial<CreditCheckRuleSet>, CreditDecision, string[]];

// prettier-ignore
const TABLE: Row[] = [
  // what                                          input                                             rules                                               decision   reasons
  ['healthy customer',                             {},                                               {},                                                 'accept', []],
  ['order reaches the limit exactly',              { orderAmount: '6000.00' },                       {},                                                 'accept', []],
  ['order goes 0.01 over the limit',               { orderAmount: '6000.01' },                       {},                                                 'block',  ['over_limit']],
  ['exposure already over the limit',              { exposure: '12000.00', orderAmount: '0.01' },    {},                                                 'block',  ['over_limit']],
  ['over limit set to review',                     { orderAmount: '7000.00' },                       { overLimit: 'review' },                            'review', ['over_limit']],
  ['over limit switched off',                      { orderAmount: '7000.00' },                       { overLimit: 'off' },                               'accept', []],
  ['a limit of 0 takes no order',                  { limit: '0.00', exposure: '0.00' },              {},                                                 'block',  ['over_limit']],
  ['negative exposure (credit notes) leaves room', { exposure: '-500.00', orderAmount: '10500.00' }, {},                                                 'accept', []],
  ['no limit: review by default',                  { limit: null },                                  {},                                                 'review', ['no_limit']],
  ['no limit set to block',                        { limit: null },                                  { noLimit: 'block' },                               'block',  ['no_limit']],
  ['no limit switched off',                        { limit: null, orderAmount: '999999.00' },        { noLimit: 'off' },                                 'accept', []],
  ['60 days late is not above 60',                 { maxDaysLate: 60, overdue: '100.00' },           {},                                                 'accept', []],
  ['61 days late',                                 { maxDaysLate: 61, overdue: '100.00' },           {},                                                 'review', ['overdue_days']],
  ['days threshold lowered to 30, set to block',   { maxDaysLate: 31, overdue: '100.00' },           { overdueDays: 30, overdueDaysOutcome: 'block' },   'block',  ['overdue_days']],
  ['overdue days switched off',                    { maxDaysLate: 400, overdue: '100.00' },          { overdueDaysOutcome: 'off' },                      'accept', []],
  ['overdue amount rule off by default (null)',    { overdue: '9000.00', maxDaysLate: 5 },           {},                                                 'accept', []],
  ['overdue amount at the threshold',              { overdue: '2000.00', maxDaysLate: 5 },           { overdueAmount: '2000' },                          'accept', []],
  ['overdue amount above the threshold',           { overdue: '2000.01', maxDaysLate: 5 },           { overdueAmount: '2000' },                          'review', ['overdue_amount']],
  ['overdue amount set to block',                  { overdue: '2500.00', maxDaysLate: 5 },           { overdueAmount: '2000.000', overdueAmountOutcome: 'block' }, 'block', ['overdue_amount']],
  ['account blocked by dunning',                   { blocked: true },                                {},                                                 'block',  ['account_blocked']],
  ['account blocked set to review',                { blocked: true },                                { accountBlocked: 'review' },                       'review', ['account_blocked']],
  ['grade E',                                      { grade: 'E' },                                   {},                                                 'block',  ['grade_e']],
  ['grade E set to review',                        { grade: 'E' },                                   { gradeE: 'review' },                               'review', ['grade_e']],
  ['grade D',                                      { grade: 'D' },                                   {},                                                 'review', ['grade_d']],
  ['grade D switched off',                         { grade: 'D' },                                   { gradeD: 'off' },                                  'accept', []],
  ['grade C',                                      { grade: 'C' },                                   {},                                                 'accept', []],
  ['not scored yet',                               { grade: null },                                  {},                                                 'accept', []],
  ['legal event',                                  { legalEvent: RECEIVERSHIP },                     {},                                                 'block',  ['legal_event']],
  ['legal event set to review',                    { legalEvent: RECEIVERSHIP },                     { legalEvent: 'review' },                           'review', ['legal_event']],
  ['legal event switched off',                     { legalEvent: RECEIVERSHIP },                     { legalEvent: 'off' },                              'accept', []],
  ['review and block: block wins, both listed',    { grade: 'D', orderAmount: '9000.00' },           {},                                                 'block',  ['over_limit', 'grade_d']],
  ['several reviews stay a review',                { limit: null, grade: 'D', maxDaysLate: 90 },     {},                                                 'review', ['no_limit', 'overdue_days', 'grade_d']],
  ['everything at once, in a fixed order',
    { blocked: true, legalEvent: RECEIVERSHIP, orderAmount: '7000.00', maxDaysLate: 90, overdue: '3000.00', grade: 'E' },
    { overdueAmount: '1000' },
    'block', ['account_blocked', 'legal_event', 'over_limit', 'overdue_days', 'overdue_amount', 'grade_e']],
  ['every rule off: accept whatever the figures',
    { blocked: true, legalEvent: RECEIVERSHIP, limit: null, maxDaysLate: 90, overdue: '3000.00', grade: 'E' },
    { overLimit: 'off', noLimit: 'off', overdueDaysOutcome: 'off', overdueAmount: '1', overdueAmountOutcome: 'off',
      accountBlocked: 'off', gradeE: 'off', gradeD: 'off', legalEvent: 'off' },
    'accept', []],
];

describe('decideCreditCheck', () => {
  it.each(TABLE)('%s', (_what, input, rules, decision, codes) => {
    const r = decideCreditCheck({ ...BASE, ...input }, { ...RULES, ...rules });
    expect(r.decision).toBe(decision);
    expect(r.reasons.map((x) => x.code)).toEqual(codes);
    for (const reason of r.reasons) {
      expect(['review', 'block']).toContain(reason.outcome);
      expect(reason.message.length).toBeGreaterThan(10);
    }
    // The decision is the worst outcome of the reasons.
    if (codes.length) expect(r.reasons.some((x) => x.outcome === decision)).toBe(true);
  });

  it('explains each reason with the figures', () => {
    const r = decideCreditCheck(
      { ...BASE, orderAmount: '7000.00', maxDaysLate: 75, overdue: '1200.50', legalEvent: RECEIVERSHIP, blocked: true },
      { ...RULES, overdueAmount: '1000' },
    );
    expect(r.reasons).toEqual([
      { code: 'account_blocked', outcome: 'block', message: 'The account is blocked by dunning' },
      {
        code: 'legal_event',
        outcome: 'block',
        message: 'Collective proceeding reported by altares: receivership (redressement judiciaire) since 2026-03-02',
      },
      {
        code: 'over_limit',
        outcome: 'block',
        message: 'The order would take exposure to 11000.00 EUR, above the credit limit of 10000.00 EUR by 1000.00 EUR',
      },
      { code: 'overdue_days', outcome: 'review', message: 'An invoice is 75 days past due (more than 60 days)' },
      { code: 'overdue_amount', outcome: 'review', message: 'Overdue invoices total 1200.50 EUR, more than 1000 EUR' },
    ]);
  });

  it('works in a currency without decimals', () => {
    const r = decideCreditCheck({ ...BASE, currency: 'JPY', orderAmount: '150001', exposure: '0', limit: '150000' }, RULES);
    expect(r.decision).toBe('block');
    expect(r.reasons[0].message).toContain('by 1 JPY');
  });
});

describe('compareDecimal', () => {
  it.each([
    ['1', '1.000', 0],
    ['1.001', '1', 1],
    ['-2', '1', -1],
    ['2000.01', '2000', 1],
    ['0.10', '0.1', 0],
  ])('%s vs %s → %i', (a, b, want) => {
    expect(compareDecimal(a, b)).toBe(want);
  });
});
