import { describe, expect, it } from '@jest/globals';
import { computeCustomerPenalties, computeLatePenalty, halfYearSegments, type LatePenaltyInput } from './penalties.js';
import {
  contractualFloorRate,
  ECB_MRO_RATES,
  euDirectiveRate,
  FR_LEGAL_INTEREST_RATES,
  frenchPenaltyRate,
  legalInterestRate,
  legalPenaltyRateForDate,
  normalizeRate,
  rateInForce,
  rateToUnits,
  unitsToRate,
  type HalfYear,
} from './reference-rates.js';

const fr = (over: Partial<LatePenaltyInput>): LatePenaltyInput => ({
  amount: '10000.00',
  currency: 'EUR',
  dueDate: '2024-06-15',
  regime: 'fr',
  ...over,
});

describe('reference rates', () => {
  it('parses and formats rates exactly in 0.0001 % units', () => {
    expect(rateToUnits('14.5')).toBe(145000n);
    expect(rateToUnits('3.65')).toBe(36500n);
    expect(rateToUnits('2.1500')).toBe(21500n);
    expect(unitsToRate(145000n)).toBe('14.50');
    expect(unitsToRate(126600n)).toBe('12.66');
    expect(unitsToRate(12345n)).toBe('1.2345');
    expect(unitsToRate(0n)).toBe('0.00');
    expect(normalizeRate('2.1500')).toBe('2.15');
    expect(() => rateToUnits('1.23456')).toThrow(/more than 4 decimals/);
    expect(() => rateToUnits('12,5')).toThrow(/Not a decimal/);
  });

  it('finds the rate in force on a date (last change on or before it)', () => {
    expect(rateInForce(ECB_MRO_RATES, '1999-01-01')).toBe('3.00');
    expect(rateInForce(ECB_MRO_RATES, '2024-06-11')).toBe('4.50');
    expect(rateInForce(ECB_MRO_RATES, '2024-06-12')).toBe('4.25');
    expect(rateInForce(ECB_MRO_RATES, '2024-09-18')).toBe('3.65');
    expect(rateInForce(ECB_MRO_RATES, '2026-11-25')).toBe('2.15');
    expect(() => rateInForce(ECB_MRO_RATES, '1998-12-31')).toThrow(RangeError);
  });

  it('accepts an unsorted tenant table', () => {
    const table = [
      { effectiveDate: '2025-06-11', rate: '2.1500' },
      { effectiveDate: '2026-03-18', rate: '1.9000' },
      { effectiveDate: '2024-01-01', rate: '4.5' },
    ];
    expect(rateInForce(table, '2026-07-01')).toBe('1.90');
    expect(frenchPenaltyRate(table, 2026, 2)).toBe('11.90');
    expect(rateInForce(table, '2025-01-01')).toBe('4.50');
  });

  it('ships a consistent ECB table (sorted, distinct dates, rate changes only)', () => {
    for (let i = 1; i < ECB_MRO_RATES.length; i++) {
      expect(ECB_MRO_RATES[i].effectiveDate > ECB_MRO_RATES[i - 1].effectiveDate).toBe(true);
      expect(ECB_MRO_RATES[i].rate).not.toBe(ECB_MRO_RATES[i - 1].rate);
    }
    expect(ECB_MRO_RATES[0]).toEqual({ effectiveDate: '1999-01-01', rate: '3.00' });
    expect(ECB_MRO_RATES.at(-1)).toEqual({ effectiveDate: '2025-06-11', rate: '2.15' });
  });

  it('gives the DOMAIN.md default French penalty rates by half-year (ECB on 1 Jan / 1 Jul + 10 points)', () => {
    const expected: Array<[number, HalfYear, string]> = [
      [2016, 1, '10.05'],
      [2016, 2, '10.00'],
      [2019, 1, '10.00'],
      [2021, 2, '10.00'],
      [2022, 1, '10.00'],
      [2022, 2, '10.00'],
      [2023, 1, '12.50'],
      [2023, 2, '14.00'],
      [2024, 1, '14.50'],
      [2024, 2, '14.25'],
      [2025, 1, '13.15'],
      [2025, 2, '12.15'],
      [2026, 1, '12.15'],
    ];
    for (const [year, half, rate] of expected)
      expect([year, half, frenchPenaltyRate(ECB_MRO_RATES, year, half)]).toEqual([year, half, rate]);
    expect(legalPenaltyRateForDate(ECB_MRO_RATES, '2024-08-14')).toBe('14.25');
    expect(legalPenaltyRateForDate(ECB_MRO_RATES, '2024-06-30')).toBe('14.50');
  });

  it('gives the EU directive rate (reference rate + 8 points)', () => {
    expect(euDirectiveRate(ECB_MRO_RATES, 2024, 1)).toBe('12.50');
    expect(euDirectiveRate(ECB_MRO_RATES, 2024, 2)).toBe('12.25');
    expect(euDirectiveRate(ECB_MRO_RATES, 2020, 1)).toBe('8.00');
  });

  it('holds the French legal interest rates of DOMAIN.md and the 3x floor', () => {
    const rate = (y: number, h: HalfYear) => legalInterestRate(FR_LEGAL_INTEREST_RATES, y, h)?.rate;
    expect([rate(2021, 1), rate(2021, 2), rate(2022, 1), rate(2022, 2)]).toEqual(['0.79', '0.76', '0.76', '0.77']);
    expect([rate(2023, 1), rate(2023, 2), rate(2024, 1)]).toEqual(['2.06', '4.22', '5.07']);
    expect([rate(2024, 2), rate(2025, 1), rate(2025, 2), rate(2026, 1)]).toEqual(['4.92', '3.71', '2.76', '2.62']);
    expect(rate(2026, 2)).toBeUndefined();
    for (let y = 2015; y <= 2025; y++) for (const h of [1, 2] as const) expect(rate(y, h)).toBeDefined();
    expect(contractualFloorRate('4.22')).toBe('12.66');
    expect(contractualFloorRate('0.79')).toBe('2.37');
  });
});

describe('halfYearSegments', () => {
  it('splits lateness at 1 July and 1 January, from the day after the due date to the payment date', () => {
    expect(halfYearSegments('2024-06-15', '2024-08-14')).toEqual([
      { from: '2024-06-16', to: '2024-06-30', days: 15, year: 2024, half: 1 },
      { from: '2024-07-01', to: '2024-08-14', days: 45, year: 2024, half: 2 },
    ]);
    expect(halfYearSegments('2023-12-20', '2024-01-19')).toEqual([
      { from: '2023-12-21', to: '2023-12-31', days: 11, year: 2023, half: 2 },
      { from: '2024-01-01', to: '2024-01-19', days: 19, year: 2024, half: 1 },
    ]);
    const long = halfYearSegments('2023-03-31', '2024-07-01');
    expect(long.map((s) => s.days)).toEqual([91, 184, 182, 1]);
    expect(long.reduce((n, s) => n + s.days, 0)).toBe(458);
  });

  it('is empty when paid on or before the due date; a due date on 30 June starts on 1 July', () => {
    expect(halfYearSegments('2024-06-15', '2024-06-15')).toEqual([]);
    expect(halfYearSegments('2024-06-15', '2024-06-01')).toEqual([]);
    expect(halfYearSegments('2024-06-30', '2024-07-01')).toEqual([
      { from: '2024-07-01', to: '2024-07-01', days: 1, year: 2024, half: 2 },
    ]);
  });
});

describe('computeLatePenalty', () => {
  it('DOMAIN.md worked example: 10,000.00 EUR due 2024-06-15 paid 2024-08-14 → 235.27 + 40.00', () => {
    const r = computeLatePenalty(fr({ paidDate: '2024-08-14' }));
    expect(r.daysLate).toBe(60);
    expect(r.segments).toEqual([
      { from: '2024-06-16', to: '2024-06-30', days: 15, rate: '14.50', interest: '59.59' },
      { from: '2024-07-01', to: '2024-08-14', days: 45, rate: '14.25', interest: '175.68' },
    ]);
    expect(r.interest).toBe('235.27');
    expect(r.indemnity).toBe('40.00');
    expect(r.indemnityCurrency).toBe('EUR');
    expect(r.total).toBe('275.27');
    expect(r.rateSource).toBe('legal_default');
    expect(r.floorRate).toBeUndefined();
    expect(r.warnings).toEqual([]);
  });

  it('paid before or on the due date: nothing, no indemnity', () => {
    for (const paidDate of ['2024-06-01', '2024-06-15']) {
      const r = computeLatePenalty(fr({ paidDate }));
      expect(r.daysLate).toBe(0);
      expect(r.segments).toEqual([]);
      expect([r.interest, r.indemnity, r.total]).toEqual(['0.00', '0.00', '0.00']);
    }
  });

  it('one day late counts one day (and the full indemnity)', () => {
    const r = computeLatePenalty(fr({ paidDate: '2024-06-16' }));
    expect(r.daysLate).toBe(1);
    expect(r.segments).toEqual([{ from: '2024-06-16', to: '2024-06-16', days: 1, rate: '14.50', interest: '3.97' }]);
    expect(r.indemnity).toBe('40.00');
    expect(r.total).toBe('43.97');
  });

  it('a contractual rate above the floor is used as is', () => {
    const r = computeLatePenalty(fr({ dueDate: '2023-09-30', paidDate: '2023-10-30', contractualRate: '15' }));
    expect(r.segments).toEqual([{ from: '2023-10-01', to: '2023-10-30', days: 30, rate: '15.00', interest: '123.29' }]);
    expect(r.rateSource).toBe('contractual');
    expect(r.floorRate).toBeUndefined();
  });

  it('a contractual rate below 3x the legal interest rate is raised to the floor (5 % in H2 2023 → 12.66 %)', () => {
    const r = computeLatePenalty(fr({ dueDate: '2023-09-30', paidDate: '2023-10-30', contractualRate: '5' }));
    expect(r.segments).toEqual([
      { from: '2023-10-01', to: '2023-10-30', days: 30, rate: '12.66', interest: '104.05', floorRate: '12.66' },
    ]);
    expect(r.rateSource).toBe('contractual_floored');
    expect(r.floorRate).toBe('12.66');
    expect(r.indemnity).toBe('40.00');
  });

  it('applies the floor half-year by half-year (H1 2023 floor 6.18 %, H2 12.66 %)', () => {
    const r = computeLatePenalty(fr({ dueDate: '2023-06-20', paidDate: '2023-07-10', contractualRate: '5.00' }));
    expect(r.segments.map((s) => [s.days, s.rate, s.interest, s.floorRate])).toEqual([
      [10, '6.18', '16.93', '6.18'],
      [10, '12.66', '34.69', '12.66'],
    ]);
    expect(r.interest).toBe('51.62');
    expect(r.floorRate).toBe('12.66');
    // In 2021 the floor was 3 x 0.79 = 2.37 %: 5 % stands.
    expect(computeLatePenalty(fr({ dueDate: '2021-03-01', paidDate: '2021-03-31', contractualRate: '5' })).rateSource).toBe(
      'contractual',
    );
  });

  it('falls back to the latest known legal interest rate, with a warning, for a half-year missing from the table', () => {
    const r = computeLatePenalty(fr({ dueDate: '2026-07-31', asOf: '2026-08-30', contractualRate: '5' }));
    expect(r.segments[0].rate).toBe('7.86'); // 3 x 2.62 (2026 H1)
    expect(r.warnings).toEqual(['French legal interest rate for 2026 H2 missing: used 2026 H1 (2.62 %)']);
    expect(() => computeLatePenalty(fr({ dueDate: '2009-01-31', paidDate: '2009-02-28', contractualRate: '5' }))).toThrow(
      RangeError,
    );
  });

  it('EU regime: reference rate + 8 points and the 40 EUR indemnity; no French floor on a contractual rate', () => {
    const r = computeLatePenalty(fr({ regime: 'eu', paidDate: '2024-08-14' }));
    expect(r.segments.map((s) => s.rate)).toEqual(['12.50', '12.25']);
    expect(r.interest).toBe('202.40');
    expect(r.indemnity).toBe('40.00');
    expect(r.rateSource).toBe('legal_default');
    const c = computeLatePenalty(fr({ regime: 'eu', dueDate: '2023-09-30', paidDate: '2023-10-30', contractualRate: '5' }));
    expect([c.segments[0].rate, c.rateSource]).toEqual(['5.00', 'contractual']);
  });

  it("regime 'none' or a non-B2B debt: no statutory rate, no indemnity; a contractual rate applies as given", () => {
    const none = computeLatePenalty(fr({ regime: 'none', paidDate: '2024-08-14' }));
    expect([none.interest, none.indemnity, none.total, none.rateSource]).toEqual(['0.00', '0.00', '0.00', 'none']);
    const b2c = computeLatePenalty(fr({ b2b: false, dueDate: '2023-09-30', paidDate: '2023-10-30', contractualRate: '5' }));
    expect([b2c.segments[0].rate, b2c.indemnity, b2c.rateSource]).toEqual(['5.00', '0.00', 'contractual']);
  });

  it('spans a year end with each half-year rate', () => {
    const r = computeLatePenalty(fr({ dueDate: '2023-12-20', paidDate: '2024-01-19' }));
    expect(r.segments).toEqual([
      { from: '2023-12-21', to: '2023-12-31', days: 11, rate: '14.00', interest: '42.19' },
      { from: '2024-01-01', to: '2024-01-19', days: 19, rate: '14.50', interest: '75.48' },
    ]);
    expect(r.interest).toBe('117.67');
  });

  it('counts 29 February as a day late but still divides by 365', () => {
    const r = computeLatePenalty(fr({ amount: '1000', dueDate: '2024-01-31', paidDate: '2024-03-01' }));
    expect(r.daysLate).toBe(30);
    expect(r.interest).toBe('11.92'); // 1000 x 14.50 % x 30 / 365 = 11.917...
    expect(computeLatePenalty(fr({ dueDate: '2024-02-28', paidDate: '2024-03-01' })).daysLate).toBe(2);
  });

  it('runs an open invoice on its open amount up to the as-of date', () => {
    const r = computeLatePenalty(fr({ amount: '5000.00', dueDate: '2025-10-31', asOf: '2025-11-25' }));
    expect(r.daysLate).toBe(25);
    expect(r.until).toBe('2025-11-25');
    expect(r.segments[0].rate).toBe('12.15');
    expect(r.interest).toBe('41.61');
    expect(r.indemnity).toBe('40.00');
    // A payment date wins over the as-of date.
    expect(computeLatePenalty(fr({ asOf: '2025-01-01', paidDate: '2024-08-14' })).interest).toBe('235.27');
    expect(() => computeLatePenalty(fr({}))).toThrow(/paidDate/);
  });

  it('rounds to the currency minor unit (JPY: 0 decimals) and keeps the indemnity apart in EUR', () => {
    const r = computeLatePenalty(fr({ amount: '1234567', currency: 'JPY', dueDate: '2025-01-31', paidDate: '2025-03-02' }));
    expect(r.daysLate).toBe(30);
    expect(r.segments[0].rate).toBe('13.15');
    expect(r.interest).toBe('13343'); // 13 343.47 JPY
    expect(r.indemnity).toBe('40.00');
    expect(r.indemnityCurrency).toBe('EUR');
    expect(r.total).toBe('13343'); // JPY total: interest only
    expect(() => computeLatePenalty(fr({ amount: '100.5', currency: 'JPY', paidDate: '2024-08-14' }))).toThrow(/decimals/);
  });

  it('uses a tenant table passed in', () => {
    const ecbTable = [...ECB_MRO_RATES, { effectiveDate: '2026-06-10', rate: '2.40' }];
    const r = computeLatePenalty(fr({ dueDate: '2026-07-31', paidDate: '2026-08-30', ecbTable }));
    expect(r.segments[0].rate).toBe('12.40');
  });

  it('refuses negative amounts and bad input', () => {
    expect(() => computeLatePenalty(fr({ amount: '-10', paidDate: '2024-08-14' }))).toThrow(RangeError);
    expect(() => computeLatePenalty(fr({ dueDate: '2024-02-30', paidDate: '2024-08-14' }))).toThrow(/calendar date/);
    expect(() => computeLatePenalty(fr({ paidDate: '2024-08-14', contractualRate: 'abc' }))).toThrow(/Not a decimal/);
  });
});

describe('computeCustomerPenalties', () => {
  it('sums per currency in minor units and counts the indemnity once per invoice', () => {
    const r = computeCustomerPenalties(
      [
        { invoiceId: 'F1', amount: '10000.00', currency: 'EUR', dueDate: '2024-06-15', paidDate: '2024-08-14' },
        { invoiceId: 'F2', amount: '0.10', currency: 'EUR', dueDate: '2024-06-15', paidDate: '2024-08-14' },
        // F3 paid in two late tranches: one indemnity.
        { invoiceId: 'F3', amount: '1000', currency: 'EUR', dueDate: '2024-01-31', paidDate: '2024-03-01' },
        { invoiceId: 'F3', amount: '5000.00', currency: 'EUR', dueDate: '2024-01-31' },
        { invoiceId: 'J1', amount: '1234567', currency: 'JPY', dueDate: '2025-01-31', paidDate: '2025-03-02' },
        { invoiceId: 'F4', amount: '999.99', currency: 'EUR', dueDate: '2024-12-31', paidDate: '2024-12-20' },
      ],
      { asOf: '2024-03-31', regime: 'fr' },
    );
    expect(r.lines.map((l) => [l.invoiceId, l.interest, l.indemnity])).toEqual([
      ['F1', '235.27', '40.00'],
      ['F2', '0.00', '40.00'],
      ['F3', '11.92', '40.00'],
      ['F3', '119.18', '0.00'], // 5000 x 14.50 % x 60 / 365
      ['J1', '13343', '40.00'],
      ['F4', '0.00', '0.00'],
    ]);
    expect(r.lines[3].total).toBe('119.18');
    expect(r.indemnity).toEqual({ count: 4, amount: '160.00', currency: 'EUR' });
    expect(r.totals).toEqual([
      { currency: 'EUR', interest: '366.37', indemnity: '160.00', total: '526.37' },
      { currency: 'JPY', interest: '13343', indemnity: '0', total: '13343' },
    ]);
  });

  it('adds a EUR row for indemnities when no invoice is in EUR; per-invoice contractual rate overrides', () => {
    const r = computeCustomerPenalties(
      [
        { amount: '1000.00', currency: 'USD', dueDate: '2023-09-30', paidDate: '2023-10-30' },
        { amount: '1000.00', currency: 'USD', dueDate: '2023-09-30', paidDate: '2023-10-30', contractualRate: '20' },
      ],
      { asOf: '2023-12-31', regime: 'fr', contractualRate: '5' },
    );
    expect(r.lines.map((l) => [l.rateSource, l.segments[0].rate, l.interest])).toEqual([
      ['contractual_floored', '12.66', '10.41'],
      ['contractual', '20.00', '16.44'],
    ]);
    expect(r.totals).toEqual([
      { currency: 'EUR', interest: '0.00', indemnity: '80.00', total: '80.00' },
      { currency: 'USD', interest: '26.85', indemnity: '0.00', total: '26.85' },
    ]);
  });
});
