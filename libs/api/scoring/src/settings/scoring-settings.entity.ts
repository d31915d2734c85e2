import { TenantEntity } from '@encours/api-core';
import { Check, Column, Entity, Index } from 'typeorm';

/** Weight of each behavioural factor in the score (any non-negative numbers; normalised over the factors present). */
export interface ScoreWeights {
  daysLate: number;
  lateTrend: number;
  lateShare: number;
  brokenPromises: number;
  disputes: number;
  overdueRatio: number;
  limitUsage: number;
  externalScore: number;
}

export const DEFAULT_SCORE_WEIGHTS: ScoreWeights = {
  daysLate: 25,
  lateTrend: 10,
  lateShare: 15,
  brokenPromises: 10,
  disputes: 5,
  overdueRatio: 15,
  limitUsage: 10,
  externalScore: 20,
};

/** What the credit check does when a rule fires: ignore it, ask for a review, or block the order. */
export type RuleOutcome = 'off' | 'review' | 'block';

/** Credit-check rules of a tenant (see CreditCheckService). */
export interface CreditCheckRules {
  /** The order would take exposure above the limit. */
  overLimit: RuleOutcome;
  /** The customer has no valid credit limit. */
  noLimit: RuleOutcome;
  /** Some invoice is more than `overdueDays` days past due... */
  overdueDays: number;
  overdueDaysOutcome: RuleOutcome;
  /** ...or the overdue amount (limit currency) exceeds `overdueAmount` (null: rule off). */
  overdueAmount: string | null;
  overdueAmountOutcome: RuleOutcome;
  /** The account is blocked by dunning. */
  accountBlocked: RuleOutcome;
  /** Grade E (and grade D when `gradeD` is not off). */
  gradeE: RuleOutcome;
  gradeD: RuleOutcome;
  /** A collective proceeding (safeguard, receivership, liquidation) is known. */
  legalEvent: RuleOutcome;
}

export const DEFAULT_CREDIT_CHECK_RULES: CreditCheckRules = {
  overLimit: 'block',
  noLimit: 'review',
  overdueDays: 60,
  overdueDaysOutcome: 'review',
  overdueAmount: null,
  overdueAmountOutcome: 'review',
  accountBlocked: 'block',
  gradeE: 'block',
  gradeD: 'review',
  legalEvent: 'block',
};

/** Scoring, limit and credit-check settings of a tenant (one row; defaults until a user saves them). */
@Entity('scoring_settings')
@Index('uq_scoring_settings_tenant', ['tenantId'], { unique: true })
@Check('ck_scoring_settings_review_days', '"review_reminder_days" >= 0')
export class ScoringSettings extends TenantEntity {
  @Column({ type: 'jsonb' })
  weights: ScoreWeights;

  /** Usage levels (percent of the limit) that raise an alert when exposure crosses them upwards. */
  @Column({ type: 'int', array: true, default: () => "'{50,80,100}'" })
  alertLevels: number[];

  /**
   * A limit increase larger than this (tenant currency, decimal string) waits for a credit
   * manager's approval; null: every increase requested by a non-credit-manager does.
   */
  @Column({ type: 'numeric', precision: 20, scale: 3, nullable: true })
  approvalThreshold: string | null;

  /** Limits whose review date (or end of validity) is this close raise a reminder. */
  @Column({ type: 'int', default: 30 })
  reviewReminderDays: number;

  @Column({ type: 'jsonb' })
  creditCheckRules: CreditCheckRules;
}
