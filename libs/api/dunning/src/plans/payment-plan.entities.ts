import { TenantEntity } from '@encours/api-core';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, OneToMany, type Relation } from 'typeorm';

export const PLAN_STATUSES = ['active', 'breached', 'completed', 'cancelled'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
export const INSTALMENT_STATUSES = ['pending', 'paid', 'missed'] as const;
export type InstalmentStatus = (typeof INSTALMENT_STATUSES)[number];

/** A payment plan (échéancier): instalments covering chosen invoices, optionally penalties. */
@Entity('payment_plan')
@Index('ix_payment_plan_customer', ['tenantId', 'customerId', 'status'])
@Check('ck_payment_plan_total', '"total_amount" > 0')
export class PaymentPlan extends TenantEntity {
  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'uuid', array: true })
  invoiceIds: string[];

  @Column({ type: 'char', length: 3 })
  currency: string;

  /** Open amount of the invoices when the plan was agreed. */
  @Column({ type: 'numeric', precision: 20, scale: 3 })
  invoicesAmount: string;

  @Column({ type: 'numeric', precision: 20, scale: 3, default: 0 })
  penaltiesAmount: string;

  @Column({ type: 'numeric', precision: 20, scale: 3 })
  totalAmount: string;

  @Column({ type: 'numeric', precision: 20, scale: 3, default: 0 })
  paidAmount: string;

  @Column({ type: 'date' })
  agreedOn: string;

  @Column({ type: 'varchar', length: 12, default: 'active' })
  status: PlanStatus;

  @Column({ type: 'date', nullable: true })
  breachedOn: string | null;

  @Column({ type: 'date', nullable: true })
  completedOn: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdById: string | null;

  @OneToMany(() => PaymentPlanInstalment, (i) => i.plan)
  instalments?: Relation<PaymentPlanInstalment>[];
}

@Entity('payment_plan_instalment')
@Index('uq_payment_plan_instalment_seq', ['planId', 'seq'], { unique: true })
@Check('ck_payment_plan_instalment_amount', '"amount" > 0')
export class PaymentPlanInstalment extends TenantEntity {
  @Column({ type: 'uuid' })
  planId: string;

  @ManyToOne(() => PaymentPlan, (p) => p.instalments, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'plan_id' })
  plan?: Relation<PaymentPlan>;

  @Column({ type: 'int' })
  seq: number;

  @Column({ type: 'date' })
  dueDate: string;

  @Column({ type: 'numeric', precision: 20, scale: 3 })
  amount: string;

  @Column({ type: 'numeric', precision: 20, scale: 3, default: 0 })
  paidAmount: string;

  @Column({ type: 'varchar', length: 10, default: 'pending' })
  status: InstalmentStatus;
}
