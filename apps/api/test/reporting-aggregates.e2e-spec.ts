import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { login, newTenant, startTestApp, type TestApp, type TestTenant } from './support/test-app.js';

/**
 * The reporting aggregates (open balances, customer balances, monthly flows of the tenant and of each customer) are
 * kept by triggers on receivable_item and allocation. After every kind of write that can move them, this suite checks
 * them against recomputations from the ledger:
 * - GET /receivables/aggregates/check (table by table);
 * - the receivables (and overdue) at every month end, rebuilt from the items and allocations with the formula the
 *   reports used before the flows existed, against the flows summed up to that month end; the sales per month;
 * - the KPIs of the admin (aggregates) against those of a salesperson following every customer (rebuilt from the
 *   items for the receivables at asOf and the history).
 * Dates are fixed in 2025 and 2030, so that "today" (any day from 2026 on) falls between them.
 */

const NIL = '00000000-0000-0000-0000-000000000000';
const MONTH_ENDS = [
  ...Array.from({ length: 15 }, (_, i) => new Date(Date.UTC(2024, 11 + i + 1, 0)).toISOString().slice(0, 10)),
  '2029-12-31',
  '2030-01-31',
  '2030-02-28',
  '2030-03-31',
  '2030-04-30',
];

describe('reporting aggregates: equal to a recomputation from the ledger after every kind of write', () => {
  let t: TestApp;
  let a: TestTenant;
  let salesToken: string;
  const auth = () => ({ Authorization: `Bearer ${a.adminToken}` });
  const send = (path: string, body: unknown) =>
    request(t.http)
      .post(`/api/v1${path}`)
      .set(auth())
      .send(body as object);
  const sql = <T = Record<string, string>>(text: string, params: unknown[] = []): Promise<T[]> =>
    t.dataSource.query(text, params);
  const id = async (kind: string, ref: string) =>
    (
      await sql<{ id: string }>(`SELECT id FROM receivable_item WHERE tenant_id = $1 AND kind = $2 AND external_ref = $3`, [
        a.tenantId,
        kind,
        ref,
      ])
    )[0].id;

  const inv = (ref: string, customerRef: string, issueDate: string, dueDate: string, amount: string, extra: object = {}) => ({
    externalRef: ref,
    customerRef,
    issueDate,
    dueDate,
    currency: 'EUR',
    amount,
    ...extra,
  });
  const pay = (
    ref: string,
    customerRef: string,
    date: string,
    allocations: { invoiceRef: string; amount: string }[],
    currency = 'EUR',
  ) => ({
    externalRef: ref,
    customerRef,
    date,
    amount: allocations.reduce((s, x) => s + Number(x.amount), 0).toFixed(2),
    currency,
    allocations,
  });

  /** The ledger at each month end per (customer, legal entity, currency): open now, plus what was settled after D. */
  const ledgerAt = () =>
    sql<{ at: string; customer: string; le: string; currency: string; total: string; overdue: string }>(
      `WITH i AS (SELECT r.*, CASE WHEN r.kind = 'credit_note' THEN -1 ELSE 1 END AS k FROM receivable_item r WHERE r.tenant_id = $1)
       SELECT x.at::text AS at, x.customer_id::text AS customer, coalesce(x.le::text, '') AS le, x.currency::text AS currency,
              sum(x.amount)::text AS total, coalesce(sum(x.amount) FILTER (WHERE x.late), 0)::text AS overdue
         FROM (SELECT d AS at, i.customer_id, i.legal_entity_id AS le, i.currency, i.k * i.open_amount AS amount, i.due_date < d AS late
                 FROM i CROSS JOIN unnest($2::date[]) d
                WHERE i.open_amount <> 0 AND i.status <> 'written_off' AND i.issue_date <= d
               UNION ALL
               SELECT d, i.customer_id, i.legal_entity_id, i.currency, a.amount, i.due_date < d
                 FROM allocation a JOIN i ON i.id = a.invoice_id CROSS JOIN unnest($2::date[]) d
                WHERE a.tenant_id = $1 AND i.status <> 'written_off' AND a.date > d AND i.issue_date <= d
               UNION ALL
               SELECT d, i.customer_id, i.legal_entity_id, i.currency, -a.amount, i.due_date < d
                 FROM allocation a JOIN i ON i.id = a.credit_note_id CROSS JOIN unnest($2::date[]) d
                WHERE a.tenant_id = $1 AND i.status <> 'written_off' AND a.date > d AND i.issue_date <= d
               UNION ALL
               SELECT d, i.customer_id, i.legal_entity_id, i.currency,
                      i.k * (i.amount - i.open_amount - coalesce((SELECT sum(a.amount) FROM allocation a WHERE a.invoice_id = i.id), 0)
                             - coalesce((SELECT sum(a.amount) FROM allocation a WHERE a.credit_note_id = i.id), 0)), i.due_date < d
                 FROM i CROSS JOIN unnest($2::date[]) d
                WHERE i.settled_outside AND i.status <> 'written_off' AND i.closed_at > d AND i.issue_date <= d) x
        GROUP BY 1, 2, 3, 4`,
      [a.tenantId, MONTH_ENDS],
    );

  /** Everything the flows say, next to what the ledger says; zero amounts left out on both sides. */
  const compare = async () => {
    const ledger = await ledgerAt();
    const tenantLedger = new Map<string, [number, number]>();
    for (const r of ledger) {
      const k = `${r.at} ${r.le} ${r.currency}`;
      const v = tenantLedger.get(k) ?? [0, 0];
      tenantLedger.set(k, [v[0] + Number(r.total), v[1] + Number(r.overdue)]);
    }
    /** Rows as "key | amounts" (amounts in thousandths), without those whose amounts are all zero, sorted. */
    const nonZero = (rows: [string, ...(string | number)[]][]) =>
      rows
        .map(([key, ...amounts]) => [key, amounts.map((x) => Math.round(Number(x) * 1000))] as const)
        .filter(([, amounts]) => amounts.some((x) => x !== 0))
        .map(([key, amounts]) => `${key} | ${amounts.join(' ')}`)
        .sort();
    const customerFlows = await sql(
      `SELECT d::text AS at, f.customer_id::text AS customer, coalesce(NULLIF(f.legal_entity_key, '${NIL}')::text, '') AS le,
              f.currency::text AS currency, sum(f.receivables)::text AS total
         FROM receivable_customer_flow f JOIN unnest($2::date[]) d ON f.month <= d WHERE f.tenant_id = $1 GROUP BY 1, 2, 3, 4`,
      [a.tenantId, MONTH_ENDS],
    );
    const tenantFlows = await sql(
      `SELECT d::text AS at, coalesce(NULLIF(b.legal_entity_key, '${NIL}')::text, '') AS le, b.currency::text AS currency,
              sum(b.receivables)::text AS total, sum(b.overdue)::text AS overdue
         FROM receivable_monthly_flow b JOIN unnest($2::date[]) d ON b.month <= d WHERE b.tenant_id = $1 GROUP BY 1, 2, 3`,
      [a.tenantId, MONTH_ENDS],
    );
    expect(nonZero(customerFlows.map((r) => [`${r.at} ${r.customer} ${r.le} ${r.currency}`, r.total]))).toEqual(
      nonZero(ledger.map((r) => [`${r.at} ${r.customer} ${r.le} ${r.currency}`, r.total])),
    );
    expect(nonZero(tenantFlows.map((r) => [`${r.at} ${r.le} ${r.currency}`, r.total, r.overdue]))).toEqual(
      nonZero([...tenantLedger].map(([k, [total, overdue]]) => [k, total, overdue])),
    );
    // Sales by month of issue (every status), per customer and for the tenant.
    const salesSql = (key: string, table: string) =>
      `SELECT ${key}, to_char(month, 'YYYY-MM') AS month, sum(sales)::text AS sales FROM ${table} WHERE tenant_id = $1 GROUP BY 1, 2, 3, 4`;
    const itemSales = await sql(
      `SELECT customer_id::text AS customer, coalesce(legal_entity_id::text, '') AS le, currency::text AS currency,
              to_char(issue_date, 'YYYY-MM') AS month, sum(CASE WHEN kind = 'credit_note' THEN -amount ELSE amount END)::text AS sales,
              count(*)::text AS n
         FROM receivable_item WHERE tenant_id = $1 GROUP BY 1, 2, 3, 4`,
      [a.tenantId],
    );
    const le = `coalesce(NULLIF(legal_entity_key, '${NIL}')::text, '') AS le`;
    const customerSales = await sql(
      salesSql(`customer_id::text AS customer, ${le}, currency::text AS currency`, 'receivable_customer_flow'),
      [a.tenantId],
    );
    expect(nonZero(customerSales.map((r) => [`${r.customer} ${r.le} ${r.currency} ${r.month}`, r.sales]))).toEqual(
      nonZero(itemSales.map((r) => [`${r.customer} ${r.le} ${r.currency} ${r.month}`, r.sales])),
    );
    const tenantSales = await sql(
      `SELECT ${le}, currency::text AS currency, to_char(month, 'YYYY-MM') AS month, sales::text AS sales, item_count::text AS n
         FROM receivable_monthly_flow WHERE tenant_id = $1`,
      [a.tenantId],
    );
    const bySum = new Map<string, [number, number]>();
    for (const r of itemSales) {
      const k = `${r.le} ${r.currency} ${r.month}`;
      const v = bySum.get(k) ?? [0, 0];
      bySum.set(k, [v[0] + Number(r.sales), v[1] + Number(r.n)]);
    }
    expect(nonZero(tenantSales.map((r) => [`${r.le} ${r.currency} ${r.month}`, r.sales, r.n]))).toEqual(
      nonZero([...bySum].map(([k, [sales, n]]) => [k, sales, n])),
    );
    // The consistency check of the API (every aggregate table, recomputed).
    const check = await request(t.http).get('/api/v1/receivables/aggregates/check').set(auth()).expect(200);
    expect(check.body).toEqual({ ok: true, differences: [] });
  };

  /** The KPIs of the admin (aggregates) and of a salesperson following every customer (rebuilt from the items). */
  const sameKpis = async (query: string) => {
    const admin = await request(t.http).get(`/api/v1/kpis?${query}`).set(auth()).expect(200);
    const sales = await request(t.http).get(`/api/v1/kpis?${query}`).set('Authorization', `Bearer ${salesToken}`).expect(200);
    expect(sales.body.kpis).toEqual(admin.body.kpis);
    expect(sales.body.history).toEqual(admin.body.history);
    expect(sales.body.missingRates).toEqual(admin.body.missingRates);
    if (query.includes('groupBy')) {
      const byKey = (groups: { key: string; kpis: unknown }[]) => Object.fromEntries(groups.map((g) => [g.key, g.kpis]));
      expect(sales.body.groupCount).toBe(admin.body.groupCount);
      expect(byKey(sales.body.groups)).toEqual(byKey(admin.body.groups));
    }
    return admin.body;
  };

  beforeAll(async () => {
    t = await startTestApp();
    a = await newTenant(t, 'Aggregates');
    const email = `seller.${a.tenantId.slice(0, 8)}@example.test`;
    const created = await request(t.http)
      .post('/api/v1/users')
      .set(auth())
      .send({ email, name: 'Seller', role: 'sales' })
      .expect(201);
    salesToken = await login(t, email, created.body.temporaryPassword);
    await send('/legal-entities', { code: 'FR01', name: 'Encours France SAS' }).expect(201);
    await send(
      '/imports/customers',
      ['K1', 'K2', 'K3', 'K4'].map((ref) => ({ externalRef: ref, name: `Customer ${ref}`, salespersonEmail: email })),
    ).expect(200);
    await send('/exchange-rates', [{ date: '2024-01-01', fromCurrency: 'USD', toCurrency: 'EUR', rate: '0.9' }]).expect(201);
  }, 60_000);
  afterAll(() => t.close());

  it('after inserts of invoices and credit notes (two legal entities, two currencies, disputed, issued in the future)', async () => {
    await send('/imports/invoices', [
      inv('I1', 'K1', '2025-01-10', '2025-02-09', '1000.00'),
      inv('I2', 'K1', '2025-02-15', '2025-03-31', '500.00', { disputed: true }),
      inv('I3', 'K2', '2025-03-01', '2025-03-31', '300.00', { legalEntityCode: 'FR01' }),
      inv('I4', 'K2', '2025-03-20', '2025-05-19', '700.00'),
      inv('I5', 'K3', '2025-04-05', '2025-05-05', '250.00', { currency: 'USD' }),
      inv('I6', 'K3', '2025-06-30', '2025-06-30', '80.00'),
      inv('I7', 'K4', '2025-07-01', '2025-08-31', '1200.00'),
      inv('I8', 'K4', '2025-09-15', '2025-10-15', '60.00'),
      inv('I9', 'K1', '2030-03-01', '2030-03-31', '90.00'), // issued after today
    ]).expect(200);
    await send('/imports/credit-notes', [
      inv('N1', 'K1', '2025-03-05', '2025-03-05', '100.00'),
      inv('N2', 'K2', '2025-05-10', '2025-05-10', '50.00', { legalEntityCode: 'FR01' }),
    ]).expect(200);
    await compare();
    const today = await sameKpis('groupBy=customer&historyMonths=24');
    // I9 is not in the receivables of today (issued later); the flows know it was issued (sales of March 2030).
    expect(today.kpis.receivables).toBe('3915.00'); // 1000 + 500 + 300 + 700 + 250 USD x 0.9 + 80 + 1200 + 60 - 100 - 50
    await sameKpis('asOf=2025-12-31&groupBy=customer');
    await sameKpis('asOf=2030-03-31&historyMonths=6');
  });

  it('after partial and full payments, a credit note applied, allocations dated after today', async () => {
    await send('/imports/payments', [
      pay('P1', 'K1', '2025-02-20', [{ invoiceRef: 'I1', amount: '400.00' }]),
      pay('P2', 'K1', '2025-04-10', [
        { invoiceRef: 'I1', amount: '600.00' },
        { invoiceRef: 'I2', amount: '100.00' },
      ]),
      pay('P3', 'K2', '2025-01-15', [{ invoiceRef: 'I4', amount: '200.00' }]), // paid before the invoice was issued
      pay('P4', 'K3', '2025-05-20', [{ invoiceRef: 'I5', amount: '50.00' }], 'USD'),
      pay('P5', 'K4', '2030-01-15', [{ invoiceRef: 'I7', amount: '300.00' }]), // dated after today
    ]).expect(200);
    await send('/imports/allocations', [
      { externalRef: 'X1', invoiceRef: 'I3', creditNoteRef: 'N2', amount: '50.00', date: '2025-06-01' },
    ]).expect(200);
    await compare();
    await sameKpis('groupBy=customer&historyMonths=24');
    await sameKpis('asOf=2025-04-30&groupBy=customer&historyMonths=6');
  });

  it('after updates of amounts, dates, customers, legal entities and dispute flags', async () => {
    await send('/imports/invoices', [
      inv('I1', 'K1', '2024-12-20', '2025-02-09', '1000.00'), // issue date, with two allocations
      inv('I2', 'K2', '2025-02-15', '2025-04-30', '550.00', { disputed: false }), // customer, amount and due date, with an allocation
      inv('I4', 'K3', '2025-03-25', '2025-06-30', '700.00'), // customer and issue date, with an allocation dated before issue
      inv('I6', 'K3', '2025-06-30', '2025-07-31', '80.00', { legalEntityCode: 'FR01', disputed: true }),
      inv('I8', 'K4', '2025-10-15', '2025-10-15', '65.00'), // moves to another month
    ]).expect(200);
    await compare();
    await sameKpis('groupBy=customer&historyMonths=24');
    // Tenant flows by legal entity and currency (admin) against the customers' flows (salesperson).
    await sameKpis('groupBy=entity&historyMonths=3');
    await sameKpis('groupBy=currency&historyMonths=3');
    await sameKpis('asOf=2025-10-31&groupBy=entity&historyMonths=3');
  });

  it('after a snapshot close, a reopening by the next snapshot, and a write-off', async () => {
    // The snapshot lists every open invoice but I8: I8 is closed outside the ledger (today).
    const open = await sql<{ external_ref: string }>(
      `SELECT external_ref FROM receivable_item WHERE tenant_id = $1 AND kind = 'invoice' AND open_amount > 0 AND external_ref <> 'I8'`,
      [a.tenantId],
    );
    const rows = await sql<Record<string, string>>(
      `SELECT i.external_ref AS "externalRef", c.external_ref AS "customerRef", i.issue_date::text AS "issueDate", i.due_date::text AS "dueDate",
              i.currency::text AS currency, i.amount::numeric(20,2)::text AS amount, le.code AS "legalEntityCode"
         FROM receivable_item i JOIN customer c ON c.id = i.customer_id LEFT JOIN legal_entity le ON le.id = i.legal_entity_id
        WHERE i.tenant_id = $1 AND i.external_ref = ANY($2)`,
      [a.tenantId, open.map((o) => o.external_ref)],
    );
    const snapshot = rows.map(({ legalEntityCode, ...r }) => (legalEntityCode ? { ...r, legalEntityCode } : r));
    await send('/imports/invoices?mode=snapshot', snapshot).expect(200);
    expect(
      (await sql(`SELECT settled_outside FROM receivable_item WHERE id = $1`, [await id('invoice', 'I8')]))[0].settled_outside,
    ).toBe(true);
    await compare();
    // A closing dated in the past (an ERP telling when it closed), then the item comes back in the next snapshot.
    await sql(`UPDATE receivable_item SET closed_at = '2025-11-20' WHERE id = $1`, [await id('invoice', 'I8')]);
    await compare();
    await send('/imports/invoices?mode=snapshot', [...snapshot, inv('I8', 'K4', '2025-10-15', '2025-10-15', '65.00')]).expect(
      200,
    );
    await compare();
    await sql(`UPDATE receivable_item SET status = 'written_off' WHERE id = $1`, [await id('invoice', 'I6')]);
    await compare();
    await sameKpis('groupBy=customer&historyMonths=24');
  });

  it('after reversals: allocations changed and deleted, a payment deleted, an item deleted with its allocations', async () => {
    // Allocation moved to another date and amount, then the invoice's open amount following it (one table per statement,
    // as the application writes them).
    const i1 = await id('invoice', 'I1');
    await sql(
      `UPDATE allocation SET amount = amount - 100, date = '2025-08-01' WHERE tenant_id = $1 AND invoice_id = $2 AND amount = 600`,
      [a.tenantId, i1],
    );
    await compare();
    await sql(`UPDATE receivable_item SET open_amount = open_amount + 100, status = 'partially_paid' WHERE id = $1`, [i1]);
    await compare();
    // Allocation reversed (deleted), the invoice reopened.
    const i3 = await id('invoice', 'I3');
    await sql(`DELETE FROM allocation WHERE tenant_id = $1 AND invoice_id = $2`, [a.tenantId, i3]);
    await sql(`UPDATE receivable_item SET open_amount = amount, status = 'open' WHERE id = ANY($1)`, [
      [i3, await id('credit_note', 'N2')],
    ]);
    await compare();
    // A payment deleted: its allocations go with it (foreign key cascade).
    await sql(`DELETE FROM payment WHERE tenant_id = $1 AND external_ref = 'P2'`, [a.tenantId]);
    await compare();
    // Invoices with allocations deleted (one paid after its issue, one before): the allocations are released first,
    // then the items go.
    const gone = [await id('invoice', 'I4'), await id('invoice', 'I5')];
    await sql(`DELETE FROM receivable_item WHERE id = ANY($1)`, [gone]);
    expect(await sql(`SELECT 1 FROM allocation WHERE invoice_id = ANY($1)`, [gone])).toHaveLength(0);
    expect(await sql(`SELECT 1 FROM allocation WHERE invoice_id = $1`, [await id('invoice', 'I7')])).toHaveLength(1);
    await compare();
    await sameKpis('groupBy=customer&historyMonths=24');
    await sameKpis('asOf=2025-09-30&groupBy=customer&historyMonths=12');
  });

  it('after concurrent writes of the same tenant (imports, payments and allocations at once)', async () => {
    const i7 = await id('invoice', 'I7');
    const [pPay] = await sql<{ id: string }>(
      `INSERT INTO payment (tenant_id, external_ref, customer_id, date, amount, currency, unallocated_amount)
       SELECT $1, 'P9', customer_id, '2025-12-01', 200, 'EUR', 200 FROM receivable_item WHERE id = $2 RETURNING id`,
      [a.tenantId, i7],
    );
    const manual = (amount: string, date: string) =>
      request(t.http).post('/api/v1/allocations').set(auth()).send({ invoiceId: i7, paymentId: pPay.id, amount, date });
    const results = await Promise.all([
      send('/imports/invoices', [
        inv('I10', 'K2', '2025-11-05', '2025-12-05', '400.00'),
        inv('I7', 'K4', '2025-07-01', '2025-09-30', '1250.00'),
      ]),
      send('/imports/payments', [pay('P6', 'K1', '2025-12-10', [{ invoiceRef: 'I1', amount: '50.00' }])]),
      send('/imports/credit-notes', [inv('N3', 'K3', '2025-11-11', '2025-11-11', '30.00')]),
      manual('40.00', '2025-12-02'),
      manual('60.00', '2025-12-03'),
      send('/imports/payments', [pay('P7', 'K2', '2025-12-12', [{ invoiceRef: 'I3', amount: '100.00' }])]),
      manual('25.00', '2026-01-05'),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 201, 201, 200, 201]);
    await compare();
    await sameKpis('groupBy=customer&historyMonths=24');
    await sameKpis('asOf=2025-12-31&historyMonths=13');
  });
});
