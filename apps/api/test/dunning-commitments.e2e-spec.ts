import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays, today } from '@encours/domain';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { CommitmentTracker } from '@encours/dunning';
import { login, newTenant, startTestApp, type TestApp } from './support/test-app.js';

/**
 * Promises to pay and payment plans through the API, decided by the CommitmentTracker over
 * simulated days (`evaluate(manager, tenant, day)`), on a real PostgreSQL. Each scenario has its
 * own tenant, so one scenario's evaluations never decide another's commitments.
 */
describe('dunning commitments: promises to pay and payment plans', () => {
  let t: TestApp;
  const EVENTS = ['promise.kept', 'promise.broken', 'payment_plan.breached', 'payment_plan.completed'];

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  /** A tenant with a webhook subscription to the commitment events and helpers bound to it. */
  async function scenario(label: string) {
    const tenant = await newTenant(t, label);
    const [{ timezone }] = await t.dataSource.query(`SELECT timezone FROM tenant WHERE id = $1`, [tenant.tenantId]);
    const T = today(timezone);
    const d = (n: number) => addDays(T, n);
    const auth = (token = tenant.adminToken) => ({ Authorization: `Bearer ${token}` });
    await request(t.http)
      .post('/api/v1/webhooks')
      .set(auth())
      .send({ url: 'http://127.0.0.1:9/hooks', eventTypes: EVENTS })
      .expect(201);

    const customer = async (ref: string, extra: object = {}) =>
      (
        await request(t.http)
          .post('/api/v1/customers')
          .set(auth())
          .send({ externalRef: ref, name: `Client ${ref}`, ...extra })
          .expect(201)
      ).body.id as string;
    const invoice = async (customerId: string, amount: string, currency = 'EUR', kind: 'invoice' | 'credit_note' = 'invoice') =>
      (
        await request(t.http)
          .post('/api/v1/invoices')
          .set(auth())
          .send({
            kind,
            externalRef: `I-${randomUUID().slice(0, 8)}`,
            customerId,
            issueDate: d(-60),
            dueDate: kind === 'invoice' ? d(-30) : d(-60),
            currency,
            amount,
          })
          .expect(201)
      ).body.id as string;
    const payment = async (customerRef: string, amount: string, currency = 'EUR', date = d(-1)) => {
      const ref = `P-${randomUUID().slice(0, 8)}`;
      await request(t.http)
        .post('/api/v1/imports/payments')
        .set(auth())
        .send([{ externalRef: ref, customerRef, date, amount, currency }])
        .expect(200);
      return (await request(t.http).get(`/api/v1/payments?q=${ref}`).set(auth()).expect(200)).body.items[0].id as string;
    };
    /** Applies money to an invoice on `date` (a payment of the customer, or a credit note). */
    const allocate = async (
      invoiceId: string,
      source: { paymentId?: string; creditNoteId?: string },
      amount: string,
      date: string,
    ) =>
      request(t.http)
        .post('/api/v1/allocations')
        .set(auth())
        .send({ invoiceId, ...source, amount, date })
        .expect(201);
    const evaluate = (day: string) =>
      t.dataSource.transaction((m) => t.app.get(CommitmentTracker).evaluate(m, tenant.tenantId, day));
    const outbox = async (type: string) =>
      (await t.dataSource.query(
        `SELECT event_type, dedupe_key, payload FROM webhook_delivery WHERE tenant_id = $1 AND event_type = $2 ORDER BY created_at`,
        [tenant.tenantId, type],
      )) as Array<{ event_type: string; dedupe_key: string; payload: { data: Record<string, unknown> } }>;
    const tasks = async (relatedId: string) =>
      (await t.dataSource.query(
        `SELECT kind, title, assignee_id, due_date::text AS due_date, status FROM dunning_task WHERE tenant_id = $1 AND related_id = $2`,
        [tenant.tenantId, relatedId],
      )) as Array<{ kind: string; title: string; assignee_id: string | null; due_date: string; status: string }>;
    const timeline = async (customerId: string, types: string) =>
      (await request(t.http).get(`/api/v1/customers/${customerId}/timeline?types=${types}`).set(auth()).expect(200)).body
        .items as Array<{
        type: string;
        title: string;
        related?: { id: string };
      }>;
    const user = async (role: string) => {
      const created = await request(t.http)
        .post('/api/v1/users')
        .set(auth())
        .send({ email: `${role}.${randomUUID().slice(0, 8)}@example.test`, name: `${role} user`, role })
        .expect(201);
      return {
        id: created.body.user.id as string,
        token: await login(t, created.body.user.email, created.body.temporaryPassword),
      };
    };
    return { tenant, T, d, auth, customer, invoice, payment, allocate, evaluate, outbox, tasks, timeline, user };
  }

  it('keeps a promise when payments reach the amount before the date', async () => {
    const s = await scenario('Promise kept');
    const c = await s.customer('K1');
    const inv = await s.invoice(c, '1000.00');
    const created = await request(t.http)
      .post(`/api/v1/customers/${c}/promises`)
      .set(s.auth())
      .send({
        amount: '600',
        currency: 'eur',
        promisedDate: s.d(10),
        invoiceIds: [inv],
        channel: 'phone',
        note: 'Virement en deux fois',
      })
      .expect(201);
    expect(created.body).toMatchObject({
      customerId: c,
      customerName: 'Client K1',
      amount: '600.00',
      currency: 'EUR',
      promisedDate: s.d(10),
      promisedOn: s.T,
      invoiceIds: [inv],
      status: 'pending',
      paidAmount: '0.00',
      decidedOn: null,
    });
    const id = created.body.id as string;

    const pay = await s.payment('K1', '600.00');
    await s.allocate(inv, { paymentId: pay }, '400.00', s.T);
    expect(await s.evaluate(s.T)).toEqual({ promisesKept: 0, promisesBroken: 0, plansBreached: 0, plansCompleted: 0 });
    let got = await request(t.http).get(`/api/v1/customers/${c}/promises`).set(s.auth()).expect(200);
    expect(got.body).toMatchObject({ total: 1, items: [{ id, status: 'pending', paidAmount: '400.00' }] });

    // The rest arrives on day +2: not counted on day +1, kept from day +2 (decided on that day).
    await s.allocate(inv, { paymentId: pay }, '200.00', s.d(2));
    expect((await s.evaluate(s.d(1))).promisesKept).toBe(0);
    expect(await s.evaluate(s.d(3))).toEqual({ promisesKept: 1, promisesBroken: 0, plansBreached: 0, plansCompleted: 0 });
    got = await request(t.http).get(`/api/v1/dunning/promises?status=kept`).set(s.auth()).expect(200);
    expect(got.body.items).toEqual([expect.objectContaining({ id, status: 'kept', paidAmount: '600.00', decidedOn: s.d(2) })]);

    const kept = await s.outbox('promise.kept');
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({
      dedupe_key: id,
      payload: { data: { promiseId: id, amount: '600.00', currency: 'EUR', decidedOn: s.d(2), invoiceIds: [inv] } },
    });
    expect(await s.tasks(id)).toEqual([]);
    const entries = await s.timeline(c, 'promise');
    expect(entries.map((e) => e.type).sort()).toEqual(['promise.created', 'promise.kept']);

    // Idempotent: the same day again, or a later day, changes and publishes nothing more.
    expect(await s.evaluate(s.d(3))).toEqual({ promisesKept: 0, promisesBroken: 0, plansBreached: 0, plansCompleted: 0 });
    expect(await s.evaluate(s.d(30))).toEqual({ promisesKept: 0, promisesBroken: 0, plansBreached: 0, plansCompleted: 0 });
    expect(await s.outbox('promise.kept')).toHaveLength(1);
    expect(await s.timeline(c, 'promise')).toHaveLength(2);
  });

  it('breaks a promise after the grace period: task for the collector, event, timeline; idempotent', async () => {
    const s = await scenario('Promise broken');
    const collector = await s.user('collector');
    const c = await s.customer('B1');
    await t.dataSource.query(`INSERT INTO customer_dunning (tenant_id, customer_id, collector_id) VALUES ($1, $2, $3)`, [
      s.tenant.tenantId,
      c,
      collector.id,
    ]);
    const inv = await s.invoice(c, '800.00');
    // No invoice named: any allocation to the customer's EUR invoices counts.
    const created = await request(t.http)
      .post(`/api/v1/customers/${c}/promises`)
      .set(s.auth(collector.token))
      .send({ amount: '500.00', currency: 'EUR', promisedDate: s.d(5), channel: 'email' })
      .expect(201);
    const id = created.body.id as string;
    expect(created.body.createdById).toBe(collector.id);
    const pay = await s.payment('B1', '100.00');
    await s.allocate(inv, { paymentId: pay }, '100.00', s.d(1));

    // Default grace (no settings row yet): 3 days, so still pending on promised date + 3.
    expect(await s.evaluate(s.d(8))).toEqual({ promisesKept: 0, promisesBroken: 0, plansBreached: 0, plansCompleted: 0 });
    expect(await s.evaluate(s.d(9))).toEqual({ promisesKept: 0, promisesBroken: 1, plansBreached: 0, plansCompleted: 0 });
    const got = await request(t.http).get(`/api/v1/customers/${c}/promises`).set(s.auth()).expect(200);
    expect(got.body.items[0]).toMatchObject({ id, status: 'broken', paidAmount: '100.00', decidedOn: s.d(9) });

    const [task, ...more] = await s.tasks(id);
    expect(more).toEqual([]);
    expect(task).toMatchObject({ kind: 'promise_broken', assignee_id: collector.id, due_date: s.d(9), status: 'open' });
    expect(task.title).toContain('500.00 EUR');
    expect(task.title).toContain(s.d(5));
    const broken = await s.outbox('promise.broken');
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatchObject({
      dedupe_key: id,
      payload: { data: { promiseId: id, customerId: c, amount: '500.00', promisedDate: s.d(5), paidAmount: '100.00' } },
    });
    const entries = await s.timeline(c, 'promise');
    expect(entries.find((e) => e.type === 'promise.broken')).toMatchObject({ related: { id } });
    // Dunning resumes by itself: the run reads pending promises only.
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM promise_to_pay WHERE customer_id = $1 AND status = 'pending'`,
      [c],
    );
    expect(n).toBe(0);

    expect(await s.evaluate(s.d(9))).toEqual({ promisesKept: 0, promisesBroken: 0, plansBreached: 0, plansCompleted: 0 });
    expect(await s.evaluate(s.d(10))).toEqual({ promisesKept: 0, promisesBroken: 0, plansBreached: 0, plansCompleted: 0 });
    expect(await s.tasks(id)).toHaveLength(1);
    expect(await s.outbox('promise.broken')).toHaveLength(1);
    expect((await s.timeline(c, 'promise')).filter((e) => e.type === 'promise.broken')).toHaveLength(1);

    // The tenant's grace days apply once its settings exist.
    await t.dataSource.query(`INSERT INTO dunning_settings (tenant_id, promise_grace_days) VALUES ($1, 0)`, [s.tenant.tenantId]);
    const second = await request(t.http)
      .post(`/api/v1/customers/${c}/promises`)
      .set(s.auth())
      .send({ amount: '500.00', currency: 'EUR', promisedDate: s.d(2), channel: 'phone' })
      .expect(201);
    expect((await s.evaluate(s.d(2))).promisesBroken).toBe(0);
    expect((await s.evaluate(s.d(3))).promisesBroken).toBe(1);
    expect(await s.tasks(second.body.id)).toHaveLength(1);
  });

  it('follows a plan paid on track, then breached by a missed instalment', async () => {
    const s = await scenario('Plan breached');
    const c = await s.customer('PB1');
    const inv1 = await s.invoice(c, '600.00');
    const inv2 = await s.invoice(c, '400.00');
    const created = await request(t.http)
      .post(`/api/v1/customers/${c}/payment-plans`)
      .set(s.auth())
      .send({
        invoiceIds: [inv1, inv2],
        instalments: [
          { dueDate: s.d(10), amount: '300.00' },
          { dueDate: s.d(40), amount: '300' },
          { dueDate: s.d(70), amount: '400.00' },
        ],
        note: 'Accord avec la DAF',
      })
      .expect(201);
    expect(created.body).toMatchObject({
      currency: 'EUR',
      invoicesAmount: '1000.00',
      penaltiesAmount: '0.00',
      totalAmount: '1000.00',
      paidAmount: '0.00',
      agreedOn: s.T,
      status: 'active',
      instalments: [
        { seq: 1, dueDate: s.d(10), amount: '300.00', paidAmount: '0.00', status: 'pending' },
        { seq: 2, dueDate: s.d(40), amount: '300.00', paidAmount: '0.00', status: 'pending' },
        { seq: 3, dueDate: s.d(70), amount: '400.00', paidAmount: '0.00', status: 'pending' },
      ],
    });
    const id = created.body.id as string;

    const pay = await s.payment('PB1', '300.00');
    await s.allocate(inv1, { paymentId: pay }, '300.00', s.d(9));
    expect(await s.evaluate(s.d(14))).toEqual({ promisesKept: 0, promisesBroken: 0, plansBreached: 0, plansCompleted: 0 });
    let got = await request(t.http).get(`/api/v1/payment-plans/${id}`).set(s.auth()).expect(200);
    expect(got.body).toMatchObject({ status: 'active', paidAmount: '300.00' });
    expect(got.body.instalments.map((i: { status: string; paidAmount: string }) => `${i.status} ${i.paidAmount}`)).toEqual([
      'paid 300.00',
      'pending 0.00',
      'pending 0.00',
    ]);

    // Instalment 2 (day 40) is not paid by day 43 (grace 3): breached on day 44.
    expect((await s.evaluate(s.d(43))).plansBreached).toBe(0);
    expect(await s.evaluate(s.d(44))).toEqual({ promisesKept: 0, promisesBroken: 0, plansBreached: 1, plansCompleted: 0 });
    got = await request(t.http).get(`/api/v1/payment-plans/${id}`).set(s.auth()).expect(200);
    expect(got.body).toMatchObject({ status: 'breached', breachedOn: s.d(44), paidAmount: '300.00' });
    expect(got.body.instalments.map((i: { status: string }) => i.status)).toEqual(['paid', 'missed', 'pending']);

    const [task] = await s.tasks(id);
    expect(task).toMatchObject({ kind: 'plan_breached', due_date: s.d(44), assignee_id: null });
    expect(task.title).toContain('instalment 2 of 3');
    const breached = await s.outbox('payment_plan.breached');
    expect(breached).toHaveLength(1);
    expect(breached[0]).toMatchObject({
      dedupe_key: id,
      payload: {
        data: {
          planId: id,
          breachedOn: s.d(44),
          missedInstalment: { seq: 2, dueDate: s.d(40), amount: '300.00', paidAmount: '0.00' },
        },
      },
    });
    expect((await s.timeline(c, 'payment_plan')).map((e) => e.type).sort()).toEqual([
      'payment_plan.breached',
      'payment_plan.created',
    ]);

    expect(await s.evaluate(s.d(44))).toEqual({ promisesKept: 0, promisesBroken: 0, plansBreached: 0, plansCompleted: 0 });
    expect(await s.outbox('payment_plan.breached')).toHaveLength(1);
    expect(await s.tasks(id)).toHaveLength(1);

    const listed = await request(t.http).get('/api/v1/dunning/payment-plans?status=breached').set(s.auth()).expect(200);
    expect(listed.body).toMatchObject({ total: 1, items: [{ id, customerName: 'Client PB1' }] });
    // A breached plan no longer holds its invoices: they may go into a new plan.
    await request(t.http)
      .post(`/api/v1/customers/${c}/payment-plans`)
      .set(s.auth())
      .send({ invoiceIds: [inv1], schedule: { count: 1, firstDueDate: s.d(1), frequency: 'weekly' } })
      .expect(201);
  });

  it('adds penalties to a generated monthly plan and applies the money to the instalments in order', async () => {
    const s = await scenario('Plan penalties');
    const c = await s.customer('PC1');
    const inv = await s.invoice(c, '900.00');
    const created = await request(t.http)
      .post(`/api/v1/customers/${c}/payment-plans`)
      .set(s.auth())
      .send({
        invoiceIds: [inv],
        includePenalties: true,
        penaltiesAmount: '100.00',
        schedule: { count: 3, firstDueDate: s.d(5), frequency: 'monthly' },
      })
      .expect(201);
    expect(created.body).toMatchObject({ invoicesAmount: '900.00', penaltiesAmount: '100.00', totalAmount: '1000.00' });
    expect(created.body.instalments.map((i: { amount: string }) => i.amount)).toEqual(['333.33', '333.33', '333.34']);
    expect(created.body.instalments[0].dueDate).toBe(s.d(5));
    const id = created.body.id as string;

    // A payment and a credit note, both applied to the plan's invoice, fill the instalments in order.
    const pay = await s.payment('PC1', '600.00');
    const cn = await s.invoice(c, '300.00', 'EUR', 'credit_note');
    await s.allocate(inv, { paymentId: pay }, '600.00', s.d(4));
    await s.allocate(inv, { creditNoteId: cn }, '300.00', s.d(20));
    expect(await s.evaluate(s.d(21))).toEqual({ promisesKept: 0, promisesBroken: 0, plansBreached: 0, plansCompleted: 0 });
    const got = await request(t.http).get(`/api/v1/payment-plans/${id}`).set(s.auth()).expect(200);
    expect(got.body).toMatchObject({ status: 'active', paidAmount: '900.00' });
    expect(got.body.instalments.map((i: { status: string; paidAmount: string }) => `${i.status} ${i.paidAmount}`)).toEqual([
      'paid 333.33',
      'paid 333.33',
      'pending 233.34',
    ]);
    // The penalties have no invoice: money paid on account after the plan was agreed pays them.
    await s.payment('PC1', '100.00', 'EUR', s.d(30));
    expect(await s.evaluate(s.d(31))).toEqual({ promisesKept: 0, promisesBroken: 0, plansBreached: 0, plansCompleted: 1 });
    const done = await request(t.http).get(`/api/v1/payment-plans/${id}`).set(s.auth()).expect(200);
    expect(done.body).toMatchObject({ status: 'completed', paidAmount: '1000.00' });
  });

  it('completes a plan once every instalment is paid', async () => {
    const s = await scenario('Plan completed');
    const c = await s.customer('PC2');
    const inv = await s.invoice(c, '1000.00');
    const created = await request(t.http)
      .post(`/api/v1/customers/${c}/payment-plans`)
      .set(s.auth())
      .send({ invoiceIds: [inv], schedule: { count: 3, firstDueDate: s.d(5), frequency: 'monthly' } })
      .expect(201);
    const id = created.body.id as string;
    const pay = await s.payment('PC2', '700.00');
    const cn = await s.invoice(c, '300.00', 'EUR', 'credit_note');
    await s.allocate(inv, { paymentId: pay }, '333.33', s.d(5));
    await s.allocate(inv, { creditNoteId: cn }, '300.00', s.d(20));
    await s.allocate(inv, { paymentId: pay }, '366.67', s.d(25));
    expect(await s.evaluate(s.d(24))).toEqual({ promisesKept: 0, promisesBroken: 0, plansBreached: 0, plansCompleted: 0 });
    expect(await s.evaluate(s.d(26))).toEqual({ promisesKept: 0, promisesBroken: 0, plansBreached: 0, plansCompleted: 1 });
    const got = await request(t.http).get(`/api/v1/payment-plans/${id}`).set(s.auth()).expect(200);
    expect(got.body).toMatchObject({ status: 'completed', completedOn: s.d(25), paidAmount: '1000.00' });
    expect(got.body.instalments.every((i: { status: string }) => i.status === 'paid')).toBe(true);
    const completed = await s.outbox('payment_plan.completed');
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({
      dedupe_key: id,
      payload: { data: { planId: id, totalAmount: '1000.00', completedOn: s.d(25) } },
    });
    expect((await s.timeline(c, 'payment_plan')).map((e) => e.type).sort()).toEqual([
      'payment_plan.completed',
      'payment_plan.created',
    ]);
    expect(await s.evaluate(s.d(26))).toEqual({ promisesKept: 0, promisesBroken: 0, plansBreached: 0, plansCompleted: 0 });
    expect(await s.outbox('payment_plan.completed')).toHaveLength(1);
  });

  it('rejects bad input with a clear 4xx naming the field, and writes nothing', async () => {
    const s = await scenario('Bad input');
    const c = await s.customer('V1');
    const other = await s.customer('V2');
    const inv = await s.invoice(c, '500.00');
    const inv2 = await s.invoice(c, '200.00');
    const usd = await s.invoice(c, '100.00', 'USD');
    const foreign = await s.invoice(other, '50.00');
    const counts = async () =>
      (
        await t.dataSource.query(
          `SELECT (SELECT count(*) FROM promise_to_pay WHERE tenant_id = $1)::int AS promises,
                  (SELECT count(*) FROM payment_plan WHERE tenant_id = $1)::int AS plans,
                  (SELECT count(*) FROM payment_plan_instalment WHERE tenant_id = $1)::int AS instalments,
                  (SELECT count(*) FROM customer_event WHERE tenant_id = $1)::int AS events`,
          [s.tenant.tenantId],
        )
      )[0];
    const before = await counts();
    const promise = (body: object, status = 400) =>
      request(t.http)
        .post(`/api/v1/customers/${c}/promises`)
        .set(s.auth())
        .send({ amount: '100.00', currency: 'EUR', promisedDate: s.d(5), channel: 'phone', ...body })
        .expect(status);
    const fields = (res: request.Response) => res.body.errors.map((e: { field: string }) => e.field);

    let res = await promise({ promisedDate: s.d(-1) });
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ field: 'promisedDate', message: expect.stringContaining('past') }),
    ]);
    expect(fields(await promise({ promisedDate: addDays(s.d(0), 400) }))).toEqual(['promisedDate']);
    expect(fields(await promise({ promisedDate: '2026-02-30' }))).toEqual(['promisedDate']);
    expect(fields(await promise({ amount: '-100.00' }))).toEqual(['amount']);
    expect(fields(await promise({ amount: '0' }))).toEqual(['amount']);
    expect(fields(await promise({ amount: '10.001' }))).toEqual(['amount']);
    expect(fields(await promise({ currency: 'XXX' }))).toEqual(['currency']);
    expect(fields(await promise({ channel: 'pigeon' }))).toEqual(['channel']);
    res = await promise({ invoiceIds: [inv, inv2, foreign] });
    expect(res.body.errors).toEqual([
      expect.objectContaining({ field: 'invoiceIds[2]', message: expect.stringContaining('not an invoice of this customer') }),
    ]);
    expect(fields(await promise({ invoiceIds: [inv, randomUUID()] }))).toEqual(['invoiceIds[1]']);
    expect(fields(await promise({ invoiceIds: [usd] }))).toEqual(['invoiceIds[0]']);
    res = await promise({ amount: '800.00', invoiceIds: [inv, inv2] });
    expect(res.body.errors).toEqual([
      expect.objectContaining({ field: 'amount', message: expect.stringContaining('700.00 EUR') }),
    ]);
    expect(fields(await promise({ contactId: randomUUID() }))).toEqual(['contactId']);

    const plan = (body: object, status = 400, customerId = c) =>
      request(t.http).post(`/api/v1/customers/${customerId}/payment-plans`).set(s.auth()).send(body).expect(status);
    res = await plan({
      invoiceIds: [inv],
      instalments: [
        { dueDate: s.d(5), amount: '200.00' },
        { dueDate: s.d(35), amount: '250.00' },
      ],
    });
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        field: 'instalments',
        message: expect.stringMatching(/450\.00 EUR.*500\.00 EUR.*50\.00 EUR missing/),
      }),
    ]);
    res = await plan({
      invoiceIds: [inv],
      instalments: [
        { dueDate: s.d(5), amount: '300.00' },
        { dueDate: s.d(35), amount: '250.00' },
      ],
    });
    expect(res.body.errors[0].message).toContain('50.00 EUR too much');
    expect(fields(await plan({ invoiceIds: [inv], instalments: [{ dueDate: s.d(-1), amount: '500.00' }] }))).toEqual([
      'instalments[0].dueDate',
    ]);
    expect(
      fields(
        await plan({
          invoiceIds: [inv],
          instalments: [
            { dueDate: s.d(9), amount: '250.00' },
            { dueDate: s.d(9), amount: '250.00' },
          ],
        }),
      ),
    ).toEqual(['instalments[1].dueDate']);
    expect(fields(await plan({ invoiceIds: [inv], instalments: [{ dueDate: s.d(9), amount: '-500.00' }] }))).toEqual([
      'instalments[0].amount',
    ]);
    expect(
      fields(await plan({ invoiceIds: [inv, foreign], schedule: { count: 2, firstDueDate: s.d(3), frequency: 'monthly' } })),
    ).toEqual(['invoiceIds[1]']);
    expect(
      fields(await plan({ invoiceIds: [inv, usd], schedule: { count: 2, firstDueDate: s.d(3), frequency: 'monthly' } })),
    ).toEqual(['invoiceIds[1]']);
    expect(fields(await plan({ invoiceIds: [inv] }))).toEqual(['instalments']);
    expect(fields(await plan({ invoiceIds: [], schedule: { count: 2, firstDueDate: s.d(3), frequency: 'monthly' } }))).toEqual([
      'invoiceIds',
    ]);
    expect(fields(await plan({ invoiceIds: [inv], schedule: { count: 2, firstDueDate: s.d(-3), frequency: 'yearly' } }))).toEqual(
      ['schedule.frequency'],
    );
    expect(
      fields(await plan({ invoiceIds: [inv], schedule: { count: 2, firstDueDate: s.d(-3), frequency: 'monthly' } })),
    ).toEqual(['schedule.firstDueDate']);
    expect(
      fields(
        await plan({
          invoiceIds: [inv],
          penaltiesAmount: '40.00',
          schedule: { count: 2, firstDueDate: s.d(3), frequency: 'monthly' },
        }),
      ),
    ).toEqual(['penaltiesAmount']);
    expect(await counts()).toEqual(before);

    // An invoice can be in only one active plan.
    const first = await plan({ invoiceIds: [inv], schedule: { count: 2, firstDueDate: s.d(3), frequency: 'weekly' } }, 201);
    const afterFirst = await counts();
    res = await plan({ invoiceIds: [inv2, inv], schedule: { count: 2, firstDueDate: s.d(3), frequency: 'weekly' } }, 409);
    expect(res.body.type).toBe('urn:encours:problem:invoice-in-active-plan');
    expect(res.body.errors).toEqual([
      expect.objectContaining({ field: 'invoiceIds[1]', message: expect.stringContaining(first.body.id) }),
    ]);
    expect(await counts()).toEqual(afterFirst);

    // Cancelling: once; then the invoice is free again.
    await request(t.http)
      .post(`/api/v1/payment-plans/${first.body.id}/cancel`)
      .set(s.auth())
      .send({ reason: 'Erreur de saisie' })
      .expect(200);
    await request(t.http).post(`/api/v1/payment-plans/${first.body.id}/cancel`).set(s.auth()).send({}).expect(409);
    await plan({ invoiceIds: [inv2, inv], schedule: { count: 2, firstDueDate: s.d(3), frequency: 'weekly' } }, 201);
    const p = await promise({}, 201);
    const cancelled = await request(t.http).post(`/api/v1/promises/${p.body.id}/cancel`).set(s.auth()).send({}).expect(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', decidedOn: s.T });
    await request(t.http).post(`/api/v1/promises/${p.body.id}/cancel`).set(s.auth()).send({}).expect(409);
    expect((await s.timeline(c, 'promise,payment_plan')).map((e) => e.type).sort()).toEqual([
      'payment_plan.cancelled',
      'payment_plan.created',
      'payment_plan.created',
      'promise.cancelled',
      'promise.created',
    ]);

    // Unknown ids and other tenants: 404.
    await request(t.http)
      .post(`/api/v1/customers/${randomUUID()}/promises`)
      .set(s.auth())
      .send({ amount: '1.00', currency: 'EUR', promisedDate: s.d(1), channel: 'phone' })
      .expect(404);
    const b = await newTenant(t, 'Bad input B');
    await request(t.http)
      .get(`/api/v1/customers/${c}/promises`)
      .set({ Authorization: `Bearer ${b.adminToken}` })
      .expect(404);
    await request(t.http)
      .get(`/api/v1/payment-plans/${first.body.id}`)
      .set({ Authorization: `Bearer ${b.adminToken}` })
      .expect(404);
    await request(t.http)
      .post(`/api/v1/promises/${p.body.id}/cancel`)
      .set({ Authorization: `Bearer ${b.adminToken}` })
      .send({})
      .expect(404);
  });

  it('limits sales to their own customers; viewers read; API keys need the dunning scopes', async () => {
    const s = await scenario('Sales');
    const sales = await s.user('sales');
    const [{ email }] = await t.dataSource.query(`SELECT email FROM app_user WHERE id = $1`, [sales.id]);
    await request(t.http)
      .post('/api/v1/imports/customers')
      .set(s.auth())
      .send([
        { externalRef: 'MINE', name: 'Client du vendeur', salespersonEmail: email },
        { externalRef: 'OTHER', name: 'Client d’un autre' },
      ])
      .expect(200);
    const ids = (await request(t.http).get('/api/v1/customers?sort=externalRef').set(s.auth()).expect(200)).body.items as Array<{
      id: string;
      externalRef: string;
    }>;
    const mine = ids.find((x) => x.externalRef === 'MINE')!.id;
    const other = ids.find((x) => x.externalRef === 'OTHER')!.id;
    const otherInvoice = await s.invoice(other, '300.00');
    const body = { amount: '100.00', currency: 'EUR', promisedDate: s.d(5), channel: 'meeting' };

    const own = await request(t.http).post(`/api/v1/customers/${mine}/promises`).set(s.auth(sales.token)).send(body).expect(201);
    await request(t.http).post(`/api/v1/customers/${other}/promises`).set(s.auth(sales.token)).send(body).expect(404);
    const adminPromise = await request(t.http).post(`/api/v1/customers/${other}/promises`).set(s.auth()).send(body).expect(201);
    const otherPlan = await request(t.http)
      .post(`/api/v1/customers/${other}/payment-plans`)
      .set(s.auth())
      .send({ invoiceIds: [otherInvoice], schedule: { count: 2, firstDueDate: s.d(3), frequency: 'monthly' } })
      .expect(201);

    const list = await request(t.http).get('/api/v1/dunning/promises').set(s.auth(sales.token)).expect(200);
    expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([own.body.id]);
    await request(t.http).get(`/api/v1/customers/${other}/promises`).set(s.auth(sales.token)).expect(404);
    await request(t.http).post(`/api/v1/promises/${adminPromise.body.id}/cancel`).set(s.auth(sales.token)).send({}).expect(404);
    await request(t.http).get(`/api/v1/payment-plans/${otherPlan.body.id}`).set(s.auth(sales.token)).expect(404);
    await request(t.http).post(`/api/v1/payment-plans/${otherPlan.body.id}/cancel`).set(s.auth(sales.token)).send({}).expect(404);
    await request(t.http)
      .post(`/api/v1/customers/${other}/payment-plans`)
      .set(s.auth(sales.token))
      .send({ invoiceIds: [otherInvoice], schedule: { count: 2, firstDueDate: s.d(3), frequency: 'monthly' } })
      .expect(404);
    expect((await request(t.http).get('/api/v1/dunning/payment-plans').set(s.auth(sales.token)).expect(200)).body.total).toBe(0);
    const stats = await request(t.http).get('/api/v1/dunning/promises/stats').set(s.auth(sales.token)).expect(200);
    expect(stats.body).toMatchObject({ made: 1, pending: 1 });

    const viewer = await s.user('viewer');
    expect((await request(t.http).get('/api/v1/dunning/promises').set(s.auth(viewer.token)).expect(200)).body.total).toBe(2);
    await request(t.http).get(`/api/v1/payment-plans/${otherPlan.body.id}`).set(s.auth(viewer.token)).expect(200);
    await request(t.http).post(`/api/v1/customers/${mine}/promises`).set(s.auth(viewer.token)).send(body).expect(403);
    await request(t.http).post('/api/v1/dunning/commitments/evaluate').set(s.auth(sales.token)).expect(403);

    const reader = await s.tenant.apiKey(['dunning:read']);
    const writer = await s.tenant.apiKey(['dunning:write']);
    await request(t.http).get('/api/v1/dunning/promises').set('X-API-Key', reader).expect(200);
    await request(t.http).post(`/api/v1/customers/${mine}/promises`).set('X-API-Key', reader).send(body).expect(403);
    const byKey = await request(t.http)
      .post(`/api/v1/customers/${mine}/promises`)
      .set('X-API-Key', writer)
      .send(body)
      .expect(201);
    expect(byKey.body.createdById).toBeNull();
  });

  it('computes the promises-kept rate, per currency and by collector', async () => {
    const s = await scenario('Stats');
    const collector = await s.user('collector');
    const c = await s.customer('S1');
    const inv = await s.invoice(c, '5000.00');
    const usdInv = await s.invoice(c, '1000.00', 'USD');
    const promise = async (token: string, amount: string, currency: string, invoiceIds: string[], days: number) =>
      (
        await request(t.http)
          .post(`/api/v1/customers/${c}/promises`)
          .set(s.auth(token))
          .send({ amount, currency, promisedDate: s.d(days), invoiceIds, channel: 'phone' })
          .expect(201)
      ).body.id as string;
    await promise(s.tenant.adminToken, '100.00', 'EUR', [inv], 2); // kept
    await promise(collector.token, '200.00', 'EUR', [inv], 2); // kept (the same money counts for both)
    await promise(collector.token, '300.00', 'USD', [usdInv], 2); // broken
    await promise(collector.token, '400.00', 'EUR', [inv], 30); // pending
    const cancelled = await promise(s.tenant.adminToken, '50.00', 'EUR', [], 30);
    await request(t.http).post(`/api/v1/promises/${cancelled}/cancel`).set(s.auth()).send({}).expect(200);
    const pay = await s.payment('S1', '250.00');
    await s.allocate(inv, { paymentId: pay }, '250.00', s.d(1));
    expect(await s.evaluate(s.d(6))).toEqual({ promisesKept: 2, promisesBroken: 1, plansBreached: 0, plansCompleted: 0 });

    const stats = await request(t.http)
      .get(`/api/v1/dunning/promises/stats?from=${s.d(-1)}&to=${s.d(0)}`)
      .set(s.auth())
      .expect(200);
    expect(stats.body).toMatchObject({
      from: s.d(-1),
      to: s.T,
      made: 5,
      kept: 2,
      broken: 1,
      pending: 1,
      cancelled: 1,
      keptRate: 0.6667,
      amounts: [
        { currency: 'EUR', amountPromised: '750.00', amountKept: '300.00' },
        { currency: 'USD', amountPromised: '300.00', amountKept: '0.00' },
      ],
    });
    const byCollector = Object.fromEntries(stats.body.byCollector.map((r: { userId: string }) => [r.userId, r]));
    expect(byCollector[collector.id]).toMatchObject({ made: 3, kept: 1, broken: 1, pending: 1, cancelled: 0, keptRate: 0.5 });
    expect(stats.body.byCollector).toHaveLength(2);
    const empty = await request(t.http)
      .get(`/api/v1/dunning/promises/stats?from=${s.d(-30)}&to=${s.d(-10)}`)
      .set(s.auth())
      .expect(200);
    expect(empty.body).toMatchObject({ made: 0, keptRate: null, amounts: [], byCollector: [] });
    const bad = await request(t.http)
      .get(`/api/v1/dunning/promises/stats?from=${s.d(1)}&to=${s.d(0)}`)
      .set(s.auth())
      .expect(400);
    expect(bad.body.errors[0].field).toBe('from');

    // The support route runs the same evaluation for today.
    const ev = await request(t.http).post('/api/v1/dunning/commitments/evaluate').set(s.auth()).expect(200);
    expect(ev.body).toEqual({ date: s.T, promisesKept: 0, promisesBroken: 0, plansBreached: 0, plansCompleted: 0 });
  });
});
