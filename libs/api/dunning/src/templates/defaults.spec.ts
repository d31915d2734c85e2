import { describe, expect, it } from '@jest/globals';
import { DEFAULT_TEMPLATES, defaultTemplate, type DefaultTemplateCode } from './defaults.js';
import type { MergeContext } from './merge-context.js';
import { renderTemplate, validateTemplate } from './render.js';
import { sampleMergeContext } from './sample-context.js';
import { smsSize } from './sms.js';

const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
const CODES: DefaultTemplateCode[] = [
  'preventive_email',
  'reminder_1_email',
  'reminder_2_email',
  'reminder_sms',
  'reminder_3_letter',
  'formal_notice',
  'call_script',
];

/** Variants of the sample: one invoice, no contact, no collector, no penalties, no deadline. */
function variants(language: 'fr' | 'en'): MergeContext[] {
  const base = sampleMergeContext(language);
  return [
    base,
    { ...base, invoices: base.invoices.slice(0, 1), totals: [{ ...base.totals[0], overdue: '12000.00' }] },
    { ...base, contact: null, collector: null, deadline: null },
    { ...base, penalties: { applicable: false, rateDescription: '' } },
  ];
}

describe('default templates', () => {
  it('ships every template in French and English', () => {
    for (const code of CODES) {
      for (const language of ['fr', 'en'] as const) expect(defaultTemplate(code, language).code).toBe(code);
    }
    expect(DEFAULT_TEMPLATES).toHaveLength(CODES.length * 2);
  });

  it.each(DEFAULT_TEMPLATES.map((t) => [`${t.code} (${t.language})`, t] as const))('%s validates and renders', (_, t) => {
    expect(validateTemplate(t)).toEqual([]);
    for (const ctx of variants(t.language)) {
      const r = renderTemplate(t, ctx);
      expect(r.text).not.toMatch(/\{\{|\}\}|\*\*/);
      for (const b of r.paragraphs) {
        if (b.type === 'paragraph') expect(b.runs.map((run) => run.text).join('')).not.toMatch(/ {2}| [,.]/);
      }
      expect(r.text).not.toMatch(/\n{3,}/);
      if (t.channel === 'email') {
        expect(r.subject).toBeTruthy();
        expect(r.html).toContain('</html>');
      } else {
        expect(r.subject).toBeNull();
      }
      if (t.channel === 'sms') expect(smsSize(r.text).segments).toBeLessThanOrEqual(3);
    }
  });

  it('says what a French credit manager has to say', () => {
    const fr = (code: DefaultTemplateCode, ctx = sampleMergeContext('fr')) =>
      plain(renderTemplate(defaultTemplate(code, 'fr'), ctx).text);
    expect(fr('reminder_1_email')).toContain('Sauf erreur ou omission de notre part');
    const r2 = fr('reminder_2_email');
    expect(r2).toContain('article L441-10 du Code de commerce');
    expect(r2).toContain('40 € par facture (article D441-5 du Code de commerce)');
    expect(r2).toContain('au taux BCE + 10 points (12,15 %)');
    const notice = fr('formal_notice');
    expect(notice).toContain('nous vous mettons en demeure de nous régler la somme de 18 863,84 €');
    expect(notice).toContain('– principal : 18 540,00 € ;');
    expect(notice).toContain('indemnité forfaitaire pour frais de recouvrement de 40 € par facture');
    expect(notice).toContain('soit au plus tard le 03/12/2026');
    expect(notice).toContain('injonction de payer');
    expect(notice).toContain('article 1344 du Code civil');
    expect(notice).toContain('Nous vous prions d’agréer, Madame, Monsieur');
    const noPenalties = fr('formal_notice', {
      ...sampleMergeContext('fr'),
      penalties: { applicable: false, rateDescription: '' },
    });
    expect(noPenalties).toContain('la somme de 18 540,00 € en principal');
    expect(noPenalties).not.toContain('L441-10');
    expect(fr('reminder_3_letter')).toContain('mise en demeure');
    const en = plain(renderTemplate(defaultTemplate('formal_notice', 'en'), sampleMergeContext('en')).text);
    expect(en).toContain('We hereby give you formal notice to pay the sum of €18,863.84');
    expect(en).toContain('by 3 Dec 2026 at the latest');
    expect(en).toContain('Yours sincerely,');
  });
});
