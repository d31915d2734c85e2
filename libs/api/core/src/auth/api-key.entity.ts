import { Column, Entity, Index } from 'typeorm';
import { TenantEntity } from '../database/tenant.entity-base.js';

/** An integrator's key: shown once, stored as a SHA-256 hash, found by its public prefix. */
@Entity('api_key')
@Index('uq_api_key_prefix', ['prefix'], { unique: true })
export class ApiKey extends TenantEntity {
  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  prefix: string;

  @Column({ type: 'varchar', length: 64, select: false })
  keyHash: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  scopes: string[];

  @Column({ type: 'date', nullable: true })
  expiresAt: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;
}
