import { Column, Entity } from 'typeorm';
import { TenantEntity } from '../database/tenant.entity-base.js';

/** An integrator's endpoint and the events it wants; its secret signs every delivery. */
@Entity('webhook_subscription')
export class WebhookSubscription extends TenantEntity {
  @Column({ type: 'varchar', length: 2000 })
  url: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  eventTypes: string[];

  /** Kept in clear because the platform signs with it; never selected unless asked for, never returned by GET. */
  @Column({ type: 'varchar', length: 100, select: false })
  secret: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @Column({ type: 'uuid', nullable: true })
  createdBy: string | null;
}
