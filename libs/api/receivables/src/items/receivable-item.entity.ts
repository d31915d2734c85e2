import { LegalEntity, TenantEntity } from '@encours/api-core';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { Customer } from '../customers/customer.entity.js';

export const ITEM_KINDS = ['invoice', 'credit_note'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];
export const ITEM_STATUSES = ['open', 'partially_paid', 'paid', 'written_off'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export interface InvoiceLine {
  description?: string;
  quantity?: string | number;
  unitPrice?: string | number;
  amount?: string | number;
  [key: string]: unknown;
}

/**
 * An open item: an invoice or a credit note (one table, `kind`). Amounts are positive and
 * incl. VAT; `open_amount` is what remains to be paid (invoice) or to offset (credit note).
 * It only changes through allocations (AllocationService) and imports, never by hand.
 */
@Entity('receivable_item')
@Index('uq_receivable_item_external_ref', ['tenantId', 'kind', 'externalRef'], { unique: true })
@Index('ix_receivable_item_customer', ['tenantId', 'customerId'])
@Index('ix_receivable_item_status_due', ['tenantId', 'status', 'dueDate'])
// Partial covering index of the open items by customer (INCLUDE and WHERE: written by the OpenItemsByCustomer migration).
@Index('ix_receivable_item_customer_open', { synchronize: false })
@Check('ck_receivable_item_amount', '"amount" > 0')
@Check('ck_receivable_item_open_amount', '"open_amount" >= 0 AND "open_amount" <= "amount"')
@Check('ck_receivable_item_dates', '"due_date" >= "issue_date"')
export class ReceivableItem extends TenantEntity {
  @Column({ type: 'varchar', length: 12 })
  kind: ItemKind;

  @Column({ type: 'varchar', length: 100 })
  externalRef: string;

  @Column({ type: 'varchar', length: 60 })
  number: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @ManyToOne(() => Customer, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'customer_id' })
  customer?: Relation<Customer>;

  @Column({ type: 'uuid', nullable: true })
  legalEntityId: string | null;

  @ManyToOne(() => LegalEntity, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'legal_entity_id' })
  legalEntity?: Relation<LegalEntity>;

  @Column({ type: 'date' })
  issueDate: string;

  @Column({ type: 'date' })
  dueDate: string;

  @Column({ type: 'char', length: 3 })
  currency: string;

  /** Amount incl. VAT, as a decimal string (numeric(20,3) fits every ISO 4217 currency). */
  @Column({ type: 'numeric', precision: 20, scale: 3 })
  amount: string;

  @Column({ type: 'numeric', precision: 20, scale: 3, nullable: true })
  taxAmount: string | null;

  @Column({ type: 'numeric', precision: 20, scale: 3 })
  openAmount: string;

  @Column({ type: 'varchar', length: 60, nullable: true })
  poNumber: string | null;

  @Column({ type: 'jsonb', nullable: true })
  lines: InvoiceLine[] | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  pdfUrl: string | null;

  @Column({ type: 'varchar', length: 16, default: 'open' })
  status: ItemStatus;

  /** A flag until the litigation module owns disputes. */
  @Column({ type: 'boolean', default: false })
  disputed: boolean;

  /** Closed by a snapshot import: the ERP no longer lists it as open. */
  @Column({ type: 'boolean', default: false })
  settledOutside: boolean;

  @Column({ type: 'date', nullable: true })
  closedAt: string | null;
}
