import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Monthly flows for the KPIs, kept up to date by statement-level triggers on receivable_item AND allocation, so that
 * the receivables and overdue amounts at any month end, and the sales per month, come from O(months) aggregate rows
 * instead of a scan of the ledger.
 *
 * The ledger as it stood at a date D (ReportingService, unchanged formula), for an item not written off and issued on
 * or before D: open now + allocations dated after D + (for an item closed by a snapshot after D) what the snapshot
 * closed. Written with [x <= D] steps, that is a sum of signed amounts each counted from an "effective" date on:
 *   item:       k·open at issue; if closed by a snapshot (settled_outside, closed_at): k·(amount - open) at issue and
 *               -k·(amount - open) at E = greatest(issue, closed_at)
 *   allocation: (s - k')·a at issue, -s·a at greatest(issue, allocation date), k'·a at E
 * (k = -1 for a credit note, s = -1 when the item is the allocation's credit note, k' = k when closed by a snapshot, else
 * 0). Overdue at D adds [due < D] = [due + 1 <= D]: the same amounts counted from greatest(effective date, due + 1).
 * So receivables at a month end M = the sum of the `receivables` of the flow rows of months <= M (same for overdue).
 *
 * - receivable_monthly_flow (was receivable_monthly_sales) by (tenant, legal entity, currency, month): sales and
 *   item_count by month of issue as before, plus receivables and overdue changes by effective month, and
 *   last_issue_date (the latest issue date seen in the row, never lowered: tells whether items were issued after a date).
 * - receivable_customer_flow by (tenant, customer, legal entity, currency, month): sales and receivables only (the
 *   KPIs of groups use no past overdue amount; an overdue event per open item would double the rows an import writes).
 * - receivable_customer_balance gains disputed_amount (open amount of disputed open items).
 * - receivable_refresh_overdue returns before taking the tenant's lock when the date is already the one asked.
 * A flow row whose values are all zero is the same as no row (triggers do not delete them).
 *
 * The flows of an (item, allocation) pair depend on both rows: the allocation triggers read the items as they are, the
 * item triggers read the allocations as they are. So a statement writes one of the two tables (the application's do; a
 * data-modifying CTE writing both would not be followed), and an item's allocations are deleted before the item
 * (receivable_item_release_allocations). The tenant's advisory lock orders the writers: each trigger statement sees
 * what the writers before it committed.
 * The nil UUID stands for "no legal entity" in the keys.
 */
const NIL = `'00000000-0000-0000-0000-000000000000'::uuid`;
/**
 * Memory of the trigger functions (restored when they return): a bulk load (one COPY of a million rows) groups its
 * transition table by customer and month in memory instead of on disk. Imports of a few thousand rows need far less.
 */
const WORK_MEM = `SET work_mem = '64MB'`;
const LOCK = `pg_advisory_xact_lock(hashtextextended('receivable_aggregates:' || k.tenant_id::text, 0))`;

/** Item columns the aggregates use, from `table` (a transition table or receivable_item) with sign `sg`. */
export function items(table: string, sg: number): string {
  return `SELECT ${sg} AS sg, t.id, t.tenant_id, t.customer_id, coalesce(t.legal_entity_id, ${NIL}) AS le, t.currency,
      t.due_date, t.issue_date, t.disputed,
      (t.open_amount <> 0 AND t.status <> 'written_off') AS is_open,
      t.status <> 'written_off' AS live,
      CASE WHEN t.kind = 'credit_note' THEN -1 ELSE 1 END AS k,
      CASE WHEN t.kind = 'credit_note' THEN -t.open_amount ELSE t.open_amount END AS signed_open,
      CASE WHEN t.kind = 'credit_note' THEN -t.amount ELSE t.amount END AS signed_amount,
      (t.settled_outside AND t.closed_at IS NOT NULL) AS so_closed,
      CASE WHEN t.settled_outside AND t.closed_at IS NOT NULL THEN greatest(t.issue_date, t.closed_at) ELSE t.issue_date END AS e_date
    FROM ${table} t`;
}

/** Columns of a flow event: the key, its effective date `at`, the amounts, and `issue` = issue date of a counted item. */
const EVENT = (key: string, at: string, sales: string, issued: string, recv: string, ovd: string, issue = 'NULL::date') =>
  `SELECT ${key}.tenant_id, ${key}.customer_id, ${key}.le, ${key}.currency, ${at} AS at, ${sales}::numeric AS sales, ${issued} AS issued,
          ${recv}::numeric AS receivables, ${ovd}::numeric AS overdue, ${issue} AS issue`;

/**
 * Flow events of items (see the header). One branch per kind of event (a lateral VALUES list per row is about thirty
 * times slower in a trigger): the issue (sales, count and what is open from then on), the due date of that amount, and
 * for an item closed by a snapshot the closing and its due date. `overdue`: with the overdue branches (the tenant's
 * flows; the customers' have no overdue part).
 */
function itemEvents(src: string, overdue: boolean): string {
  const x = `CASE WHEN NOT s.live THEN 0 WHEN s.so_closed THEN s.signed_amount ELSE s.signed_open END`;
  const closing = `s.live AND s.so_closed AND s.signed_open <> s.signed_amount`;
  const branches = [
    `${EVENT('s', 's.issue_date', 's.sg * s.signed_amount', 's.sg', `s.sg * ${x}`, '0', 'CASE WHEN s.sg = 1 THEN s.issue_date END')}
      FROM (${src}) s`,
    `${EVENT('s', 's.e_date', '0', '0', 's.sg * (s.signed_open - s.signed_amount)', '0')}
      FROM (${src}) s WHERE ${closing}`,
  ];
  if (overdue)
    branches.push(
      `${EVENT('s', 'greatest(s.issue_date, s.due_date + 1)', '0', '0', '0', `s.sg * ${x}`)}
      FROM (${src}) s WHERE ${x} <> 0`,
      `${EVENT('s', 'greatest(s.e_date, s.due_date + 1)', '0', '0', '0', 's.sg * (s.signed_open - s.signed_amount)')}
      FROM (${src}) s WHERE ${closing}`,
    );
  return branches.join('\n    UNION ALL\n    ');
}

/**
 * Flow events of (item, allocation) pairs. `pairs` has sg, the item's tenant_id, customer_id, le, currency, issue_date,
 * due_date, live, k, so_closed, e_date, and side (1: the item is the allocation's invoice, -1: its credit note), amount,
 * a_date (allocation date).
 */
function allocationEvents(pairs: string, overdue: boolean): string {
  const kso = `CASE WHEN p.so_closed THEN p.k ELSE 0 END`;
  const opening = `p.sg * (p.side - ${kso}) * p.amount`;
  const paid = `-p.sg * p.side * p.amount`;
  const closing = `p.sg * ${kso} * p.amount`;
  const branches = [
    `${EVENT('p', 'p.issue_date', '0', '0', opening, '0')} FROM p WHERE p.side <> ${kso}`,
    `${EVENT('p', 'greatest(p.issue_date, p.a_date)', '0', '0', paid, '0')} FROM p`,
    `${EVENT('p', 'p.e_date', '0', '0', closing, '0')} FROM p WHERE p.so_closed`,
  ];
  if (overdue)
    branches.push(
      `${EVENT('p', 'greatest(p.issue_date, p.due_date + 1)', '0', '0', '0', opening)} FROM p WHERE p.side <> ${kso}`,
      `${EVENT('p', 'greatest(p.issue_date, p.a_date, p.due_date + 1)', '0', '0', '0', paid)} FROM p`,
      `${EVENT('p', 'greatest(p.e_date, p.due_date + 1)', '0', '0', '0', closing)} FROM p WHERE p.so_closed`,
    );
  return `SELECT * FROM (WITH p AS (SELECT * FROM (${pairs}) x WHERE x.live)
      ${branches.join('\n      UNION ALL ')}) e`;
}

/** The events of the items of `src` and, when given, of the (item, allocation) `pairs`. */
function events(src: string | null, pairs: string | null, overdue: boolean): string {
  return [src && itemEvents(src, overdue), pairs && allocationEvents(pairs, overdue)].filter(Boolean).join(' UNION ALL ');
}

const PAIR_COLUMNS = `i.tenant_id, i.customer_id, i.le, i.currency, i.issue_date, i.due_date, i.live, i.k, i.so_closed, i.e_date`;

/** Pairs of the allocations of `table` (sign `sg`) with their items as they are now. */
function allocationPairs(table: string, sg: number): string {
  return `SELECT ${sg} AS sg, ${PAIR_COLUMNS}, x.side, a.amount, a.date AS a_date
      FROM ${table} a
      CROSS JOIN LATERAL (VALUES (a.invoice_id, 1), (a.credit_note_id, -1)) x(item_id, side)
      JOIN (${items('receivable_item', 1)}) i ON i.id = x.item_id AND i.tenant_id = a.tenant_id`;
}

/** Pairs of the items of `src` (item rows with their sign) with the allocations as they are now. */
export function itemPairs(src: string): string {
  return `SELECT i.sg, ${PAIR_COLUMNS}, 1 AS side, a.amount, a.date AS a_date
      FROM (${src}) i JOIN allocation a ON a.tenant_id = i.tenant_id AND a.invoice_id = i.id
    UNION ALL
    SELECT i.sg, ${PAIR_COLUMNS}, -1, a.amount, a.date
      FROM (${src}) i JOIN allocation a ON a.tenant_id = i.tenant_id AND a.credit_note_id = i.id`;
}

/**
 * Adds the events of the items of `src` and of the `pairs` to both flow tables: two statements, the customers' without
 * the overdue events (half of them).
 */
function applyFlows(src: string | null, pairs: string | null): string {
  return `INSERT INTO receivable_monthly_flow AS b
      (tenant_id, legal_entity_key, currency, month, sales, item_count, receivables, overdue, last_issue_date)
    SELECT e.tenant_id, e.le, e.currency, date_trunc('month', e.at)::date, sum(e.sales), sum(e.issued),
           sum(e.receivables), sum(e.overdue), max(e.issue)
      FROM (${events(src, pairs, true)}) e
     GROUP BY 1, 2, 3, 4
    HAVING sum(e.sales) <> 0 OR sum(e.issued) <> 0 OR sum(e.receivables) <> 0 OR sum(e.overdue) <> 0 OR max(e.issue) IS NOT NULL
    ON CONFLICT (tenant_id, legal_entity_key, currency, month) DO UPDATE
       SET sales = b.sales + EXCLUDED.sales, item_count = b.item_count + EXCLUDED.item_count,
           receivables = b.receivables + EXCLUDED.receivables, overdue = b.overdue + EXCLUDED.overdue,
           last_issue_date = greatest(b.last_issue_date, EXCLUDED.last_issue_date);
  INSERT INTO receivable_customer_flow AS b (tenant_id, customer_id, legal_entity_key, currency, month, sales, receivables)
    SELECT e.tenant_id, e.customer_id, e.le, e.currency, date_trunc('month', e.at)::date, sum(e.sales), sum(e.receivables)
      FROM (${events(src, pairs, false)}) e
     GROUP BY 1, 2, 3, 4, 5
    HAVING sum(e.sales) <> 0 OR sum(e.receivables) <> 0
    ON CONFLICT (tenant_id, customer_id, legal_entity_key, currency, month) DO UPDATE
       SET sales = b.sales + EXCLUDED.sales, receivables = b.receivables + EXCLUDED.receivables`;
}

/**
 * One trigger function on receivable_item. `src` = the changed rows (items() of the transition tables); `pairs` = the
 * (item, allocation) pairs whose flows move (updates only: the items whose dates, status, customer... changed).
 */
/**
 * The overdue ageing buckets of receivable_customer_balance (AgeingBuckets1795623470000): column and the days past due
 * at overdue_as_of it holds. `buckets` false: the functions as this migration wrote them.
 */
export const OVERDUE_BUCKETS: { column: string; from: number; to: number | null }[] = [
  { column: 'overdue_1_30', from: 1, to: 30 },
  { column: 'overdue_31_60', from: 31, to: 60 },
  { column: 'overdue_61_90', from: 61, to: 90 },
  { column: 'overdue_91_120', from: 91, to: 120 },
  { column: 'overdue_over_120', from: 121, to: null },
];
/** Whether `days` (an integer expression) falls in a bucket. */
export const inBucket = (days: string, b: (typeof OVERDUE_BUCKETS)[number]) =>
  b.to === null ? `${days} >= ${b.from}` : `${days} BETWEEN ${b.from} AND ${b.to}`;

export function itemFunction(name: string, src: string, pairs: string | null, buckets = false): string {
  const bucketSums = (days: string) =>
    OVERDUE_BUCKETS.map((b) => `sum(CASE WHEN ${inBucket(days, b)} THEN s.sg * s.signed_open ELSE 0 END)`);
  const cols = buckets ? OVERDUE_BUCKETS.map((b) => `, ${b.column}`).join('') : '';
  const sums = buckets ? bucketSums('st.overdue_as_of - s.due_date').map((x) => `, ${x}`).join('') : '';
  const nonZero = buckets ? bucketSums('st.overdue_as_of - s.due_date').map((x) => ` OR ${x} <> 0`).join('') : '';
  const sets = buckets ? OVERDUE_BUCKETS.map((b) => `,
           ${b.column} = b.${b.column} + EXCLUDED.${b.column}`).join('') : '';
  return `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql ${WORK_MEM} AS $fn$
BEGIN
  -- One writer of a tenant's aggregates at a time (until its transaction ends): imports update
  -- them in several statements per transaction, and two of them would otherwise lock the same
  -- aggregate rows in different orders and deadlock. It also orders these triggers with the allocation
  -- ones: each statement below sees what the writers before it committed.
  PERFORM ${LOCK} FROM (SELECT DISTINCT s.tenant_id FROM (${src}) s ORDER BY 1) k;
  INSERT INTO receivable_balance_state (tenant_id, overdue_as_of)
    SELECT DISTINCT s.tenant_id, (now() AT TIME ZONE 'Europe/Paris')::date FROM (${src}) s
    ON CONFLICT (tenant_id) DO NOTHING;
  -- Serialises with receivable_refresh_overdue (FOR UPDATE) so overdue_amount always matches overdue_as_of.
  PERFORM 1 FROM receivable_balance_state st WHERE st.tenant_id IN (SELECT s.tenant_id FROM (${src}) s) FOR SHARE;

  INSERT INTO receivable_open_balance AS b
      (tenant_id, legal_entity_key, currency, due_date, issue_date, open_amount, disputed_amount, item_count)
    SELECT s.tenant_id, s.le, s.currency, s.due_date, s.issue_date,
           sum(s.sg * s.signed_open), sum(CASE WHEN s.disputed THEN s.sg * s.signed_open ELSE 0 END), sum(s.sg)
      FROM (${src}) s WHERE s.is_open
     GROUP BY 1, 2, 3, 4, 5
    HAVING sum(s.sg * s.signed_open) <> 0 OR sum(CASE WHEN s.disputed THEN s.sg * s.signed_open ELSE 0 END) <> 0 OR sum(s.sg) <> 0
    ON CONFLICT (tenant_id, legal_entity_key, currency, due_date, issue_date) DO UPDATE
       SET open_amount = b.open_amount + EXCLUDED.open_amount,
           disputed_amount = b.disputed_amount + EXCLUDED.disputed_amount,
           item_count = b.item_count + EXCLUDED.item_count;
  DELETE FROM receivable_open_balance b
   USING (SELECT DISTINCT s.tenant_id, s.le, s.currency, s.due_date, s.issue_date FROM (${src}) s WHERE s.is_open) k
   WHERE b.tenant_id = k.tenant_id AND b.legal_entity_key = k.le AND b.currency = k.currency
     AND b.due_date = k.due_date AND b.issue_date = k.issue_date AND b.item_count = 0;

  INSERT INTO receivable_customer_balance AS b
      (tenant_id, customer_id, currency, open_amount, overdue_amount, disputed_amount, item_count${cols})
    SELECT s.tenant_id, s.customer_id, s.currency, sum(s.sg * s.signed_open),
           sum(CASE WHEN s.due_date < st.overdue_as_of THEN s.sg * s.signed_open ELSE 0 END),
           sum(CASE WHEN s.disputed THEN s.sg * s.signed_open ELSE 0 END), sum(s.sg)${sums}
      FROM (${src}) s JOIN receivable_balance_state st ON st.tenant_id = s.tenant_id
     WHERE s.is_open
     GROUP BY 1, 2, 3
    HAVING sum(s.sg * s.signed_open) <> 0 OR sum(CASE WHEN s.due_date < st.overdue_as_of THEN s.sg * s.signed_open ELSE 0 END) <> 0
        OR sum(CASE WHEN s.disputed THEN s.sg * s.signed_open ELSE 0 END) <> 0 OR sum(s.sg) <> 0${nonZero}
    ON CONFLICT (tenant_id, customer_id, currency) DO UPDATE
       SET open_amount = b.open_amount + EXCLUDED.open_amount,
           overdue_amount = b.overdue_amount + EXCLUDED.overdue_amount,
           disputed_amount = b.disputed_amount + EXCLUDED.disputed_amount,
           item_count = b.item_count + EXCLUDED.item_count${sets};
  DELETE FROM receivable_customer_balance b
   USING (SELECT DISTINCT s.tenant_id, s.customer_id, s.currency FROM (${src}) s WHERE s.is_open) k
   WHERE b.tenant_id = k.tenant_id AND b.customer_id = k.customer_id AND b.currency = k.currency AND b.item_count = 0;

  ${applyFlows(src, pairs)};
  RETURN NULL;
END
$fn$`;
}

/** Trigger function on allocation: moves the flows of the pairs of the changed allocations. */
function allocationFunction(name: string, src: { table: string; sg: number }[]): string {
  const ids = src.map((s) => `SELECT x.id FROM ${s.table} a CROSS JOIN LATERAL (VALUES (a.invoice_id), (a.credit_note_id)) x(id)`);
  const tenants = src.map((s) => `SELECT tenant_id FROM ${s.table}`);
  const pairs = src.map((s) => allocationPairs(s.table, s.sg)).join(' UNION ALL ');
  return `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql ${WORK_MEM} AS $fn$
BEGIN
  -- The items first, then the tenant's lock, in the order the item triggers take them (an import locks its items,
  -- then its trigger takes the lock): a payment applied while an import rewrites the same invoice waits instead of
  -- deadlocking. The item rows read below are then the committed ones.
  PERFORM 1 FROM receivable_item i WHERE i.id IN (${ids.join(' UNION ')}) ORDER BY i.id FOR NO KEY UPDATE;
  PERFORM ${LOCK} FROM (SELECT DISTINCT tenant_id FROM (${tenants.join(' UNION ALL ')}) s ORDER BY 1) k;
  ${applyFlows(null, pairs)};
  RETURN NULL;
END
$fn$`;
}

/** Rows of an update whose flows with their allocations move (dates, status, snapshot close, customer, currency...). */
export const CHANGED = `SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
   WHERE (n.tenant_id, n.customer_id, n.legal_entity_id, n.currency, n.kind, n.issue_date, n.due_date, n.status = 'written_off',
          n.settled_outside AND n.closed_at IS NOT NULL, CASE WHEN n.settled_outside THEN n.closed_at END)
         IS DISTINCT FROM
         (o.tenant_id, o.customer_id, o.legal_entity_id, o.currency, o.kind, o.issue_date, o.due_date, o.status = 'written_off',
          o.settled_outside AND o.closed_at IS NOT NULL, CASE WHEN o.settled_outside THEN o.closed_at END)`;

/**
 * receivable_refresh_overdue (Reporting1795608567626) moves overdue_amount to a new date. `fastPath`: when the date is
 * already the one asked (every read of the day but the first), it returns before taking the tenant's lock, so that
 * readers do not queue behind an import holding it.
 */
export function refreshFunction(fastPath: boolean, buckets = false): string {
  // With the buckets: the items whose bucket or overdue side may differ between the two dates (due before the later
  // one, and not more than 120 days past due at the earlier one), each bucket moved by its amount at the new date less
  // its amount at the old one.
  const move = buckets
    ? `
  UPDATE receivable_customer_balance b
     SET overdue_amount = b.overdue_amount + d.overdue${OVERDUE_BUCKETS.map((x) => `, ${x.column} = b.${x.column} + d.${x.column}`).join('')}
    FROM (SELECT i.customer_id, i.currency,
                 sum(CASE WHEN i.due_date < p_as_of THEN s.v ELSE 0 END) - sum(CASE WHEN i.due_date < old_as_of THEN s.v ELSE 0 END) AS overdue${OVERDUE_BUCKETS.map(
                   (x) =>
                     `,
                 sum(CASE WHEN ${inBucket('p_as_of - i.due_date', x)} THEN s.v ELSE 0 END) - sum(CASE WHEN ${inBucket('old_as_of - i.due_date', x)} THEN s.v ELSE 0 END) AS ${x.column}`,
                 ).join('')}
            FROM receivable_item i
            CROSS JOIN LATERAL (SELECT CASE WHEN i.kind = 'credit_note' THEN -i.open_amount ELSE i.open_amount END AS v) s
           WHERE i.tenant_id = p_tenant AND i.status <> 'written_off' AND i.open_amount <> 0
             AND i.due_date > least(old_as_of, p_as_of) - ${OVERDUE_BUCKETS.at(-1)!.from} AND i.due_date < greatest(old_as_of, p_as_of)
           GROUP BY 1, 2) d
   WHERE b.tenant_id = p_tenant AND b.customer_id = d.customer_id AND b.currency = d.currency;`
    : `
  UPDATE receivable_customer_balance b
     SET overdue_amount = b.overdue_amount + d.delta
    FROM (SELECT i.customer_id, i.currency,
                 sum(CASE WHEN i.kind = 'credit_note' THEN -i.open_amount ELSE i.open_amount END)
                   * (CASE WHEN p_as_of > old_as_of THEN 1 ELSE -1 END) AS delta
            FROM receivable_item i
           WHERE i.tenant_id = p_tenant AND i.status IN ('open', 'partially_paid', 'paid') AND i.open_amount <> 0
             AND i.due_date >= least(old_as_of, p_as_of) AND i.due_date < greatest(old_as_of, p_as_of)
           GROUP BY 1, 2) d
   WHERE b.tenant_id = p_tenant AND b.customer_id = d.customer_id AND b.currency = d.currency;`;
  return `CREATE OR REPLACE FUNCTION receivable_refresh_overdue(p_tenant uuid, p_as_of date) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  old_as_of date;
BEGIN${
    fastPath
      ? `
  IF EXISTS (SELECT 1 FROM receivable_balance_state WHERE tenant_id = p_tenant AND overdue_as_of = p_as_of) THEN RETURN; END IF;`
      : ''
  }
  -- One writer of a tenant's aggregates at a time (until its transaction ends): imports update
  -- them in several statements per transaction, and two of them would otherwise lock the same
  -- aggregate rows in different orders and deadlock.
  PERFORM pg_advisory_xact_lock(hashtextextended('receivable_aggregates:' || p_tenant::text, 0));
  INSERT INTO receivable_balance_state (tenant_id, overdue_as_of) VALUES (p_tenant, p_as_of) ON CONFLICT (tenant_id) DO NOTHING;
  SELECT overdue_as_of INTO old_as_of FROM receivable_balance_state WHERE tenant_id = p_tenant FOR UPDATE;
  IF old_as_of = p_as_of THEN RETURN; END IF;${move}
  UPDATE receivable_balance_state SET overdue_as_of = p_as_of WHERE tenant_id = p_tenant;
END
$fn$`;
}

export class KpiAggregates1795623450000 implements MigrationInterface {
  name = 'KpiAggregates1795623450000';

  async up(q: QueryRunner): Promise<void> {
    // No write to the ledger while the aggregates are rebuilt.
    await q.query(`LOCK TABLE receivable_item, allocation IN SHARE MODE`);
    await q.query(`ALTER TABLE receivable_monthly_sales RENAME TO receivable_monthly_flow`);
    await q.query(`ALTER TABLE receivable_monthly_flow RENAME CONSTRAINT receivable_monthly_sales_pkey TO receivable_monthly_flow_pkey`);
    await q.query(
      `ALTER TABLE receivable_monthly_flow RENAME CONSTRAINT receivable_monthly_sales_tenant_id_fkey TO receivable_monthly_flow_tenant_id_fkey`,
    );
    await q.query(`ALTER TABLE receivable_monthly_flow
      ADD COLUMN receivables numeric(24,3) NOT NULL DEFAULT 0,
      ADD COLUMN overdue numeric(24,3) NOT NULL DEFAULT 0,
      ADD COLUMN last_issue_date date`);
    // No foreign key to tenant (unlike the other aggregates): new rows are frequent here, and the check of each one
    // would cost the imports; tenants are never deleted. Free space in each page: an update of a row (every import
    // updates thousands) can stay on its page without a new index entry.
    await q.query(`CREATE TABLE receivable_customer_flow (
      tenant_id uuid NOT NULL,
      customer_id uuid NOT NULL,
      legal_entity_key uuid NOT NULL,
      currency char(3) NOT NULL,
      month date NOT NULL,
      sales numeric(24,3) NOT NULL DEFAULT 0,
      receivables numeric(24,3) NOT NULL DEFAULT 0,
      PRIMARY KEY (tenant_id, customer_id, legal_entity_key, currency, month))
      WITH (fillfactor = 80)`);
    await q.query(`ALTER TABLE receivable_customer_balance ADD COLUMN disputed_amount numeric(24,3) NOT NULL DEFAULT 0`);

    const both = `${items('new_rows', 1)} UNION ALL ${items('old_rows', -1)}`;
    await q.query(itemFunction('receivable_aggregates_on_insert', items('new_rows', 1), null));
    await q.query(itemFunction('receivable_aggregates_on_delete', items('old_rows', -1), null));
    await q.query(
      itemFunction('receivable_aggregates_on_update', both, itemPairs(`SELECT * FROM (${both}) c WHERE c.id IN (${CHANGED})`)),
    );
    // An item's allocations go before the item (the foreign key would cascade after the item's row is gone, when the
    // allocation trigger can no longer find the item whose flows it must take back).
    await q.query(`CREATE FUNCTION receivable_item_release_allocations() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM allocation WHERE tenant_id = OLD.tenant_id AND (invoice_id = OLD.id OR credit_note_id = OLD.id);
  RETURN OLD;
END
$fn$`);
    await q.query(`CREATE TRIGGER receivable_item_release_allocations BEFORE DELETE ON receivable_item
      FOR EACH ROW EXECUTE FUNCTION receivable_item_release_allocations()`);

    await q.query(allocationFunction('receivable_allocation_flows_on_insert', [{ table: 'new_rows', sg: 1 }]));
    await q.query(
      allocationFunction('receivable_allocation_flows_on_update', [
        { table: 'new_rows', sg: 1 },
        { table: 'old_rows', sg: -1 },
      ]),
    );
    await q.query(allocationFunction('receivable_allocation_flows_on_delete', [{ table: 'old_rows', sg: -1 }]));
    await q.query(`CREATE TRIGGER receivable_allocation_flows_insert AFTER INSERT ON allocation
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION receivable_allocation_flows_on_insert()`);
    await q.query(`CREATE TRIGGER receivable_allocation_flows_update AFTER UPDATE ON allocation
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION receivable_allocation_flows_on_update()`);
    await q.query(`CREATE TRIGGER receivable_allocation_flows_delete AFTER DELETE ON allocation
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION receivable_allocation_flows_on_delete()`);

    await q.query(refreshFunction(true));

    // Backfill from the existing ledger (the sales part of the flows is rebuilt too: same values). One pass over the
    // items and allocations, grouped twice: memory rather than sorts on disk for a large ledger.
    await q.query(`SET LOCAL work_mem = '256MB'`);
    await q.query(`UPDATE receivable_customer_balance b SET disputed_amount = d.amount
      FROM (SELECT s.tenant_id, s.customer_id, s.currency, sum(s.signed_open) AS amount
              FROM (${items('receivable_item', 1)}) s WHERE s.is_open AND s.disputed GROUP BY 1, 2, 3) d
     WHERE b.tenant_id = d.tenant_id AND b.customer_id = d.customer_id AND b.currency = d.currency`);
    await q.query(`DELETE FROM receivable_monthly_flow`);
    for (const statement of applyFlows(items('receivable_item', 1), allocationPairs('allocation', 1)).split(';\n')) await q.query(statement);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER receivable_allocation_flows_delete ON allocation`);
    await q.query(`DROP TRIGGER receivable_allocation_flows_update ON allocation`);
    await q.query(`DROP TRIGGER receivable_allocation_flows_insert ON allocation`);
    await q.query(`DROP FUNCTION receivable_allocation_flows_on_delete()`);
    await q.query(`DROP FUNCTION receivable_allocation_flows_on_update()`);
    await q.query(`DROP FUNCTION receivable_allocation_flows_on_insert()`);
    await q.query(`DROP TRIGGER receivable_item_release_allocations ON receivable_item`);
    await q.query(`DROP FUNCTION receivable_item_release_allocations()`);
    await q.query(`DROP TABLE receivable_customer_flow`);
    await q.query(`ALTER TABLE receivable_customer_balance DROP COLUMN disputed_amount`);
    await q.query(`DELETE FROM receivable_monthly_flow WHERE item_count = 0`);
    await q.query(`ALTER TABLE receivable_monthly_flow DROP COLUMN receivables, DROP COLUMN overdue, DROP COLUMN last_issue_date`);
    await q.query(`ALTER TABLE receivable_monthly_flow RENAME CONSTRAINT receivable_monthly_flow_pkey TO receivable_monthly_sales_pkey`);
    await q.query(
      `ALTER TABLE receivable_monthly_flow RENAME CONSTRAINT receivable_monthly_flow_tenant_id_fkey TO receivable_monthly_sales_tenant_id_fkey`,
    );
    await q.query(`ALTER TABLE receivable_monthly_flow RENAME TO receivable_monthly_sales`);
    await q.query(refreshFunction(false));
    await q.query(legacyFunction('receivable_aggregates_on_insert', legacyRows('new_rows', 1)));
    await q.query(legacyFunction('receivable_aggregates_on_delete', legacyRows('old_rows', -1)));
    await q.query(
      legacyFunction('receivable_aggregates_on_update', `${legacyRows('new_rows', 1)} UNION ALL ${legacyRows('old_rows', -1)}`),
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// The trigger functions as Reporting1795608567626 created them (for down()).

function legacyFunction(name: string, src: string): string {
  return `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
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

function legacyRows(table: string, sg: number): string {
  return `SELECT ${sg} AS sg, t.tenant_id, t.customer_id, t.legal_entity_id, t.currency, t.due_date, t.issue_date, t.disputed,
      (t.open_amount <> 0 AND t.status <> 'written_off') AS is_open,
      CASE WHEN t.kind = 'credit_note' THEN -t.open_amount ELSE t.open_amount END AS signed_open,
      CASE WHEN t.kind = 'credit_note' THEN -t.amount ELSE t.amount END AS signed_amount
    FROM ${table} t`;
}
