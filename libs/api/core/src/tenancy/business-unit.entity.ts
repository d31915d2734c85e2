import { Column, Entity, Index } from 'typeorm';
import { TenantEntity } from '../database/tenant.entity-base.js';

/** A division, region or branch used to split portfolios and KPIs. */
@Entity('business_unit')
@Index('uq_business_unit_code', ['tenantId', 'code'], { unique: true })
export class BusinessUnit extends TenantEntity {
  @Column({ type: 'varchar', length: 40 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;
}
