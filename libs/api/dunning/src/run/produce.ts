import { renderLetterPdf } from '../documents/pdf.js';
import { composeEmail, type ComposeSettings, type EmailAttachment } from '../delivery/mailer.service.js';
import type { MergeContext } from '../templates/merge-context.js';
import { renderTemplate, TemplateRenderError, type RenderedTemplate } from '../templates/render.js';

export interface ProduceTemplate {
  code: string;
  language: 'fr' | 'en';
  channel: 'email' | 'sms' | 'letter' | 'formal_notice' | 'call';
  subject: string | null;
  body: string;
}

/** One message to produce: the CPU part of a delivery (render, PDF, MIME), with no I/O. */
export interface ProduceJob {
  action: 'email' | 'sms' | 'letter' | 'formal_notice';
  template: ProduceTemplate;
  ctx: MergeContext;
  stepName: string;
  runDate: string;
  actionId: string;
  /** The email to compose (email, and formal notice sent with its PDF); null: no email. */
  mail: { settings: ComposeSettings; to: string[] } | null;
}

export type ProduceResult =
  | {
      ok: true;
      subject: string | null;
      text: string;
      pdf: { filename: string; content: Buffer } | null;
      email: { messageId: string; raw: Buffer; subject: string } | null;
    }
  | { ok: false; error: string; permanent: boolean };

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 60);
}

/** The email version of a letter template (HTML + text parts), or the letter's text alone if it cannot be. */
function asEmail(template: ProduceTemplate, ctx: MergeContext, rendered: RenderedTemplate): RenderedTemplate {
  try {
    return renderTemplate({ ...template, channel: 'email', subject: template.subject ?? rendered.subject }, ctx);
  } catch {
    return rendered;
  }
}

/**
 * Renders the template with the customer's statement, the PDF of a letter or formal notice, and
 * the MIME message of an email. Pure CPU work: it runs in the delivery's worker threads (or inline).
 */
export async function produce(job: ProduceJob): Promise<ProduceResult> {
  const { template, ctx } = job;
  let rendered: RenderedTemplate;
  try {
    rendered = renderTemplate(template, ctx);
  } catch (err) {
    // A template that no longer renders (edited since): nothing half-merged is ever sent.
    if (err instanceof TemplateRenderError)
      return { ok: false, error: `Template "${template.code}" (${template.language}): ${err.message}`, permanent: true };
    throw err;
  }
  let pdf: { filename: string; content: Buffer } | null = null;
  if (job.action === 'letter' || job.action === 'formal_notice') {
    const content = await renderLetterPdf({ kind: job.action, rendered, ctx });
    const stem =
      job.action === 'letter'
        ? ctx.language === 'fr'
          ? 'relance'
          : 'reminder'
        : ctx.language === 'fr'
          ? 'mise-en-demeure'
          : 'formal-notice';
    pdf = { filename: `${stem}-${safe(ctx.customer.externalRef)}-${job.runDate}.pdf`, content };
  }
  let email: { messageId: string; raw: Buffer; subject: string } | null = null;
  if (job.mail) {
    // A formal notice goes as a PDF letter; the email carries the same text (as an email) with the PDF attached.
    const mail = job.action === 'email' ? rendered : asEmail(template, ctx, rendered);
    const subject = mail.subject ?? rendered.subject ?? job.stepName;
    const attachments: EmailAttachment[] = pdf
      ? [{ filename: pdf.filename, content: pdf.content, contentType: 'application/pdf' }]
      : [];
    const composed = await composeEmail(job.mail.settings, {
      to: job.mail.to,
      subject,
      text: mail.text,
      html: mail.html,
      attachments,
      headers: { 'X-Encours-Action': job.actionId },
    });
    email = { ...composed, subject };
  }
  return { ok: true, subject: rendered.subject, text: rendered.text, pdf, email };
}
