import { TenantEntity } from '@encours/api-core';
import { Check, Column, Entity, Index } from 'typeorm';

export const PENALTY_REGIMES = ['fr', 'eu', 'none'] as const;
export type PenaltyRegime = (typeof PENALTY_REGIMES)[number];

/**
 * A customer's dunning state and settings: the step reached in the current cycle, holds and
 * exclusion, an explicit scenario, its collector, its contractual penalty rate. A row exists only
 * for customers the run has touched or a user has configured.
 */
@Entity('customer_dunning')
@Index('uq_customer_dunning_customer', ['tenantId', 'customerId'], { unique: true })
@Check('ck_customer_dunning_level', '"level" >= 0')
export class CustomerDunning extends TenantEntity {
  @Column({ type: 'uuid' })
  customerId: string;

  /** Explicit scenario (overrides the assignment rules). */
  @Column({ type: 'uuid', nullable: true })
  scenarioId: string | null;

  /** Position of the last step done in the current cycle (0: none). */
  @Column({ type: 'int', default: 0 })
  level: number;

  @Column({ type: 'date', nullable: true })
  levelReachedOn: string | null;

  /** The scenario the level refers to (a change of scenario restarts the cycle). */
  @Column({ type: 'uuid', nullable: true })
  levelScenarioId: string | null;

  @Column({ type: 'date', nullable: true })
  holdUntil: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  holdReason: string | null;

  @Column({ type: 'boolean', default: false })
  excluded: boolean;

  @Column({ type: 'uuid', nullable: true })
  collectorId: string | null;

  @Column({ type: 'varchar', length: 4, nullable: true })
  penaltyRegime: PenaltyRegime | null;

  /** Contractual late-payment rate in percent (floored at 3x the legal interest rate). */
  @Column({ type: 'numeric', precision: 7, scale: 4, nullable: true })
  contractualPenaltyRate: string | null;

  /** Handed to legal collection: the run leaves it alone. */
  @Column({ type: 'boolean', default: false })
  inLegalCollection: boolean;
}
