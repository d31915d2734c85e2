import { TenantEntity } from '@encours/api-core';
import { Check, Column, Entity, Index } from 'typeorm';

export const EMAIL_TRANSPORTS = ['smtp', 'sink'] as const;
export type EmailTransportKind = (typeof EMAIL_TRANSPORTS)[number];
export const SMS_PROVIDERS = ['log', 'http'] as const;
export type SmsProviderKind = (typeof SMS_PROVIDERS)[number];

/**
 * The tenant's dunning settings (one row per tenant): when the daily run happens, how messages
 * leave (SMTP server, sender, reply-to; SMS provider), and the creditor's identity printed on
 * letters (company, signature, payment details). Secrets are write-only through the API.
 */
@Entity('dunning_settings')
@Index('uq_dunning_settings_tenant', ['tenantId'], { unique: true })
@Check('ck_dunning_settings_run_time', `"run_time" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'`)
export class DunningSettings extends TenantEntity {
  /** The daily run is scheduled (it can always be started by hand). */
  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  /** Local time (tenant's time zone) of the daily run, HH:MM. */
  @Column({ type: 'varchar', length: 5, default: '07:00' })
  runTime: string;

  /** Last day a scheduled run was started (so the scheduler starts one per day). */
  @Column({ type: 'date', nullable: true })
  lastScheduledRunDate: string | null;

  @Column({ type: 'varchar', length: 8, default: 'smtp' })
  emailTransport: EmailTransportKind;

  @Column({ type: 'varchar', length: 255, nullable: true })
  smtpHost: string | null;

  @Column({ type: 'int', nullable: true })
  smtpPort: number | null;

  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  @Column({ type: 'boolean', default: false })
  smtpSecure: boolean;

  @Column({ type: 'varchar', length: 255, nullable: true })
  smtpUser: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true, select: false })
  smtpPassword: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  fromName: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  fromEmail: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  replyTo: string | null;

  /** Blind copy of every reminder (e.g. the credit team's shared mailbox). */
  @Column({ type: 'varchar', length: 254, nullable: true })
  bccEmail: string | null;

  @Column({ type: 'varchar', length: 8, default: 'log' })
  smsProvider: SmsProviderKind;

  @Column({ type: 'varchar', length: 500, nullable: true })
  smsHttpUrl: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true, select: false })
  smsHttpToken: string | null;

  @Column({ type: 'varchar', length: 11, nullable: true })
  smsSender: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  companyName: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  companyAddressLines: string[];

  @Column({ type: 'varchar', length: 9, nullable: true })
  companySiren: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  companyVatNumber: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  companyEmail: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  companyPhone: string | null;

  @Column({ type: 'text', default: '' })
  signature: string;

  /** How to pay: IBAN, BIC, reference to quote. */
  @Column({ type: 'text', default: '' })
  paymentDetails: string;

  /** Days given by a formal notice to pay (usually 8). */
  @Column({ type: 'int', default: 8 })
  formalNoticeDays: number;

  /** Days after a promised date before the promise is declared broken. */
  @Column({ type: 'int', default: 3 })
  promiseGraceDays: number;

  /** Days after an instalment's date before the plan is declared breached. */
  @Column({ type: 'int', default: 3 })
  planGraceDays: number;

  /** Attempts of a failed email/SMS send before it is reported failed for good. */
  @Column({ type: 'int', default: 5 })
  maxSendAttempts: number;
}
