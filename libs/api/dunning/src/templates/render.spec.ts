import { describe, expect, it } from '@jest/globals';
import type { MergeContext } from './merge-context.js';
import {
  MERGE_CONDITIONS,
  MERGE_FIELDS,
  renderTemplate,
  TemplateRenderError,
  validateTemplate,
  type Template,
} from './render.js';
import { sampleMergeContext } from './sample-context.js';
import { smsSize } from './sms.js';

const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
const ctxWith = (language: 'fr' | 'en', patch: Partial<MergeContext> = {}): MergeContext => ({
  ...sampleMergeContext(language),
  ...patch,
});
const email = (body: string, subject = 'Relance {{ customer.ref }}', language: 'fr' | 'en' = 'fr'): Template => ({
  channel: 'email',
  language,
  subject,
  body,
});
const codes = (t: Template) => validateTemplate(t).map((p) => p.code);

/** Every opened tag is closed in order (void elements aside): a cheap well-formedness check. */
function tagsBalanced(html: string): boolean {
  const voids = new Set(['meta', 'br', 'img', 'hr', 'link', 'input']);
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?>/g)) {
    const [, closing, name] = m;
    const tag = name.toLowerCase();
    if (voids.has(tag)) continue;
    if (!closing) stack.push(tag);
    else if (stack.pop() !== tag) return false;
  }
  return stack.length === 0;
}

const REMINDER_FR = email(
  `Bonjour {{ contact.name }},

Sauf erreur de notre part, {{#if invoices.many}}les factures suivantes restent impayées{{else}}la facture suivante reste impayée{{/if}} :

{{ invoices.table }}

Montant échu : **{{ total.overdue }}**, échéance la plus ancienne le {{ oldest.due_date }} ({{ oldest.days_late }} jours).

{{ company.signature }}`,
  'Relance – {{ customer.name }} ({{ customer.ref }})',
);

describe('renderTemplate', () => {
  it('renders a French email: subject, text, HTML and blocks', () => {
    const r = renderTemplate(REMINDER_FR, sampleMergeContext('fr'));
    expect(r.subject).toBe('Relance – Dupont Industrie SAS (C-004217)');
    const text = plain(r.text);
    expect(text).toContain('Bonjour Claire Moreau,');
    expect(text).toContain('les factures suivantes restent impayées :');
    expect(text).toContain('F2026-0412  15/09/2026  15/10/2026  12 000,00 €  12 000,00 €');
    expect(text).toContain('Montant échu : 18 540,00 €, échéance la plus ancienne le 15/10/2026 (41 jours).');
    expect(text).toMatch(/Total échu : 18 540,00 €$/m);
    expect(text).not.toContain('**');
    expect(r.paragraphs.map((b) => b.type)).toEqual(['paragraph', 'paragraph', 'invoices', 'paragraph', 'paragraph']);
    const amounts = r.paragraphs[3];
    expect(amounts.type === 'paragraph' && amounts.runs.find((run) => run.bold)?.text).toBe('18\u00a0540,00\u00a0€');
    expect(r.html).toMatch(/^<!DOCTYPE html>\n<html lang="fr">/);
    expect(r.html).toContain('<strong>18&nbsp;540,00&nbsp;€</strong>'.replace(/&nbsp;/g, '\u00a0'));
    expect(r.html).toContain('Julien Petit<br>\nResponsable recouvrement<br>\nEncours Démo SA');
    expect(r.html).toMatch(/<td style="[^"]*text-align:right;white-space:nowrap;[^"]*">12\u00a0000,00\u00a0€<\/td>/);
    expect(tagsBalanced(r.html ?? '')).toBe(true);
  });

  it('renders English formats', () => {
    const t = {
      ...REMINDER_FR,
      language: 'en' as const,
      body: 'Dear {{ contact.name }},\n\n{{ invoices.table }}\n\nTotal: {{ total.due }}, by {{ deadline }}.',
    };
    const r = renderTemplate(t, sampleMergeContext('en'));
    const text = plain(r.text);
    expect(text).toContain('Dear Claire Moreau,');
    expect(text).toContain('F2026-0412  15 Sep 2026  15 Oct 2026  €12,000.00   €12,000.00');
    expect(text).toContain('Total: €18,863.84, by 3 Dec 2026.');
    expect(r.html).toContain('<html lang="en">');
  });

  it('greets politely when no contact is known, and drops lines whose fields are empty', () => {
    const ctx = ctxWith('fr', {
      contact: null,
      collector: null,
      company: { ...sampleMergeContext('fr').company, email: null, phone: null },
    });
    const t = email('Bonjour {{ contact.name }},\n\nTexte.\n{{ collector.email }}\n{{ collector.phone }}\n\nCordialement');
    const r = renderTemplate(t, ctx);
    expect(r.text).toBe('Bonjour Madame, Monsieur,\n\nTexte.\n\nCordialement');
    const en = renderTemplate({ ...t, language: 'en', body: 'Dear {{ contact.name }},' }, { ...ctx, language: 'en' });
    expect(en.text).toBe('Dear Sir or Madam,');
  });

  it('falls back to the company contact details when no collector is assigned', () => {
    const r = renderTemplate(email('{{ collector.name }} / {{ collector.contact }}'), ctxWith('fr', { collector: null }));
    expect(r.text).toBe('Service recouvrement / 01 84 60 12 00 – recouvrement@encours-demo.fr');
  });

  it('resolves conditions, with singular and plural', () => {
    const one = ctxWith('fr', { invoices: sampleMergeContext('fr').invoices.slice(0, 1) });
    expect(renderTemplate(REMINDER_FR, one).text).toContain('la facture suivante reste impayée\u00a0:');
    const noPenalties = ctxWith('fr', { penalties: { applicable: false, rateDescription: '' } });
    const t = email(
      'A{{#if penalties.applicable}} avec pénalités{{else}} sans pénalités{{/if}}.\n\n{{#if penalties.applicable}}L441-10{{/if}}\n\nFin',
    );
    expect(renderTemplate(t, noPenalties).text).toBe('A sans pénalités.\n\nFin');
    expect(renderTemplate(t, sampleMergeContext('fr')).text).toBe('A avec pénalités.\n\nL441-10\n\nFin');
  });

  it('escapes every value in the HTML', () => {
    const ctx = ctxWith('fr', { customer: { ...sampleMergeContext('fr').customer, name: '<script>alert("x")</script> & Cie' } });
    const r = renderTemplate(email('Client : {{ customer.name }}\n\n<b>texte</b>', 'Relance {{ customer.name }}'), ctx);
    expect(r.html).not.toContain('<script>');
    expect(r.html).not.toContain('<b>');
    expect(r.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Cie');
    expect(r.html).toContain('&lt;b&gt;texte&lt;/b&gt;');
    expect(r.subject).toBe('Relance <script>alert("x")</script> & Cie');
    expect(r.html).toContain('<title>Relance &lt;script&gt;');
    expect(tagsBalanced(r.html ?? '')).toBe(true);
  });

  it('does not let a value switch bold on', () => {
    const ctx = ctxWith('fr', { customer: { ...sampleMergeContext('fr').customer, name: '**Gras**' } });
    const r = renderTemplate(email('**Client** {{ customer.name }}'), ctx);
    expect(r.paragraphs[0]).toEqual({
      type: 'paragraph',
      runs: [
        { text: 'Client', bold: true },
        { text: ' **Gras**', bold: false },
      ],
    });
  });

  it('joins multi-currency totals per currency and totals the table per currency', () => {
    const base = sampleMergeContext('fr');
    const usd = { ...base.invoices[0], number: 'F2026-US01', amount: '1250.00', openAmount: '1250.00', currency: 'USD' };
    const ctx: MergeContext = {
      ...base,
      invoices: [...base.invoices, usd],
      totals: [
        ...base.totals,
        { currency: 'USD', overdue: '1250.00', open: '1250.00', penalties: '17.06', indemnities: '40.00', totalDue: '1307.06' },
      ],
    };
    const r = renderTemplate(email('{{ total.overdue }} | {{ total.due }}\n\n{{ invoices.table }}'), ctx);
    expect(plain(r.text)).toContain('18 540,00 € et 1 250,00 $US | 18 863,84 € et 1 307,06 $US');
    const table = r.paragraphs[1];
    expect(table.type).toBe('invoices');
    if (table.type === 'invoices') {
      expect(table.table.totals.map((t) => [t.currency, plain(t.value)])).toEqual([
        ['EUR', '18 540,00 €'],
        ['USD', '1 250,00 $US'],
      ]);
    }
    const en = renderTemplate(email('{{ total.overdue }}', 'x', 'en'), { ...ctx, language: 'en' });
    expect(en.text).toBe('€18,540.00 and US$1,250.00');
  });

  it('adds penalty columns and the total due to the table of a letter only', () => {
    const letter: Template = { channel: 'letter', language: 'fr', subject: null, body: '{{ invoices.table }}' };
    const r = renderTemplate(letter, sampleMergeContext('fr'));
    const block = r.paragraphs[0];
    if (block.type !== 'invoices') throw new Error('table expected');
    expect(block.table.columns.map((c) => c.key)).toEqual([
      'number',
      'issueDate',
      'dueDate',
      'amount',
      'openAmount',
      'daysLate',
      'penaltyInterest',
      'indemnity',
    ]);
    expect(block.table.totals.map((t) => `${t.label}: ${plain(t.value)}`)).toEqual([
      'Total échu: 18 540,00 €',
      'Pénalités de retard: 203,84 €',
      'Indemnités forfaitaires pour frais de recouvrement: 120,00 €',
      'Total dû: 18 863,84 €',
    ]);
    expect(r.html).toBeNull();
    const mail = renderTemplate(email('{{ invoices.table }}'), sampleMergeContext('fr')).paragraphs[0];
    expect(mail.type === 'invoices' && mail.table.columns.length).toBe(6);
  });

  it('leaves out the days-late column before the due date', () => {
    const base = sampleMergeContext('fr');
    const ctx: MergeContext = {
      ...base,
      today: '2026-10-10',
      invoices: base.invoices.map((i) => ({ ...i, daysLate: -5, penaltyInterest: undefined, indemnity: undefined })),
    };
    const r = renderTemplate(email('{{ invoices.table }}'), ctx);
    expect(r.text).not.toContain('Jours de retard');
    expect(plain(r.text)).toMatch(/Total à échoir : 18 540,00 €$/m);
  });

  it('renders an SMS in the GSM alphabet', () => {
    const ctx = ctxWith('fr', { customer: { ...sampleMergeContext('fr').customer, name: 'Côte & Forêt' } });
    const sms: Template = {
      channel: 'sms',
      language: 'fr',
      subject: null,
      body: '{{ customer.name }} : {{ total.overdue }} échus.',
    };
    const r = renderTemplate(sms, ctx);
    expect(r.text).toBe('Cote & Foret : 18 540,00 € échus.');
    expect(smsSize(r.text)).toEqual({ encoding: 'gsm7', units: 34, segments: 1 });
    expect(r.html).toBeNull();
    expect(r.subject).toBeNull();
  });

  it('reads Windows line endings', () => {
    const t = email('Bonjour,\r\n\r\n**Total** : {{ total.overdue }}\r\nMerci');
    expect(validateTemplate(t)).toEqual([]);
    expect(plain(renderTemplate(t, sampleMergeContext('fr')).text)).toBe('Bonjour,\n\nTotal : 18 540,00 €\nMerci');
  });

  it('refuses to render a template with errors', () => {
    expect(() => renderTemplate(email('Bonjour {{ custmer.name }}'), sampleMergeContext('fr'))).toThrow(TemplateRenderError);
    try {
      renderTemplate(email('Bonjour {{ custmer.name }}'), sampleMergeContext('fr'));
    } catch (e) {
      expect((e as TemplateRenderError).problems[0].code).toBe('unknown_field');
    }
  });
});

describe('validateTemplate', () => {
  it('names an unknown field and suggests the closest one', () => {
    const problems = validateTemplate(email('Bonjour {{ custmer.name }},\n\nTotal : {{ total_due }}'));
    expect(problems).toEqual([
      {
        field: 'body',
        code: 'unknown_field',
        message: 'Unknown merge field "{{ custmer.name }}" at line 1; did you mean "{{ customer.name }}"?',
      },
      {
        field: 'body',
        code: 'unknown_field',
        message: 'Unknown merge field "{{ total_due }}" at line 3; did you mean "{{ total.due }}"?',
      },
    ]);
    expect(validateTemplate(email('x', 'Relance {{ cutomer.ref }}'))[0]).toMatchObject({
      field: 'subject',
      code: 'unknown_field',
      message: expect.stringContaining('"{{ customer.ref }}"'),
    });
  });

  it('reports unbalanced braces', () => {
    expect(codes(email('Bonjour {{ contact.name,\n\nfin'))).toContain('unbalanced_braces');
    expect(codes(email('Bonjour contact.name }}'))).toContain('unbalanced_braces');
    expect(codes(email('Bonjour { contact.name }'))).toContain('unbalanced_braces');
    expect(codes(email('Bonjour {{{ contact.name }}}'))).toContain('unbalanced_braces');
    expect(codes(email('Bonjour {{ }}'))).toContain('empty_field');
  });

  it('reports conditions that do not pair up or are unknown', () => {
    expect(codes(email('{{#if deadline}}avant le {{ deadline }}'))).toContain('unbalanced_condition');
    expect(codes(email('texte{{/if}}'))).toContain('unbalanced_condition');
    expect(codes(email('{{#if deadline}}{{#if contact}}x{{/if}}{{/if}}'))).toContain('unbalanced_condition');
    expect(validateTemplate(email('{{#if penalties}}x{{/if}}'))[0].message).toContain('"penalties.applicable"');
  });

  it('checks what each channel allows', () => {
    expect(codes(email('Bonjour', ''))).toEqual(['missing_subject']);
    expect(codes({ channel: 'letter', language: 'fr', subject: 'Objet', body: 'x' })).toEqual(['unexpected_subject']);
    expect(codes(email('x', 'Relance {{ invoices.table }}'))).toContain('field_not_allowed');
    expect(codes(email('x', 'Relance {{ company.signature }}'))).toContain('field_not_allowed');
    expect(codes(email('Voici : {{ invoices.table }}'))).toEqual(['table_not_alone']);
    expect(codes(email('Voici :\n{{ invoices.table }}'))).toEqual(['table_not_alone']);
    expect(codes(email('Voici :\n\n{{ invoices.table }}\n\nFin'))).toEqual([]);
    expect(codes({ channel: 'formal_notice', language: 'fr', subject: null, body: 'Madame, Monsieur,' })).toEqual([
      'missing_table',
    ]);
    expect(codes(email('Un **gras non fermé.\n\nSuite'))).toEqual(['unbalanced_bold']);
    expect(codes(email(''))).toEqual(['empty_body']);
  });

  it('checks an SMS against its worst case', () => {
    const sms = (body: string): Template => ({ channel: 'sms', language: 'fr', subject: null, body });
    expect(codes(sms('{{ invoices.table }}'))).toEqual(['field_not_allowed']);
    expect(codes(sms('**Urgent** {{ customer.name }}'))).toEqual(['bold_not_allowed']);
    // 400 characters of text are fine alone, not with a 40-character customer name and a 36-character total.
    expect(codes(sms('a'.repeat(400)))).toEqual([]);
    const long = validateTemplate(sms(`${'a'.repeat(400)} {{ customer.name }} {{ total.overdue }}`));
    expect(long.map((p) => p.code)).toEqual(['sms_too_long']);
    expect(long[0].message).toContain('478 characters');
    // The longer branch of a condition counts.
    expect(codes(sms(`{{#if contact}}court{{else}}${'b'.repeat(460)}{{/if}}`))).toEqual(['sms_too_long']);
  });

  it('documents every merge field and condition in French and English', () => {
    const names = MERGE_FIELDS.map((f) => f.name);
    for (const required of [
      'customer.name',
      'customer.ref',
      'contact.name',
      'company.name',
      'company.signature',
      'company.payment_details',
      'collector.name',
      'collector.email',
      'collector.phone',
      'today',
      'deadline',
      'step.name',
      'invoices.count',
      'invoices.table',
      'total.overdue',
      'total.open',
      'total.penalties',
      'total.indemnities',
      'total.due',
      'penalties.rate',
      'oldest.due_date',
      'oldest.days_late',
    ]) {
      expect(names).toContain(required);
    }
    expect(new Set(names).size).toBe(names.length);
    for (const f of [...MERGE_FIELDS, ...MERGE_CONDITIONS]) {
      expect(f.description.fr).toBeTruthy();
      expect(f.description.en).toBeTruthy();
    }
    for (const f of MERGE_FIELDS) {
      expect(f.example.fr).toBeTruthy();
      expect(f.example.en).toBeTruthy();
      // Every field renders with the sample context.
      expect(() => renderTemplate(email(`{{ ${f.name} }}`), sampleMergeContext('fr'))).not.toThrow();
    }
  });
});
