import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays, daysBetween, monthOf, subtractMonths, today } from '@encours/domain';
import { PredictionService } from '@encours/scoring';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { login, newTenant, startTestApp, type TestApp, type TestTenant } from './support/test-app.js';

/**
 * The sales views on a real PostgreSQL: good payers (grades from customer_score, nothing overdue > 15 days),
 * risk badges for a customer list, and the cash collected per salesperson per month (exact sums in the tenant
 * currency, credit notes left out, a USD payment converted at its date's rate), with the sales portfolio rule.
 */
describe('scoring: sales views', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let T: string;
  const ids: Record<string, string> = {};
  const people: Record<string, { id: string; token: string }> = {};
  const d = (n: number) => addDays(T, n);
  const auth = (token = tenant.adminToken) => ({ Authorization: `Bearer ${token}` });
  const post = (path: string, body: unknown) =>
    request(t.http)
      .post(path)
      .set(auth())
      .send(body as object)
      .expect(200);
  // Two past months: M1 then M2.
  let M1: string;
  let M2: string;

  async function user(role: string, name: string) {
    const email = `${name.replace(/\W/g, '').toLowerCase()}.${randomUUID().slice(0, 8)}@example.test`;
    const created = await request(t.http).post('/api/v1/users').set(auth()).send({ email, name, role }).expect(201);
    return { id: created.body.user.id as string, email, token: await login(t, email, created.body.temporaryPassword) };
  }

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await newTenant(t, 'Sales views');
    const [{ timezone }] = await t.dataSource.query(`SELECT timezone FROM tenant WHERE id = $1`, [tenant.tenantId]);
    T = today(timezone);
    M2 = monthOf(subtractMonths(T, 1));
    M1 = monthOf(subtractMonths(T, 2));
    const one = await user('sales', 'Sales One');
    const two = await user('sales', 'Sales Two');
    people.one = one;
    people.two = two;
    await post('/api/v1/imports/customers', [
      { externalRef: 'C1', name: 'Good and current', salespersonEmail: one.email },
      { externalRef: 'C2', name: 'Good but 20 days overdue', salespersonEmail: one.email },
      { externalRef: 'C3', name: 'Good, over its limit', salespersonEmail: two.email },
      { externalRef: 'C4', name: 'Grade C, in receivership' },
    ]);
    const list = await request(t.http).get('/api/v1/customers').set(auth()).expect(200);
    for (const c of list.body.items as Array<{ externalRef: string; id: string }>) ids[c.externalRef] = c.id;
    // Grades as ScoreService keeps them.
    await t.dataSource.query(
      `INSERT INTO customer_score (tenant_id, customer_id, score, grade, factors, computed_at)
       SELECT $1, x.id, x.score, x.grade, '[]'::jsonb, now()
         FROM unnest($2::uuid[], $3::int[], $4::text[]) AS x(id, score, grade)`,
      [tenant.tenantId, [ids.C1, ids.C2, ids.C3, ids.C4], [90, 70, 85, 50], ['A', 'B', 'A', 'C']],
    );
    const inv = (
      ref: string,
      customerRef: string,
      issue: string,
      amount: string,
      currency = 'EUR',
      due = addDays(issue, 30),
    ) => ({
      externalRef: ref,
      number: ref,
      customerRef,
      issueDate: issue,
      dueDate: due,
      currency,
      amount,
    });
    await post('/api/v1/imports/invoices', [
      // C1: open 1,000 due 10 days ago (fine), and a history: 1,000 paid 10 days late, 3,000 on time.
      inv('C1-OPEN', 'C1', d(-40), '1000.00'),
      inv('C1-H1', 'C1', d(-200), '1000.00'),
      inv('C1-H2', 'C1', d(-190), '3000.00'),
      // C2: 20 days overdue.
      inv('C2-OPEN', 'C2', d(-50), '500.00'),
      inv('C3-OPEN', 'C3', d(-5), '800.00'),
      // Cash collected: C1's invoice paid in two payments and a credit note, C2's in USD, C3's and C4's in M1.
      inv('C1-CASH', 'C1', `${M1}-01`, '1000.00'),
      inv('C2-USD', 'C2', `${M1}-01`, '1000.00', 'USD'),
      inv('C3-CASH', 'C3', `${M1}-01`, '250.00'),
      inv('C4-USD', 'C4', `${M1}-01`, '300.00', 'USD'),
    ]);
    const note = (ref: string, issue: string, amount: string) => ({ ...inv(ref, 'C1', issue, amount, 'EUR', issue) });
    // C1-CN closes part of C1-CASH below; C1-CN2 stays open and lowers C1's open amount.
    await post('/api/v1/imports/credit-notes', [note('C1-CN', d(-40), '100.00'), note('C1-CN2', d(-30), '50.00')]);
    await request(t.http)
      .post('/api/v1/exchange-rates')
      .set(auth())
      .send([
        { date: `${M2}-01`, fromCurrency: 'USD', toCurrency: 'EUR', rate: '0.9' },
        { date: `${M2}-20`, fromCurrency: 'USD', toCurrency: 'EUR', rate: '0.5' },
      ])
      .expect(201);
    const pay = (ref: string, customerRef: string, date: string, amount: string, allocations: object[], currency = 'EUR') => ({
      externalRef: ref,
      customerRef,
      date,
      amount,
      currency,
      allocations,
    });
    await post('/api/v1/imports/payments', [
      pay('P-H1', 'C1', d(-160), '1000.00', [{ invoiceRef: 'C1-H1', amount: '1000.00' }]),
      pay('P-H2', 'C1', d(-165), '3000.00', [{ invoiceRef: 'C1-H2', amount: '3000.00' }]),
      // Partial: 600 in M1, then 300 of a 400 payment in M2 (100 left unallocated is not collected).
      pay('P1', 'C1', `${M1}-10`, '600.00', [{ invoiceRef: 'C1-CASH', amount: '600.00' }]),
      pay('P2', 'C1', `${M2}-05`, '400.00', [{ invoiceRef: 'C1-CASH', amount: '300.00' }]),
      // USD on M2-15: at the rate of M2-01 (0.9), not the later one.
      pay('P-USD', 'C2', `${M2}-15`, '1000.00', [{ invoiceRef: 'C2-USD', amount: '1000.00' }], 'USD'),
      pay('P3', 'C3', `${M1}-20`, '250.00', [{ invoiceRef: 'C3-CASH', amount: '250.00' }]),
      // No USD rate on or before M1-25: left out, counted in missingRates.
      pay('P-USD-NORATE', 'C4', `${M1}-25`, '300.00', [{ invoiceRef: 'C4-USD', amount: '300.00' }], 'USD'),
    ]);
    // The credit note closes C1-CASH on M2-06: not cash, but the invoice is settled that month.
    await post('/api/v1/imports/allocations', [
      { invoiceRef: 'C1-CASH', creditNoteRef: 'C1-CN', amount: '100.00', date: `${M2}-06` },
    ]);
    // C3 over its limit, C4 in receivership.
    await t.dataSource.query(
      `INSERT INTO credit_limit (tenant_id, customer_id, amount, currency, source, valid_from, status)
       VALUES ($1, $2, 1000, 'EUR', 'internal', $3, 'active')`,
      [tenant.tenantId, ids.C3, d(-100)],
    );
    await t.dataSource.query(
      `INSERT INTO credit_limit_usage (tenant_id, customer_id, level, usage_percent, exposure, evaluated_at)
       VALUES ($1, $2, 100, 120.00, 1200, now())`,
      [tenant.tenantId, ids.C3],
    );
    await t.dataSource.query(
      `INSERT INTO external_rating (tenant_id, customer_id, provider, rated_on, legal_event, legal_event_date, source)
       VALUES ($1, $2, 'altares', $3, 'receivership', $4, 'manual')`,
      [tenant.tenantId, ids.C4, d(-10), d(-12)],
    );
  });
  afterAll(() => t?.close());

  it('lists the good payers: grade A or B, nothing overdue for more than 15 days', async () => {
    const all = await request(t.http).get('/api/v1/sales/good-payers').set(auth()).expect(200);
    expect(all.body.total).toBe(2);
    expect(all.body.items).toEqual([
      {
        customerId: ids.C1,
        name: 'Good and current',
        externalRef: 'C1',
        salespersonId: people.one.id,
        salespersonName: 'Sales One',
        grade: 'A',
        score: 90,
        openAmount: '950.00', // 1,000 open less the 50 credit note not yet used
        currency: 'EUR',
        missingRates: [],
        // Paid in the last 12 months: 1,000 10 days late, 3,000 on time, C1-CASH (1,000) closed on M2-06.
        averageDaysLate:
          Math.round(((1000 * 10 + 1000 * Math.max(0, daysBetween(addDays(`${M1}-01`, 30), `${M2}-06`))) / 5000) * 100) / 100,
        maxDaysOverdue: 10,
      },
      // C3-CASH was paid before its due date.
      expect.objectContaining({ customerId: ids.C3, grade: 'A', score: 85, openAmount: '800.00', averageDaysLate: 0 }),
    ]);
    const two = await request(t.http).get(`/api/v1/sales/good-payers?salespersonId=${people.two.id}`).set(auth()).expect(200);
    expect(two.body.items.map((i: { customerId: string }) => i.customerId)).toEqual([ids.C3]);
    // Sales One sees their own customers only (C2 is overdue for 20 days).
    const own = await request(t.http).get('/api/v1/sales/good-payers').set(auth(people.one.token)).expect(200);
    expect(own.body.items.map((i: { customerId: string }) => i.customerId)).toEqual([ids.C1]);
    const paged = await request(t.http).get('/api/v1/sales/good-payers?page=2&pageSize=1').set(auth()).expect(200);
    expect(paged.body).toMatchObject({ total: 2, page: 2, pageSize: 1 });
    expect(paged.body.items.map((i: { customerId: string }) => i.customerId)).toEqual([ids.C3]);
    const bad = await request(t.http).get('/api/v1/sales/good-payers?salespersonId=nobody').set(auth()).expect(400);
    expect(bad.body.errors[0].field).toBe('salespersonId');
  });

  it('gives risk badges for a list of customers', async () => {
    await t.app.get(PredictionService).trainAndPredict(tenant.tenantId);
    const q = [ids.C1, ids.C2, ids.C3, ids.C4, randomUUID()].join(',');
    const res = await request(t.http).get(`/api/v1/sales/risk-badges?customerIds=${q}`).set(auth()).expect(200);
    const [c1, c2, c3, c4] = res.body.items;
    expect(res.body.items).toHaveLength(4);
    expect(c1).toMatchObject({
      customerId: ids.C1,
      grade: 'A',
      score: 90,
      overLimit: false,
      limitUsagePercent: null,
      legalEvent: null,
    });
    // C2's only open invoice is past due: late for sure.
    expect(c2).toMatchObject({ customerId: ids.C2, grade: 'B', lateProbability: 1 });
    expect(c3).toMatchObject({ customerId: ids.C3, overLimit: true, limitUsagePercent: '120.00' });
    expect(c4).toMatchObject({
      customerId: ids.C4,
      grade: 'C',
      legalEvent: 'receivership',
      legalEventDate: d(-12),
      lateProbability: null, // nothing open
    });
    expect(c1.lateProbability).toBeGreaterThanOrEqual(0);
    expect(c1.lateProbability).toBeLessThanOrEqual(1);
    // Sales One: their customers only.
    const own = await request(t.http).get(`/api/v1/sales/risk-badges?customerIds=${q}`).set(auth(people.one.token)).expect(200);
    expect(own.body.items.map((i: { customerId: string }) => i.customerId)).toEqual([ids.C1, ids.C2]);
    // Bad input names customerIds.
    for (const bad of ['', 'not-a-uuid']) {
      const res400 = await request(t.http).get(`/api/v1/sales/risk-badges?customerIds=${bad}`).set(auth()).expect(400);
      expect(res400.body.errors.map((e: { field: string }) => e.field)).toContain('customerIds');
    }
    // Long lists go in a POST body (a URL of 500 ids is larger than servers accept).
    const byPost = await request(t.http)
      .post('/api/v1/sales/risk-badges')
      .set(auth(people.one.token))
      .send({ customerIds: [ids.C1, ids.C2, ids.C3, ids.C4] })
      .expect(200);
    expect(byPost.body).toEqual(own.body);
    const tooMany = await request(t.http)
      .post('/api/v1/sales/risk-badges')
      .set(auth())
      .send({ customerIds: Array.from({ length: 501 }, () => randomUUID()) })
      .expect(400);
    expect(tooMany.body.errors.map((e: { field: string }) => e.field)).toContain('customerIds');
  });

  it('sums the cash collected per salesperson per month, exactly, in the tenant currency', async () => {
    const res = await request(t.http).get(`/api/v1/sales/cash-collected?from=${M1}&to=${M2}`).set(auth()).expect(200);
    expect(res.body).toMatchObject({ currency: 'EUR', from: M1, to: M2, months: [M1, M2] });
    expect(res.body.salespeople).toEqual([
      {
        salespersonId: people.one.id,
        name: 'Sales One',
        months: [
          { month: M1, cashCollected: '600.00', invoicesSettled: 0 },
          // 300.00 EUR + 1,000 USD × 0.9; C1-CASH (closed by the credit note) and C2-USD fully paid.
          { month: M2, cashCollected: '1200.00', invoicesSettled: 2 },
        ],
        cashCollected: '1800.00',
        invoicesSettled: 2,
      },
      {
        salespersonId: people.two.id,
        name: 'Sales Two',
        months: [
          { month: M1, cashCollected: '250.00', invoicesSettled: 1 },
          { month: M2, cashCollected: '0.00', invoicesSettled: 0 },
        ],
        cashCollected: '250.00',
        invoicesSettled: 1,
      },
      {
        // C4 has no salesperson; its USD payment has no rate: no cash counted, its invoice is settled.
        salespersonId: null,
        name: null,
        months: [
          { month: M1, cashCollected: '0.00', invoicesSettled: 1 },
          { month: M2, cashCollected: '0.00', invoicesSettled: 0 },
        ],
        cashCollected: '0.00',
        invoicesSettled: 1,
      },
    ]);
    expect(res.body.totals).toEqual([
      { month: M1, cashCollected: '850.00', invoicesSettled: 2 },
      { month: M2, cashCollected: '1200.00', invoicesSettled: 2 },
    ]);
    expect(res.body).toMatchObject({
      cashCollected: '2050.00',
      invoicesSettled: 4,
      missingRates: [{ currency: 'USD', count: 1 }],
    });

    // A salesperson sees their own line only, whatever they ask for.
    const own = await request(t.http)
      .get(`/api/v1/sales/cash-collected?from=${M1}&to=${M2}`)
      .set(auth(people.one.token))
      .expect(200);
    expect(own.body.salespeople.map((s: { salespersonId: string }) => s.salespersonId)).toEqual([people.one.id]);
    expect(own.body.cashCollected).toBe('1800.00');
    const other = await request(t.http)
      .get(`/api/v1/sales/cash-collected?from=${M1}&to=${M2}&salespersonId=${people.two.id}`)
      .set(auth(people.one.token))
      .expect(200);
    expect(other.body.salespeople).toEqual([]);
    const two = await request(t.http)
      .get(`/api/v1/sales/cash-collected?from=${M1}&to=${M1}&salespersonId=${people.two.id}`)
      .set(auth())
      .expect(200);
    expect(two.body).toMatchObject({ months: [M1], cashCollected: '250.00', missingRates: [] });

    // Defaults: the last 12 months to the current one.
    const dflt = await request(t.http).get('/api/v1/sales/cash-collected').set(auth()).expect(200);
    expect(dflt.body.months).toHaveLength(12);
    expect(dflt.body.to).toBe(monthOf(T));
    expect(dflt.body.cashCollected).toBe('6050.00'); // and C1's history, paid some 5 months ago

    // Readers.
    await request(t.http)
      .get('/api/v1/sales/cash-collected')
      .set(auth(await tenant.userToken('viewer')))
      .expect(200);
    await request(t.http)
      .get('/api/v1/sales/cash-collected')
      .set(auth(await tenant.userToken('collector')))
      .expect(403);
  });

  it('refuses a bad period, naming the field', async () => {
    for (const [query, field] of [
      ['from=2026-13', 'from'],
      ['from=2026-1', 'from'],
      ['from=2026-03-01', 'from'],
      ['to=26-03', 'to'],
      ['from=2026-05&to=2026-04', 'from'],
      ['from=2020-01&to=2026-12', 'from'],
    ]) {
      const res = await request(t.http).get(`/api/v1/sales/cash-collected?${query}`).set(auth()).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
  });
});
