import { addDays, daysBetween, isCalendarDate, type CalendarDate } from '@encours/domain';

/**
 * Turns the IBM accounts-receivable sample (apps/api/data, see SOURCE.md) into an ERP push:
 * customers, invoices and payments with their allocations. Dates are shifted by a whole number
 * of days so that the last invoices are a few days old; invoices settled after `today` in the
 * shifted calendar stay open, which gives a living ledger with current and overdue items.
 */
export interface DemoLedger {
  customers: Record<string, unknown>[];
  invoices: Record<string, unknown>[];
  payments: Record<string, unknown>[];
  shiftDays: number;
}

const COUNTRY: Record<string, { country: string; language: 'fr' | 'en'; segment: string }> = {
  '391': { country: 'FR', language: 'fr', segment: 'Grands comptes' },
  '406': { country: 'FR', language: 'fr', segment: 'PME' },
  '770': { country: 'BE', language: 'fr', segment: 'Export' },
  '818': { country: 'DE', language: 'en', segment: 'Export' },
  '897': { country: 'ES', language: 'en', segment: 'Export' },
};

const STEMS = [
  'Alpes',
  'Armor',
  'Atlantique',
  'Bocage',
  'Brocéliande',
  'Cévennes',
  'Champagne',
  'Comté',
  'Garonne',
  'Loire',
  'Lorraine',
  'Lubéron',
  'Morvan',
  'Provence',
  'Quercy',
  'Rhône',
  'Sologne',
  'Vercors',
  'Vosges',
  'Ventoux',
];
const TRADES = ['Industrie', 'Distribution', 'Logistique', 'Matériaux', 'Emballages'];
const FORMS = ['SAS', 'SA', 'SARL'];

/** M/D/YYYY → YYYY-MM-DD */
function usDate(s: string): CalendarDate {
  const [m, d, y] = s.split('/').map(Number);
  const iso = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  if (!isCalendarDate(iso)) throw new Error(`Bad date in the demo data: ${s}`);
  return iso;
}

/**
 * @param options.withholdLatePaymentsDays late payments received in the last N days are not
 *   imported: those invoices stay open and overdue, which gives dunning a realistic backlog.
 */
export function buildDemoLedger(
  csv: string,
  today: CalendarDate,
  options: { withholdLatePaymentsDays?: number } = {},
): DemoLedger {
  const [header, ...lines] = csv.trim().split(/\r?\n/);
  const cols = header.split(',');
  const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
  const lastIssue = rows
    .map((r) => usDate(r.InvoiceDate))
    .sort()
    .at(-1)!;
  const shiftDays = daysBetween(lastIssue, today) - 3;
  const shift = (d: string) => addDays(usDate(d), shiftDays);

  const customerIds = [...new Set(rows.map((r) => r.customerID))].sort();
  const customers = customerIds.map((id, i) => {
    const first = rows.find((r) => r.customerID === id)!;
    const c = COUNTRY[first.countryCode] ?? COUNTRY['391'];
    return {
      externalRef: id,
      name: `${TRADES[i % TRADES.length]} ${STEMS[Math.floor(i / TRADES.length) % STEMS.length]} ${FORMS[i % FORMS.length]}`,
      country: c.country,
      language: c.language,
      segment: c.segment,
      currency: 'EUR',
      paymentTermsDays: 30,
      tags: first.PaperlessBill === 'Electronic' ? ['facture-electronique'] : ['facture-papier'],
    };
  });

  const invoices = rows.map((r) => ({
    externalRef: r.invoiceNumber,
    number: `FA-${r.invoiceNumber.replace(/^0+/, '')}`,
    customerRef: r.customerID,
    issueDate: shift(r.InvoiceDate),
    dueDate: shift(r.DueDate),
    currency: 'EUR',
    amount: Number(r.InvoiceAmount).toFixed(2),
    disputed: r.Disputed === 'Yes' && shift(r.SettledDate) > today,
  }));

  const withheldFrom = options.withholdLatePaymentsDays ? addDays(today, -options.withholdLatePaymentsDays) : null;
  const withheld = (r: Record<string, string>) =>
    withheldFrom !== null && Number(r.DaysLate) > 0 && shift(r.SettledDate) > withheldFrom && r.Disputed !== 'Yes';
  const payments = rows
    .filter((r) => shift(r.SettledDate) <= today && !withheld(r))
    .map((r) => ({
      externalRef: `VIR-${r.invoiceNumber.replace(/^0+/, '')}`,
      customerRef: r.customerID,
      date: shift(r.SettledDate),
      amount: Number(r.InvoiceAmount).toFixed(2),
      currency: 'EUR',
      method: r.PaperlessBill === 'Electronic' ? 'transfer' : 'check',
      allocations: [{ invoiceRef: r.invoiceNumber, amount: Number(r.InvoiceAmount).toFixed(2) }],
    }));

  return { customers, invoices, payments, shiftDays };
}
