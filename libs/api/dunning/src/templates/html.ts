import type { InvoiceTable } from './invoice-table.js';
import type { MergeContext } from './merge-context.js';
import type { RenderedBlock } from './render.js';

/**
 * The HTML part of a dunning email: a complete document, table-based layout and inline styles
 * (what email clients render), every value escaped: the template is plain text, never HTML.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const FONT = 'font-family:Arial,Helvetica,sans-serif;';
const TEXT_COLOR = '#1f2933';
const MUTED = '#6b7280';
const RULE = '#e3e6ea';

/** Escapes a text and turns its line breaks into <br>. */
function lines(s: string): string {
  return escapeHtml(s).replace(/\n/g, '<br>\n');
}

function paragraphHtml(block: Extract<RenderedBlock, { type: 'paragraph' }>): string {
  const inner = block.runs.map((r) => (r.bold ? `<strong>${lines(r.text)}</strong>` : lines(r.text))).join('');
  return `<p style="margin:0 0 14px 0;">${inner}</p>`;
}

function tableHtml(table: InvoiceTable): string {
  const cellStyle = (align: 'left' | 'right', extra = '') =>
    `padding:6px 8px;text-align:${align};${align === 'right' ? 'white-space:nowrap;' : ''}${extra}`;
  const head = table.columns
    .map(
      (c) =>
        `<th scope="col" style="${cellStyle(c.align, `font-weight:bold;background-color:#f1f3f5;border-bottom:1px solid #cfd4da;color:${TEXT_COLOR};`)}">${escapeHtml(c.label)}</th>`,
    )
    .join('');
  const body = table.rows
    .map(
      (row) =>
        `<tr>${row
          .map(
            (v, i) =>
              `<td style="${cellStyle(table.columns[i].align, `border-bottom:1px solid ${RULE};`)}">${escapeHtml(v)}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('\n');
  const span = table.columns.length - 1;
  const foot = table.totals
    .map((t) => {
      const weight = t.strong ? 'font-weight:bold;' : '';
      return (
        `<tr><td colspan="${span}" style="${cellStyle('right', weight)}">${escapeHtml(t.label)}</td>` +
        `<td style="${cellStyle('right', weight)}">${escapeHtml(t.value)}</td></tr>`
      );
    })
    .join('\n');
  return [
    `<table role="table" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse;margin:0 0 16px 0;${FONT}font-size:13px;color:${TEXT_COLOR};">`,
    `<thead><tr>${head}</tr></thead>`,
    `<tbody>\n${body}\n</tbody>`,
    foot ? `<tfoot>\n${foot}\n</tfoot>` : '',
    '</table>',
  ]
    .filter(Boolean)
    .join('\n');
}

function footerHtml(ctx: MergeContext): string {
  const c = ctx.company;
  const ids: string[] = [];
  if (c.siren) ids.push(`SIREN ${c.siren}`);
  if (c.vatNumber) ids.push(`${ctx.language === 'fr' ? 'TVA' : 'VAT'} ${c.vatNumber}`);
  const parts = [c.name, ...c.addressLines, ...ids].filter((s) => s && s.trim());
  return parts.map(escapeHtml).join(' · ');
}

export function emailHtml(input: { subject: string; blocks: RenderedBlock[]; ctx: MergeContext }): string {
  const { subject, blocks, ctx } = input;
  const content = blocks.map((b) => (b.type === 'paragraph' ? paragraphHtml(b) : tableHtml(b.table))).join('\n');
  return `<!DOCTYPE html>
<html lang="${ctx.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(subject)}</title>
</head>
<body style="margin:0;padding:0;background-color:#f4f5f7;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f4f5f7;">
<tr>
<td align="center" style="padding:24px 12px;">
<table role="presentation" width="680" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:680px;background-color:#ffffff;border:1px solid ${RULE};">
<tr>
<td style="padding:28px 32px;${FONT}font-size:14px;line-height:1.5;color:${TEXT_COLOR};">
${content}
</td>
</tr>
<tr>
<td style="padding:14px 32px;border-top:1px solid ${RULE};${FONT}font-size:11px;line-height:1.4;color:${MUTED};">
${footerHtml(ctx)}
</td>
</tr>
</table>
</td>
</tr>
</table>
</body>
</html>
`;
}
