import { TenantEntity } from '@encours/api-core';
import { Check, Column, Entity, Index } from 'typeorm';

export const DECISIONS = ['accept', 'review', 'block'] as const;
export type Decision = (typeof DECISIONS)[number];

/**
 * One reason of a decision as stored in the jsonb `reasons`, e.g. `{ code: 'over_limit', outcome: 'block',
 * message: '...', data: { currency: 'EUR', exposureAfter: '61500.00', ... } }` (the domain's CreditCheckReason).
 * `data` is absent on checks logged before the figures were kept.
 */
export interface CheckReason {
  code: string;
  outcome: 'review' | 'block';
  message: string;
  data?: Record<string, unknown>;
}

/** Every credit check asked by order entry, with its decision, and a release when a credit manager lets it through. */
@Entity('credit_check')
@Index('ix_credit_check_recent', ['tenantId', 'createdAt'])
@Index('ix_credit_check_customer', ['tenantId', 'customerId', 'createdAt'])
@Index('ix_credit_check_to_release', ['tenantId', 'createdAt'], { where: `"decision" <> 'accept' AND "released_at" IS NULL` })
@Check('ck_credit_check_amount', '"amount" >= 0')
export class CreditCheck extends TenantEntity {
  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  orderRef: string | null;

  @Column({ type: 'numeric', precision: 20, scale: 3 })
  amount: string;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 6 })
  decision: Decision;

  @Column({ type: 'jsonb' })
  reasons: CheckReason[];

  /** Exposure before the order, limit and what remains available, in `limitCurrency`. */
  @Column({ type: 'numeric', precision: 20, scale: 3 })
  exposure: string;

  @Column({ type: 'numeric', precision: 20, scale: 3, nullable: true })
  creditLimit: string | null;

  @Column({ type: 'numeric', precision: 20, scale: 3, nullable: true })
  available: string | null;

  @Column({ type: 'char', length: 3 })
  limitCurrency: string;

  /**
   * The order converted to `limitCurrency`, the exposure after it and what is left of the limit after it (negative:
   * over). Null on checks logged before they were kept.
   */
  @Column({ type: 'numeric', precision: 20, scale: 3, nullable: true })
  orderAmount: string | null;

  @Column({ type: 'numeric', precision: 20, scale: 3, nullable: true })
  exposureAfter: string | null;

  @Column({ type: 'numeric', precision: 20, scale: 3, nullable: true })
  availableAfter: string | null;

  @Column({ type: 'char', length: 1, nullable: true })
  grade: string | null;

  /** Risk score 0-100 when the check was made; null when not scored yet (or logged before it was kept). */
  @Column({ type: 'smallint', nullable: true })
  score: number | null;

  /** Who asked: a user or an API key (its id), as `user` or `api_key`. */
  @Column({ type: 'varchar', length: 8 })
  requestedByKind: 'user' | 'api_key';

  @Column({ type: 'uuid', nullable: true })
  requestedById: string | null;

  @Column({ type: 'uuid', nullable: true })
  releasedById: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  releasedAt: Date | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  releaseComment: string | null;
}
