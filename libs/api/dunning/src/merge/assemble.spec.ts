import { describe, expect, it } from '@jest/globals';
import { computeLatePenalty, ECB_MRO_RATES, FR_LEGAL_INTEREST_RATES } from '@encours/domain';
import {
  assembleMergeContext,
  ecbTableForPeriod,
  rateDescription,
  type CompanyInfo,
  type CustomerRow,
  type InvoiceRow,
  type MergeRequest,
} from './assemble.js';

const tables = { ecbTable: ECB_MRO_RATES, legalTable: FR_LEGAL_INTEREST_RATES };
const company: CompanyInfo = {
  name: 'Encours Démo SA',
  addressLines: ['12 rue de la Paix', '75002 Paris'],
  siren: '912345675',
  vatNumber: null,
  email: 'recouvrement@encours-demo.fr',
  phone: null,
  signature: 'Le service recouvrement',
  paymentDetails: 'IBAN FR76 …',
  formalNoticeDays: 8,
  defaultLanguage: 'fr',
};
const customer = (extra: Partial<CustomerRow> = {}): CustomerRow => ({
  customer_id: 'c1',
  name: 'Dupont SAS',
  external_ref: 'C1',
  siren: null,
  vat_number: null,
  country: 'FR',
  language: 'fr',
  billing_address: { line1: '1 rue A', postalCode: '69007', city: 'Lyon', country: 'FR' },
  penalty_regime: null,
  contractual_penalty_rate: null,
  contact_name: 'Claire',
  contact_email: 'claire@dupont.test',
  contact_phone: null,
  collector_name: null,
  collector_email: null,
  ...extra,
});
const invoice = (id: string, due: string, open: string, currency = 'EUR'): InvoiceRow => ({
  customer_id: 'c1',
  id,
  number: id,
  issue_date: '2024-05-15',
  due_date: due,
  amount: open,
  open_amount: `${open}0`,
  currency,
});
const request = (channel: MergeRequest['channel'] = 'email'): MergeRequest => ({
  customerId: 'c1',
  invoiceIds: [],
  step: { name: 'Relance 2', position: 3, offsetDays: 15 },
  today: '2024-08-14',
  channel,
});

describe('assembleMergeContext', () => {
  it('computes the DOMAIN.md worked example: 10,000.00 EUR due 2024-06-15, on 2024-08-14 → 235.27 + 40', () => {
    const ctx = assembleMergeContext(
      request('formal_notice'),
      customer(),
      [invoice('F1', '2024-06-15', '10000.00')],
      new Map([['EUR', '12000.00']]),
      company,
      tables,
    )!;
    expect(ctx.invoices).toEqual([
      expect.objectContaining({
        number: 'F1',
        openAmount: '10000.00',
        daysLate: 60,
        penaltyInterest: '235.27',
        indemnity: '40.00',
      }),
    ]);
    expect(ctx.totals).toEqual([
      { currency: 'EUR', overdue: '10000.00', open: '12000.00', penalties: '235.27', indemnities: '40.00', totalDue: '10275.27' },
    ]);
    expect(ctx.penalties).toEqual({ applicable: true, rateDescription: 'taux BCE + 10 points (14,25\u00a0%)' });
    expect(ctx.deadline).toBe('2024-08-22');
    expect(ctx.contact).toEqual({ name: 'Claire', email: 'claire@dupont.test', phone: null });
    expect(ctx.customer.addressLines).toEqual(['1 rue A', '69007 Lyon']);
    expect(ctx.company.name).toBe('Encours Démo SA');
  });

  it('keeps currencies apart, claims the indemnity on EUR invoices only, no penalty before the due date', () => {
    const ctx = assembleMergeContext(
      request(),
      customer({
        country: 'DE',
        language: 'en',
        billing_address: { line1: 'Hauptstr. 1', postalCode: '10115', city: 'Berlin', country: 'DE' },
      }),
      [
        invoice('F1', '2024-06-15', '1000.00'),
        invoice('F2', '2024-07-15', '500.00', 'USD'),
        invoice('F3', '2024-08-20', '300.00'),
      ],
      new Map(),
      company,
      tables,
    )!;
    expect(ctx.language).toBe('en');
    expect(ctx.penalties.rateDescription).toBe('ECB rate + 8 points (12.25%)');
    expect(ctx.invoices.map((i) => [i.number, i.daysLate, i.penaltyInterest, i.indemnity])).toEqual([
      ['F1', 60, '20.24', '40.00'], // 1000 x (12.50 % x 15 + 12.25 % x 45) / 365
      ['F2', 30, '5.03', undefined], // 500 x 12.25 % x 30 / 365; the EUR indemnity is not converted
      ['F3', 0, undefined, undefined],
    ]);
    expect(ctx.totals.map((t) => [t.currency, t.overdue, t.penalties, t.indemnities, t.totalDue])).toEqual([
      ['EUR', '1000.00', '20.24', '40.00', '1060.24'],
      ['USD', '500.00', '5.03', '0.00', '505.03'],
    ]);
    expect(ctx.deadline).toBeNull();
    expect(ctx.customer.addressLines).toEqual(['Hauptstr. 1', '10115 Berlin', 'GERMANY']);
  });

  it('claims nothing outside the EU without a contract; a contractual rate applies as given there', () => {
    const none = assembleMergeContext(
      request(),
      customer({ country: 'CH' }),
      [invoice('F1', '2024-06-15', '1000.00')],
      new Map(),
      company,
      tables,
    )!;
    expect(none.penalties).toEqual({ applicable: false, rateDescription: '' });
    expect(none.invoices[0].penaltyInterest).toBeUndefined();
    expect(none.totals[0].totalDue).toBe('1000.00');
    const contract = assembleMergeContext(
      request(),
      customer({ country: 'CH', contractual_penalty_rate: '12.0000' }),
      [invoice('F1', '2024-06-15', '1000.00')],
      new Map(),
      company,
      tables,
    )!;
    expect(contract.penalties).toEqual({ applicable: true, rateDescription: 'taux contractuel de 12,00\u00a0%' });
    expect(contract.invoices[0].penaltyInterest).toBe('19.73');
  });

  it('returns null when nothing is left to claim', () => {
    expect(assembleMergeContext(request(), customer(), [], new Map(), company, tables)).toBeNull();
  });
});

describe('rateDescription', () => {
  it('raises a French contractual rate below 3x the legal interest rate to that floor', () => {
    // 2024 H2: legal interest rate 4.92 % → floor 14.76 %.
    expect(rateDescription('fr', '5', '2024-08-14', tables, 'en')).toBe(
      'contractual rate raised to the legal minimum of three times the legal interest rate (14.76%)',
    );
    expect(rateDescription('fr', '20', '2024-08-14', tables, 'en')).toBe('contractual rate of 20.00%');
    expect(rateDescription('fr', null, '2025-08-01', tables, 'fr')).toBe('taux BCE + 10 points (12,15\u00a0%)');
  });
});

describe('ecbTableForPeriod', () => {
  it('keeps the rate in force on each half-year start, and penalties do not change', () => {
    const reduced = ecbTableForPeriod(ECB_MRO_RATES, '2023-11-30', '2024-08-14');
    expect(reduced).toEqual([
      { effectiveDate: '2023-07-01', rate: '4.00' },
      { effectiveDate: '2024-01-01', rate: '4.50' },
      { effectiveDate: '2024-07-01', rate: '4.25' },
    ]);
    for (const [due, regime] of [
      ['2023-11-30', 'fr'],
      ['2024-06-15', 'fr'],
      ['2024-01-10', 'eu'],
    ] as const) {
      const input = {
        amount: '12345.67',
        currency: 'EUR',
        dueDate: due,
        asOf: '2024-08-14',
        regime,
        legalTable: FR_LEGAL_INTEREST_RATES,
      };
      expect(computeLatePenalty({ ...input, ecbTable: reduced })).toEqual(
        computeLatePenalty({ ...input, ecbTable: ECB_MRO_RATES }),
      );
    }
    expect(ecbTableForPeriod(ECB_MRO_RATES, '1998-03-01', '1999-02-01')).toEqual([{ effectiveDate: '1999-01-01', rate: '3.00' }]);
  });
});
