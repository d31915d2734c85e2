import { TenantEntity } from '@encours/api-core';
import { Check, Column, Entity, Index } from 'typeorm';

export const LIMIT_SOURCES = ['internal', 'insurer', 'provider'] as const;
export type LimitSource = (typeof LIMIT_SOURCES)[number];
export const LIMIT_STATUSES = ['pending', 'active', 'rejected', 'superseded'] as const;
export type LimitStatus = (typeof LIMIT_STATUSES)[number];

/**
 * A credit limit (plafond d'encours) of a customer. A customer has at most one `active` limit;
 * a new one supersedes it when it is approved (or at once when no approval is needed).
 */
@Entity('credit_limit')
@Index('uq_credit_limit_active', ['tenantId', 'customerId'], { unique: true, where: `"status" = 'active'` })
@Index('ix_credit_limit_customer', ['tenantId', 'customerId', 'createdAt'])
@Index('ix_credit_limit_pending', ['tenantId', 'status'])
@Check('ck_credit_limit_amount', '"amount" >= 0')
@Check('ck_credit_limit_validity', '"valid_to" IS NULL OR "valid_to" >= "valid_from"')
export class CreditLimit extends TenantEntity {
  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'numeric', precision: 20, scale: 3 })
  amount: string;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 10 })
  source: LimitSource;

  @Column({ type: 'date' })
  validFrom: string;

  @Column({ type: 'date', nullable: true })
  validTo: string | null;

  /** When the limit should be looked at again (reminders before it). */
  @Column({ type: 'date', nullable: true })
  reviewOn: string | null;

  @Column({ type: 'varchar', length: 12 })
  status: LimitStatus;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  comment: string | null;

  @Column({ type: 'uuid', nullable: true })
  requestedById: string | null;

  @Column({ type: 'uuid', nullable: true })
  decidedById: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  decisionComment: string | null;
}

/** The highest usage level a customer's exposure has crossed, so that each crossing alerts once. */
@Entity('credit_limit_usage')
@Index('uq_credit_limit_usage_customer', ['tenantId', 'customerId'], { unique: true })
export class CreditLimitUsage extends TenantEntity {
  @Column({ type: 'uuid' })
  customerId: string;

  /** Highest alert level (percent) at or under the current usage; 0 when under every level. */
  @Column({ type: 'int', default: 0 })
  level: number;

  /** Usage in percent of the limit at the last evaluation (2 decimals). */
  @Column({ type: 'numeric', precision: 9, scale: 2, nullable: true })
  usagePercent: string | null;

  @Column({ type: 'numeric', precision: 20, scale: 3, nullable: true })
  exposure: string | null;

  @Column({ type: 'timestamptz' })
  evaluatedAt: Date;
}
