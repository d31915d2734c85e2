/**
 * The merge fields a dunning template may use, written `{{ name }}`, and the conditions of
 * `{{#if name}} … {{else}} … {{/if}}`. One list, served by the API and offered by the editor.
 */

export interface MergeFieldInfo {
  name: string;
  description: { fr: string; en: string };
  example: { fr: string; en: string };
  /** Renders a block (a table): must stand alone in its paragraph; not in a subject or an SMS. */
  block: boolean;
  /** May render several lines: not in a subject. */
  multiline: boolean;
  /** Worst-case length (GSM septets) assumed when checking an SMS; null when not allowed in an SMS. */
  smsMaxLength: number | null;
}

type FieldSpec = Omit<MergeFieldInfo, 'block' | 'multiline'> & Partial<Pick<MergeFieldInfo, 'block' | 'multiline'>>;

const FIELDS: FieldSpec[] = [
  {
    name: 'customer.name',
    description: { fr: 'Raison sociale du client', en: "Customer's company name" },
    example: { fr: 'Dupont Industrie SAS', en: 'Dupont Industrie SAS' },
    smsMaxLength: 40,
  },
  {
    name: 'customer.ref',
    description: { fr: 'Numéro de compte client (référence ERP)', en: 'Customer account number (ERP reference)' },
    example: { fr: 'C-004217', en: 'C-004217' },
    smsMaxLength: 20,
  },
  {
    name: 'contact.name',
    description: {
      fr: "Nom de l'interlocuteur chez le client ; à défaut « Madame, Monsieur »",
      en: 'Name of the customer\'s contact; "Sir or Madam" when there is none',
    },
    example: { fr: 'Claire Moreau', en: 'Claire Moreau' },
    smsMaxLength: 40,
  },
  {
    name: 'company.name',
    description: { fr: 'Raison sociale de votre société', en: "Your company's name" },
    example: { fr: 'Encours Démo SA', en: 'Encours Démo SA' },
    smsMaxLength: 30,
  },
  {
    name: 'company.signature',
    description: { fr: 'Bloc signature (plusieurs lignes)', en: 'Signature block (several lines)' },
    example: { fr: 'Le service Recouvrement\nEncours Démo SA', en: 'Credit Management Department\nEncours Démo SA' },
    multiline: true,
    smsMaxLength: 60,
  },
  {
    name: 'company.payment_details',
    description: { fr: 'Coordonnées bancaires pour le règlement', en: 'Bank details for payment' },
    example: {
      fr: 'IBAN FR76 3000 4000 0100 0012 3456 789 – BIC BNPAFRPPXXX',
      en: 'IBAN FR76 3000 4000 0100 0012 3456 789 – BIC BNPAFRPPXXX',
    },
    multiline: true,
    smsMaxLength: 80,
  },
  {
    name: 'collector.name',
    description: {
      fr: 'Nom du chargé de recouvrement ; à défaut « Service recouvrement »',
      en: 'Name of the collector in charge; "Credit Management Department" when none is assigned',
    },
    example: { fr: 'Julien Petit', en: 'Julien Petit' },
    smsMaxLength: 40,
  },
  {
    name: 'collector.email',
    description: {
      fr: "E-mail du chargé de recouvrement, sinon celui de l'entreprise",
      en: "The collector's email, or the company's",
    },
    example: { fr: 'recouvrement@encours-demo.fr', en: 'recouvrement@encours-demo.fr' },
    smsMaxLength: 50,
  },
  {
    name: 'collector.phone',
    description: {
      fr: "Téléphone du chargé de recouvrement, sinon celui de l'entreprise",
      en: "The collector's phone number, or the company's",
    },
    example: { fr: '01 84 60 12 34', en: '+33 1 84 60 12 34' },
    smsMaxLength: 20,
  },
  {
    name: 'collector.contact',
    description: {
      fr: 'Nom, téléphone et e-mail du chargé de recouvrement sur une ligne (les éléments manquants sont omis)',
      en: "The collector's name, phone and email on one line (missing parts are left out)",
    },
    example: {
      fr: 'Julien Petit – 01 84 60 12 34 – recouvrement@encours-demo.fr',
      en: 'Julien Petit – +33 1 84 60 12 34 – recouvrement@encours-demo.fr',
    },
    smsMaxLength: 116,
  },
  {
    name: 'today',
    description: { fr: "Date du jour (date d'envoi)", en: 'Date of sending' },
    example: { fr: '25/11/2026', en: '25 Nov 2026' },
    smsMaxLength: 11,
  },
  {
    name: 'deadline',
    description: {
      fr: 'Date limite de paiement demandée (mise en demeure : date du jour + 8 jours)',
      en: 'Pay-by date asked for (formal notice: date of sending + 8 days)',
    },
    example: { fr: '03/12/2026', en: '3 Dec 2026' },
    smsMaxLength: 11,
  },
  {
    name: 'step.name',
    description: { fr: "Nom de l'étape du scénario de relance", en: 'Name of the dunning scenario step' },
    example: { fr: 'Relance 2', en: 'Reminder 2' },
    smsMaxLength: 30,
  },
  {
    name: 'invoices.count',
    description: { fr: 'Nombre de factures concernées', en: 'Number of invoices concerned' },
    example: { fr: '3', en: '3' },
    smsMaxLength: 4,
  },
  {
    name: 'invoices.numbers',
    description: {
      fr: 'Numéros des factures concernées (les 5 premiers, puis « et N autres »)',
      en: 'Numbers of the invoices concerned (the first 5, then "and N more")',
    },
    example: { fr: 'F2026-0412, F2026-0468 et F2026-0513', en: 'F2026-0412, F2026-0468 and F2026-0513' },
    smsMaxLength: 90,
  },
  {
    name: 'invoices.table',
    description: {
      fr: 'Tableau des factures (n°, date, échéance, montant, reste dû, jours de retard) avec totaux ; seul dans son paragraphe',
      en: 'Table of the invoices (number, issue date, due date, amount, open amount, days late) with totals; alone in its paragraph',
    },
    example: {
      fr: 'F2026-0412   15/09/2026   15/10/2026   12 000,00 €   12 000,00 €   41',
      en: 'F2026-0412   15 Sep 2026   15 Oct 2026   €12,000.00   €12,000.00   41',
    },
    block: true,
    smsMaxLength: null,
  },
  {
    name: 'total.overdue',
    description: {
      fr: 'Montant échu restant dû (par devise si plusieurs)',
      en: 'Overdue amount still open (per currency when several)',
    },
    example: { fr: '18 540,00 €', en: '€18,540.00' },
    smsMaxLength: 36,
  },
  {
    name: 'total.open',
    description: {
      fr: 'Encours total du client, échu et non échu (par devise)',
      en: "Customer's total open balance, overdue and not yet due (per currency)",
    },
    example: { fr: '26 100,00 €', en: '€26,100.00' },
    smsMaxLength: 36,
  },
  {
    name: 'total.penalties',
    description: { fr: 'Pénalités de retard à ce jour (par devise)', en: 'Late-payment interest to date (per currency)' },
    example: { fr: '203,84 €', en: '€203.84' },
    smsMaxLength: 36,
  },
  {
    name: 'total.indemnities',
    description: {
      fr: 'Indemnités forfaitaires pour frais de recouvrement (40 € par facture)',
      en: 'Fixed compensation for recovery costs (EUR 40 per invoice)',
    },
    example: { fr: '120,00 €', en: '€120.00' },
    smsMaxLength: 36,
  },
  {
    name: 'total.due',
    description: {
      fr: 'Total réclamé : échu + pénalités + indemnités (par devise)',
      en: 'Total claimed: overdue + interest + compensation (per currency)',
    },
    example: { fr: '18 863,84 €', en: '€18,863.84' },
    smsMaxLength: 36,
  },
  {
    name: 'penalties.rate',
    description: {
      fr: 'Taux des pénalités de retard, tel qu’il se lit après « au » : « des pénalités au {{ penalties.rate }} »',
      en: 'Late-payment interest rate, as read after "at the": "interest at the {{ penalties.rate }}"',
    },
    example: { fr: 'taux BCE + 10 points (12,15 %)', en: 'ECB rate + 10 points (12.15%)' },
    smsMaxLength: 40,
  },
  {
    name: 'oldest.due_date',
    description: { fr: 'Échéance la plus ancienne des factures concernées', en: 'Earliest due date of the invoices concerned' },
    example: { fr: '15/10/2026', en: '15 Oct 2026' },
    smsMaxLength: 11,
  },
  {
    name: 'oldest.days_late',
    description: {
      fr: 'Jours de retard de la facture la plus ancienne',
      en: 'Days late of the oldest invoice',
    },
    example: { fr: '41', en: '41' },
    smsMaxLength: 5,
  },
];

export const MERGE_FIELDS: readonly MergeFieldInfo[] = FIELDS.map((f) => ({ block: false, multiline: false, ...f }));

export type MergeFieldName = (typeof FIELDS)[number]['name'];

export interface MergeConditionInfo {
  name: string;
  description: { fr: string; en: string };
}

/** Conditions of `{{#if name}} … {{else}} … {{/if}}` (no nesting). */
export const MERGE_CONDITIONS: readonly MergeConditionInfo[] = [
  {
    name: 'penalties.applicable',
    description: {
      fr: 'Les pénalités de retard et l’indemnité forfaitaire sont réclamées à ce client',
      en: 'Late-payment interest and the fixed compensation are claimed from this customer',
    },
  },
  {
    name: 'invoices.many',
    description: {
      fr: 'Plusieurs factures sont concernées (accords du pluriel)',
      en: 'Several invoices are concerned (plurals)',
    },
  },
  {
    name: 'contact',
    description: { fr: 'Un interlocuteur est connu chez le client', en: 'A contact is known at the customer' },
  },
  {
    name: 'collector',
    description: { fr: 'Un chargé de recouvrement est affecté au client', en: 'A collector is assigned to the customer' },
  },
  {
    name: 'deadline',
    description: { fr: 'Une date limite de paiement est fixée', en: 'A pay-by date is set' },
  },
  {
    name: 'collector.email',
    description: { fr: 'Une adresse e-mail de contact est connue', en: 'A contact email address is known' },
  },
  {
    name: 'collector.phone',
    description: { fr: 'Un numéro de téléphone de contact est connu', en: 'A contact phone number is known' },
  },
  {
    name: 'penalties.amount',
    description: {
      fr: 'Des pénalités ou indemnités non nulles sont dues',
      en: 'Some late-payment interest or compensation is due',
    },
  },
];

const FIELD_BY_NAME = new Map(MERGE_FIELDS.map((f) => [f.name, f]));
const CONDITION_NAMES = new Set(MERGE_CONDITIONS.map((c) => c.name));

export function mergeField(name: string): MergeFieldInfo | undefined {
  return FIELD_BY_NAME.get(name);
}

export function isMergeCondition(name: string): boolean {
  return CONDITION_NAMES.has(name);
}
