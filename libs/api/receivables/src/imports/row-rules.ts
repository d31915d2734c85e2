/**
 * Per-row validation and normalisation of import rows. Pure: no I/O. Every problem is a
 * FieldError with the 1-based row number; lookups against the database (customer refs,
 * allocated amounts) happen in the import service.
 */
import { amountProblem, fromMinor, isCalendarDate, isCurrency, toMinor, type CalendarDate } from '@encours/domain';
import type { FieldError, PostalAddress } from '@encours/api-core';
import type { InvoiceLine } from '../items/receivable-item.entity.js';
import { PAYMENT_METHODS, type PaymentMethod } from '../payments/payment.entity.js';
import type { RawRow } from './parse-body.js';

export interface RowContext {
  row: number;
  /** CSV cells are strings: accept 1234,56 and 31/01/2026 as a French spreadsheet writes them. */
  csv: boolean;
}

export interface CustomerInput {
  externalRef: string;
  name: string;
  siren?: string | null;
  siret?: string | null;
  vatNumber?: string | null;
  country?: string;
  billingAddress?: PostalAddress | null;
  shippingAddress?: PostalAddress | null;
  language?: 'fr' | 'en';
  legalEntityCode?: string | null;
  businessUnitCode?: string | null;
  salespersonEmail?: string | null;
  paymentTermsDays?: number | null;
  currency?: string;
  segment?: string | null;
  tags?: string[];
  blocked?: boolean;
}

export interface ItemInput {
  externalRef: string;
  number: string;
  customerRef: string;
  legalEntityCode?: string | null;
  issueDate: CalendarDate;
  dueDate: CalendarDate;
  currency: string;
  amount: string;
  taxAmount?: string | null;
  poNumber?: string | null;
  lines?: InvoiceLine[] | null;
  pdfUrl?: string | null;
  disputed?: boolean;
}

export interface PaymentInput {
  externalRef: string;
  customerRef: string;
  date: CalendarDate;
  amount: string;
  currency: string;
  method?: PaymentMethod;
  bankReference?: string | null;
  allocations?: { invoiceRef: string; amount: string }[];
}

export interface AllocationInput {
  externalRef?: string;
  invoiceRef: string;
  paymentRef?: string;
  creditNoteRef?: string;
  amount: string;
  date?: CalendarDate;
}

export interface Checked<T> {
  value?: T;
  errors: FieldError[];
}

class RowReader {
  readonly errors: FieldError[] = [];
  private readonly used = new Set<string>();
  constructor(
    private readonly raw: RawRow,
    private readonly ctx: RowContext,
  ) {}

  fail(field: string, message: string): void {
    this.errors.push({ row: this.ctx.row, field, message: `${field} ${message}` });
  }

  has(field: string): boolean {
    this.used.add(field);
    const v = this.raw[field];
    return v !== undefined && v !== null && v !== '';
  }

  private get(field: string): unknown {
    this.used.add(field);
    return this.raw[field];
  }

  str(field: string, opts: { required: true; max?: number; pattern?: [RegExp, string] }): string;
  str(field: string, opts?: { required?: false; max?: number; pattern?: [RegExp, string] }): string | null | undefined;
  str(field: string, opts: { required?: boolean; max?: number; pattern?: [RegExp, string] } = {}): string | null | undefined {
    if (!this.has(field)) {
      if (opts.required) this.fail(field, 'is required');
      return this.raw[field] === null ? null : undefined;
    }
    let v = this.get(field);
    if (typeof v === 'number') v = String(v);
    if (typeof v !== 'string') {
      this.fail(field, 'must be a string');
      return undefined;
    }
    const s = v.trim();
    if (opts.max && s.length > opts.max) this.fail(field, `must be at most ${opts.max} characters`);
    else if (opts.pattern && !opts.pattern[0].test(s)) this.fail(field, opts.pattern[1]);
    return s;
  }

  date(field: string, required: boolean): CalendarDate | undefined {
    if (!this.has(field)) {
      if (required) this.fail(field, 'is required');
      return undefined;
    }
    const v = this.get(field);
    let s = typeof v === 'string' ? v.trim() : v;
    if (this.ctx.csv && typeof s === 'string') {
      const fr = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(s);
      if (fr) s = `${fr[3]}-${fr[2]}-${fr[1]}`;
    }
    if (!isCalendarDate(s)) {
      this.fail(field, 'must be a real calendar date as YYYY-MM-DD');
      return undefined;
    }
    return s;
  }

  currency(field: string, required: boolean): string | undefined {
    const s = required ? this.str(field, { required: true }) : this.str(field);
    if (s == null) return undefined;
    const code = s.toUpperCase();
    if (!isCurrency(code)) {
      this.fail(field, 'must be an ISO 4217 currency code');
      return undefined;
    }
    return code;
  }

  /** A positive amount with no more decimals than the currency has; returned canonical. */
  amount(field: string, currency: string | undefined, required: boolean): string | undefined {
    if (!this.has(field)) {
      if (required) this.fail(field, 'is required');
      return undefined;
    }
    let v = this.get(field);
    if (typeof v === 'string') {
      v = v.trim().replace(/[\s\u00a0\u202f]/g, '');
      if (this.ctx.csv && /^-?\d+,\d+$/.test(v as string)) v = (v as string).replace(',', '.');
    }
    const problem = amountProblem(v, currency ?? 'EUR');
    if (problem) {
      this.fail(field, problem);
      return undefined;
    }
    if (!currency) return undefined;
    const minor = toMinor(v as string | number, currency);
    if (minor < 0n) {
      this.fail(field, 'must not be negative');
      return undefined;
    }
    if (minor === 0n) {
      this.fail(field, 'must be greater than 0');
      return undefined;
    }
    return fromMinor(minor, currency);
  }

  bool(field: string): boolean | undefined {
    if (!this.has(field)) return undefined;
    const v = this.get(field);
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && /^(true|false|1|0|yes|no|oui|non)$/i.test(v.trim())) return /^(true|1|yes|oui)$/i.test(v.trim());
    this.fail(field, 'must be true or false');
    return undefined;
  }

  int(field: string, min: number, max: number): number | null | undefined {
    if (!this.has(field)) return this.raw[field] === null ? null : undefined;
    const v = this.get(field);
    const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      this.fail(field, `must be a whole number between ${min} and ${max}`);
      return undefined;
    }
    return n;
  }

  oneOf<T extends string>(field: string, values: readonly T[]): T | undefined {
    const s = this.str(field);
    if (s == null) return undefined;
    const v = s.toLowerCase() as T;
    if (!values.includes(v)) {
      this.fail(field, `must be one of ${values.join(', ')}`);
      return undefined;
    }
    return v;
  }

  raw_(field: string): unknown {
    return this.get(field);
  }

  /** JSON rows must not carry unknown fields (typos); extra CSV columns are ignored. */
  checkUnknown(): void {
    if (this.ctx.csv) return;
    for (const k of Object.keys(this.raw)) if (!this.used.has(k)) this.fail(k, 'is not an accepted field');
  }

  result<T>(value: T): Checked<T> {
    this.checkUnknown();
    return this.errors.length ? { errors: this.errors } : { value, errors: [] };
  }
}

const REF: [RegExp, string] = [/^[^\s].{0,99}$/s, 'must be 1-100 characters'];

function address(r: RowReader, field: string): PostalAddress | null | undefined {
  if (!r.has(field)) return undefined;
  const v = r.raw_(field);
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    r.fail(field, 'must be an object with line1, postalCode, city, country');
    return undefined;
  }
  const a = v as Record<string, unknown>;
  const out: PostalAddress = {
    line1: String(a.line1 ?? ''),
    postalCode: String(a.postalCode ?? ''),
    city: String(a.city ?? ''),
    country: String(a.country ?? 'FR').toUpperCase(),
  };
  if (a.line2 !== undefined) out.line2 = String(a.line2);
  if (!out.line1 || !out.city) r.fail(field, 'must have at least line1 and city');
  if (!/^[A-Z]{2}$/.test(out.country)) r.fail(`${field}.country`, 'must be an ISO 3166 two-letter code');
  return out;
}

export function checkCustomer(raw: RawRow, ctx: RowContext): Checked<CustomerInput> {
  const r = new RowReader(raw, ctx);
  const v: CustomerInput = {
    externalRef: r.str('externalRef', { required: true, pattern: REF }),
    name: r.str('name', { required: true, max: 200 }),
    siren: r.str('siren', { pattern: [/^\d{9}$/, 'must be 9 digits'] }),
    siret: r.str('siret', { pattern: [/^\d{14}$/, 'must be 14 digits'] }),
    vatNumber: r
      .str('vatNumber', { pattern: [/^[A-Za-z]{2}[0-9A-Za-z]{2,13}$/, 'must be an EU VAT number such as FR40552100554'] })
      ?.toUpperCase(),
    country: r.str('country', { pattern: [/^[A-Za-z]{2}$/, 'must be an ISO 3166 two-letter code'] })?.toUpperCase(),
    billingAddress: address(r, 'billingAddress'),
    shippingAddress: address(r, 'shippingAddress'),
    language: r.oneOf('language', ['fr', 'en'] as const),
    legalEntityCode: r.str('legalEntityCode', { max: 40 }),
    businessUnitCode: r.str('businessUnitCode', { max: 40 }),
    salespersonEmail: r.str('salespersonEmail', { max: 254 })?.toLowerCase(),
    paymentTermsDays: r.int('paymentTermsDays', 0, 365),
    currency: r.currency('currency', false),
    segment: r.str('segment', { max: 60 }),
    tags: tags(r),
    blocked: r.bool('blocked'),
  };
  if (v.siren === undefined && v.siret) v.siren = v.siret.slice(0, 9);
  return r.result(v);
}

function tags(r: RowReader): string[] | undefined {
  if (!r.has('tags')) return undefined;
  const v = r.raw_('tags');
  const list = typeof v === 'string' ? v.split('|') : v;
  if (!Array.isArray(list) || list.some((t) => typeof t !== 'string' || t.length > 40)) {
    r.fail('tags', 'must be a list of texts (at most 40 characters each; separate them with | in CSV)');
    return undefined;
  }
  return [...new Set(list.map((t: string) => t.trim()).filter(Boolean))].sort();
}

export function checkItem(raw: RawRow, ctx: RowContext): Checked<ItemInput> {
  const r = new RowReader(raw, ctx);
  const currency = r.currency('currency', true);
  const externalRef = r.str('externalRef', { required: true, pattern: REF });
  const v: ItemInput = {
    externalRef,
    number: r.str('number', { max: 60 }) ?? externalRef,
    customerRef: r.str('customerRef', { required: true, pattern: REF }),
    legalEntityCode: r.str('legalEntityCode', { max: 40 }),
    issueDate: r.date('issueDate', true)!,
    dueDate: r.date('dueDate', true)!,
    currency: currency!,
    amount: r.amount('amount', currency, true)!,
    taxAmount: r.has('taxAmount') ? r.amount('taxAmount', currency, false) : null,
    poNumber: r.str('poNumber', { max: 60 }) ?? null,
    lines: lines(r),
    pdfUrl: r.str('pdfUrl', { max: 500, pattern: [/^https?:\/\//, 'must be an http(s) URL'] }) ?? null,
    disputed: r.bool('disputed'),
  };
  if (v.issueDate && v.dueDate && v.dueDate < v.issueDate) r.fail('dueDate', 'must not be before issueDate');
  return r.result(v);
}

function lines(r: RowReader): InvoiceLine[] | null {
  if (!r.has('lines')) return null;
  const v = r.raw_('lines');
  if (!Array.isArray(v) || v.some((l) => !l || typeof l !== 'object')) {
    r.fail('lines', 'must be a list of objects');
    return null;
  }
  return v as InvoiceLine[];
}

export function checkPayment(raw: RawRow, ctx: RowContext): Checked<PaymentInput> {
  const r = new RowReader(raw, ctx);
  const currency = r.currency('currency', true);
  const v: PaymentInput = {
    externalRef: r.str('externalRef', { required: true, pattern: REF }),
    customerRef: r.str('customerRef', { required: true, pattern: REF }),
    date: r.date('date', true)!,
    amount: r.amount('amount', currency, true)!,
    currency: currency!,
    method: r.oneOf('method', PAYMENT_METHODS),
    bankReference: r.str('bankReference', { max: 100 }) ?? null,
  };
  if (r.has('allocations')) {
    const list = r.raw_('allocations');
    if (!Array.isArray(list)) r.fail('allocations', 'must be a list of { invoiceRef, amount }');
    else {
      v.allocations = [];
      list.forEach((a, i) => {
        const sub = new RowReader((a && typeof a === 'object' ? a : {}) as RawRow, { ...ctx, csv: false });
        const invoiceRef = sub.str('invoiceRef', { required: true, pattern: REF });
        const amount = sub.amount('amount', currency, true);
        sub.checkUnknown();
        for (const e of sub.errors)
          r.errors.push({ ...e, field: `allocations[${i}].${e.field}`, message: `allocations[${i}].${e.message}` });
        if (invoiceRef && amount) v.allocations!.push({ invoiceRef, amount });
      });
    }
  }
  return r.result(v);
}

export function checkAllocation(raw: RawRow, ctx: RowContext, currency = 'BHD'): Checked<AllocationInput> {
  const r = new RowReader(raw, ctx);
  const v: AllocationInput = {
    externalRef: r.str('externalRef', { pattern: REF }) ?? undefined,
    invoiceRef: r.str('invoiceRef', { required: true, pattern: REF }),
    paymentRef: r.str('paymentRef', { pattern: REF }) ?? undefined,
    creditNoteRef: r.str('creditNoteRef', { pattern: REF }) ?? undefined,
    // Up to 3 decimals here (BHD has 3); the service re-checks against the invoice's currency.
    amount: r.amount('amount', currency, true)!,
    date: r.date('date', false),
  };
  if (!v.paymentRef === !v.creditNoteRef) r.fail('paymentRef', 'or creditNoteRef is required (exactly one of them)');
  return r.result(v);
}
