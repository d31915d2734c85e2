import { TenantEntity } from '@encours/api-core';
import { Check, Column, Entity, Index } from 'typeorm';
import { SCORE_GRADES, type ScoreFactor, type ScoreGrade } from '@encours/domain';

export const GRADES = SCORE_GRADES;
export type Grade = ScoreGrade;
/** One factor of a score, as explained to the user (see `computeScore` in @encours/domain). */
export type { ScoreFactor };

/** The current score of a customer (one row per scored customer). */
@Entity('customer_score')
@Index('uq_customer_score_customer', ['tenantId', 'customerId'], { unique: true })
@Index('ix_customer_score_grade', ['tenantId', 'grade'])
@Check('ck_customer_score_score', '"score" BETWEEN 0 AND 100')
export class CustomerScore extends TenantEntity {
  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'int' })
  score: number;

  @Column({ type: 'char', length: 1 })
  grade: Grade;

  @Column({ type: 'jsonb' })
  factors: ScoreFactor[];

  /** Why the grade was forced regardless of the score (`legal_event`), else null. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  forcedBy: string | null;

  @Column({ type: 'timestamptz' })
  computedAt: Date;
}

/** A customer's score per day it changed (the grade history chart). */
@Entity('customer_score_history')
@Index('uq_customer_score_history_day', ['tenantId', 'customerId', 'day'], { unique: true })
@Check('ck_customer_score_history_score', '"score" BETWEEN 0 AND 100')
export class CustomerScoreHistory extends TenantEntity {
  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'date' })
  day: string;

  @Column({ type: 'int' })
  score: number;

  @Column({ type: 'char', length: 1 })
  grade: Grade;

  @Column({ type: 'jsonb' })
  factors: ScoreFactor[];

  @Column({ type: 'varchar', length: 40, nullable: true })
  forcedBy: string | null;
}
