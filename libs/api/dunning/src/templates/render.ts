import { formatAmount, formatDate, formatInteger, isZeroAmount, joinList } from './format.js';
import { emailHtml } from './html.js';
import { buildInvoiceTable, invoiceTableText, type InvoiceTable } from './invoice-table.js';
import type { MergeContext, TemplateChannel, TemplateLanguage } from './merge-context.js';
import { parsePart, type TemplateProblem, type Token } from './parse.js';
import { toGsm7 } from './sms.js';
import { validateTemplate } from './validate.js';

export { MERGE_CONDITIONS, MERGE_FIELDS } from './merge-fields.js';
export type { MergeConditionInfo, MergeFieldInfo } from './merge-fields.js';
export type { TemplateProblem, TemplateProblemCode } from './parse.js';
export type { InvoiceColumn, InvoiceTable, InvoiceTotalLine } from './invoice-table.js';
export { validateTemplate };

/**
 * The channels a template can be written for: the four sending channels, plus 'call' for the
 * notes of a phone-call task (rendered as plain text, never sent).
 */
export type AnyTemplateChannel = TemplateChannel | 'call';

export interface Template {
  channel: AnyTemplateChannel;
  language: TemplateLanguage;
  /** Email only; null for the other channels. */
  subject: string | null;
  body: string;
}

export interface TextRun {
  text: string;
  bold: boolean;
}

/** What the PDF renderer draws: a paragraph (runs, '\n' = line break) or the invoice table. */
export type RenderedBlock = { type: 'paragraph'; runs: TextRun[] } | { type: 'invoices'; table: InvoiceTable };

export interface RenderedTemplate {
  subject: string | null;
  /** Plain text: the text part of an email, the SMS itself (GSM alphabet), or a letter's text. */
  text: string;
  /** Email only: a complete HTML document with inline styles. */
  html: string | null;
  paragraphs: RenderedBlock[];
}

/** Thrown when a template cannot be rendered (syntax errors, unknown fields): never send half-merged text. */
export class TemplateRenderError extends Error {
  constructor(readonly problems: TemplateProblem[]) {
    super(`Template cannot be rendered: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    this.name = 'TemplateRenderError';
  }
}

const FALLBACK = {
  fr: {
    salutation: 'Madame, Monsieur',
    collector: 'Service recouvrement',
    others: (n: number) => `${n} autre${n > 1 ? 's' : ''}`,
  },
  en: { salutation: 'Sir or Madam', collector: 'Credit Management Department', others: (n: number) => `${n} more` },
};

const nonEmpty = (s: string | null | undefined): s is string => typeof s === 'string' && s.trim() !== '';

/** The value of every inline merge field for a context (invoices.table is a block, built apart). */
export function mergeValues(ctx: MergeContext): Record<string, string> {
  const lang = ctx.language;
  const fb = FALLBACK[lang];
  const perCurrency = (pick: (t: MergeContext['totals'][number]) => string) =>
    joinList(
      ctx.totals.map((t) => formatAmount(pick(t), t.currency, lang)),
      lang,
    );
  const collectorEmail = nonEmpty(ctx.collector?.email)
    ? ctx.collector.email
    : nonEmpty(ctx.company.email)
      ? ctx.company.email
      : '';
  const collectorPhone = nonEmpty(ctx.collector?.phone)
    ? ctx.collector.phone
    : nonEmpty(ctx.company.phone)
      ? ctx.company.phone
      : '';
  const collectorName = nonEmpty(ctx.collector?.name) ? ctx.collector.name : fb.collector;
  const numbers = ctx.invoices.map((i) => i.number);
  const shownNumbers = numbers.length > 5 ? [...numbers.slice(0, 5), fb.others(numbers.length - 5)] : numbers;
  let oldestDue: string | null = null;
  let maxLate = 0;
  for (const inv of ctx.invoices) {
    if (oldestDue === null || inv.dueDate < oldestDue) oldestDue = inv.dueDate;
    if (inv.daysLate > maxLate) maxLate = inv.daysLate;
  }
  return {
    'customer.name': ctx.customer.name,
    'customer.ref': ctx.customer.externalRef,
    'contact.name': nonEmpty(ctx.contact?.name) ? ctx.contact.name.trim() : fb.salutation,
    'company.name': ctx.company.name,
    'company.signature': ctx.company.signature.trim(),
    'company.payment_details': ctx.company.paymentDetails.trim(),
    'collector.name': collectorName,
    'collector.email': collectorEmail,
    'collector.phone': collectorPhone,
    'collector.contact': [nonEmpty(ctx.collector?.name) ? ctx.collector.name : '', collectorPhone, collectorEmail]
      .filter(nonEmpty)
      .join(' – '),
    today: formatDate(ctx.today, lang),
    deadline: ctx.deadline ? formatDate(ctx.deadline, lang) : '',
    'step.name': ctx.step.name,
    'invoices.count': formatInteger(ctx.invoices.length, lang),
    'invoices.numbers': joinList(shownNumbers, lang),
    'total.overdue': perCurrency((t) => t.overdue),
    'total.open': perCurrency((t) => t.open),
    'total.penalties': perCurrency((t) => t.penalties),
    'total.indemnities': perCurrency((t) => t.indemnities),
    'total.due': perCurrency((t) => t.totalDue),
    'penalties.rate': ctx.penalties.rateDescription,
    'oldest.due_date': oldestDue ? formatDate(oldestDue, lang) : '',
    'oldest.days_late': formatInteger(maxLate, lang),
  };
}

export function mergeConditions(ctx: MergeContext, values = mergeValues(ctx)): Record<string, boolean> {
  return {
    'penalties.applicable': ctx.penalties.applicable,
    'invoices.many': ctx.invoices.length > 1,
    contact: nonEmpty(ctx.contact?.name),
    collector: nonEmpty(ctx.collector?.name),
    deadline: ctx.deadline != null,
    'collector.email': values['collector.email'] !== '',
    'collector.phone': values['collector.phone'] !== '',
    'penalties.amount':
      ctx.penalties.applicable && ctx.totals.some((t) => !isZeroAmount(t.penalties) || !isZeroAmount(t.indemnities)),
  };
}

/**
 * French typography in the template's own text: a no-break space before : ; ! ? », after «,
 * and between a number and € or %, so that a line never starts with a colon or a currency sign.
 */
export function frenchSpacing(text: string): string {
  return text
    .replace(/[ \u202f]([:;!?»])/g, '\u00a0$1')
    .replace(/« /g, '«\u00a0')
    .replace(/(\d) (€|%)/g, '$1\u00a0$2');
}

type Piece =
  { kind: 'text'; value: string } | { kind: 'field'; name: string; value: string } | { kind: 'bold' } | { kind: 'mark' };

/** Resolves the conditions and the field values: what is left is text, values, bold marks. */
function evaluate(
  tokens: Token[],
  values: Record<string, string>,
  conditions: Record<string, boolean>,
  language: TemplateLanguage,
): Piece[] {
  const out: Piece[] = [];
  let branch: 'none' | 'then' | 'else' = 'none';
  let holds = true;
  for (const t of tokens) {
    if (t.kind === 'if') {
      branch = 'then';
      holds = conditions[t.condition] ?? false;
      out.push({ kind: 'mark' });
      continue;
    }
    if (t.kind === 'else') {
      branch = 'else';
      out.push({ kind: 'mark' });
      continue;
    }
    if (t.kind === 'endif') {
      branch = 'none';
      out.push({ kind: 'mark' });
      continue;
    }
    const active = branch === 'none' || (branch === 'then' ? holds : !holds);
    if (!active) continue;
    if (t.kind === 'text') out.push({ kind: 'text', value: language === 'fr' ? frenchSpacing(t.value) : t.value });
    else if (t.kind === 'field') out.push({ kind: 'field', name: t.name, value: values[t.name] ?? '' });
    else out.push({ kind: 'bold' });
  }
  return out;
}

interface Line {
  pieces: Piece[];
  /** Holds a field or a condition: dropped, not a paragraph break, when it renders blank. */
  dynamic: boolean;
}

function toLines(pieces: Piece[]): Line[] {
  const lines: Line[] = [{ pieces: [], dynamic: false }];
  for (const p of pieces) {
    if (p.kind === 'text') {
      const parts = p.value.replace(/\r\n?/g, '\n').split('\n');
      parts.forEach((part, i) => {
        if (i > 0) lines.push({ pieces: [], dynamic: false });
        if (part) lines[lines.length - 1].pieces.push({ kind: 'text', value: part });
      });
    } else {
      const line = lines[lines.length - 1];
      line.pieces.push(p);
      if (p.kind === 'field' || p.kind === 'mark') line.dynamic = true;
    }
  }
  return lines;
}

const lineContent = (l: Line) => l.pieces.map((p) => (p.kind === 'text' || p.kind === 'field' ? p.value : '')).join('');

/** Groups lines into paragraphs (blank source lines) and the invoice table into its own block. */
function toBlocks(lines: Line[], table: () => InvoiceTable): RenderedBlock[] {
  const blocks: RenderedBlock[] = [];
  let current: Piece[][] = [];
  const endParagraph = () => {
    const runs = paragraphRuns(current);
    if (runs.length) blocks.push({ type: 'paragraph', runs });
    current = [];
  };
  for (const line of lines) {
    const tableAt = line.pieces.findIndex((p) => p.kind === 'field' && p.name === 'invoices.table');
    if (tableAt >= 0) {
      const before = line.pieces.slice(0, tableAt);
      const after = line.pieces.slice(tableAt + 1);
      if (before.some((p) => p.kind !== 'text' || p.value.trim())) current.push(before);
      endParagraph();
      blocks.push({ type: 'invoices', table: table() });
      if (after.some((p) => p.kind !== 'text' || p.value.trim())) current.push(after);
      continue;
    }
    const blank = lineContent(line).trim() === '';
    if (blank && line.dynamic) continue;
    if (blank) {
      endParagraph();
      continue;
    }
    current.push(line.pieces);
  }
  endParagraph();
  return blocks;
}

function paragraphRuns(lines: Piece[][]): TextRun[] {
  const runs: TextRun[] = [];
  let bold = false;
  const push = (text: string) => {
    if (!text) return;
    const last = runs[runs.length - 1];
    if (last && last.bold === bold) last.text += text;
    else runs.push({ text, bold });
  };
  lines.forEach((pieces, i) => {
    if (i > 0) push('\n');
    for (const p of pieces) {
      if (p.kind === 'bold') bold = !bold;
      else if (p.kind === 'text' || p.kind === 'field') push(p.value);
    }
  });
  for (const r of runs) r.text = r.text.replace(/[ \t]+\n/g, '\n').replace(/\n[ \t]+/g, '\n');
  if (runs.length) {
    runs[0].text = runs[0].text.replace(/^\s+/, '');
    runs[runs.length - 1].text = runs[runs.length - 1].text.replace(/\s+$/, '');
  }
  return runs.filter((r) => r.text !== '');
}

export function blockText(block: RenderedBlock, language: TemplateLanguage): string {
  return block.type === 'paragraph' ? block.runs.map((r) => r.text).join('') : invoiceTableText(block.table, language);
}

/**
 * Renders a template with a context. Throws TemplateRenderError when the template has syntax
 * errors or unknown fields; problems that do not prevent rendering (e.g. an SMS that could be
 * long in the worst case) are for validateTemplate to report.
 */
export function renderTemplate(t: Template, ctx: MergeContext): RenderedTemplate {
  const body = parsePart(t.body.replace(/\r\n?/g, '\n'), 'body');
  const subject = t.channel === 'email' && t.subject != null ? parsePart(t.subject, 'subject') : null;
  const blocking = [...body.problems, ...(subject?.problems ?? [])];
  if (blocking.length) throw new TemplateRenderError(blocking);

  const lang = ctx.language;
  const values = mergeValues(ctx);
  const conditions = mergeConditions(ctx, values);
  const detailed = t.channel === 'letter' || t.channel === 'formal_notice';
  let table: InvoiceTable | null = null;
  const getTable = () => (table ??= buildInvoiceTable(ctx, detailed));

  const paragraphs = toBlocks(toLines(evaluate(body.tokens, values, conditions, lang)), getTable);

  let renderedSubject: string | null = null;
  if (subject) {
    renderedSubject = evaluate(subject.tokens, values, conditions, lang)
      .map((p) => (p.kind === 'text' || p.kind === 'field' ? p.value : ''))
      .join('')
      .replace(/[ \t\r\n]+/g, ' ')
      .trim();
  }

  if (t.channel === 'sms') {
    const text = toGsm7(paragraphs.map((b) => blockText(b, lang)).join('\n'));
    return { subject: null, text, html: null, paragraphs };
  }
  const text = paragraphs.map((b) => blockText(b, lang)).join('\n\n');
  const html = t.channel === 'email' ? emailHtml({ subject: renderedSubject ?? '', blocks: paragraphs, ctx }) : null;
  return { subject: renderedSubject, text, html, paragraphs };
}
