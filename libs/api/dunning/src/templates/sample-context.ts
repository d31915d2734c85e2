import type { MergeContext, TemplateLanguage } from './merge-context.js';

/**
 * A realistic statement to preview templates with (editor preview, tests): three overdue
 * invoices on 25 November 2026, penalties at the ECB rate + 10 points (12.15 %) on the open
 * amounts, 40 EUR per invoice. Interest = open amount x 12.15 % x days late / 365:
 * 12,000.00 x 41 d = 163.78; 2,400.00 x 26 d = 20.77; 4,140.00 x 14 d = 19.29.
 */
export function sampleMergeContext(language: TemplateLanguage = 'fr'): MergeContext {
  const fr = language === 'fr';
  return {
    language,
    today: '2026-11-25',
    company: {
      name: 'Encours Démo SA',
      addressLines: ['12 rue de la Paix', '75002 Paris'],
      siren: '912 345 675',
      vatNumber: 'FR65912345675',
      email: 'recouvrement@encours-demo.fr',
      phone: '01 84 60 12 00',
      signature: fr ? 'Julien Petit\nResponsable recouvrement\nEncours Démo SA' : 'Julien Petit\nCredit Manager\nEncours Démo SA',
      paymentDetails: fr
        ? 'IBAN : FR76 3000 4000 0100 0012 3456 789 – BIC : BNPAFRPPXXX\nMerci de rappeler les numéros de facture dans le libellé du virement.'
        : 'IBAN: FR76 3000 4000 0100 0012 3456 789 – BIC: BNPAFRPPXXX\nPlease quote the invoice numbers in the transfer reference.',
    },
    customer: {
      name: 'Dupont Industrie SAS',
      externalRef: 'C-004217',
      addressLines: ['Service comptabilité fournisseurs', '48 avenue Jean Jaurès', '69007 Lyon'],
      siren: '483 921 706',
      vatNumber: 'FR80483921706',
    },
    contact: { name: 'Claire Moreau', email: 'c.moreau@dupont-industrie.fr', phone: '04 72 00 00 00' },
    collector: { name: 'Julien Petit', email: 'julien.petit@encours-demo.fr', phone: '01 84 60 12 34' },
    invoices: [
      {
        number: 'F2026-0412',
        issueDate: '2026-09-15',
        dueDate: '2026-10-15',
        amount: '12000.00',
        openAmount: '12000.00',
        currency: 'EUR',
        daysLate: 41,
        penaltyInterest: '163.78',
        indemnity: '40.00',
      },
      {
        number: 'F2026-0468',
        issueDate: '2026-09-30',
        dueDate: '2026-10-30',
        amount: '4800.00',
        openAmount: '2400.00',
        currency: 'EUR',
        daysLate: 26,
        penaltyInterest: '20.77',
        indemnity: '40.00',
      },
      {
        number: 'F2026-0513',
        issueDate: '2026-10-12',
        dueDate: '2026-11-11',
        amount: '4140.00',
        openAmount: '4140.00',
        currency: 'EUR',
        daysLate: 14,
        penaltyInterest: '19.29',
        indemnity: '40.00',
      },
    ],
    totals: [
      {
        currency: 'EUR',
        overdue: '18540.00',
        open: '26100.00',
        penalties: '203.84',
        indemnities: '120.00',
        totalDue: '18863.84',
      },
    ],
    penalties: {
      applicable: true,
      rateDescription: fr ? 'taux BCE + 10 points (12,15 %)' : 'ECB rate + 10 points (12.15%)',
    },
    deadline: '2026-12-03',
    step: { name: fr ? 'Mise en demeure' : 'Formal notice', position: 5, offsetDays: 45 },
  };
}
