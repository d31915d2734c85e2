import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays, daysBetween, today } from '@encours/domain';
import { PredictionService } from '@encours/scoring';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { login, newTenant, startTestApp, type TestApp } from './support/test-app.js';

/**
 * Payment-date predictions on a real PostgreSQL: training on a small settled history, predictions of the open
 * invoices through the API, the frequent refresh (new invoices, new settlements, closed invoices), access rules,
 * a tenant without history, and the worklist priority that uses the late probabilities. Each scenario has its
 * own tenant; PredictionService is called directly where the jobs would run (jobs are off in tests).
 */
describe('scoring: payment-date predictions', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  interface Prediction {
    invoiceId: string;
    number: string;
    dueDate: string;
    openAmount: string;
    predictedDate: string | null;
    predictedDaysLate: number | null;
    lateProbability: number | null;
    basis: string | null;
  }

  async function scenario(label: string) {
    const tenant = await newTenant(t, label);
    const [{ timezone }] = await t.dataSource.query(`SELECT timezone FROM tenant WHERE id = $1`, [tenant.tenantId]);
    const T = today(timezone);
    const d = (n: number) => addDays(T, n);
    const auth = (token = tenant.adminToken) => ({ Authorization: `Bearer ${token}` });
    const post = (path: string, body: unknown) =>
      request(t.http)
        .post(path)
        .set(auth())
        .send(body as object)
        .expect(200);
    const customers = async (rows: object[]) => {
      await post('/api/v1/imports/customers', rows);
      const list = await request(t.http).get('/api/v1/customers?pageSize=200').set(auth()).expect(200);
      return Object.fromEntries(list.body.items.map((c: { externalRef: string; id: string }) => [c.externalRef, c.id])) as Record<
        string,
        string
      >;
    };
    /** Invoices (due 30 days after issue) and, for those with `paidAfter`, a payment of the whole amount that day. */
    const history = async (
      customerRef: string,
      items: Array<{ ref: string; issue: string; paidAfter?: number; amount?: string; due?: string }>,
    ) => {
      await post(
        '/api/v1/imports/invoices',
        items.map((i) => ({
          externalRef: i.ref,
          number: i.ref,
          customerRef,
          issueDate: i.issue,
          dueDate: i.due ?? addDays(i.issue, 30),
          currency: 'EUR',
          amount: i.amount ?? '1000.00',
        })),
      );
      const paid = items.filter((i) => i.paidAfter !== undefined);
      if (paid.length)
        await post(
          '/api/v1/imports/payments',
          paid.map((i) => ({
            externalRef: `P-${i.ref}`,
            customerRef,
            date: addDays(i.issue, i.paidAfter!),
            amount: i.amount ?? '1000.00',
            currency: 'EUR',
            allocations: [{ invoiceRef: i.ref, amount: i.amount ?? '1000.00' }],
          })),
        );
    };
    const invoiceId = async (ref: string) =>
      ((
        await t.dataSource.query(`SELECT id FROM receivable_item WHERE tenant_id = $1 AND external_ref = $2`, [
          tenant.tenantId,
          ref,
        ])
      )[0]?.id as string | undefined)!;
    /** GET /invoices/{id}/prediction: the body, after checking the status. */
    const prediction = async (ref: string, status = 200, token?: string) =>
      (
        await request(t.http)
          .get(`/api/v1/invoices/${await invoiceId(ref)}/prediction`)
          .set(auth(token))
          .expect(status)
      ).body;
    const service = () => t.app.get(PredictionService);
    return { tenant, T, d, auth, post, customers, history, invoiceId, prediction, service };
  }

  /** 12 invoices issued every 14 days from T-400, each paid `days(i)` days after issue (due after 30). */
  const twelve = (prefix: string, T: string, days: (i: number) => number) =>
    Array.from({ length: 12 }, (_, i) => ({ ref: `${prefix}-${i}`, issue: addDays(T, -400 + 14 * i), paidAfter: days(i) }));

  it('learns from the settled history: a late payer is predicted ~20 days late, a punctual one on time', async () => {
    const s = await scenario('Predictions');
    const sales = await request(t.http)
      .post('/api/v1/users')
      .set(s.auth())
      .send({ email: `sales.${randomUUID().slice(0, 8)}@example.test`, name: 'Vendeur', role: 'sales' })
      .expect(201);
    const salesToken = await login(t, sales.body.user.email, sales.body.temporaryPassword);
    const ids = await s.customers([
      { externalRef: 'LATE', name: 'Late payer', segment: 'RETAIL' },
      { externalRef: 'ONTIME', name: 'Punctual payer', segment: 'RETAIL', salespersonEmail: sales.body.user.email },
      { externalRef: 'NEW', name: 'New customer', segment: 'RETAIL' },
    ]);
    // History: LATE pays 49-51 days after issue (19-21 days late), ONTIME 28-30 days after issue (on time).
    await s.history(
      'LATE',
      twelve('L', s.T, (i) => 49 + (i % 3)),
    );
    await s.history(
      'ONTIME',
      twelve('O', s.T, (i) => 28 + (i % 3)),
    );
    // Open invoices: fresh ones due in 25 days, and one of LATE already 30 days past due.
    await s.history('LATE', [
      { ref: 'L-OPEN', issue: s.d(-5) },
      { ref: 'L-OVERDUE', issue: s.d(-60), amount: '500.00' },
    ]);
    await s.history('ONTIME', [{ ref: 'O-OPEN', issue: s.d(-5) }]);
    await s.history('NEW', [{ ref: 'N-OPEN', issue: s.d(-5) }]);

    // Nothing trained yet.
    await request(t.http).get('/api/v1/scoring/prediction-model').set(s.auth()).expect(404);
    await request(t.http)
      .get(`/api/v1/invoices/${await s.invoiceId('L-OPEN')}/prediction`)
      .set(s.auth())
      .expect(404);

    const trained = await request(t.http).post('/api/v1/scoring/prediction-model/train').set(s.auth()).expect(200);
    expect(trained.body).toMatchObject({ predicted: 4, written: 4, deleted: 0 });
    expect(trained.body.model).toMatchObject({ trainingCount: 24, predictedInvoices: 4 });
    expect(trained.body.model.model).toMatchObject({ halfLifeInvoices: 8, customers: 2, segments: 1 });
    const metrics = trained.body.model.metrics;
    expect(metrics.cutoff).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Cut-off: the 10th issue date; learn from the 13 invoices settled before it, test on the 6 issued from it.
    expect(metrics).toMatchObject({ cutoff: addDays(s.T, -400 + 14 * 9), trainCount: 13, testCount: 6, lateShare: 0.5 });
    expect(metrics.maeDays.model).toBeLessThan(2);
    expect(metrics.maeDays.dueDate).toBeGreaterThan(9); // LATE's invoices are ~20 days off the due date
    expect(metrics.lateAccuracy.model).toBe(1);
    const model = await request(t.http).get('/api/v1/scoring/prediction-model').set(s.auth()).expect(200);
    expect(model.body).toMatchObject({ id: trained.body.model.id, trainingCount: 24, predictedInvoices: 4 });

    const late = await s.prediction('L-OPEN');
    expect(late).toMatchObject({ number: 'L-OPEN', dueDate: s.d(25), openAmount: '1000.00', currency: 'EUR', basis: 'customer' });
    expect(late.predictedDaysLate).toBeGreaterThanOrEqual(17);
    expect(late.predictedDaysLate).toBeLessThanOrEqual(23);
    expect(daysBetween(late.dueDate, late.predictedDate)).toBe(late.predictedDaysLate);
    expect(late.lateProbability).toBeGreaterThan(0.8);
    expect(late.modelId).toBe(trained.body.model.id);

    const onTime = await s.prediction('O-OPEN');
    expect(onTime.predictedDaysLate).toBeGreaterThanOrEqual(-3);
    expect(onTime.predictedDaysLate).toBeLessThanOrEqual(1);
    expect(onTime.lateProbability).toBeLessThan(0.2);

    // A customer without history: its segment's level, between the two.
    const fresh = await s.prediction('N-OPEN');
    expect(fresh.basis).toBe('segment');
    expect(fresh.predictedDaysLate).toBeGreaterThan(onTime.predictedDaysLate);
    expect(fresh.predictedDaysLate).toBeLessThan(late.predictedDaysLate);

    // Already past due and unpaid: late for sure, and not predicted on a day gone by.
    const overdue = await s.prediction('L-OVERDUE');
    expect(overdue.lateProbability).toBe(1);
    expect(overdue.predictedDate >= s.T).toBe(true);

    // The customer's open invoices, by predicted date.
    const list = await request(t.http).get(`/api/v1/customers/${ids.LATE}/predictions`).set(s.auth()).expect(200);
    expect(list.body.total).toBe(2);
    expect(list.body.items.map((i: Prediction) => i.number)).toEqual(
      overdue.predictedDate <= late.predictedDate ? ['L-OVERDUE', 'L-OPEN'] : ['L-OPEN', 'L-OVERDUE'],
    );
    expect(list.body.items.find((i: Prediction) => i.number === 'L-OVERDUE')).toMatchObject({
      openAmount: '500.00',
      dueDate: s.d(-30),
      lateProbability: 1,
    });

    // Cash planning: by predicted date, filtered.
    const planning = await request(t.http)
      .get(`/api/v1/predictions?from=${s.T}&to=${s.d(90)}&lateProbabilityMin=0.5`)
      .set(s.auth())
      .expect(200);
    const numbers = planning.body.items.map((i: Prediction) => i.number);
    expect(numbers).toEqual(expect.arrayContaining(['L-OPEN', 'L-OVERDUE']));
    expect(numbers).not.toContain('O-OPEN');
    const dates = planning.body.items.map((i: Prediction) => i.predictedDate);
    expect(dates).toEqual([...dates].sort());
    const narrow = await request(t.http)
      .get(`/api/v1/predictions?from=${onTime.predictedDate}&to=${onTime.predictedDate}&customerId=${ids.ONTIME}`)
      .set(s.auth())
      .expect(200);
    expect(narrow.body.items.map((i: Prediction) => i.number)).toEqual(['O-OPEN']);

    // Bad input names the field.
    const bad = await request(t.http).get('/api/v1/predictions?from=2026-13-01').set(s.auth()).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('from');
    const badP = await request(t.http).get('/api/v1/predictions?lateProbabilityMin=2').set(s.auth()).expect(400);
    expect(badP.body.errors.map((e: { field: string }) => e.field)).toContain('lateProbabilityMin');
    const reversed = await request(t.http)
      .get(`/api/v1/predictions?from=${s.d(5)}&to=${s.T}`)
      .set(s.auth())
      .expect(400);
    expect(reversed.body.errors[0].field).toBe('from');

    // Sales: their own customers only; others are not found.
    await s.prediction('O-OPEN', 200, salesToken);
    await s.prediction('L-OPEN', 404, salesToken);
    await request(t.http).get(`/api/v1/customers/${ids.LATE}/predictions`).set(s.auth(salesToken)).expect(404);
    await request(t.http).get(`/api/v1/customers/${ids.ONTIME}/predictions`).set(s.auth(salesToken)).expect(200);
    const own = await request(t.http).get('/api/v1/predictions').set(s.auth(salesToken)).expect(200);
    expect(own.body.items.map((i: Prediction) => i.number)).toEqual(['O-OPEN']);
    // Other readers, an API key, and who may train.
    for (const role of ['viewer', 'collector', 'credit_manager'] as const)
      await s.prediction('L-OPEN', 200, await s.tenant.userToken(role));
    const key = await s.tenant.apiKey(['scoring:read']);
    await request(t.http).get('/api/v1/scoring/prediction-model').set('X-Api-Key', key).expect(200);
    await request(t.http)
      .post('/api/v1/scoring/prediction-model/train')
      .set(s.auth(await s.tenant.userToken('viewer')))
      .expect(403);
    await request(t.http).post('/api/v1/scoring/prediction-model/train').set(s.auth(salesToken)).expect(403);
    await request(t.http)
      .post('/api/v1/scoring/prediction-model/train')
      .set(s.auth(await s.tenant.userToken('credit_manager')))
      .expect(200);
  });

  it('refreshes: closed invoices lose their prediction, new invoices and new settlements are predicted', async () => {
    const s = await scenario('Prediction refresh');
    await s.customers([
      { externalRef: 'A', name: 'A', segment: 'S' },
      { externalRef: 'B', name: 'B', segment: 'S' },
    ]);
    await s.history('A', [...twelve('A', s.T, () => 30), { ref: 'A-OPEN', issue: s.d(-5) }, { ref: 'A-OPEN2', issue: s.d(-3) }]);
    await s.history('B', [{ ref: 'B-OPEN', issue: s.d(-5) }]);
    const first = await s.service().trainAndPredict(s.tenant.tenantId);
    expect(first.predictions).toMatchObject({ predicted: 3, deleted: 0 });
    const before = await s.prediction('B-OPEN');
    expect(before.basis).toBe('segment');

    // A-OPEN is paid; B settles three invoices 60 days after issue; C is a new invoice.
    await s.post('/api/v1/imports/payments', [
      {
        externalRef: 'PAY-A-OPEN',
        customerRef: 'A',
        date: s.T,
        amount: '1000.00',
        currency: 'EUR',
        allocations: [{ invoiceRef: 'A-OPEN', amount: '1000.00' }],
      },
    ]);
    await s.history(
      'B',
      [0, 1, 2].map((i) => ({ ref: `B-OLD-${i}`, issue: addDays(s.T, -200 + 20 * i), paidAfter: 60 })),
    );
    await s.history('A', [{ ref: 'A-NEW', issue: s.d(-1) }]);
    // The old row of A-OPEN is still there until the refresh.
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM invoice_prediction WHERE tenant_id = $1`, [
      s.tenant.tenantId,
    ]);
    expect(n).toBe(3);

    const counts = await s.service().refresh(s.tenant.tenantId);
    expect(counts.deleted).toBe(1);
    expect(counts.refreshedCustomers).toBeGreaterThanOrEqual(1);
    // A-NEW (no prediction) and the open invoices of the customers with new settlements (B-OPEN, A-OPEN2 at most).
    expect(counts.predicted).toBeGreaterThanOrEqual(2);
    await s.prediction('A-OPEN', 404);
    await s.prediction('A-NEW', 200);
    const after = await s.prediction('B-OPEN');
    expect(after.basis).toBe('customer');
    expect(after.predictedDaysLate).toBeGreaterThan(before.predictedDaysLate);
    expect(after.lateProbability).toBeGreaterThan(before.lateProbability);

    // predict(tenant, customers): only those customers' rows are touched.
    const [{ id: aId }] = await t.dataSource.query(`SELECT id FROM customer WHERE tenant_id = $1 AND external_ref = 'A'`, [
      s.tenant.tenantId,
    ]);
    const one = await s.service().predict(s.tenant.tenantId, [aId]);
    // Same inputs, same predictions: nothing is rewritten.
    expect(one).toMatchObject({ predicted: 2, written: 0, deleted: 0 });
    expect(await s.service().predict(s.tenant.tenantId, [])).toEqual({
      predicted: 0,
      written: 0,
      deleted: 0,
      refreshedCustomers: 0,
    });
  });

  it('without any settled invoice, predicts the due date with an even chance of lateness', async () => {
    const s = await scenario('No history');
    await s.customers([{ externalRef: 'Z', name: 'Z' }]);
    await s.history('Z', [
      { ref: 'Z-1', issue: s.d(-5) },
      { ref: 'Z-2', issue: s.d(-50) },
    ]);
    // predict trains first when the tenant has no model yet.
    const counts = await s.service().refresh(s.tenant.tenantId);
    expect(counts.predicted).toBe(2);
    const model = await request(t.http).get('/api/v1/scoring/prediction-model').set(s.auth()).expect(200);
    expect(model.body).toMatchObject({ trainingCount: 0, metrics: { maeDays: null, lateAccuracy: null, lateShare: null } });
    expect(await s.prediction('Z-1')).toMatchObject({
      predictedDate: s.d(25),
      predictedDaysLate: 0,
      lateProbability: 0.5,
      basis: 'due_date',
    });
    expect(await s.prediction('Z-2')).toMatchObject({
      predictedDate: s.T,
      predictedDaysLate: 20,
      lateProbability: 1,
      basis: 'due_date',
    });
  });

  it('puts first in the worklist the customer whose open invoices are predicted late', async () => {
    const s = await scenario('Worklist risk');
    const ids = await s.customers([
      { externalRef: 'SLOW', name: 'Slow payer' },
      { externalRef: 'FAST', name: 'Fast payer' },
    ]);
    await s.history(
      'SLOW',
      twelve('S', s.T, () => 60),
    );
    await s.history(
      'FAST',
      twelve('F', s.T, () => 25),
    );
    // Same situation, FAST owes a little more: 1,100 vs 1,000 overdue since 20 days, and 2,000 not yet due each.
    await s.history('SLOW', [
      { ref: 'S-OVER', issue: s.d(-50), amount: '1000.00' },
      { ref: 'S-NEXT', issue: s.d(-2), amount: '2000.00' },
    ]);
    await s.history('FAST', [
      { ref: 'F-OVER', issue: s.d(-50), amount: '1100.00' },
      { ref: 'F-NEXT', issue: s.d(-2), amount: '2000.00' },
    ]);
    await t.dataSource.query(
      `INSERT INTO dunning_task (tenant_id, customer_id, kind, title, due_date) VALUES ($1, $2, 'call', 'Call', $4), ($1, $3, 'call', 'Call', $4)`,
      [s.tenant.tenantId, ids.SLOW, ids.FAST, s.T],
    );
    const worklist = async () =>
      (await request(t.http).get('/api/v1/dunning/worklist?assignee=all').set(s.auth()).expect(200)).body.items as Array<{
        customer: { id: string };
        priority: number;
        lateProbability: number | null;
        brokenPromises: number;
      }>;

    // Without predictions: risk 0 for both, the larger debt first.
    const plain = await worklist();
    expect(plain.map((i) => i.customer.id)).toEqual([ids.FAST, ids.SLOW]);
    expect(plain.map((i) => i.lateProbability)).toEqual([null, null]);

    await s.service().trainAndPredict(s.tenant.tenantId);
    const ranked = await worklist();
    expect(ranked.map((i) => i.customer.id)).toEqual([ids.SLOW, ids.FAST]);
    const [slow, fast] = ranked;
    // Overdue invoices count as late (1); the not-yet-due 2,000 is predicted late for SLOW, on time for FAST.
    expect(slow.lateProbability).toBeGreaterThan(0.9);
    expect(fast.lateProbability).toBeGreaterThan(0.3);
    expect(fast.lateProbability).toBeLessThan(0.4);
    const plainSlow = plain.find((i) => i.customer.id === ids.SLOW)!;
    expect(slow.priority - plainSlow.priority).toBeCloseTo(15 * slow.lateProbability!, 0);
  });
});
