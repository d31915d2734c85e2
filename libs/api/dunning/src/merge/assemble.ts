import {
  addDays,
  computeLatePenalty,
  contractualFloorRate,
  daysBetween,
  euDirectiveRate,
  frenchPenaltyRate,
  fromMinor,
  halfYearOf,
  halfYearStart,
  latestLegalInterestRate,
  normalizeRate,
  rateInForce,
  rateToUnits,
  toMinor,
  type CalendarDate,
  type EcbRateChange,
  type LegalInterestRate,
} from '@encours/domain';
import { penaltyRegimeFor } from '../penalties/penalty-regime.js';
import type { PenaltyRegime } from '../state/customer-dunning.entity.js';
import type { MergeContext, MergeInvoice, MergeTotal, TemplateChannel, TemplateLanguage } from '../templates/merge-context.js';

/** What the run asks a context for: one customer, the invoices of its statement, the step. */
export interface MergeRequest {
  customerId: string;
  invoiceIds: string[];
  step: { name: string; position: number; offsetDays: number };
  today: CalendarDate;
  /** Picks the contact (email: with an email; sms and call: with a phone) and the deadline (formal notice). */
  channel: TemplateChannel | 'call';
  /** Renders in this language instead of the customer's (template preview). */
  language?: TemplateLanguage;
}

export interface CustomerRow {
  customer_id: string;
  name: string;
  external_ref: string;
  siren: string | null;
  vat_number: string | null;
  country: string;
  language: string;
  billing_address: { line1?: string; line2?: string; postalCode?: string; city?: string; country?: string } | null;
  penalty_regime: PenaltyRegime | null;
  contractual_penalty_rate: string | null;
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  collector_name: string | null;
  collector_email: string | null;
}

export interface InvoiceRow {
  customer_id: string;
  id: string;
  number: string;
  issue_date: string;
  due_date: string;
  amount: string;
  open_amount: string;
  currency: string;
}

export interface CompanyInfo {
  name: string;
  addressLines: string[];
  siren: string | null;
  vatNumber: string | null;
  email: string | null;
  phone: string | null;
  signature: string;
  paymentDetails: string;
  formalNoticeDays: number;
  defaultLanguage: TemplateLanguage;
}

export interface RateTables {
  ecbTable: readonly EcbRateChange[];
  legalTable: readonly LegalInterestRate[];
}

/**
 * The ECB table reduced to the rates in force on each 1 January / 1 July from `from` to `to`: the
 * only dates the penalty rules read (the rate of a half-year is the rate in force on its first
 * day), so penalties are the same, and computed several times faster over a batch. Half-years the
 * table does not cover are left out (the computation then reports the missing rate as before).
 */
export function ecbTableForPeriod(ecbTable: readonly EcbRateChange[], from: CalendarDate, to: CalendarDate): EcbRateChange[] {
  const out: EcbRateChange[] = [];
  let { year, half } = halfYearOf(from);
  const end = halfYearOf(to);
  while (year < end.year || (year === end.year && half <= end.half)) {
    const start = halfYearStart(year, half);
    try {
      out.push({ effectiveDate: start, rate: rateInForce(ecbTable, start) });
    } catch {
      // no rate in force yet on that date
    }
    if (half === 1) half = 2;
    else {
      half = 1;
      year++;
    }
  }
  return out;
}

/** numeric text from PostgreSQL ('12.500') → a decimal the money helpers accept for the currency. */
export function decimal(v: string, currency: string): string {
  const trimmed = v.includes('.') ? v.replace(/0+$/, '').replace(/\.$/, '') : v;
  return fromMinor(toMinor(trimmed, currency), currency);
}

const pct = (rate: string, lang: TemplateLanguage) => (lang === 'fr' ? `${rate.replace('.', ',')}\u00a0%` : `${rate}%`);

/** "taux BCE + 10 points (12,15 %)": the rate claimed, as of `today`, in words. */
export function rateDescription(
  regime: PenaltyRegime,
  contractualRate: string | null,
  today: CalendarDate,
  tables: RateTables,
  lang: TemplateLanguage,
): string {
  const { year, half } = halfYearOf(today);
  try {
    if (contractualRate !== null) {
      const rate = normalizeRate(contractualRate);
      if (regime === 'fr') {
        const legal = latestLegalInterestRate(tables.legalTable, year, half);
        if (legal) {
          const floor = contractualFloorRate(legal.rate);
          if (rateToUnits(floor) > rateToUnits(rate))
            return lang === 'fr'
              ? `taux contractuel porté au minimum légal de trois fois le taux d’intérêt légal (${pct(floor, lang)})`
              : `contractual rate raised to the legal minimum of three times the legal interest rate (${pct(floor, lang)})`;
        }
      }
      return lang === 'fr' ? `taux contractuel de ${pct(rate, lang)}` : `contractual rate of ${pct(rate, lang)}`;
    }
    if (regime === 'fr') {
      const r = frenchPenaltyRate(tables.ecbTable, year, half);
      return lang === 'fr' ? `taux BCE + 10 points (${pct(r, lang)})` : `ECB rate + 10 points (${pct(r, lang)})`;
    }
    if (regime === 'eu') {
      const r = euDirectiveRate(tables.ecbTable, year, half);
      return lang === 'fr' ? `taux BCE + 8 points (${pct(r, lang)})` : `ECB rate + 8 points (${pct(r, lang)})`;
    }
  } catch {
    // A rate missing from the tenant's table: describe the rule without the figure.
    if (regime === 'fr') return lang === 'fr' ? 'taux BCE + 10 points' : 'ECB rate + 10 points';
    if (regime === 'eu') return lang === 'fr' ? 'taux BCE + 8 points' : 'ECB rate + 8 points';
  }
  return '';
}

function addressLines(row: CustomerRow, lang: TemplateLanguage): string[] {
  const a = row.billing_address;
  if (!a) return [];
  const lines = [a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(' ')].map((l) => (l ?? '').trim()).filter(Boolean);
  const country = (a.country ?? row.country ?? '').toUpperCase();
  if (country && country !== 'FR') {
    let name = country;
    try {
      name = regionNames(lang).of(country) ?? country;
    } catch {
      // keep the code
    }
    lines.push(name.toUpperCase());
  }
  return lines;
}

/**
 * The merge context of one customer's statement (a pure function of the rows the builder read):
 * the invoices still open among those asked, each with its days late and, when penalties apply,
 * its late-payment interest (open amount x rate x days / 365, tenant's rate tables) and the
 * 40 EUR indemnity (EUR invoices only: it is never converted); totals per currency in bigint
 * minor units. Null when none of the invoices is still open (nothing left to claim).
 */
export function assembleMergeContext(
  request: MergeRequest,
  customer: CustomerRow,
  invoices: readonly InvoiceRow[],
  openByCurrency: ReadonlyMap<string, string>,
  company: CompanyInfo,
  tables: RateTables,
): MergeContext | null {
  if (!invoices.length) return null;
  const lang: TemplateLanguage =
    request.language ?? (customer.language === 'en' ? 'en' : customer.language === 'fr' ? 'fr' : company.defaultLanguage);
  const today = request.today;
  const { regime } = penaltyRegimeFor(customer.country, customer.penalty_regime);
  const contractualRate = customer.contractual_penalty_rate;
  const applicable = regime !== 'none' || contractualRate !== null;

  const totals = new Map<string, { overdue: bigint; penalties: bigint; indemnities: bigint }>();
  const list: MergeInvoice[] = invoices.map((inv) => {
    const currency = inv.currency;
    const open = decimal(inv.open_amount, currency);
    const daysLate = Math.max(0, daysBetween(inv.due_date, today));
    const t = totals.get(currency) ?? { overdue: 0n, penalties: 0n, indemnities: 0n };
    totals.set(currency, t);
    const out: MergeInvoice = {
      number: inv.number,
      issueDate: inv.issue_date,
      dueDate: inv.due_date,
      amount: decimal(inv.amount, currency),
      openAmount: open,
      currency,
      daysLate,
    };
    if (daysLate > 0) {
      t.overdue += toMinor(open, currency);
      if (applicable) {
        try {
          const p = computeLatePenalty({
            amount: open,
            currency,
            dueDate: inv.due_date,
            asOf: today,
            regime,
            contractualRate,
            ecbTable: tables.ecbTable,
            legalTable: tables.legalTable,
          });
          out.penaltyInterest = p.interest;
          t.penalties += toMinor(p.interest, currency);
          if (currency === 'EUR' && p.indemnity !== '0.00') {
            out.indemnity = p.indemnity;
            t.indemnities += toMinor(p.indemnity, 'EUR');
          }
        } catch {
          // No rate for the period in the tenant's table: no penalty shown for this invoice.
        }
      }
    }
    return out;
  });

  const mergeTotals: MergeTotal[] = [...totals.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([currency, t]) => ({
      currency,
      overdue: fromMinor(t.overdue, currency),
      open: openByCurrency.get(currency) ?? fromMinor(t.overdue, currency),
      penalties: fromMinor(t.penalties, currency),
      indemnities: fromMinor(t.indemnities, currency),
      totalDue: fromMinor(t.overdue + t.penalties + t.indemnities, currency),
    }));

  const contactName = customer.contact_name?.trim() || null;
  return {
    language: lang,
    today,
    company: {
      name: company.name,
      addressLines: company.addressLines,
      siren: company.siren,
      vatNumber: company.vatNumber,
      email: company.email,
      phone: company.phone,
      signature: company.signature,
      paymentDetails: company.paymentDetails,
    },
    customer: {
      name: customer.name,
      externalRef: customer.external_ref,
      addressLines: addressLines(customer, lang),
      siren: customer.siren,
      vatNumber: customer.vat_number,
    },
    contact:
      contactName || customer.contact_email || customer.contact_phone
        ? { name: contactName ?? '', email: customer.contact_email, phone: customer.contact_phone }
        : null,
    collector: customer.collector_name ? { name: customer.collector_name, email: customer.collector_email, phone: null } : null,
    invoices: list,
    totals: mergeTotals,
    penalties: { applicable, rateDescription: applicable ? rateDescription(regime, contractualRate, today, tables, lang) : '' },
    deadline: request.channel === 'formal_notice' ? addDays(today, company.formalNoticeDays) : null,
    step: { ...request.step },
  };
}

const REGION_NAMES = new Map<string, Intl.DisplayNames>();
function regionNames(lang: string): Intl.DisplayNames {
  let dn = REGION_NAMES.get(lang);
  if (!dn) {
    dn = new Intl.DisplayNames([lang], { type: 'region' });
    REGION_NAMES.set(lang, dn);
  }
  return dn;
}
