import { Column, Entity, Index } from 'typeorm';
import { TenantEntity } from '../database/tenant.entity-base.js';

/**
 * A refresh token, stored as a SHA-256 hash. Each use rotates it (the old one is revoked and
 * points to its successor); presenting a revoked token revokes its whole family.
 */
@Entity('refresh_token')
@Index('ix_refresh_token_family', ['familyId'])
export class RefreshToken extends TenantEntity {
  @Index()
  @Column({ type: 'uuid' })
  userId: string;

  @Column({ type: 'uuid' })
  familyId: string;

  @Column({ type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ type: 'timestamptz' })
  expiresAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  replacedBy: string | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  userAgent: string | null;
}
