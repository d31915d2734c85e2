import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { TenantEntity } from '../database/tenant.entity-base.js';
import { WebhookSubscription } from './webhook-subscription.entity.js';

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The event envelope sent as the request body. */
export interface EventEnvelope {
  id: string;
  type: string;
  occurredAt: string;
  tenantId: string;
  data: Record<string, unknown>;
}

/**
 * The outbox and the delivery log in one: one row per event and subscription, written in the
 * publisher's transaction, then sent (and retried) by the dispatcher.
 */
@Entity('webhook_delivery')
@Index('ix_webhook_delivery_due', ['status', 'nextAttemptAt'])
@Index('ix_webhook_delivery_subscription_created', ['subscriptionId', 'createdAt'])
@Index('uq_webhook_delivery_dedupe', ['tenantId', 'subscriptionId', 'eventType', 'dedupeKey'], { unique: true })
export class WebhookDelivery extends TenantEntity {
  @Column({ type: 'uuid' })
  subscriptionId: string;

  @ManyToOne(() => WebhookSubscription, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'subscription_id' })
  subscription?: Relation<WebhookSubscription>;

  /** The event's id (the same for every subscription that receives it). */
  @Column({ type: 'uuid' })
  eventId: string;

  @Column({ type: 'varchar', length: 100 })
  eventType: string;

  @Column({ type: 'jsonb' })
  payload: EventEnvelope;

  /** When set, the same (subscription, event type, key) is enqueued once only. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  dedupeKey: string | null;

  @Column({ type: 'varchar', length: 10, default: 'pending' })
  status: DeliveryStatus;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  /** When the dispatcher should (re)try; null once succeeded or failed for good. */
  @Column({ type: 'timestamptz', nullable: true, default: () => 'now()' })
  nextAttemptAt: Date | null;

  /** Lease: a dispatcher is sending it until then; another may take it over afterwards. */
  @Column({ type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastAttemptAt: Date | null;

  @Column({ type: 'int', nullable: true })
  lastStatusCode: number | null;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;
}
