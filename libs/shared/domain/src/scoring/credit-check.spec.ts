import { describe, expect, it } from '@jest/globals';
import {
  compareDecimal,
  decideCreditCheck,
  type CreditCheckInput,
  type CreditCheckReasonCode,
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

type Expected = [CreditCheckReasonCode, Record<string, unknown>];
type Row = [string, Partial<CreditCheckInput>, Partial<CreditCheckRuleSet>, CreditDecision, Expected[]];

/** The data of each reason, as the table expects it. */
const over = (exposureAfter: string, limit: string, excess: string, currency = 'EUR'): Expected => [
  'over_limit',
  { currency, exposureAfter, limit, excess },
];
const late = (days: number, threshold = 60): Expected => ['overdue_days', { days, threshold }];
const owed = (overdue: string, threshold: string): Expected => ['overdue_amount', { currency: 'EUR', overdue, threshold }];
const LEGAL: Expected = ['legal_event', { provider: 'altares', event: 'receivership', since: '2026-03-02' }];
const NO_LIMIT: Expected = ['no_limit', {}];
const BLOCKED: Expected = ['account_blocked', {}];
const GRADE_E: Expected = ['grade_e', { grade: 'E' }];
const GRADE_D: Expected = ['grade_d', { grade: 'D' }];

// prettier-ignore
const TABLE: Row[] = [
  // what                                          input                                             rules                                               decision   reasons and their data
  ['healthy customer',                             {},                                               {},                                                 'accept', []],
  ['order reaches the limit exactly',              { orderAmount: '6000.00' },                       {},                                                 'accept', []],
  ['order goes 0.01 over the limit',               { orderAmount: '6000.01' },                       {},                                                 'block',  [over('10000.01', '10000.00', '0.01')]],
  ['exposure already over the limit',              { exposure: '12000.00', orderAmount: '0.01' },    {},                                                 'block',  [over('12000.01', '10000.00', '2000.01')]],
  ['over limit set to review',                     { orderAmount: '7000.00' },                       { overLimit: 'review' },                            'review', [over('11000.00', '10000.00', '1000.00')]],
  ['over limit switched off',                      { orderAmount: '7000.00' },                       { overLimit: 'off' },                               'accept', []],
  ['a limit of 0 takes no order',                  { limit: '0.00', exposure: '0.00' },              {},                                                 'block',  [over('1000.00', '0.00', '1000.00')]],
  ['negative exposure (credit notes) leaves room', { exposure: '-500.00', orderAmount: '10500.00' }, {},                                                 'accept', []],
  ['negative exposure, order over the limit',      { exposure: '-500.00', orderAmount: '10600.00' }, {},                                                 'block',  [over('10100.00', '10000.00', '100.00')]],
  ['amounts written without all decimals',         { exposure: '4000', orderAmount: '6000.5', limit: '10000' }, {},                                      'block',  [over('10000.50', '10000.00', '0.50')]],
  ['no limit: review by default',                  { limit: null },                                  {},                                                 'review', [NO_LIMIT]],
  ['no limit set to block',                        { limit: null },                                  { noLimit: 'block' },                               'block',  [NO_LIMIT]],
  ['no limit switched off',                        { limit: null, orderAmount: '999999.00' },        { noLimit: 'off' },                                 'accept', []],
  ['60 days late is not above 60',                 { maxDaysLate: 60, overdue: '100.00' },           {},                                                 'accept', []],
  ['61 days late',                                 { maxDaysLate: 61, overdue: '100.00' },           {},                                                 'review', [late(61)]],
  ['days threshold lowered to 30, set to block',   { maxDaysLate: 31, overdue: '100.00' },           { overdueDays: 30, overdueDaysOutcome: 'block' },   'block',  [late(31, 30)]],
  ['days threshold 0: one day late fires',         { maxDaysLate: 1, overdue: '100.00' },            { overdueDays: 0 },                                 'review', [late(1, 0)]],
  ['overdue days switched off',                    { maxDaysLate: 400, overdue: '100.00' },          { overdueDaysOutcome: 'off' },                      'accept', []],
  ['overdue amount rule off by default (null)',    { overdue: '9000.00', maxDaysLate: 5 },           {},                                                 'accept', []],
  ['overdue amount at the threshold',              { overdue: '2000.00', maxDaysLate: 5 },           { overdueAmount: '2000' },                          'accept', []],
  ['overdue amount above the threshold',           { overdue: '2000.01', maxDaysLate: 5 },           { overdueAmount: '2000' },                          'review', [owed('2000.01', '2000.00')]],
  ['overdue amount set to block',                  { overdue: '2500.00', maxDaysLate: 5 },           { overdueAmount: '2000.000', overdueAmountOutcome: 'block' }, 'block', [owed('2500.00', '2000.00')]],
  ['threshold finer than the currency, kept',      { overdue: '2500.00', maxDaysLate: 5 },           { overdueAmount: '2000.005' },                      'review', [owed('2500.00', '2000.005')]],
  ['account blocked by dunning',                   { blocked: true },                                {},                                                 'block',  [BLOCKED]],
  ['account blocked set to review',                { blocked: true },                                { accountBlocked: 'review' },                       'review', [BLOCKED]],
  ['grade E',                                      { grade: 'E' },                                   {},                                                 'block',  [GRADE_E]],
  ['grade E set to review',                        { grade: 'E' },                                   { gradeE: 'review' },                               'review', [GRADE_E]],
  ['grade D',                                      { grade: 'D' },                                   {},                                                 'review', [GRADE_D]],
  ['grade D switched off',                         { grade: 'D' },                                   { gradeD: 'off' },                                  'accept', []],
  ['grade C',                                      { grade: 'C' },                                   {},                                                 'accept', []],
  ['not scored yet',                               { grade: null },                                  {},                                                 'accept', []],
  ['legal event',                                  { legalEvent: RECEIVERSHIP },                     {},                                                 'block',  [LEGAL]],
  ['legal event set to review',                    { legalEvent: RECEIVERSHIP },                     { legalEvent: 'review' },                           'review', [LEGAL]],
  ['legal event without a date',                   { legalEvent: { type: 'safeguard', date: null, provider: 'ellisphere' } }, {},                        'block',
    [['legal_event', { provider: 'ellisphere', event: 'safeguard', since: null }]]],
  ['legal event switched off',                     { legalEvent: RECEIVERSHIP },                     { legalEvent: 'off' },                              'accept', []],
  ['review and block: block wins, both listed',    { grade: 'D', orderAmount: '9000.00' },           {},                                                 'block',  [over('13000.00', '10000.00', '3000.00'), GRADE_D]],
  ['several reviews stay a review',                { limit: null, grade: 'D', maxDaysLate: 90 },     {},                                                 'review', [NO_LIMIT, late(90), GRADE_D]],
  ['everything at once, in a fixed order',
    { blocked: true, legalEvent: RECEIVERSHIP, orderAmount: '7000.00', maxDaysLate: 90, overdue: '3000.00', grade: 'E' },
    { overdueAmount: '1000' },
    'block', [BLOCKED, LEGAL, over('11000.00', '10000.00', '1000.00'), late(90), owed('3000.00', '1000.00'), GRADE_E]],
  ['every rule off: accept whatever the figures',
    { blocked: true, legalEvent: RECEIVERSHIP, limit: null, maxDaysLate: 90, overdue: '3000.00', grade: 'E' },
    { overLimit: 'off', noLimit: 'off', overdueDaysOutcome: 'off', overdueAmount: '1', overdueAmountOutcome: 'off',
      accountBlocked: 'off', gradeE: 'off', gradeD: 'off', legalEvent: 'off' },
    'accept', []],
];

describe('decideCreditCheck', () => {
  it.each(TABLE)('%s', (_what, input, rules, decision, expected) => {
    const r = decideCreditCheck({ ...BASE, ...input }, { ...RULES, ...rules });
    const codes = expected.map(([code]) => code);
    expect(r.decision).toBe(decision);
    expect(r.reasons.map((x): Expected => [x.code, x.data])).toEqual(expected);
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
      { code: 'account_blocked', outcome: 'block', message: 'The account is blocked by dunning', data: {} },
      {
        code: 'legal_event',
        outcome: 'block',
        message: 'Collective proceeding reported by altares: receivership (redressement judiciaire) since 2026-03-02',
        data: { provider: 'altares', event: 'receivership', since: '2026-03-02' },
      },
      {
        code: 'over_limit',
        outcome: 'block',
        message: 'The order would take exposure to 11000.00 EUR, above the credit limit of 10000.00 EUR by 1000.00 EUR',
        data: { currency: 'EUR', exposureAfter: '11000.00', limit: '10000.00', excess: '1000.00' },
      },
      {
        code: 'overdue_days',
        outcome: 'review',
        message: 'An invoice is 75 days past due (more than 60 days)',
        data: { days: 75, threshold: 60 },
      },
      {
        code: 'overdue_amount',
        outcome: 'review',
        message: 'Overdue invoices total 1200.50 EUR, more than 1000 EUR',
        data: { currency: 'EUR', overdue: '1200.50', threshold: '1000.00' },
      },
    ]);
  });

  it('works in a currency without decimals', () => {
    const r = decideCreditCheck({ ...BASE, currency: 'JPY', orderAmount: '150001', exposure: '0', limit: '150000' }, RULES);
    expect(r.decision).toBe('block');
    expect(r.reasons[0].message).toContain('by 1 JPY');
    expect(r.reasons[0].data).toEqual({ currency: 'JPY', exposureAfter: '150001', limit: '150000', excess: '1' });
  });

  it('gives the figures in a 3-decimal currency, threshold included', () => {
    const r = decideCreditCheck(
      { ...BASE, currency: 'KWD', orderAmount: '0.5', exposure: '10', limit: '10.25', overdue: '7.125', maxDaysLate: 3 },
      { ...RULES, overdueAmount: '7.1' },
    );
    expect(r.reasons.map((x) => x.data)).toEqual([
      { currency: 'KWD', exposureAfter: '10.500', limit: '10.250', excess: '0.250' },
      { currency: 'KWD', overdue: '7.125', threshold: '7.100' },
    ]);
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
