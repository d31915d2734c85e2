import { TenantEntity } from '@encours/api-core';
import { Check, Column, Entity, Index } from 'typeorm';

/** The payment-date model of a tenant, learnt from its settled invoices (one row per training). */
@Entity('prediction_model')
@Index('ix_prediction_model_trained', ['tenantId', 'trainedAt'])
export class PredictionModel extends TenantEntity {
  @Column({ type: 'timestamptz' })
  trainedAt: Date;

  /** Settled invoices learnt from. */
  @Column({ type: 'int' })
  trainingCount: number;

  /** Hyper-parameters and per-segment levels (JSON of the domain model). */
  @Column({ type: 'jsonb' })
  params: Record<string, unknown>;

  /** Hold-out figures: MAE in days, late/on-time accuracy, and the baselines'. */
  @Column({ type: 'jsonb' })
  metrics: Record<string, unknown>;
}

/** Predicted payment date and late probability of an open invoice. */
@Entity('invoice_prediction')
@Index('uq_invoice_prediction_item', ['tenantId', 'itemId'], { unique: true })
@Index('ix_invoice_prediction_customer', ['tenantId', 'customerId'])
@Check('ck_invoice_prediction_probability', '"late_probability" >= 0 AND "late_probability" <= 1')
export class InvoicePrediction extends TenantEntity {
  @Column({ type: 'uuid' })
  itemId: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'date' })
  predictedDate: string;

  /** Predicted days after the due date (negative: early). */
  @Column({ type: 'int' })
  predictedDaysLate: number;

  @Column({ type: 'numeric', precision: 5, scale: 4 })
  lateProbability: string;

  @Column({ type: 'uuid', nullable: true })
  modelId: string | null;

  @Column({ type: 'timestamptz' })
  computedAt: Date;
}
