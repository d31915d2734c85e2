import { TenantEntity } from '@encours/api-core';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { ReceivableItem } from '../items/receivable-item.entity.js';
import { Payment } from '../payments/payment.entity.js';

/**
 * Part of a payment or of a credit note applied to an invoice. Written only by
 * AllocationService, which moves the open amounts in the same transaction.
 */
@Entity('allocation')
@Index('uq_allocation_external_ref', ['tenantId', 'externalRef'], { unique: true, where: '"external_ref" IS NOT NULL' })
@Index('ix_allocation_invoice', ['tenantId', 'invoiceId'])
@Index('ix_allocation_payment', ['tenantId', 'paymentId'])
@Index('ix_allocation_credit_note', ['tenantId', 'creditNoteId'])
@Check('ck_allocation_amount', '"amount" > 0')
@Check('ck_allocation_source', '("payment_id" IS NULL) <> ("credit_note_id" IS NULL)')
export class Allocation extends TenantEntity {
  @Column({ type: 'uuid' })
  invoiceId: string;

  @ManyToOne(() => ReceivableItem, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'invoice_id' })
  invoice?: Relation<ReceivableItem>;

  @Column({ type: 'uuid', nullable: true })
  paymentId: string | null;

  @ManyToOne(() => Payment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'payment_id' })
  payment?: Relation<Payment>;

  @Column({ type: 'uuid', nullable: true })
  creditNoteId: string | null;

  @ManyToOne(() => ReceivableItem, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'credit_note_id' })
  creditNote?: Relation<ReceivableItem>;

  @Column({ type: 'numeric', precision: 20, scale: 3 })
  amount: string;

  /** Allocation date (payment date by default): rebuilds the ledger as of a past date. */
  @Column({ type: 'date' })
  date: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  externalRef: string | null;
}
