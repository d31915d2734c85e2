import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  CHANGED,
  inBucket,
  itemFunction,
  itemPairs,
  items,
  OVERDUE_BUCKETS,
  refreshFunction,
} from './1795623450000-KpiAggregates.js';

/**
 * The overdue part of receivable_customer_balance split into the default ageing buckets (1-30, 31-60, 61-90, 91-120 and
 * over 120 days past due at overdue_as_of; their sum is overdue_amount), kept by the same item triggers, and moved by
 * receivable_refresh_overdue when the day changes. The ageing of a page of customers with the default buckets then
 * reads one row per customer and currency instead of every open item of the page's customers.
 */
export class AgeingBuckets1795623470000 implements MigrationInterface {
  name = 'AgeingBuckets1795623470000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`LOCK TABLE receivable_item, allocation IN SHARE MODE`);
    await q.query(
      `ALTER TABLE receivable_customer_balance ${OVERDUE_BUCKETS.map((b) => `ADD COLUMN ${b.column} numeric(24,3) NOT NULL DEFAULT 0`).join(', ')}`,
    );
    await this.functions(q, true);
    await q.query(`SET LOCAL work_mem = '256MB'`);
    await q.query(`UPDATE receivable_customer_balance b SET ${OVERDUE_BUCKETS.map((x) => `${x.column} = d.${x.column}`).join(', ')}
      FROM (SELECT s.tenant_id, s.customer_id, s.currency${OVERDUE_BUCKETS.map(
        (x) => `, sum(CASE WHEN ${inBucket('st.overdue_as_of - s.due_date', x)} THEN s.signed_open ELSE 0 END) AS ${x.column}`,
      ).join('')}
              FROM (${items('receivable_item', 1)}) s JOIN receivable_balance_state st ON st.tenant_id = s.tenant_id
             WHERE s.is_open GROUP BY 1, 2, 3) d
     WHERE b.tenant_id = d.tenant_id AND b.customer_id = d.customer_id AND b.currency = d.currency`);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.functions(q, false);
    await q.query(`ALTER TABLE receivable_customer_balance ${OVERDUE_BUCKETS.map((b) => `DROP COLUMN ${b.column}`).join(', ')}`);
  }

  /** The item trigger functions and the refresh, with or without the buckets (as KpiAggregates1795623450000 wrote them). */
  private async functions(q: QueryRunner, buckets: boolean): Promise<void> {
    const both = `${items('new_rows', 1)} UNION ALL ${items('old_rows', -1)}`;
    await q.query(itemFunction('receivable_aggregates_on_insert', items('new_rows', 1), null, buckets));
    await q.query(itemFunction('receivable_aggregates_on_delete', items('old_rows', -1), null, buckets));
    await q.query(
      itemFunction(
        'receivable_aggregates_on_update',
        both,
        itemPairs(`SELECT * FROM (${both}) c WHERE c.id IN (${CHANGED})`),
        buckets,
      ),
    );
    await q.query(refreshFunction(true, buckets));
  }
}
