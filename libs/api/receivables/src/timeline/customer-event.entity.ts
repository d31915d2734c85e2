import { TenantEntity, User } from '@encours/api-core';
import { Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Customer } from '../customers/customer.entity.js';

/**
 * Something that happened with a customer and is kept on its timeline: a note, a call, and
 * what later modules record (`dunning.email_sent`, `promise.created`, ...). Facts of the
 * ledger (invoices, credit notes, payments) are not copied here: the timeline derives them
 * from their tables. Written only through TimelineService.
 */
@Entity('customer_event')
@Index('ix_customer_event_timeline', ['tenantId', 'customerId', 'occurredAt', 'id'])
@Index('uq_customer_event_dedupe', ['tenantId', 'type', 'dedupeKey'], { unique: true, where: '"dedupe_key" IS NOT NULL' })
export class CustomerEvent extends TenantEntity {
  @Column({ type: 'uuid' })
  customerId: string;

  @ManyToOne(() => Customer, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id' })
  customer?: Relation<Customer>;

  /** `note`, `call`, or `<module>.<what>` such as `dunning.email_sent`. */
  @Column({ type: 'varchar', length: 60 })
  type: string;

  @Column({ type: 'timestamptz' })
  occurredAt: Date;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'text', nullable: true })
  body: string | null;

  @Column({ type: 'numeric', precision: 20, scale: 3, nullable: true })
  amount: string | null;

  @Column({ type: 'char', length: 3, nullable: true })
  currency: string | null;

  /** Free details of the event (call outcome, template, promise date...). */
  @Column({ type: 'jsonb', nullable: true })
  data: Record<string, unknown> | null;

  /** The module that recorded it: `receivables`, `dunning`, `litigation`... */
  @Column({ type: 'varchar', length: 40 })
  source: string;

  @Column({ type: 'uuid', nullable: true })
  authorId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'author_id' })
  author?: Relation<User>;

  /** What the event is about, if anything: `invoice`, `contact`, `promise`, `dispute`... */
  @Column({ type: 'varchar', length: 40, nullable: true })
  relatedKind: string | null;

  @Column({ type: 'uuid', nullable: true })
  relatedId: string | null;

  /** Shown as is (an invoice number, a contact name), so no join to another module is needed. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  relatedLabel: string | null;

  /** When set, a second event with the same type and key is dropped (e.g. invoice.overdue per invoice). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  dedupeKey: string | null;
}
