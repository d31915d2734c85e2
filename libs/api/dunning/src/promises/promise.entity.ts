import { TenantEntity } from '@encours/api-core';
import { Check, Column, Entity, Index } from 'typeorm';

export const PROMISE_STATUSES = ['pending', 'kept', 'broken', 'cancelled'] as const;
export type PromiseStatus = (typeof PROMISE_STATUSES)[number];
export const PROMISE_CHANNELS = ['phone', 'email', 'letter', 'meeting', 'portal', 'other'] as const;
export type PromiseChannel = (typeof PROMISE_CHANNELS)[number];

/** A customer's promise to pay an amount by a date (for some invoices, or its account). */
@Entity('promise_to_pay')
@Index('ix_promise_customer', ['tenantId', 'customerId', 'status'])
@Index('ix_promise_pending', ['tenantId', 'status', 'promisedDate'])
@Check('ck_promise_amount', '"amount" > 0')
export class PromiseToPay extends TenantEntity {
  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'numeric', precision: 20, scale: 3 })
  amount: string;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ type: 'date' })
  promisedDate: string;

  /** Day the promise was made: payments from this day on count towards it. */
  @Column({ type: 'date' })
  promisedOn: string;

  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  invoiceIds: string[];

  @Column({ type: 'uuid', nullable: true })
  contactId: string | null;

  @Column({ type: 'varchar', length: 12 })
  channel: PromiseChannel;

  @Column({ type: 'varchar', length: 12, default: 'pending' })
  status: PromiseStatus;

  @Column({ type: 'numeric', precision: 20, scale: 3, default: 0 })
  paidAmount: string;

  @Column({ type: 'date', nullable: true })
  decidedOn: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdById: string | null;
}
