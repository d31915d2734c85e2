import { formatAmount, formatDate, formatInteger, isZeroAmount, sumAmounts } from './format.js';
import type { MergeContext, MergeInvoice, TemplateLanguage } from './merge-context.js';

/** The invoice table of a statement, formatted once and drawn as HTML, aligned text or in a PDF. */
export type InvoiceColumnKey =
  'number' | 'issueDate' | 'dueDate' | 'amount' | 'openAmount' | 'daysLate' | 'penaltyInterest' | 'indemnity';

export interface InvoiceColumn {
  key: InvoiceColumnKey;
  label: string;
  align: 'left' | 'right';
}

export interface InvoiceTotalLine {
  label: string;
  value: string;
  currency: string;
  /** The amount claimed (drawn in bold). */
  strong: boolean;
}

export interface InvoiceTable {
  columns: InvoiceColumn[];
  /** One row per invoice; cells in the order of `columns`. */
  rows: string[][];
  totals: InvoiceTotalLine[];
}

const LABELS: Record<TemplateLanguage, Record<InvoiceColumnKey, string>> = {
  fr: {
    number: 'Facture',
    issueDate: 'Date',
    dueDate: 'Échéance',
    amount: 'Montant TTC',
    openAmount: 'Reste dû',
    daysLate: 'Jours de retard',
    penaltyInterest: 'Pénalités',
    indemnity: 'Indemnité',
  },
  en: {
    number: 'Invoice',
    issueDate: 'Issue date',
    dueDate: 'Due date',
    amount: 'Amount',
    openAmount: 'Open amount',
    daysLate: 'Days late',
    penaltyInterest: 'Late interest',
    indemnity: 'Recovery fee',
  },
};

const TOTAL_LABELS = {
  fr: {
    overdue: 'Total échu',
    notDue: 'Total à échoir',
    penalties: 'Pénalités de retard',
    indemnities: 'Indemnités forfaitaires pour frais de recouvrement',
    due: 'Total dû',
  },
  en: {
    overdue: 'Total overdue',
    notDue: 'Total coming due',
    penalties: 'Late-payment interest',
    indemnities: 'Fixed compensation for recovery costs',
    due: 'Total due',
  },
};

/** Currencies in the order of the totals, then any other currency of the invoices. */
export function currenciesOf(ctx: MergeContext): string[] {
  const list = ctx.totals.map((t) => t.currency);
  for (const inv of ctx.invoices) if (!list.includes(inv.currency)) list.push(inv.currency);
  return list;
}

/**
 * Builds the table. `detailed` (letters and formal notices) adds the per-invoice penalty and
 * indemnity columns and the penalty, indemnity and total-due lines when penalties are claimed.
 * The days-late column is left out when no invoice is late (preventive reminder).
 */
export function buildInvoiceTable(ctx: MergeContext, detailed: boolean): InvoiceTable {
  const lang = ctx.language;
  const L = LABELS[lang];
  const T = TOTAL_LABELS[lang];
  const anyLate = ctx.invoices.some((i) => i.daysLate > 0);
  const withPenalties = detailed && ctx.penalties.applicable;
  const keys: InvoiceColumnKey[] = ['number', 'issueDate', 'dueDate', 'amount', 'openAmount'];
  if (anyLate) keys.push('daysLate');
  if (withPenalties && ctx.invoices.some((i) => i.penaltyInterest != null)) keys.push('penaltyInterest');
  if (withPenalties && ctx.invoices.some((i) => i.indemnity != null)) keys.push('indemnity');
  const columns: InvoiceColumn[] = keys.map((key) => ({
    key,
    label: L[key],
    align: key === 'number' || key === 'issueDate' || key === 'dueDate' ? 'left' : 'right',
  }));
  const cell = (inv: MergeInvoice, key: InvoiceColumnKey): string => {
    switch (key) {
      case 'number':
        return inv.number;
      case 'issueDate':
        return formatDate(inv.issueDate, lang);
      case 'dueDate':
        return formatDate(inv.dueDate, lang);
      case 'amount':
        return formatAmount(inv.amount, inv.currency, lang);
      case 'openAmount':
        return formatAmount(inv.openAmount, inv.currency, lang);
      case 'daysLate':
        return inv.daysLate > 0 ? formatInteger(inv.daysLate, lang) : '–';
      case 'penaltyInterest':
        return inv.penaltyInterest != null ? formatAmount(inv.penaltyInterest, inv.currency, lang) : '–';
      case 'indemnity':
        return inv.indemnity != null ? formatAmount(inv.indemnity, inv.currency, lang) : '–';
    }
  };
  const rows = ctx.invoices.map((inv) => keys.map((k) => cell(inv, k)));

  const totals: InvoiceTotalLine[] = [];
  const currencies = currenciesOf(ctx);
  for (const currency of currencies) {
    const open = sumAmounts(
      ctx.invoices.filter((i) => i.currency === currency).map((i) => i.openAmount),
      currency,
    );
    if (ctx.invoices.some((i) => i.currency === currency)) {
      totals.push({
        label: anyLate ? T.overdue : T.notDue,
        value: formatAmount(open, currency, lang),
        currency,
        strong: !withPenalties,
      });
    }
  }
  if (withPenalties) {
    for (const t of ctx.totals) {
      if (!isZeroAmount(t.penalties)) {
        totals.push({
          label: T.penalties,
          value: formatAmount(t.penalties, t.currency, lang),
          currency: t.currency,
          strong: false,
        });
      }
      if (!isZeroAmount(t.indemnities)) {
        totals.push({
          label: T.indemnities,
          value: formatAmount(t.indemnities, t.currency, lang),
          currency: t.currency,
          strong: false,
        });
      }
    }
    for (const t of ctx.totals) {
      totals.push({ label: T.due, value: formatAmount(t.totalDue, t.currency, lang), currency: t.currency, strong: true });
    }
  }
  return { columns, rows, totals };
}

/** The table as aligned plain text (monospaced readers), totals right-aligned below. */
export function invoiceTableText(table: InvoiceTable, language: TemplateLanguage): string {
  const widths = table.columns.map((c, i) => Math.max(c.label.length, ...table.rows.map((r) => r[i].length)));
  const pad = (s: string, w: number, align: 'left' | 'right') => (align === 'right' ? s.padStart(w) : s.padEnd(w));
  const line = (cells: string[]) =>
    cells
      .map((s, i) => pad(s, widths[i], table.columns[i].align))
      .join('  ')
      .trimEnd();
  const header = line(table.columns.map((c) => c.label));
  const width = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  const out = [header, '-'.repeat(width), ...table.rows.map(line)];
  if (table.rows.length === 0) out.push(language === 'fr' ? '(aucune facture)' : '(no invoice)');
  if (table.totals.length) {
    out.push('-'.repeat(width));
    const labelWidth = Math.max(...table.totals.map((t) => t.label.length)) + 2;
    const valueWidth = Math.max(...table.totals.map((t) => t.value.length));
    for (const t of table.totals) {
      const l = `${t.label}${language === 'fr' ? ' :' : ':'}`.padEnd(labelWidth + 1);
      out.push(`${l}${t.value.padStart(valueWidth)}`.padStart(width));
    }
  }
  return out.join('\n');
}
