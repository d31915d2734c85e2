import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A partial covering index of the open items by customer: the ageing of a page of customers and the exposure of a
 * customer (credit check, limits, scores) read the open items of some customers only, and with every column they
 * need in the index they are an index-only scan instead of one table page per item (a big account holds thousands).
 * Declared with `synchronize: false` on ReceivableItem (TypeORM cannot express INCLUDE and WHERE).
 */
export class OpenItemsByCustomer1795623460000 implements MigrationInterface {
  name = 'OpenItemsByCustomer1795623460000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "ix_receivable_item_customer_open" ON "receivable_item" ("tenant_id", "customer_id")
         INCLUDE ("kind", "currency", "due_date", "issue_date", "open_amount", "disputed")
         WHERE "open_amount" <> 0 AND "status" <> 'written_off'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."ix_receivable_item_customer_open"`);
  }
}
