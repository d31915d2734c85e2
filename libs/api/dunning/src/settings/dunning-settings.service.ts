import { Injectable } from '@nestjs/common';
import { AuditLog, auditRow, TenantDb, ValidationFailed, type FieldError } from '@encours/api-core';
import { DataSource, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { DunningSettings } from './dunning-settings.entity.js';
import type { DunningSettingsDto, UpdateDunningSettingsDto } from './dunning-settings.dto.js';
import { DunningSetupService } from './dunning-setup.service.js';

/** Settings fields written as given (secrets are written apart, see `update`). */
const PLAIN_FIELDS = [
  'enabled',
  'runTime',
  'emailTransport',
  'smtpHost',
  'smtpPort',
  'smtpSecure',
  'smtpUser',
  'fromName',
  'fromEmail',
  'replyTo',
  'bccEmail',
  'smsProvider',
  'smsHttpUrl',
  'smsSender',
  'companyName',
  'companyAddressLines',
  'companySiren',
  'companyVatNumber',
  'companyEmail',
  'companyPhone',
  'signature',
  'paymentDetails',
  'formalNoticeDays',
  'promiseGraceDays',
  'planGraceDays',
  'maxSendAttempts',
] as const satisfies ReadonlyArray<keyof UpdateDunningSettingsDto & keyof DunningSettings>;

const SECRET_COLUMNS = { smtpPassword: 'smtp_password', smsHttpToken: 'sms_http_token' } as const;

/**
 * The tenant's dunning settings. The API reads and changes them without ever returning the
 * secrets (SMTP password, SMS gateway token); the run reads them whole with `get`.
 */
@Injectable()
export class DunningSettingsService {
  constructor(
    private readonly db: TenantDb,
    private readonly dataSource: DataSource,
    private readonly setup: DunningSetupService,
  ) {}

  /** The settings of a tenant INCLUDING the secrets (for the run and the deliveries only). */
  async get(tenantId: string, manager: EntityManager = this.dataSource.manager): Promise<DunningSettings> {
    await this.setup.ensureSeeded(manager, tenantId);
    const settings = await manager
      .getRepository(DunningSettings)
      .createQueryBuilder('s')
      .addSelect(['s.smtpPassword', 's.smsHttpToken'])
      .where('s.tenant_id = :tenantId', { tenantId })
      .getOne();
    if (!settings) throw new Error(`No dunning settings for tenant ${tenantId}`);
    return settings;
  }

  /** Same as `get` (name used by the delivery service). */
  getWithSecrets(tenantId: string, manager?: EntityManager): Promise<DunningSettings> {
    return this.get(tenantId, manager);
  }

  /** The current tenant's settings as the API shows them (secrets reduced to "is set"). */
  async read(): Promise<DunningSettingsDto> {
    const tenantId = this.db.tenantId;
    await this.setup.ensureSeeded(this.dataSource.manager, tenantId);
    return toDto(await this.get(tenantId));
  }

  async update(dto: UpdateDunningSettingsDto): Promise<DunningSettingsDto> {
    const tenantId = this.db.tenantId;
    await this.setup.ensureSeeded(this.dataSource.manager, tenantId);
    await this.db.transaction(async (tx) => {
      // Loaded without the secrets: saving it never rewrites (nor audits) them.
      const current = await tx.manager
        .getRepository(DunningSettings)
        .createQueryBuilder('s')
        .where('s.tenant_id = :tenantId', { tenantId })
        .setLock('pessimistic_write')
        .getOne();
      if (!current) throw new Error(`No dunning settings for tenant ${tenantId}`);
      const [secretsSet]: Array<{ smtpPassword: boolean; smsHttpToken: boolean }> = await tx.manager.query(
        `SELECT smtp_password IS NOT NULL AS "smtpPassword", sms_http_token IS NOT NULL AS "smsHttpToken"
           FROM dunning_settings WHERE tenant_id = $1`,
        [tenantId],
      );
      const changes: Partial<DunningSettings> = {};
      for (const key of PLAIN_FIELDS) {
        const value = dto[key];
        if (value !== undefined) (changes as Record<string, unknown>)[key] = normalize(value);
      }
      const next = { ...current, ...changes };
      const errors: FieldError[] = [];
      if (next.smsProvider === 'http' && !next.smsHttpUrl)
        errors.push({ field: 'smsHttpUrl', message: 'smsHttpUrl is required when smsProvider is http' });
      if (next.smtpUser && !next.smtpHost) errors.push({ field: 'smtpHost', message: 'smtpHost is required with an SMTP user' });
      if (dto.emailTransport === 'smtp' && !next.smtpHost)
        errors.push({ field: 'smtpHost', message: 'smtpHost is required to send through SMTP' });
      if (errors.length) throw new ValidationFailed(errors);
      if (Object.keys(changes).length) await tx.repo(DunningSettings).save(Object.assign(current, changes));
      // Secrets bypass the entity (and the audit subscriber, which would store their values).
      for (const [key, column] of Object.entries(SECRET_COLUMNS) as Array<[keyof typeof SECRET_COLUMNS, string]>) {
        const value = dto[key];
        if (value === undefined) continue;
        const stored = value === null || value === '' ? null : value;
        await tx.manager.query(`UPDATE dunning_settings SET ${column} = $2, updated_at = now() WHERE tenant_id = $1`, [
          tenantId,
          stored,
        ]);
        await tx.manager.insert(
          AuditLog,
          auditRow(tenantId, 'dunning_settings', current.id, 'update', {
            [key]: { from: secretsSet[key] ? '[redacted]' : null, to: stored ? '[redacted]' : null },
          }) as QueryDeepPartialEntity<AuditLog>,
        );
      }
    });
    return toDto(await this.get(tenantId));
  }
}

function normalize(value: unknown): unknown {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed;
  }
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v.trim() : v)).filter((v) => v !== '');
  return value;
}

export function toDto(s: DunningSettings): DunningSettingsDto {
  return {
    enabled: s.enabled,
    runTime: s.runTime,
    lastScheduledRunDate: s.lastScheduledRunDate,
    emailTransport: s.emailTransport,
    smtpHost: s.smtpHost,
    smtpPort: s.smtpPort,
    smtpSecure: s.smtpSecure,
    smtpUser: s.smtpUser,
    smtpPasswordSet: !!s.smtpPassword,
    fromName: s.fromName,
    fromEmail: s.fromEmail,
    replyTo: s.replyTo,
    bccEmail: s.bccEmail,
    smsProvider: s.smsProvider,
    smsHttpUrl: s.smsHttpUrl,
    smsHttpTokenSet: !!s.smsHttpToken,
    smsSender: s.smsSender,
    companyName: s.companyName,
    companyAddressLines: s.companyAddressLines ?? [],
    companySiren: s.companySiren,
    companyVatNumber: s.companyVatNumber,
    companyEmail: s.companyEmail,
    companyPhone: s.companyPhone,
    signature: s.signature,
    paymentDetails: s.paymentDetails,
    formalNoticeDays: s.formalNoticeDays,
    promiseGraceDays: s.promiseGraceDays,
    planGraceDays: s.planGraceDays,
    maxSendAttempts: s.maxSendAttempts,
    updatedAt: s.updatedAt.toISOString(),
  };
}
