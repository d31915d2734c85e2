import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reporting aggregates, kept up to date by statement-level triggers on receivable_item, whatever code path writes
 * (imports, allocations, snapshot closes, manual edits). They are not TypeORM entities: only the triggers write them.
 *
 * - receivable_open_balance: signed open amount (credit notes negative) of open items (open_amount <> 0, status not
 *   written_off) by (tenant, legal entity, currency, due date, issue date), with the disputed part and the item count.
 * - receivable_customer_balance: the same per (tenant, customer, currency), with `overdue_amount` = open amount of items
 *   due strictly before receivable_balance_state.overdue_as_of (moved forward once a day by receivable_refresh_overdue).
 * - receivable_monthly_sales: signed amounts of every item (invoices minus credit notes, whatever their status) by
 *   (tenant, legal entity, currency, month of issue).
 * The nil UUID stands for "no legal entity" in the keys.
 */
const NIL = `'00000000-0000-0000-0000-000000000000'::uuid`;

/** The SQL of one trigger function; `src` selects the changed rows with a `sg` column (+1 new, -1 old). */
function applyFunction(name: string, src: string): string {
  return `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  -- One writer of a tenant's aggregates at a time (until its transaction ends): imports update
  -- them in several statements per transaction, and two of them would otherwise lock the same
  -- aggregate rows in different orders and deadlock.
  PERFORM pg_advisory_xact_lock(hashtextextended('receivable_aggregates:' || k.tenant_id::text, 0))
     FROM (SELECT DISTINCT s.tenant_id FROM (${src}) s ORDER BY 1) k;
  INSERT INTO receivable_balance_state (tenant_id, overdue_as_of)
    SELECT DISTINCT s.tenant_id, (now() AT TIME ZONE 'Europe/Paris')::date FROM (${src}) s
    ON CONFLICT (tenant_id) DO NOTHING;
  -- Serialises with receivable_refresh_overdue (FOR UPDATE) so overdue_amount always matches overdue_as_of.
  PERFORM 1 FROM receivable_balance_state st WHERE st.tenant_id IN (SELECT s.tenant_id FROM (${src}) s) FOR SHARE;

  INSERT INTO receivable_open_balance AS b
      (tenant_id, legal_entity_key, currency, due_date, issue_date, open_amount, disputed_amount, item_count)
    SELECT s.tenant_id, coalesce(s.legal_entity_id, ${NIL}), s.currency, s.due_date, s.issue_date,
           sum(s.sg * s.signed_open), sum(CASE WHEN s.disputed THEN s.sg * s.signed_open ELSE 0 END), sum(s.sg)
      FROM (${src}) s WHERE s.is_open
     GROUP BY 1, 2, 3, 4, 5
    HAVING sum(s.sg * s.signed_open) <> 0 OR sum(CASE WHEN s.disputed THEN s.sg * s.signed_open ELSE 0 END) <> 0 OR sum(s.sg) <> 0
    ON CONFLICT (tenant_id, legal_entity_key, currency, due_date, issue_date) DO UPDATE
       SET open_amount = b.open_amount + EXCLUDED.open_amount,
           disputed_amount = b.disputed_amount + EXCLUDED.disputed_amount,
           item_count = b.item_count + EXCLUDED.item_count;
  DELETE FROM receivable_open_balance b
   USING (SELECT DISTINCT s.tenant_id, coalesce(s.legal_entity_id, ${NIL}) AS le, s.currency, s.due_date, s.issue_date
            FROM (${src}) s WHERE s.is_open) k
   WHERE b.tenant_id = k.tenant_id AND b.legal_entity_key = k.le AND b.currency = k.currency
     AND b.due_date = k.due_date AND b.issue_date = k.issue_date AND b.item_count = 0;

  INSERT INTO receivable_customer_balance AS b (tenant_id, customer_id, currency, open_amount, overdue_amount, item_count)
    SELECT s.tenant_id, s.customer_id, s.currency, sum(s.sg * s.signed_open),
           sum(CASE WHEN s.due_date < st.overdue_as_of THEN s.sg * s.signed_open ELSE 0 END), sum(s.sg)
      FROM (${src}) s JOIN receivable_balance_state st ON st.tenant_id = s.tenant_id
     WHERE s.is_open
     GROUP BY 1, 2, 3
    HAVING sum(s.sg * s.signed_open) <> 0 OR sum(CASE WHEN s.due_date < st.overdue_as_of THEN s.sg * s.signed_open ELSE 0 END) <> 0
        OR sum(s.sg) <> 0
    ON CONFLICT (tenant_id, customer_id, currency) DO UPDATE
       SET open_amount = b.open_amount + EXCLUDED.open_amount,
           overdue_amount = b.overdue_amount + EXCLUDED.overdue_amount,
           item_count = b.item_count + EXCLUDED.item_count;
  DELETE FROM receivable_customer_balance b
   USING (SELECT DISTINCT s.tenant_id, s.customer_id, s.currency FROM (${src}) s WHERE s.is_open) k
   WHERE b.tenant_id = k.tenant_id AND b.customer_id = k.customer_id AND b.currency = k.currency AND b.item_count = 0;

  INSERT INTO receivable_monthly_sales AS b (tenant_id, legal_entity_key, currency, month, sales, item_count)
    SELECT s.tenant_id, coalesce(s.legal_entity_id, ${NIL}), s.currency, date_trunc('month', s.issue_date)::date,
           sum(s.sg * s.signed_amount), sum(s.sg)
      FROM (${src}) s
     GROUP BY 1, 2, 3, 4
    HAVING sum(s.sg * s.signed_amount) <> 0 OR sum(s.sg) <> 0
    ON CONFLICT (tenant_id, legal_entity_key, currency, month) DO UPDATE
       SET sales = b.sales + EXCLUDED.sales, item_count = b.item_count + EXCLUDED.item_count;
  DELETE FROM receivable_monthly_sales b
   USING (SELECT DISTINCT s.tenant_id, coalesce(s.legal_entity_id, ${NIL}) AS le, s.currency,
                 date_trunc('month', s.issue_date)::date AS month FROM (${src}) s) k
   WHERE b.tenant_id = k.tenant_id AND b.legal_entity_key = k.le AND b.currency = k.currency AND b.month = k.month
     AND b.item_count = 0;
  RETURN NULL;
END
$fn$`;
}

/** Columns every source exposes, from a transition table `t` with sign `sg`. */
function rows(table: string, sg: number): string {
  return `SELECT ${sg} AS sg, t.tenant_id, t.customer_id, t.legal_entity_id, t.currency, t.due_date, t.issue_date, t.disputed,
      (t.open_amount <> 0 AND t.status <> 'written_off') AS is_open,
      CASE WHEN t.kind = 'credit_note' THEN -t.open_amount ELSE t.open_amount END AS signed_open,
      CASE WHEN t.kind = 'credit_note' THEN -t.amount ELSE t.amount END AS signed_amount
    FROM ${table} t`;
}

export class Reporting1795608567626 implements MigrationInterface {
  name = 'Reporting1795608567626';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE receivable_open_balance (
      tenant_id uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
      legal_entity_key uuid NOT NULL,
      currency char(3) NOT NULL,
      due_date date NOT NULL,
      issue_date date NOT NULL,
      open_amount numeric(24,3) NOT NULL DEFAULT 0,
      disputed_amount numeric(24,3) NOT NULL DEFAULT 0,
      item_count integer NOT NULL DEFAULT 0,
      PRIMARY KEY (tenant_id, legal_entity_key, currency, due_date, issue_date))`);
    await q.query(`CREATE TABLE receivable_customer_balance (
      tenant_id uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
      customer_id uuid NOT NULL,
      currency char(3) NOT NULL,
      open_amount numeric(24,3) NOT NULL DEFAULT 0,
      overdue_amount numeric(24,3) NOT NULL DEFAULT 0,
      item_count integer NOT NULL DEFAULT 0,
      PRIMARY KEY (tenant_id, customer_id, currency))`);
    await q.query(`CREATE INDEX ix_receivable_customer_balance_open ON receivable_customer_balance (tenant_id, open_amount DESC)`);
    await q.query(
      `CREATE INDEX ix_receivable_customer_balance_overdue ON receivable_customer_balance (tenant_id, overdue_amount DESC)`,
    );
    await q.query(`CREATE TABLE receivable_balance_state (
      tenant_id uuid PRIMARY KEY REFERENCES tenant(id) ON DELETE CASCADE,
      overdue_as_of date NOT NULL)`);
    await q.query(`CREATE TABLE receivable_monthly_sales (
      tenant_id uuid NOT NULL REFERENCES tenant(id) ON DELETE CASCADE,
      legal_entity_key uuid NOT NULL,
      currency char(3) NOT NULL,
      month date NOT NULL,
      sales numeric(24,3) NOT NULL DEFAULT 0,
      item_count integer NOT NULL DEFAULT 0,
      PRIMARY KEY (tenant_id, legal_entity_key, currency, month))`);

    await q.query(applyFunction('receivable_aggregates_on_insert', rows('new_rows', 1)));
    await q.query(applyFunction('receivable_aggregates_on_delete', rows('old_rows', -1)));
    await q.query(
      applyFunction('receivable_aggregates_on_update', `${rows('new_rows', 1)} UNION ALL ${rows('old_rows', -1)}`),
    );
    await q.query(`CREATE TRIGGER receivable_aggregates_insert AFTER INSERT ON receivable_item
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION receivable_aggregates_on_insert()`);
    await q.query(`CREATE TRIGGER receivable_aggregates_update AFTER UPDATE ON receivable_item
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION receivable_aggregates_on_update()`);
    await q.query(`CREATE TRIGGER receivable_aggregates_delete AFTER DELETE ON receivable_item
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION receivable_aggregates_on_delete()`);

    // Moves overdue_amount to a new date: adds (or removes) the open items due in [old date, new date).
    await q.query(`CREATE FUNCTION receivable_refresh_overdue(p_tenant uuid, p_as_of date) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  old_as_of date;
BEGIN
  -- One writer of a tenant's aggregates at a time (until its transaction ends): imports update
  -- them in several statements per transaction, and two of them would otherwise lock the same
  -- aggregate rows in different orders and deadlock.
  PERFORM pg_advisory_xact_lock(hashtextextended('receivable_aggregates:' || p_tenant::text, 0));
  INSERT INTO receivable_balance_state (tenant_id, overdue_as_of) VALUES (p_tenant, p_as_of) ON CONFLICT (tenant_id) DO NOTHING;
  SELECT overdue_as_of INTO old_as_of FROM receivable_balance_state WHERE tenant_id = p_tenant FOR UPDATE;
  IF old_as_of = p_as_of THEN RETURN; END IF;
  UPDATE receivable_customer_balance b
     SET overdue_amount = b.overdue_amount + d.delta
    FROM (SELECT i.customer_id, i.currency,
                 sum(CASE WHEN i.kind = 'credit_note' THEN -i.open_amount ELSE i.open_amount END)
                   * (CASE WHEN p_as_of > old_as_of THEN 1 ELSE -1 END) AS delta
            FROM receivable_item i
           WHERE i.tenant_id = p_tenant AND i.status IN ('open', 'partially_paid', 'paid') AND i.open_amount <> 0
             AND i.due_date >= least(old_as_of, p_as_of) AND i.due_date < greatest(old_as_of, p_as_of)
           GROUP BY 1, 2) d
   WHERE b.tenant_id = p_tenant AND b.customer_id = d.customer_id AND b.currency = d.currency;
  UPDATE receivable_balance_state SET overdue_as_of = p_as_of WHERE tenant_id = p_tenant;
END
$fn$`);

    // Backfill from the existing ledger.
    await q.query(`INSERT INTO receivable_balance_state (tenant_id, overdue_as_of)
      SELECT id, (now() AT TIME ZONE 'Europe/Paris')::date FROM tenant`);
    await q.query(`INSERT INTO receivable_open_balance
        (tenant_id, legal_entity_key, currency, due_date, issue_date, open_amount, disputed_amount, item_count)
      SELECT s.tenant_id, coalesce(s.legal_entity_id, ${NIL}), s.currency, s.due_date, s.issue_date, sum(s.signed_open),
             sum(CASE WHEN s.disputed THEN s.signed_open ELSE 0 END), count(*)
        FROM (${rows('receivable_item', 1)}) s WHERE s.is_open GROUP BY 1, 2, 3, 4, 5`);
    await q.query(`INSERT INTO receivable_customer_balance (tenant_id, customer_id, currency, open_amount, overdue_amount, item_count)
      SELECT s.tenant_id, s.customer_id, s.currency, sum(s.signed_open),
             sum(CASE WHEN s.due_date < st.overdue_as_of THEN s.signed_open ELSE 0 END), count(*)
        FROM (${rows('receivable_item', 1)}) s JOIN receivable_balance_state st ON st.tenant_id = s.tenant_id
       WHERE s.is_open GROUP BY 1, 2, 3`);
    await q.query(`INSERT INTO receivable_monthly_sales (tenant_id, legal_entity_key, currency, month, sales, item_count)
      SELECT s.tenant_id, coalesce(s.legal_entity_id, ${NIL}), s.currency, date_trunc('month', s.issue_date)::date,
             sum(s.signed_amount), count(*)
        FROM (${rows('receivable_item', 1)}) s GROUP BY 1, 2, 3, 4`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER receivable_aggregates_delete ON receivable_item`);
    await q.query(`DROP TRIGGER receivable_aggregates_update ON receivable_item`);
    await q.query(`DROP TRIGGER receivable_aggregates_insert ON receivable_item`);
    await q.query(`DROP FUNCTION receivable_refresh_overdue(uuid, date)`);
    await q.query(`DROP FUNCTION receivable_aggregates_on_update()`);
    await q.query(`DROP FUNCTION receivable_aggregates_on_delete()`);
    await q.query(`DROP FUNCTION receivable_aggregates_on_insert()`);
    await q.query(`DROP TABLE receivable_monthly_sales`);
    await q.query(`DROP TABLE receivable_balance_state`);
    await q.query(`DROP TABLE receivable_customer_balance`);
    await q.query(`DROP TABLE receivable_open_balance`);
  }
}
