import { TenantEntity } from '@encours/api-core';
import { Column, Entity, Index } from 'typeorm';

export const REFERENCE_RATE_KINDS = ['ecb_mro', 'fr_legal_pro'] as const;
export type ReferenceRateKind = (typeof REFERENCE_RATE_KINDS)[number];

/**
 * The tenant's editable copy of the reference rates used for late-payment penalties: the ECB
 * main refinancing rate changes (`ecb_mro`, by effective date) and the French legal interest
 * rate for professionals (`fr_legal_pro`, by half-year start date). Seeded from the shipped
 * history on first use.
 */
@Entity('reference_rate')
@Index('uq_reference_rate', ['tenantId', 'kind', 'effectiveDate'], { unique: true })
export class ReferenceRate extends TenantEntity {
  @Column({ type: 'varchar', length: 16 })
  kind: ReferenceRateKind;

  @Column({ type: 'date' })
  effectiveDate: string;

  /** Percent, e.g. 2.15. */
  @Column({ type: 'numeric', precision: 7, scale: 4 })
  rate: string;
}
