import { Column, Entity } from 'typeorm';
import { BaseEntity } from '../database/base.entity.js';

/** An organisation using Encours. Everything else belongs to exactly one tenant. */
@Entity('tenant')
export class Tenant extends BaseEntity {
  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 2, default: 'fr' })
  defaultLocale: string;

  @Column({ type: 'char', length: 3, default: 'EUR' })
  defaultCurrency: string;

  @Column({ type: 'varchar', length: 64, default: 'Europe/Paris' })
  timezone: string;
}
