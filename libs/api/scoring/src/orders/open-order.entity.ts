import { TenantEntity } from '@encours/api-core';
import { Check, Column, Entity, Index } from 'typeorm';

/** An order taken but not invoiced yet, pushed by the ERP: part of the exposure until it is closed. */
@Entity('open_order')
@Index('uq_open_order_external_ref', ['tenantId', 'externalRef'], { unique: true })
@Index('ix_open_order_customer', ['tenantId', 'customerId'], { where: `"closed_at" IS NULL` })
@Check('ck_open_order_amount', '"amount" >= 0')
export class OpenOrder extends TenantEntity {
  @Column({ type: 'varchar', length: 100 })
  externalRef: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'date' })
  orderDate: string;

  /** Amount not yet invoiced, incl. VAT. */
  @Column({ type: 'numeric', precision: 20, scale: 3 })
  amount: string;

  @Column({ type: 'char', length: 3 })
  currency: string;

  @Column({ type: 'date', nullable: true })
  expectedInvoiceDate: string | null;

  /** Set when the ERP says the order is fully invoiced or cancelled (or a snapshot no longer lists it). */
  @Column({ type: 'timestamptz', nullable: true })
  closedAt: Date | null;
}
