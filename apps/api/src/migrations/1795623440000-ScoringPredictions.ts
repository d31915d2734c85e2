import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payment predictions: what each prediction rests on (`basis`: customer, segment, global, due_date) and an index
 * by predicted date for the cash-planning list. Hand-written (other modules' entities were changing at the time).
 */
export class ScoringPredictions1795623440000 implements MigrationInterface {
  name = 'ScoringPredictions1795623440000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "invoice_prediction" ADD "basis" character varying(10) NOT NULL DEFAULT 'global'`);
    await q.query(`ALTER TABLE "invoice_prediction" ALTER COLUMN "basis" DROP DEFAULT`);
    await q.query(
      `ALTER TABLE "invoice_prediction" ADD CONSTRAINT "ck_invoice_prediction_basis" CHECK ("basis" IN ('customer', 'segment', 'global', 'due_date'))`,
    );
    await q.query(`CREATE INDEX "ix_invoice_prediction_date" ON "invoice_prediction"  ("tenant_id", "predicted_date") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."ix_invoice_prediction_date"`);
    await q.query(`ALTER TABLE "invoice_prediction" DROP CONSTRAINT "ck_invoice_prediction_basis"`);
    await q.query(`ALTER TABLE "invoice_prediction" DROP COLUMN "basis"`);
  }
}
