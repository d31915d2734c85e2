import { Column, Entity, Index } from 'typeorm';
import { TenantEntity } from '../database/tenant.entity-base.js';
import type { Role } from './roles.js';

/** A person who signs in. Emails are unique across tenants (login is by email alone). */
@Entity('app_user')
@Index('uq_app_user_email', ['email'], { unique: true })
export class User extends TenantEntity {
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 200, select: false })
  passwordHash: string;

  @Column({ type: 'varchar', length: 20 })
  role: Role;

  @Column({ type: 'varchar', length: 2, default: 'fr' })
  locale: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'boolean', default: false })
  mustChangePassword: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  passwordChangedAt: Date | null;
}
