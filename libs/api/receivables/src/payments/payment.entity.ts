import { TenantEntity } from '@encours/api-core';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Customer } from '../customers/customer.entity.js';

export const PAYMENT_METHODS = ['transfer', 'card', 'check', 'direct_debit', 'lcr', 'cash', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** Money received from a customer; `unallocated_amount` is what is not yet applied to invoices. */
@Entity('payment')
@Index('uq_payment_external_ref', ['tenantId', 'externalRef'], { unique: true })
@Index('ix_payment_customer', ['tenantId', 'customerId'])
@Check('ck_payment_amount', '"amount" > 0')
@Check('ck_payment_unallocated', '"unallocated_amount" >= 0 AND "unallocated_amount" <= "amount"')
export class Payment extends TenantEntity {
  @Column({ type: 'varchar', length: 100 })
  externalRef: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @ManyToOne(() => Customer, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'customer_id' })
  customer?: Relation<Customer>;

  @Column({ type: 'date' })
  date: string;

  @Column({ type: 'numeric', precision: 20, scale: 3 })
  amount: string;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ type: 'varchar', length: 16, default: 'transfer' })
  method: PaymentMethod;

  @Column({ type: 'varchar', length: 100, nullable: true })
  bankReference: string | null;

  @Column({ type: 'numeric', precision: 20, scale: 3 })
  unallocatedAmount: string;
}
