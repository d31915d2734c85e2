import { TenantEntity } from '@encours/api-core';
import { Column, Entity, Index } from 'typeorm';

export const ALERT_TYPES = ['limit_threshold', 'limit_review', 'legal_event', 'grade_change', 'limit_approval'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

/**
 * An in-app notification of the risk module: a limit usage level crossed, a limit due for
 * review, a collective proceeding, a grade that fell, a limit waiting for approval.
 * `dedupeKey` makes raising idempotent (one alert per crossing, per review date...).
 */
@Entity('risk_alert')
@Index('uq_risk_alert_dedupe', ['tenantId', 'type', 'dedupeKey'], { unique: true })
@Index('ix_risk_alert_unread', ['tenantId', 'createdAt'], { where: `"read_at" IS NULL` })
@Index('ix_risk_alert_customer', ['tenantId', 'customerId'])
export class RiskAlert extends TenantEntity {
  @Column({ type: 'varchar', length: 20 })
  type: AlertType;

  @Column({ type: 'uuid', nullable: true })
  customerId: string | null;

  @Column({ type: 'varchar', length: 10, default: 'warning' })
  severity: 'info' | 'warning' | 'critical';

  /** English sentence for logs and webhooks; the web app renders its own from `data`. */
  @Column({ type: 'varchar', length: 500 })
  message: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  data: Record<string, unknown>;

  @Column({ type: 'varchar', length: 200 })
  dedupeKey: string;

  @Column({ type: 'timestamptz', nullable: true })
  readAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  readById: string | null;
}
