import { Column, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Tenant } from '../tenancy/tenant.entity.js';
import { BaseEntity } from './base.entity.js';

/** Base of every tenant-owned table: `tenant_id` with a foreign key and an index. */
export abstract class TenantEntity extends BaseEntity {
  @Index()
  @Column({ type: 'uuid' })
  tenantId: string;

  @ManyToOne(() => Tenant, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({ name: 'tenant_id' })
  tenant?: Relation<Tenant>;
}
