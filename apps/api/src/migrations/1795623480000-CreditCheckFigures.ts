import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The figures of a credit check kept in its log row: the order in the limit currency, the exposure after the order,
 * what is left of the limit after it, and the score. Before this only the POST answer had them, so the log could not
 * show why an order in another currency went over the limit. Nullable: checks logged before carry none (they are not
 * recomputed, the exposure of that day is gone).
 */
export class CreditCheckFigures1795623480000 implements MigrationInterface {
  name = 'CreditCheckFigures1795623480000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "credit_check" ADD COLUMN "order_amount" numeric(20,3) NULL,
      ADD COLUMN "exposure_after" numeric(20,3) NULL, ADD COLUMN "available_after" numeric(20,3) NULL,
      ADD COLUMN "score" smallint NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "credit_check" DROP COLUMN "order_amount", DROP COLUMN "exposure_after",
      DROP COLUMN "available_after", DROP COLUMN "score"`);
  }
}
