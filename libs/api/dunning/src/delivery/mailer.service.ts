import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { createHash } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { DunningSettings } from '../settings/dunning-settings.entity.js';

export interface EmailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface OutgoingEmail {
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  attachments?: EmailAttachment[];
  /** Extra headers (e.g. X-Encours-Action for tracing a reminder back). */
  headers?: Record<string, string>;
}

export interface SentEmail {
  messageId: string;
  /** The MIME message exactly as handed to the server (archived). */
  raw: Buffer;
  accepted: string[];
  /** Sink transport: built and archived, not sent anywhere. */
  sunk: boolean;
}

/** The settings the mailer needs, with the SMTP password (selected explicitly). */
export type MailSettings = Pick<
  DunningSettings,
  | 'tenantId'
  | 'emailTransport'
  | 'smtpHost'
  | 'smtpPort'
  | 'smtpSecure'
  | 'smtpUser'
  | 'smtpPassword'
  | 'fromName'
  | 'fromEmail'
  | 'replyTo'
  | 'bccEmail'
  | 'companyName'
>;

export class MailConfigurationError extends Error {}

/** What composing needs from the settings (no secrets: this also runs in render workers). */
export type ComposeSettings = Pick<MailSettings, 'fromName' | 'fromEmail' | 'replyTo' | 'companyName'>;

/**
 * Composes the MIME message (headers, HTML and plain-text parts, attachments) once: it is sent
 * raw and archived byte for byte. Text parts are quoted-printable (readable French, no costly
 * per-message detection).
 */
export async function composeEmail(settings: ComposeSettings, mail: OutgoingEmail): Promise<{ messageId: string; raw: Buffer }> {
  const fromEmail = settings.fromEmail;
  if (!fromEmail) throw new MailConfigurationError('No sender address: set fromEmail in the dunning settings');
  if (!mail.to.length) throw new MailConfigurationError('No recipient');
  const composer = new MailComposer({
    from: { name: settings.fromName ?? settings.companyName ?? '', address: fromEmail },
    to: mail.to,
    replyTo: settings.replyTo ?? undefined,
    subject: mail.subject,
    text: mail.text,
    html: mail.html ?? undefined,
    textEncoding: 'quoted-printable',
    attachments: mail.attachments?.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
    headers: mail.headers,
  });
  const node = composer.compile();
  const messageId = node.messageId();
  const raw = await node.build();
  return { messageId, raw };
}

/**
 * Sends the reminders by email with the tenant's own SMTP server and sender. The MIME message is
 * composed here (nodemailer's composer) and sent raw, so that what is archived is byte for byte
 * what the server received. One pooled transport per tenant and settings version.
 */
@Injectable()
export class MailerService implements OnModuleDestroy {
  private readonly logger = new Logger('Mailer');
  private readonly transports = new Map<string, { key: string; transport: Transporter }>();

  async send(settings: MailSettings, mail: OutgoingEmail): Promise<SentEmail> {
    const { messageId, raw } = await composeEmail(settings, mail);
    return this.transmit(settings, { messageId, raw, to: mail.to });
  }

  /** Hands an already composed message to the tenant's SMTP server (or the sink). */
  async transmit(settings: MailSettings, message: { messageId: string; raw: Buffer; to: string[] }): Promise<SentEmail> {
    const fromEmail = settings.fromEmail;
    if (!fromEmail) throw new MailConfigurationError('No sender address: set fromEmail in the dunning settings');
    const recipients = [...message.to, ...(settings.bccEmail ? [settings.bccEmail] : [])];
    if (settings.emailTransport === 'sink')
      return { messageId: message.messageId, raw: message.raw, accepted: recipients, sunk: true };
    const transport = this.transport(settings);
    const info = await transport.sendMail({ envelope: { from: fromEmail, to: recipients }, raw: message.raw });
    const accepted = (info.accepted ?? []).map(String);
    if (!accepted.length) throw new Error(`The SMTP server accepted none of the recipients (${recipients.join(', ')})`);
    return { messageId: message.messageId, raw: message.raw, accepted, sunk: false };
  }

  private transport(s: MailSettings): Transporter {
    if (!s.smtpHost) throw new MailConfigurationError('No SMTP server: set smtpHost in the dunning settings');
    const key = createHash('sha256')
      .update(JSON.stringify([s.smtpHost, s.smtpPort, s.smtpSecure, s.smtpUser, s.smtpPassword]))
      .digest('hex');
    const cached = this.transports.get(s.tenantId);
    if (cached?.key === key) return cached.transport;
    cached?.transport.close();
    const transport = nodemailer.createTransport({
      host: s.smtpHost,
      port: s.smtpPort ?? (s.smtpSecure ? 465 : 587),
      secure: s.smtpSecure,
      auth: s.smtpUser ? { user: s.smtpUser, pass: s.smtpPassword ?? '' } : undefined,
      pool: true,
      maxConnections: 2,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
      // Local and test servers often have no certificate; STARTTLS is still used when offered.
      tls: { rejectUnauthorized: process.env.SMTP_TLS_REJECT_UNAUTHORIZED !== 'false' },
    });
    this.transports.set(s.tenantId, { key, transport });
    return transport;
  }

  onModuleDestroy(): void {
    for (const { transport } of this.transports.values()) transport.close();
    this.transports.clear();
    this.logger.debug('SMTP transports closed');
  }
}
