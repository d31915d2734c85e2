import { describe, expect, it } from '@jest/globals';
import { PDFParse } from 'pdf-parse';
import { defaultTemplate } from '../templates/defaults.js';
import type { MergeContext, MergeInvoice } from '../templates/merge-context.js';
import { renderTemplate } from '../templates/render.js';
import { sampleMergeContext } from '../templates/sample-context.js';
import { cityOf, renderLetterPdf, toWinAnsi } from './pdf.js';

/** The text of each page, spaces normalized (no-break spaces, tabs, line breaks inside a sentence). */
async function pdfPages(pdf: Buffer): Promise<string[]> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    const result = await parser.getText();
    return result.pages.map((p) => p.text.replace(/[\u00a0\u202f\t]/g, ' ').replace(/[ \n]+/g, ' '));
  } finally {
    await parser.destroy();
  }
}

function formalNotice(ctx: MergeContext) {
  const rendered = renderTemplate(defaultTemplate('formal_notice', ctx.language), ctx);
  return renderLetterPdf({ kind: 'formal_notice', rendered, ctx });
}

describe('renderLetterPdf', () => {
  it('draws a French formal notice that reads back with its heading, invoices, totals, deadline and accents', async () => {
    const base = sampleMergeContext('fr');
    const ctx: MergeContext = { ...base, customer: { ...base.customer, name: 'Façades du Cœur à Lyon SARL' } };
    const pdf = await formalNotice(ctx);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const pages = await pdfPages(pdf);
    const text = pages.join(' ');
    expect(text).toContain('LETTRE RECOMMANDÉE AVEC ACCUSÉ DE RÉCEPTION');
    expect(text).toContain('MISE EN DEMEURE');
    expect(text).toContain('Objet : Mise en demeure de payer – compte client C-004217');
    expect(text).toContain('Paris, le 25 novembre 2026');
    expect(text).toContain('Façades du Cœur à Lyon SARL');
    expect(text).toContain('À l’attention de Claire Moreau');
    expect(text).toContain('F2026-0412 15/09/2026 15/10/2026 12 000,00 € 12 000,00 € 41 163,78 € 40,00 €');
    expect(text).toContain('F2026-0468 30/09/2026 30/10/2026 4 800,00 € 2 400,00 € 26 20,77 € 40,00 €');
    expect(text).toContain('Total échu 18 540,00 €');
    expect(text).toContain('Pénalités de retard 203,84 €');
    expect(text).toContain('Indemnités forfaitaires pour frais de recouvrement 120,00 €');
    expect(text).toContain('Total dû 18 863,84 €');
    expect(text).toContain('indemnité forfaitaire pour frais de recouvrement de 40 € par facture');
    expect(text).toContain('soit au plus tard le 03/12/2026');
    expect(text).toContain('injonction de payer');
    expect(text).toContain('Julien Petit Responsable recouvrement Encours Démo SA');
    for (const ch of ['é', 'è', 'à', 'ç', 'œ', '€', 'É', 'À', '’', '–']) expect(text).toContain(ch);
    expect(text).toContain('SIREN 912 345 675 – TVA intracommunautaire FR65912345675');
    expect(pages[0]).toContain(`Page 1 / ${pages.length}`);
  });

  it('draws an English formal notice', async () => {
    const text = (await pdfPages(await formalNotice(sampleMergeContext('en')))).join(' ');
    expect(text).toContain('REGISTERED LETTER WITH ACKNOWLEDGEMENT OF RECEIPT');
    expect(text).toContain('FORMAL NOTICE');
    expect(text).toContain('Subject: Formal notice to pay – customer account C-004217');
    expect(text).toContain('Paris, 25 November 2026');
    expect(text).toContain('F2026-0412 15 Sep 2026 15 Oct 2026 €12,000.00 €12,000.00 41 €163.78 €40.00');
    expect(text).toContain('Total due €18,863.84');
    expect(text).toContain('by 3 Dec 2026 at the latest');
    expect(text).toContain('Page 1 of');
  });

  it('draws a reminder letter without the formal-notice mentions', async () => {
    const ctx = sampleMergeContext('fr');
    const rendered = renderTemplate(defaultTemplate('reminder_3_letter', 'fr'), ctx);
    const text = (
      await pdfPages(await renderLetterPdf({ kind: 'letter', rendered, ctx, title: 'Relance avant mise en demeure' }))
    ).join(' ');
    expect(text).toContain('Objet : Relance avant mise en demeure');
    expect(text).not.toContain('MISE EN DEMEURE');
    expect(text).not.toContain('RECOMMANDÉE');
    expect(text).toContain('Total dû 18 863,84 €');
  });

  it('spreads 120 invoices over several pages, repeating the table header', async () => {
    const base = sampleMergeContext('fr');
    const invoices: MergeInvoice[] = Array.from({ length: 120 }, (_, i) => ({
      number: `F2026-${String(1000 + i)}`,
      issueDate: '2026-08-01',
      dueDate: '2026-09-01',
      amount: '1000.00',
      openAmount: '1000.00',
      currency: 'EUR',
      daysLate: 85,
      penaltyInterest: '28.29',
      indemnity: '40.00',
    }));
    const ctx: MergeContext = {
      ...base,
      invoices,
      totals: [
        {
          currency: 'EUR',
          overdue: '120000.00',
          open: '120000.00',
          penalties: '3394.80',
          indemnities: '4800.00',
          totalDue: '128194.80',
        },
      ],
    };
    const pages = await pdfPages(await formalNotice(ctx));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const text = pages.join(' ');
    for (const inv of invoices) expect(text).toContain(`${inv.number} 01/08/2026`);
    const withHeader = pages.filter((p) => p.includes('Facture Date Échéance Montant TTC Reste dû'));
    expect(withHeader.length).toBeGreaterThanOrEqual(2);
    expect(text).toContain('Total dû 128 194,80 €');
    pages.forEach((p, i) => expect(p).toContain(`Page ${i + 1} / ${pages.length}`));
    expect(pages[1]).toContain(
      'Encours Démo SA – Mise en demeure de payer – compte client C-004217 – Dupont Industrie SAS (suite)',
    );
  });

  it('gives the same bytes for the same input', async () => {
    const a = await formalNotice(sampleMergeContext('fr'));
    const b = await formalNotice(sampleMergeContext('fr'));
    expect(a.equals(b)).toBe(true);
  });
});

describe('letter helpers', () => {
  it('finds the city in the last lines of an address', () => {
    expect(cityOf(['12 rue de la Paix', '75002 Paris'])).toBe('Paris');
    expect(cityOf(['Tour Part-Dieu', '69003 Lyon Cedex 03', 'France'])).toBe('Lyon');
    expect(cityOf(['L-1470 Luxembourg'])).toBe('Luxembourg');
    expect(cityOf(['Unit 4, Riverside'])).toBeNull();
  });
  it('keeps what the standard fonts can draw', () => {
    expect(toWinAnsi('1\u202f234,56\u00a0€ œ ’ – ç')).toBe('1\u00a0234,56\u00a0€ œ ’ – ç');
    expect(toWinAnsi('→ ő')).toBe('? o');
  });
});
