import PDFDocument from 'pdfkit';
import { formatLongDate } from '../templates/format.js';
import type { InvoiceColumnKey, InvoiceTable } from '../templates/invoice-table.js';
import type { MergeContext, TemplateLanguage } from '../templates/merge-context.js';
import type { RenderedTemplate, TextRun } from '../templates/render.js';

/**
 * Dunning letters and formal notices as A4 PDFs (pdfkit, standard Helvetica fonts, WinAnsi text).
 * Layout of a French business letter for a DL envelope with a window (110 x 220 mm, window
 * 45 x 100 mm, 20 mm from the right edge, 15 mm from the bottom): sender top left, recipient
 * block at 105 mm from the left and 50 mm from the top, place and date, for a formal notice the
 * registered-letter mention and the "MISE EN DEMEURE" heading, subject line, body with the
 * invoice table (header repeated on every page), signature, and on every page the company's legal
 * identifiers and the page number. The same input gives the same bytes (dates from ctx.today).
 */

export interface LetterPdfInput {
  kind: 'letter' | 'formal_notice';
  rendered: RenderedTemplate;
  ctx: MergeContext;
  /** The "Objet :" line; a default per kind and language otherwise. */
  title?: string;
}

const MM = 72 / 25.4;
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const MARGINS = { left: 20 * MM, right: 20 * MM, top: 25 * MM, bottom: 24 * MM };
const CONTENT_W = PAGE_W - MARGINS.left - MARGINS.right;
/** The recipient block, in the window of a DL envelope. */
const WINDOW = { x: 105 * MM, y: 50 * MM, width: PAGE_W - MARGINS.right - 105 * MM };

const REGULAR = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const INK = '#1a1a1a';
const MUTED = '#5b6470';
const RULE = '#b9c0c8';
const HEAD_BG = '#e9edf1';
const ZEBRA = '#f6f7f9';
const BODY_SIZE = 10;
const LINE_GAP = 1.6;
const PARAGRAPH_GAP = 8;

const LABELS: Record<
  TemplateLanguage,
  {
    registered: string;
    heading: string;
    subject: string;
    attention: string;
    account: string;
    followedBy: string;
    phone: string;
    email: string;
    vat: string;
    page: (n: number, of: number) => string;
    dateLine: (city: string | null, date: string) => string;
    continued: string;
  }
> = {
  fr: {
    registered: 'LETTRE RECOMMANDÉE AVEC ACCUSÉ DE RÉCEPTION',
    heading: 'MISE EN DEMEURE',
    subject: 'Objet : ',
    attention: 'À l’attention de ',
    account: 'Compte client : ',
    followedBy: 'Dossier suivi par : ',
    phone: 'Tél. : ',
    email: 'E-mail : ',
    vat: 'TVA intracommunautaire',
    page: (n, of) => `Page ${n} / ${of}`,
    dateLine: (city, date) => (city ? `${city}, le ${date}` : `Le ${date}`),
    continued: 'suite',
  },
  en: {
    registered: 'REGISTERED LETTER WITH ACKNOWLEDGEMENT OF RECEIPT',
    heading: 'FORMAL NOTICE',
    subject: 'Subject: ',
    attention: 'For the attention of ',
    account: 'Customer account: ',
    followedBy: 'Handled by: ',
    phone: 'Tel.: ',
    email: 'Email: ',
    vat: 'VAT no.',
    page: (n, of) => `Page ${n} of ${of}`,
    dateLine: (city, date) => (city ? `${city}, ${date}` : date),
    continued: 'continued',
  },
};

export function defaultLetterTitle(kind: LetterPdfInput['kind'], ctx: MergeContext): string {
  const ref = ctx.customer.externalRef;
  const many = ctx.invoices.length > 1;
  if (ctx.language === 'fr') {
    return kind === 'formal_notice'
      ? `Mise en demeure de payer – compte client ${ref}`
      : `Relance – ${many ? 'factures impayées' : 'facture impayée'} – compte client ${ref}`;
  }
  return kind === 'formal_notice'
    ? `Formal notice to pay – customer account ${ref}`
    : `Payment reminder – unpaid ${many ? 'invoices' : 'invoice'} – customer account ${ref}`;
}

/** The city of a postal address: "75002 Paris", "69007 Lyon Cedex 07", "L-1470 Luxembourg" (a last line without digits is taken as the country). */
export function cityOf(addressLines: string[]): string | null {
  const lines = addressLines.map((l) => l.trim()).filter(Boolean);
  for (const line of lines.slice(-2).reverse()) {
    const m = /^(?:[A-Z]{1,3}[- ]?)?\d{4,5}\s+(.+)$/.exec(line);
    if (m) {
      const city = m[1].replace(/\s+cedex(?:\s+\d+)?$/i, '').trim();
      return city || null;
    }
  }
  return null;
}

// WinAnsi (the encoding of pdfkit's standard fonts): Latin-1 plus these characters of 0x80-0x9F.
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

/** Keeps what the standard fonts can draw: narrow spaces become no-break spaces, the rest its closest form or '?'. */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '\n' || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || WIN_ANSI_EXTRA.has(ch)) out += ch;
    else if (ch === '\t') out += ' ';
    else if (c === 0x202f || c === 0x2009 || c === 0x2007) out += '\u00a0';
    else {
      const base = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      out += base && [...base].every((b) => (b.codePointAt(0) ?? 0) <= 0xff) ? base : '?';
    }
  }
  return out;
}

const COLUMN_WEIGHTS: Record<InvoiceColumnKey, number> = {
  number: 1.3,
  issueDate: 1,
  dueDate: 1,
  amount: 1.3,
  openAmount: 1.3,
  daysLate: 0.95,
  penaltyInterest: 1.1,
  indemnity: 1,
};

type Doc = PDFKit.PDFDocument;

const maxY = (doc: Doc) => doc.page.height - doc.page.margins.bottom;

function drawParagraph(doc: Doc, runs: TextRun[], x = MARGINS.left, width = CONTENT_W): void {
  doc.fontSize(BODY_SIZE).fillColor(INK);
  const full = toWinAnsi(runs.map((r) => r.text).join(''));
  const height = doc.font(REGULAR).heightOfString(full, { width, lineGap: LINE_GAP });
  // Short paragraphs (the closing, the signature, a bank-details block) are kept on one page.
  if (height < 110 && doc.y + height > maxY(doc)) doc.addPage();
  const y = doc.y;
  runs.forEach((run, i) => {
    const options = { width, lineGap: LINE_GAP, continued: i < runs.length - 1 };
    doc.font(run.bold ? BOLD : REGULAR);
    if (i === 0) doc.text(toWinAnsi(run.text), x, y, options);
    else doc.text(toWinAnsi(run.text), options);
  });
  doc.x = MARGINS.left;
  doc.y += PARAGRAPH_GAP;
}

/**
 * Column widths: each column gets what its widest cell (and the longest word of its header)
 * needs, so that dates and amounts never wrap; the space left is shared by weight. When the
 * content is wider than the page, widths follow the weights and long cells wrap.
 */
function columnWidths(doc: Doc, table: InvoiceTable, pad: number): number[] {
  const weights = table.columns.map((c) => COLUMN_WEIGHTS[c.key]);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const natural = table.columns.map((c, i) => {
    doc.font(BOLD);
    // A header may take two lines: the narrowest split of its words in two.
    const words = toWinAnsi(c.label).split(/\s+/);
    let w = doc.widthOfString(words.join(' '));
    for (let k = 1; k < words.length; k++) {
      w = Math.min(w, Math.max(doc.widthOfString(words.slice(0, k).join(' ')), doc.widthOfString(words.slice(k).join(' '))));
    }
    doc.font(REGULAR);
    for (const row of table.rows) w = Math.max(w, doc.widthOfString(toWinAnsi(row[i])));
    return w + 2 * pad + 1;
  });
  const needed = natural.reduce((a, b) => a + b, 0);
  if (needed > CONTENT_W) return weights.map((w) => (CONTENT_W * w) / weightSum);
  const extra = CONTENT_W - needed;
  return natural.map((n, i) => n + (extra * weights[i]) / weightSum);
}

function drawTable(doc: Doc, table: InvoiceTable): void {
  const size = 8.5;
  const pad = 4;
  doc.fontSize(size);
  const widths = columnWidths(doc, table, pad);
  const xs = widths.map((_, i) => MARGINS.left + widths.slice(0, i).reduce((a, b) => a + b, 0));
  // Most cells hold one line: measure their width only (cheap) and draw them without the line
  // wrapper; only a cell wider than its column is laid out as a paragraph.
  doc.font(REGULAR);
  const oneLine = doc.heightOfString('Ag', { lineGap: 0.5 });
  const fits = (text: string, i: number) => doc.widthOfString(text) <= widths[i] - 2 * pad;
  const cellHeight = (text: string, i: number, font: string) => {
    const t = toWinAnsi(text);
    doc.font(font);
    return fits(t, i) ? oneLine : doc.heightOfString(t, { width: widths[i] - 2 * pad, lineGap: 0.5 });
  };
  const drawCell = (text: string, i: number, top: number, align: 'left' | 'right') => {
    const t = toWinAnsi(text);
    const avail = widths[i] - 2 * pad;
    const w = doc.widthOfString(t);
    if (w <= avail) {
      const x = align === 'right' ? xs[i] + pad + avail - w : xs[i] + pad;
      doc.text(t, x, top, { lineBreak: false });
    } else doc.text(t, xs[i] + pad, top, { width: avail, align, lineGap: 0.5 });
  };
  const headerH = Math.max(...table.columns.map((c, i) => cellHeight(c.label, i, BOLD))) + 2 * pad;
  const rowH = (row: string[]) => Math.max(...row.map((cell, i) => cellHeight(cell, i, REGULAR))) + 2 * pad;

  let y = doc.y + 2;
  const drawHeader = () => {
    doc.rect(MARGINS.left, y, CONTENT_W, headerH).fill(HEAD_BG);
    doc.font(BOLD).fontSize(size).fillColor(INK);
    table.columns.forEach((c, i) => drawCell(c.label, i, y + pad, c.align));
    y += headerH;
    doc
      .moveTo(MARGINS.left, y)
      .lineTo(MARGINS.left + CONTENT_W, y)
      .lineWidth(0.7)
      .strokeColor(RULE)
      .stroke();
  };
  const firstRow = table.rows.length ? rowH(table.rows[0]) : 0;
  if (y + headerH + 2 * firstRow > maxY(doc)) {
    doc.addPage();
    y = doc.page.margins.top;
  }
  drawHeader();
  table.rows.forEach((row, r) => {
    const h = rowH(row);
    if (y + h > maxY(doc)) {
      doc.addPage();
      y = doc.page.margins.top;
      drawHeader();
    }
    if (r % 2 === 1) doc.rect(MARGINS.left, y, CONTENT_W, h).fill(ZEBRA);
    doc.font(REGULAR).fontSize(size).fillColor(INK);
    row.forEach((cell, i) => drawCell(cell, i, y + pad, table.columns[i].align));
    y += h;
    doc
      .moveTo(MARGINS.left, y)
      .lineTo(MARGINS.left + CONTENT_W, y)
      .lineWidth(0.3)
      .strokeColor(RULE)
      .stroke();
  });

  if (table.totals.length) {
    y += 3;
    const valueW = Math.max(110, widths[widths.length - 1] + widths[widths.length - 2]);
    const labelW = CONTENT_W - valueW;
    doc.fontSize(9);
    const heights = table.totals.map(
      (t) =>
        Math.max(doc.font(t.strong ? BOLD : REGULAR).heightOfString(toWinAnsi(t.label), { width: labelW - 2 * pad }), 9) +
        2 * pad -
        2,
    );
    // The totals stay together.
    if (y + heights.reduce((a, b) => a + b, 0) > maxY(doc)) {
      doc.addPage();
      y = doc.page.margins.top;
    }
    for (const [k, t] of table.totals.entries()) {
      const font = t.strong ? BOLD : REGULAR;
      const h = heights[k];
      if (t.strong) {
        doc.rect(MARGINS.left + labelW, y, valueW, h).fill(HEAD_BG);
      }
      doc.font(font).fillColor(INK);
      doc.text(toWinAnsi(t.label), MARGINS.left, y + pad - 1, { width: labelW - 2 * pad, align: 'right' });
      doc.text(toWinAnsi(t.value), MARGINS.left + labelW + pad, y + pad - 1, { width: valueW - 2 * pad, align: 'right' });
      y += h;
    }
  }
  doc.x = MARGINS.left;
  doc.y = y + PARAGRAPH_GAP + 4;
}

function legalLine(ctx: MergeContext): string {
  const c = ctx.company;
  const parts = [c.name, c.addressLines.filter((l) => l.trim()).join(', ')];
  if (c.siren) parts.push(`SIREN ${c.siren}`);
  if (c.vatNumber) parts.push(`${LABELS[ctx.language].vat} ${c.vatNumber}`);
  return parts.filter(Boolean).join(' – ');
}

function drawLetterHead(doc: Doc, input: LetterPdfInput, title: string): void {
  const { ctx, kind } = input;
  const L = LABELS[ctx.language];
  const leftW = WINDOW.x - MARGINS.left - 8 * MM;

  // Sender.
  doc
    .font(BOLD)
    .fontSize(12)
    .fillColor(INK)
    .text(toWinAnsi(ctx.company.name), MARGINS.left, 15 * MM, { width: leftW });
  doc.font(REGULAR).fontSize(9).fillColor(MUTED);
  for (const line of ctx.company.addressLines) doc.text(toWinAnsi(line), { width: leftW });
  if (ctx.company.phone) doc.text(toWinAnsi(`${L.phone}${ctx.company.phone}`), { width: leftW });
  if (ctx.company.email) doc.text(toWinAnsi(`${L.email}${ctx.company.email}`), { width: leftW });

  // Our references.
  doc.y += 5 * MM;
  const refs: Array<[string, string]> = [[L.account, ctx.customer.externalRef]];
  if (ctx.collector?.name) {
    refs.push([L.followedBy, ctx.collector.name]);
    if (ctx.collector.phone) refs.push([L.phone, ctx.collector.phone]);
    if (ctx.collector.email) refs.push([L.email, ctx.collector.email]);
  }
  doc.fontSize(8.5);
  for (const [label, value] of refs) {
    doc.font(BOLD).fillColor(INK).text(toWinAnsi(label), MARGINS.left, doc.y, { width: leftW, continued: true });
    doc.font(REGULAR).text(toWinAnsi(value));
  }
  const leftBottom = doc.y;

  // Recipient, in the envelope window.
  doc.font(BOLD).fontSize(10.5).fillColor(INK).text(toWinAnsi(ctx.customer.name), WINDOW.x, WINDOW.y, { width: WINDOW.width });
  doc.font(REGULAR).fontSize(10);
  if (ctx.contact?.name?.trim()) doc.text(toWinAnsi(`${L.attention}${ctx.contact.name.trim()}`), { width: WINDOW.width });
  for (const line of ctx.customer.addressLines) doc.text(toWinAnsi(line), { width: WINDOW.width });
  const recipientBottom = doc.y;

  // Place and date.
  const dateY = Math.max(95 * MM, recipientBottom + 8 * MM, leftBottom + 6 * MM);
  doc
    .font(REGULAR)
    .fontSize(10)
    .text(toWinAnsi(L.dateLine(cityOf(ctx.company.addressLines), formatLongDate(ctx.today, ctx.language))), WINDOW.x, dateY, {
      width: WINDOW.width,
    });

  let y = doc.y + 8 * MM;
  if (kind === 'formal_notice') {
    doc.font(BOLD).fontSize(9.5).text(toWinAnsi(L.registered), MARGINS.left, y, { width: CONTENT_W });
    y = doc.y + 6 * MM;
    doc
      .font(BOLD)
      .fontSize(16)
      .text(toWinAnsi(L.heading), MARGINS.left, y, { width: CONTENT_W, align: 'center', characterSpacing: 1.5 });
    y = doc.y + 6 * MM;
  }
  doc.fontSize(BODY_SIZE);
  doc.font(BOLD).text(toWinAnsi(L.subject), MARGINS.left, y, { width: CONTENT_W, continued: true, lineGap: LINE_GAP });
  doc.font(REGULAR).text(toWinAnsi(title), { lineGap: LINE_GAP });
  doc.x = MARGINS.left;
  doc.y += 5 * MM;
}

/** Page furniture drawn once the pages are known: running head from page 2, legal footer, "Page n / N". */
function drawPageFurniture(doc: Doc, input: LetterPdfInput, title: string): void {
  const { ctx } = input;
  const L = LABELS[ctx.language];
  const range = doc.bufferedPageRange();
  const legal = toWinAnsi(legalLine(ctx));
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    if (i > range.start) {
      const head = `${ctx.company.name} – ${title} – ${ctx.customer.name} (${L.continued})`;
      doc
        .font(REGULAR)
        .fontSize(7.5)
        .fillColor(MUTED)
        .text(toWinAnsi(head), MARGINS.left, 12 * MM, { width: CONTENT_W, height: 10, ellipsis: true, lineBreak: false });
      doc
        .moveTo(MARGINS.left, 16.5 * MM)
        .lineTo(PAGE_W - MARGINS.right, 16.5 * MM)
        .lineWidth(0.4)
        .strokeColor(RULE)
        .stroke();
    }
    const y = PAGE_H - 17 * MM;
    doc
      .moveTo(MARGINS.left, y - 2 * MM)
      .lineTo(PAGE_W - MARGINS.right, y - 2 * MM)
      .lineWidth(0.4)
      .strokeColor(RULE)
      .stroke();
    const pageW = 22 * MM;
    doc
      .font(REGULAR)
      .fontSize(7)
      .fillColor(MUTED)
      .text(legal, MARGINS.left, y, { width: CONTENT_W - pageW - 4 * MM, lineGap: 1 });
    doc.text(toWinAnsi(L.page(i - range.start + 1, range.count)), PAGE_W - MARGINS.right - pageW, y, {
      width: pageW,
      align: 'right',
    });
    doc.page.margins.bottom = bottom;
  }
}

export function renderLetterPdf(input: LetterPdfInput): Promise<Buffer> {
  const { ctx, rendered, kind } = input;
  const title = input.title ?? defaultLetterTitle(kind, ctx);
  const L = LABELS[ctx.language];
  const date = new Date(`${ctx.today}T00:00:00Z`);
  return new Promise<Buffer>((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margins: MARGINS,
      bufferPages: true,
      lang: ctx.language === 'fr' ? 'fr-FR' : 'en-GB',
      info: {
        Title: toWinAnsi(kind === 'formal_notice' ? `${L.heading} – ${title}` : title),
        Author: toWinAnsi(ctx.company.name),
        Subject: toWinAnsi(`${ctx.customer.name} (${ctx.customer.externalRef})`),
        Creator: 'Encours',
        Producer: 'Encours',
        CreationDate: date,
        ModDate: date,
      },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    try {
      drawLetterHead(doc, input, title);
      const signature = ctx.company.signature.trim();
      let signed = false;
      for (const block of rendered.paragraphs) {
        if (block.type === 'invoices') {
          drawTable(doc, block.table);
          continue;
        }
        const text = block.runs.map((r) => r.text).join('');
        if (signature && text.trim() === signature) {
          // The signature sits on the right half, under the closing.
          doc.y += 2 * MM;
          drawParagraph(doc, block.runs, WINDOW.x, WINDOW.width);
          signed = true;
        } else {
          drawParagraph(doc, block.runs);
          if (signature && text.includes(signature)) signed = true;
        }
      }
      if (!signed && signature) {
        doc.y += 2 * MM;
        drawParagraph(doc, [{ text: signature, bold: false }], WINDOW.x, WINDOW.width);
      }
      drawPageFurniture(doc, input, title);
      doc.end();
    } catch (error) {
      reject(error);
    }
  });
}
