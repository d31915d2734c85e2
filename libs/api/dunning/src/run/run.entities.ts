import { TenantEntity } from '@encours/api-core';
import { Column, Entity, Index } from 'typeorm';
import type { StepAction } from '../scenarios/scenario.entities.js';

export const RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;
export const ACTION_STATUSES = [
  'pending_validation',
  'queued',
  'sending',
  'sent',
  'failed',
  'task',
  'done',
  'cancelled',
] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** One daily run of a tenant (dry runs are not stored). */
@Entity('dunning_run')
@Index('ix_dunning_run_date', ['tenantId', 'runDate'])
export class DunningRun extends TenantEntity {
  @Column({ type: 'date' })
  runDate: string;

  @Column({ type: 'varchar', length: 12 })
  trigger: 'schedule' | 'manual';

  @Column({ type: 'varchar', length: 12, default: 'running' })
  status: (typeof RUN_STATUSES)[number];

  @Column({ type: 'jsonb', default: () => "'{}'" })
  counts: Record<string, number>;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ type: 'uuid', nullable: true })
  startedById: string | null;
}

/** Totals of a reminder, per currency (decimal strings). */
export interface ActionTotal {
  currency: string;
  overdue: string;
  open: string;
}

/**
 * What the run decided for one customer on one day: one step of its scenario, grouping all its
 * overdue invoices (a statement). At most one per customer and day: replaying the run is a no-op.
 */
@Entity('dunning_action')
@Index('uq_dunning_action_day', ['tenantId', 'customerId', 'runDate'], { unique: true })
@Index('ix_dunning_action_status', ['tenantId', 'status', 'nextAttemptAt'])
@Index('ix_dunning_action_run', ['tenantId', 'runId'])
export class DunningAction extends TenantEntity {
  @Column({ type: 'uuid' })
  runId: string;

  @Column({ type: 'date' })
  runDate: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'uuid' })
  scenarioId: string;

  @Column({ type: 'uuid' })
  stepId: string;

  @Column({ type: 'int' })
  stepPosition: number;

  @Column({ type: 'varchar', length: 120 })
  stepName: string;

  @Column({ type: 'varchar', length: 20 })
  action: StepAction;

  @Column({ type: 'varchar', length: 60, nullable: true })
  templateCode: string | null;

  @Column({ type: 'boolean' })
  automatic: boolean;

  @Column({ type: 'varchar', length: 20 })
  status: ActionStatus;

  @Column({ type: 'uuid', array: true })
  invoiceIds: string[];

  @Column({ type: 'jsonb' })
  totals: ActionTotal[];

  /** Days late of the oldest invoice of the statement on the run date. */
  @Column({ type: 'int' })
  daysLate: number;

  @Column({ type: 'varchar', length: 500, nullable: true })
  recipient: string | null;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  messageId: string | null;

  @Column({ type: 'uuid', nullable: true })
  validatedById: string | null;
}
