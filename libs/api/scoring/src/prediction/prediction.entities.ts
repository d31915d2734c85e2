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

export const PREDICTION_BASES = ['customer', 'segment', 'global', 'due_date'] as const;

/** Predicted payment date and late probability of an open invoice. */
@Entity('invoice_prediction')
@Index('uq_invoice_prediction_item', ['tenantId', 'itemId'], { unique: true })
@Index('ix_invoice_prediction_customer', ['tenantId', 'customerId'])
@Index('ix_invoice_prediction_date', ['tenantId', 'predictedDate'])
@Check('ck_invoice_prediction_probability', '"late_probability" >= 0 AND "late_probability" <= 1')
@Check('ck_invoice_prediction_basis', `"basis" IN ('customer', 'segment', 'global', 'due_date')`)
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

  /**
   * What the prediction rests on: the customer's own settled invoices, its segment's, the whole tenant's, or only
   * the due date (no settled history at all).
   */
  @Column({ type: 'varchar', length: 10 })
  basis: (typeof PREDICTION_BASES)[number];

  @Column({ type: 'timestamptz' })
  computedAt: Date;
}
