import { TenantEntity } from '@encours/api-core';
import { Column, Entity, Index } from 'typeorm';

export const TASK_KINDS = [
  'call',
  'validation',
  'letter',
  'formal_notice',
  'legal_escalation',
  'account_block',
  'promise_broken',
  'plan_breached',
  'send_failed',
] as const;
export type TaskKind = (typeof TASK_KINDS)[number];
export const TASK_STATUSES = ['open', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const CALL_OUTCOMES = ['reached', 'promise', 'dispute', 'no_answer', 'wrong_contact', 'voicemail'] as const;
export type TaskCallOutcome = (typeof CALL_OUTCOMES)[number];

/** Something a person must do for a customer: a call, a validation, a letter to post... */
@Entity('dunning_task')
@Index('ix_dunning_task_open', ['tenantId', 'status', 'dueDate'])
@Index('ix_dunning_task_assignee', ['tenantId', 'assigneeId', 'status'])
@Index('ix_dunning_task_customer', ['tenantId', 'customerId'])
@Index('uq_dunning_task_action', ['tenantId', 'actionId', 'kind'], { unique: true, where: '"action_id" IS NOT NULL' })
export class DunningTask extends TenantEntity {
  @Column({ type: 'uuid' })
  customerId: string;

  /** The dunning action it comes from (validation, call step, letter...). */
  @Column({ type: 'uuid', nullable: true })
  actionId: string | null;

  @Column({ type: 'varchar', length: 20 })
  kind: TaskKind;

  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Column({ type: 'uuid', nullable: true })
  assigneeId: string | null;

  /** Shown from this day (postponing moves it). */
  @Column({ type: 'date' })
  dueDate: string;

  @Column({ type: 'varchar', length: 12, default: 'open' })
  status: TaskStatus;

  @Column({ type: 'varchar', length: 20, nullable: true })
  outcome: string | null;

  @Column({ type: 'text', nullable: true })
  comment: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ type: 'uuid', nullable: true })
  completedById: string | null;

  /** Related promise or plan (promise_broken, plan_breached). */
  @Column({ type: 'uuid', nullable: true })
  relatedId: string | null;
}
