import { TenantEntity } from '@encours/api-core';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne, OneToMany, type Relation } from 'typeorm';

export const STEP_ACTIONS = ['email', 'sms', 'letter', 'call', 'formal_notice', 'legal_escalation', 'account_block'] as const;
export type StepAction = (typeof STEP_ACTIONS)[number];
export const STEP_ACTORS = ['collector', 'salesperson'] as const;
export type StepActor = (typeof STEP_ACTORS)[number];
export const TEMPLATE_CHANNELS = ['email', 'sms', 'letter', 'formal_notice', 'call'] as const;
export type TemplateChannelKind = (typeof TEMPLATE_CHANNELS)[number];

/** Which customers a scenario applies to (all listed criteria must hold; an empty list means any). */
export interface ScenarioMatch {
  segments?: string[];
  businessUnitIds?: string[];
  riskGrades?: string[];
  countries?: string[];
}

/**
 * A dunning scenario: an ordered list of steps relative to the due date. A customer follows the
 * scenario assigned to it explicitly, else the first active scenario (by `priority`) whose
 * `match` it meets, else the tenant's default scenario.
 */
@Entity('dunning_scenario')
@Index('uq_dunning_scenario_name', ['tenantId', 'name'], { unique: true })
@Index('uq_dunning_scenario_default', ['tenantId'], { unique: true, where: '"is_default"' })
export class DunningScenario extends TenantEntity {
  @Column({ type: 'varchar', length: 120 })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'boolean', default: false })
  isDefault: boolean;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** Order in which assignment rules are tried (lowest first). */
  @Column({ type: 'int', default: 100 })
  priority: number;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  match: ScenarioMatch;

  @OneToMany(() => DunningStep, (s) => s.scenario)
  steps?: Relation<DunningStep>[];
}

/** One step of a scenario: on day `offsetDays` from the due date (negative: before it), do `action`. */
@Entity('dunning_step')
@Index('uq_dunning_step_position', ['scenarioId', 'position'], { unique: true })
@Check('ck_dunning_step_position', '"position" >= 1')
@Check('ck_dunning_step_min_amount', '"min_overdue_amount" >= 0')
export class DunningStep extends TenantEntity {
  @Column({ type: 'uuid' })
  scenarioId: string;

  @ManyToOne(() => DunningScenario, (s) => s.steps, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'scenario_id' })
  scenario?: Relation<DunningScenario>;

  /** 1, 2, 3... in the order of the offsets (strictly increasing). */
  @Column({ type: 'int' })
  position: number;

  @Column({ type: 'varchar', length: 120 })
  name: string;

  @Column({ type: 'int' })
  offsetDays: number;

  @Column({ type: 'varchar', length: 20 })
  action: StepAction;

  /** Template code (the customer's language picks the variant); null for calls without a script. */
  @Column({ type: 'varchar', length: 60, nullable: true })
  templateCode: string | null;

  /** The step runs only if the customer's overdue amount (in the tenant currency) reaches this. */
  @Column({ type: 'numeric', precision: 20, scale: 3, default: 0 })
  minOverdueAmount: string;

  @Column({ type: 'varchar', length: 12, default: 'collector' })
  actor: StepActor;

  /** Executed by the run on its own; otherwise a person validates it first (worklist). */
  @Column({ type: 'boolean', default: true })
  automatic: boolean;
}

/** A message template, per channel and language, editable by the tenant. */
@Entity('dunning_template')
@Index('uq_dunning_template_code', ['tenantId', 'code', 'language'], { unique: true })
export class DunningTemplate extends TenantEntity {
  @Column({ type: 'varchar', length: 60 })
  code: string;

  @Column({ type: 'varchar', length: 2 })
  language: 'fr' | 'en';

  @Column({ type: 'varchar', length: 16 })
  channel: TemplateChannelKind;

  @Column({ type: 'varchar', length: 160 })
  name: string;

  @Column({ type: 'varchar', length: 300, nullable: true })
  subject: string | null;

  @Column({ type: 'text' })
  body: string;

  /** Shipped with the product (may still be edited). */
  @Column({ type: 'boolean', default: false })
  shipped: boolean;
}
