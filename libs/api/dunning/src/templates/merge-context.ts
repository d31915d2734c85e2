/**
 * The data a dunning template is rendered with. Built by the dunning run (one statement per
 * customer and step); amounts are decimal strings in the currency's minor units ("1234.56"),
 * dates are calendar dates ('YYYY-MM-DD').
 */
export type TemplateChannel = 'email' | 'sms' | 'letter' | 'formal_notice';
export type TemplateLanguage = 'fr' | 'en';

export interface MergeInvoice {
  number: string;
  issueDate: string;
  dueDate: string;
  amount: string;
  openAmount: string;
  currency: string;
  daysLate: number;
  penaltyInterest?: string;
  indemnity?: string;
}

export interface MergeTotal {
  currency: string;
  overdue: string;
  open: string;
  penalties: string;
  indemnities: string;
  totalDue: string;
}

export interface MergeContext {
  language: TemplateLanguage;
  today: string; // CalendarDate
  company: {
    name: string;
    addressLines: string[];
    siren?: string | null;
    vatNumber?: string | null;
    email?: string | null;
    phone?: string | null;
    signature: string;
    paymentDetails: string;
  };
  customer: { name: string; externalRef: string; addressLines: string[]; siren?: string | null; vatNumber?: string | null };
  contact: { name: string; email?: string | null; phone?: string | null } | null;
  collector: { name: string; email?: string | null; phone?: string | null } | null;
  invoices: MergeInvoice[]; // the overdue (or, for a preventive step, soon due) invoices of the statement
  totals: MergeTotal[]; // one per currency
  penalties: { applicable: boolean; rateDescription: string }; // e.g. "taux BCE + 10 points (12,15 %)"
  deadline: string | null; // CalendarDate: pay-by date (formal notice: today + 8 days)
  step: { name: string; position: number; offsetDays: number };
}
