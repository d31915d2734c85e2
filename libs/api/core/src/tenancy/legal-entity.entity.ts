import { Column, Entity, Index } from 'typeorm';
import { TenantEntity } from '../database/tenant.entity-base.js';

/** A company of the tenant's group that issues invoices (its own SIREN, VAT number, currency). */
@Entity('legal_entity')
@Index('uq_legal_entity_code', ['tenantId', 'code'], { unique: true })
export class LegalEntity extends TenantEntity {
  /** Short code used by the ERP (e.g. `FR01`). */
  @Column({ type: 'varchar', length: 40 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 9, nullable: true })
  siren: string | null;

  @Column({ type: 'varchar', length: 14, nullable: true })
  siret: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  vatNumber: string | null;

  @Column({ type: 'char', length: 2, default: 'FR' })
  country: string;

  @Column({ type: 'char', length: 3, default: 'EUR' })
  currency: string;

  @Column({ type: 'jsonb', nullable: true })
  address: PostalAddress | null;

  @Column({ type: 'boolean', default: true })
  active: boolean;
}

export interface PostalAddress {
  line1: string;
  line2?: string;
  postalCode: string;
  city: string;
  country: string;
}
