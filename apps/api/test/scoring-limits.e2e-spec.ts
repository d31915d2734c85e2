import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Clock } from '@encours/api-core';
import { addDays, today } from '@encours/domain';
import { LimitUsageService } from '@encours/scoring';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { login, newTenant, startTestApp, type TestApp } from './support/test-app.js';

/**
 * Credit limits through the API on a real PostgreSQL: approval of increases, usage alerts raised
 * once per crossing (and the webhook event queued), validity, review reminders, open orders, the
 * alert inbox, and bad input. Each scenario has its own tenant.
 */
describe('scoring: credit limits, open orders, usage alerts and reminders', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.app.get(Clock).travelTo(null));
  afterAll(() => t?.close());

  async function scenario(
    label: string,
    settings: { alertLevels?: number[]; approvalThreshold?: string | null; reviewReminderDays?: number } = {},
  ) {
    const tenant = await newTenant(t, label);
    const [{ timezone }] = await t.dataSource.query(`SELECT timezone FROM tenant WHERE id = $1`, [tenant.tenantId]);
    const T = today(timezone);
    const d = (n: number) => addDays(T, n);
    const auth = (token = tenant.adminToken) => ({ Authorization: `Bearer ${token}` });
    if (Object.keys(settings).length)
      await t.dataSource.query(
        `INSERT INTO scoring_settings (tenant_id, weights, alert_levels, approval_threshold, review_reminder_days, credit_check_rules)
         VALUES ($1, '{}', $2, $3, $4, '{}')`,
        [
          tenant.tenantId,
          settings.alertLevels ?? [50, 80, 100],
          settings.approvalThreshold ?? null,
          settings.reviewReminderDays ?? 30,
        ],
      );
    const customer = async (ref: string, extra: object = {}) =>
      (
        await request(t.http)
          .post('/api/v1/customers')
          .set(auth())
          .send({ externalRef: ref, name: `Client ${ref}`, ...extra })
          .expect(201)
      ).body.id as string;
    const invoice = async (customerId: string, amount: string, currency = 'EUR') =>
      (
        await request(t.http)
          .post('/api/v1/invoices')
          .set(auth())
          .send({
            kind: 'invoice',
            externalRef: `I-${randomUUID().slice(0, 8)}`,
            customerId,
            issueDate: d(-10),
            dueDate: d(20),
            currency,
            amount,
          })
          .expect(201)
      ).body.id as string;
    const setLimit = (customerId: string, body: object, token = tenant.adminToken) =>
      request(t.http).post(`/api/v1/customers/${customerId}/credit-limits`).set(auth(token)).send(body);
    const usage = () => t.app.get(LimitUsageService);
    const evaluate = () => t.dataSource.transaction((m) => usage().evaluateUsage(m, tenant.tenantId, null));
    const reminders = () => t.dataSource.transaction((m) => usage().reviewReminders(m, tenant.tenantId));
    const alerts = async (query = '', token = tenant.adminToken) =>
      (await request(t.http).get(`/api/v1/risk-alerts?pageSize=200${query}`).set(auth(token)).expect(200)).body as {
        total: number;
        items: Array<{
          id: string;
          type: string;
          severity: string;
          customerId: string;
          data: Record<string, unknown>;
          readAt: string | null;
        }>;
      };
    const outbox = async (type: string) =>
      (await t.dataSource.query(
        `SELECT dedupe_key, payload FROM webhook_delivery WHERE tenant_id = $1 AND event_type = $2 ORDER BY created_at, dedupe_key`,
        [tenant.tenantId, type],
      )) as Array<{ dedupe_key: string; payload: { data: Record<string, unknown> } }>;
    const orders = (rows: object[], query = '', token = tenant.adminToken) =>
      request(t.http).post(`/api/v1/open-orders/import${query}`).set(auth(token)).send(rows);
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
    return { tenant, T, d, auth, customer, invoice, setLimit, evaluate, reminders, alerts, outbox, orders, user };
  }

  it('raises one alert per crossing: cross 50, stay, jump over 80 and 100, fall, cross again', async () => {
    const s = await scenario('Limits crossing');
    await request(t.http)
      .post('/api/v1/webhooks')
      .set(s.auth())
      .send({ url: 'http://127.0.0.1:9/hooks', eventTypes: ['credit_limit.threshold_crossed'] })
      .expect(201);
    const c = await s.customer('X1');
    const set = await s.setLimit(c, { amount: '1000', currency: 'EUR', source: 'internal' }).expect(201);
    expect(set.body).toMatchObject({ status: 'active', amount: '1000.00', decision: 'trusted_requester', increase: '1000.00' });

    await s.invoice(c, '600.00');
    expect(await s.evaluate()).toMatchObject({ alerts: 1 });
    expect(await s.evaluate()).toMatchObject({ alerts: 0 }); // stays over 50: nothing new
    let a = await s.alerts('&type=limit_threshold');
    expect(a.items.map((x) => x.data.level)).toEqual([50]);
    expect(a.items[0]).toMatchObject({ severity: 'warning', customerId: c });

    // An ERP order of 450 takes the exposure to 1050: 80 and 100 crossed by one import, two alerts.
    const imported = await s
      .orders([{ externalRef: 'O-1', customerRef: 'X1', orderDate: s.d(-1), amount: '450.00', currency: 'EUR' }])
      .expect(200);
    expect(imported.body).toMatchObject({ counts: { created: 1 }, customersEvaluated: 1 });
    a = await s.alerts('&type=limit_threshold');
    expect(a.items.map((x) => x.data.level).sort()).toEqual([100, 50, 80]);
    expect(a.items.find((x) => x.data.level === 100)).toMatchObject({
      severity: 'critical',
      data: { usagePercent: '105.00', exposure: '1050.00', limit: '1000.00', currency: 'EUR' },
    });
    await s.evaluate();
    expect((await s.alerts('&type=limit_threshold')).total).toBe(3);

    const current = await request(t.http).get(`/api/v1/customers/${c}/credit-limit`).set(s.auth()).expect(200);
    expect(current.body).toMatchObject({
      valid: true,
      exposure: { receivables: '600.00', orders: '450.00', total: '1050.00', currency: 'EUR' },
      available: '-50.00',
      usagePercent: '105.00',
      level: 100,
      alertLevels: [50, 80, 100],
    });
    const near = await request(t.http).get('/api/v1/credit-limits/usage?minUsage=80').set(s.auth()).expect(200);
    expect(near.body.items).toEqual([
      expect.objectContaining({ customerId: c, usagePercent: '105.00', level: 100, limit: '1000.00', exposure: '1050.00' }),
    ]);

    // The order is closed: 60 %, the level falls silently to 50.
    await s.orders([{ externalRef: 'O-1', customerRef: 'X1', orderDate: s.d(-1), amount: '0', currency: 'EUR' }]).expect(200);
    expect((await s.alerts('&type=limit_threshold')).total).toBe(3);
    const [stored] = await t.dataSource.query(
      `SELECT level, usage_percent::text AS u FROM credit_limit_usage WHERE customer_id = $1`,
      [c],
    );
    expect(stored).toEqual({ level: 50, u: '60.00' });
    expect((await request(t.http).get('/api/v1/credit-limits/usage?minUsage=80').set(s.auth()).expect(200)).body.total).toBe(0);

    // A new order crosses 80 and 100 again: alerted again.
    await s.orders([{ externalRef: 'O-2', customerRef: 'X1', orderDate: s.d(0), amount: '500.00', currency: 'EUR' }]).expect(200);
    a = await s.alerts('&type=limit_threshold');
    expect(a.items.map((x) => `${x.data.level}#${x.data.crossing}`).sort()).toEqual(['100#1', '100#2', '50#1', '80#1', '80#2']);

    // One webhook delivery per crossing, with the customer and the figures.
    const events = await s.outbox('credit_limit.threshold_crossed');
    expect(events.map((e) => e.dedupe_key).sort()).toEqual(
      [`${c}:100:1`, `${c}:100:2`, `${c}:50:1`, `${c}:80:1`, `${c}:80:2`].sort(),
    );
    expect(events.find((e) => e.dedupe_key === `${c}:100:2`)!.payload.data).toEqual({
      customerId: c,
      customerRef: 'X1',
      customerName: 'Client X1',
      level: 100,
      usagePercent: '110.00',
      exposure: '1100.00',
      limit: '1000.00',
      currency: 'EUR',
    });
    const timeline = await request(t.http).get(`/api/v1/customers/${c}/timeline?types=scoring`).set(s.auth()).expect(200);
    expect(timeline.body.items.filter((i: { type: string }) => i.type === 'scoring.limit_threshold')).toHaveLength(3);

    // Raising the limit brings the usage down at once (no alert), lowering it crosses again.
    await s.setLimit(c, { amount: '5000', currency: 'EUR', source: 'insurer' }).expect(201);
    expect((await request(t.http).get('/api/v1/credit-limits/usage').set(s.auth()).expect(200)).body.items[0]).toMatchObject({
      usagePercent: '22.00',
      level: 0,
    });
    await s.setLimit(c, { amount: '1500', currency: 'EUR', source: 'internal' }).expect(201);
    a = await s.alerts('&type=limit_threshold');
    expect(a.items.map((x) => `${x.data.level}#${x.data.crossing}`).sort()).toEqual([
      '100#1',
      '100#2',
      '50#1',
      '50#2',
      '80#1',
      '80#2',
    ]);
  });

  it('applies decreases and small increases at once, waits for a credit manager above the threshold', async () => {
    const s = await scenario('Limits approval', { approvalThreshold: '5000' });
    const c = await s.customer('A1');
    const collector = await s.user('collector');
    const manager = await s.user('credit_manager');
    const first = await s.setLimit(c, { amount: '10000', currency: 'EUR', source: 'internal', reviewOn: s.d(90) }).expect(201);

    // A collector asks for +10,000: above the 5,000 threshold, it waits.
    const asked = await s
      .setLimit(c, { amount: '20000', currency: 'EUR', source: 'internal', comment: 'Grosse commande' }, collector.token)
      .expect(201);
    expect(asked.body).toMatchObject({
      status: 'pending',
      decision: 'needs_approval',
      increase: '10000.00',
      threshold: '5000.00',
      requestedById: collector.id,
    });
    let current = await request(t.http).get(`/api/v1/customers/${c}/credit-limit`).set(s.auth()).expect(200);
    expect(current.body).toMatchObject({ limit: { id: first.body.id, amount: '10000.00' }, pendingRequests: 1 });
    const queue = await request(t.http).get('/api/v1/credit-limits?status=pending').set(s.auth(manager.token)).expect(200);
    expect(queue.body.items.map((l: { id: string }) => l.id)).toEqual([asked.body.id]);
    const approval = await s.alerts('&type=limit_approval&unread=true', manager.token);
    expect(approval.items).toEqual([
      expect.objectContaining({ customerId: c, data: expect.objectContaining({ limitId: asked.body.id, increase: '10000.00' }) }),
    ]);

    // Only credit managers and admins decide.
    await request(t.http)
      .post(`/api/v1/credit-limits/${asked.body.id}/approve`)
      .set(s.auth(collector.token))
      .send({})
      .expect(403);
    const approved = await request(t.http)
      .post(`/api/v1/credit-limits/${asked.body.id}/approve`)
      .set(s.auth(manager.token))
      .send({ comment: 'OK après revue du bilan' })
      .expect(200);
    expect(approved.body).toMatchObject({
      status: 'active',
      decidedById: manager.id,
      decisionComment: 'OK après revue du bilan',
    });
    await request(t.http).post(`/api/v1/credit-limits/${asked.body.id}/approve`).set(s.auth(manager.token)).send({}).expect(409);
    expect((await s.alerts('&type=limit_approval&unread=true')).total).toBe(0); // dealt with

    // A decrease by the collector applies at once; an increase within the threshold too.
    const down = await s.setLimit(c, { amount: '12000', currency: 'EUR', source: 'internal' }, collector.token).expect(201);
    expect(down.body).toMatchObject({ status: 'active', decision: 'decrease', increase: '-8000.00' });
    const small = await s.setLimit(c, { amount: '17000', currency: 'EUR', source: 'internal' }, collector.token).expect(201);
    expect(small.body).toMatchObject({ status: 'active', decision: 'within_threshold', increase: '5000.00' });

    // Too much again: rejected, the active limit stays.
    const big = await s.setLimit(c, { amount: '40000', currency: 'EUR', source: 'insurer' }, collector.token).expect(201);
    expect(big.body.status).toBe('pending');
    const rejected = await request(t.http)
      .post(`/api/v1/credit-limits/${big.body.id}/reject`)
      .set(s.auth(manager.token))
      .send({ comment: 'Pas de couverture assureur' })
      .expect(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', decisionComment: 'Pas de couverture assureur' });
    await request(t.http).post(`/api/v1/credit-limits/${big.body.id}/approve`).set(s.auth(manager.token)).send({}).expect(409);

    const history = await request(t.http).get(`/api/v1/customers/${c}/credit-limits`).set(s.auth()).expect(200);
    expect(history.body.items.map((l: { amount: string; status: string }) => `${l.amount} ${l.status}`)).toEqual([
      '40000.00 rejected',
      '17000.00 active',
      '12000.00 superseded',
      '20000.00 superseded',
      '10000.00 superseded',
    ]);
    current = await request(t.http).get(`/api/v1/customers/${c}/credit-limit`).set(s.auth()).expect(200);
    expect(current.body).toMatchObject({ limit: { amount: '17000.00', status: 'active' }, pendingRequests: 0 });

    // An insurer feed through an API key applies at once whatever the increase.
    const key = await s.tenant.apiKey(['scoring:write']);
    const fed = await request(t.http)
      .post(`/api/v1/customers/${c}/credit-limits`)
      .set('X-API-Key', key)
      .send({ amount: '90000', currency: 'EUR', source: 'insurer' })
      .expect(201);
    expect(fed.body).toMatchObject({ status: 'active', decision: 'trusted_requester', requestedById: null });

    // A request still pending when another limit takes effect is superseded with it (and its alert closed).
    const stale = await s.setLimit(c, { amount: '150000', currency: 'EUR', source: 'internal' }, collector.token).expect(201);
    expect(stale.body).toMatchObject({ status: 'pending', currentAmount: '90000.00', currentCurrency: 'EUR' });
    await s.setLimit(c, { amount: '80000', currency: 'EUR', source: 'internal' }, manager.token).expect(201);
    const after = await request(t.http).get(`/api/v1/credit-limits?status=pending&customerId=${c}`).set(s.auth()).expect(200);
    expect(after.body.items).toEqual([]);
    const staleNow = await request(t.http).get(`/api/v1/customers/${c}/credit-limits`).set(s.auth()).expect(200);
    expect(staleNow.body.items.find((l: { id: string }) => l.id === stale.body.id)).toMatchObject({ status: 'superseded' });
    const openApprovals = await s.alerts('&type=limit_approval&unread=true', manager.token);
    expect(openApprovals.items.filter((a: { data: { limitId?: string } }) => a.data.limitId === stale.body.id)).toEqual([]);

    // Timeline: set, requested, approved, rejected...
    const timeline = await request(t.http).get(`/api/v1/customers/${c}/timeline?types=scoring`).set(s.auth()).expect(200);
    const types = timeline.body.items.map((i: { type: string }) => i.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'scoring.limit_set',
        'scoring.limit_requested',
        'scoring.limit_approved',
        'scoring.limit_rejected',
      ]),
    );
  });

  it('converts the threshold to the limit currency, and makes two concurrent requests queue', async () => {
    const s = await scenario('Limits currency', { approvalThreshold: '5000' });
    await request(t.http)
      .post('/api/v1/exchange-rates')
      .set(s.auth())
      .send([{ date: s.d(-5), fromCurrency: 'EUR', toCurrency: 'USD', rate: '1.1' }])
      .expect((r) => expect([200, 201]).toContain(r.status));
    const collector = await s.user('collector');
    const c1 = await s.customer('U1', { currency: 'USD' });
    const c2 = await s.customer('U2', { currency: 'USD' });
    // 5,000 EUR = 5,500 USD
    const within = await s.setLimit(c1, { amount: '5500', currency: 'USD', source: 'internal' }, collector.token).expect(201);
    expect(within.body).toMatchObject({ status: 'active', decision: 'within_threshold', threshold: '5500.00' });
    const over = await s.setLimit(c2, { amount: '5500.01', currency: 'USD', source: 'internal' }, collector.token).expect(201);
    expect(over.body).toMatchObject({ status: 'pending', decision: 'needs_approval' });
    // No rate to JPY: the threshold cannot be converted, the increase waits.
    const yen = await s.setLimit(c2, { amount: '1000', currency: 'JPY', source: 'internal' }, collector.token).expect(201);
    expect(yen.body).toMatchObject({ status: 'pending', threshold: null });

    // Ten limits set at the same time for one customer: all succeed, exactly one stays active.
    const c3 = await s.customer('U3');
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => s.setLimit(c3, { amount: String(1000 + i), currency: 'EUR', source: 'internal' })),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(201));
    const [{ active, superseded }] = await t.dataSource.query(
      `SELECT count(*) FILTER (WHERE status = 'active')::int AS active, count(*) FILTER (WHERE status = 'superseded')::int AS superseded
         FROM credit_limit WHERE customer_id = $1`,
      [c3],
    );
    expect({ active, superseded }).toEqual({ active: 1, superseded: 9 });
  });

  it('counts a limit only within its validity dates', async () => {
    const s = await scenario('Limits validity');
    const c = await s.customer('V1');
    await s.invoice(c, '900.00');
    await s.setLimit(c, { amount: '1000', currency: 'EUR', source: 'internal', validFrom: s.d(5), validTo: s.d(30) }).expect(201);
    let current = await request(t.http).get(`/api/v1/customers/${c}/credit-limit`).set(s.auth()).expect(200);
    expect(current.body).toMatchObject({ valid: false, usagePercent: null, available: null, level: 0 });
    await s.evaluate();
    expect((await s.alerts('&type=limit_threshold')).total).toBe(0);

    const clock = t.app.get(Clock);
    clock.travelTo(new Date(`${s.d(10)}T12:00:00Z`));
    await s.evaluate();
    expect((await s.alerts('&type=limit_threshold')).items.map((a) => a.data.level).sort()).toEqual([50, 80]);
    current = await request(t.http).get(`/api/v1/customers/${c}/credit-limit`).set(s.auth()).expect(200);
    expect(current.body).toMatchObject({ valid: true, usagePercent: '90.00', level: 80, available: '100.00' });

    // Past validTo the limit no longer applies: the stored level is lowered, no alert.
    clock.travelTo(new Date(`${s.d(31)}T12:00:00Z`));
    expect(await s.evaluate()).toMatchObject({ alerts: 0, lowered: 1 });
    const [stored] = await t.dataSource.query(`SELECT level, usage_percent FROM credit_limit_usage WHERE customer_id = $1`, [c]);
    expect(stored).toEqual({ level: 0, usage_percent: null });
    current = await request(t.http).get(`/api/v1/customers/${c}/credit-limit`).set(s.auth()).expect(200);
    expect(current.body).toMatchObject({ valid: false, usagePercent: null });
  });

  it('reminds of limits due for review or expiring, once per limit and date', async () => {
    const s = await scenario('Limits review', { reviewReminderDays: 30 });
    const c1 = await s.customer('R1');
    const c2 = await s.customer('R2');
    const c3 = await s.customer('R3');
    const l1 = await s.setLimit(c1, { amount: '1000', currency: 'EUR', source: 'internal', reviewOn: s.d(20) }).expect(201);
    const l2 = await s.setLimit(c2, { amount: '1000', currency: 'EUR', source: 'insurer', validTo: s.d(40) }).expect(201);
    await s.setLimit(c3, { amount: '1000', currency: 'EUR', source: 'internal', reviewOn: s.d(200) }).expect(201);

    expect(await s.reminders()).toEqual({ limits: 1, reminders: 1 });
    expect(await s.reminders()).toEqual({ limits: 1, reminders: 0 });
    let a = await s.alerts('&type=limit_review');
    expect(a.items).toEqual([
      expect.objectContaining({
        customerId: c1,
        severity: 'info',
        data: expect.objectContaining({ limitId: l1.body.id, kind: 'review', date: s.d(20) }),
      }),
    ]);

    // 15 days later the expiry of the second limit is within 30 days; the review date passes later.
    const clock = t.app.get(Clock);
    clock.travelTo(new Date(`${s.d(15)}T12:00:00Z`));
    expect(await s.reminders()).toEqual({ limits: 2, reminders: 1 });
    clock.travelTo(new Date(`${s.d(25)}T12:00:00Z`));
    expect(await s.reminders()).toEqual({ limits: 2, reminders: 0 });
    a = await s.alerts('&type=limit_review');
    expect(a.items.map((x) => `${x.data.limitId === l2.body.id ? 'l2' : 'l1'}:${x.data.kind}`).sort()).toEqual([
      'l1:review',
      'l2:expiry',
    ]);

    // A new review date is a new reminder.
    await s.setLimit(c1, { amount: '1000', currency: 'EUR', source: 'internal', reviewOn: s.d(26) }).expect(201);
    expect(await s.reminders()).toEqual({ limits: 2, reminders: 1 });
  });

  it('imports open orders: upsert, replay, close, snapshot with its safety limit, dry run, row errors', async () => {
    const s = await scenario('Open orders');
    const c1 = await s.customer('OC1');
    const c2 = await s.customer('OC2');
    const row = (ref: string, customerRef: string, amount: string, extra: object = {}) => ({
      externalRef: ref,
      customerRef,
      orderDate: s.d(-3),
      amount,
      currency: 'EUR',
      expectedInvoiceDate: s.d(10),
      ...extra,
    });
    const batch = [row('CMD-1', 'OC1', '100.00'), row('CMD-2', 'OC1', '200.00'), row('CMD-3', 'OC2', '300.00')];
    let r = await s.orders(batch).expect(200);
    expect(r.body).toMatchObject({
      mode: 'upsert',
      dryRun: false,
      counts: { received: 3, created: 3, updated: 0, unchanged: 0, closed: 0, failed: 0 },
    });
    r = await s.orders(batch).expect(200);
    expect(r.body.counts).toMatchObject({ created: 0, updated: 0, unchanged: 3 });

    // Dry run of a change: counted, not written.
    r = await s.orders([row('CMD-1', 'OC1', '150.00')], '?dryRun=true').expect(200);
    expect(r.body).toMatchObject({ dryRun: true, counts: { updated: 1 } });
    let list = await request(t.http).get(`/api/v1/customers/${c1}/open-orders`).set(s.auth()).expect(200);
    expect(list.body.items.map((o: { externalRef: string; amount: string }) => `${o.externalRef} ${o.amount}`).sort()).toEqual([
      'CMD-1 100.00',
      'CMD-2 200.00',
    ]);

    // Update, and close with closed: true.
    r = await s.orders([row('CMD-1', 'OC1', '150.00'), row('CMD-2', 'OC1', '200.00', { closed: true })]).expect(200);
    expect(r.body.counts).toMatchObject({ updated: 1, closed: 1, unchanged: 0 });
    r = await s.orders([row('CMD-1', 'OC1', '150.00'), row('CMD-2', 'OC1', '200.00', { closed: true })]).expect(200);
    expect(r.body.counts).toMatchObject({ updated: 0, closed: 0, unchanged: 2 });
    list = await request(t.http).get(`/api/v1/customers/${c1}/open-orders?status=all`).set(s.auth()).expect(200);
    expect(list.body.items.find((o: { externalRef: string }) => o.externalRef === 'CMD-2').closedAt).not.toBeNull();

    // Snapshot: CMD-3 is absent, so it is closed; a replay changes nothing.
    r = await s.orders([row('CMD-1', 'OC1', '150.00')], '?mode=snapshot').expect(200);
    expect(r.body.counts).toMatchObject({ unchanged: 1, closed: 1 });
    r = await s.orders([row('CMD-1', 'OC1', '150.00')], '?mode=snapshot').expect(200);
    expect(r.body.counts).toMatchObject({ unchanged: 1, closed: 0 });
    expect((await request(t.http).get(`/api/v1/customers/${c2}/open-orders`).set(s.auth()).expect(200)).body.total).toBe(0);

    // An order that comes back is reopened; moving it to another customer is an update.
    r = await s.orders([row('CMD-3', 'OC1', '300.00')]).expect(200);
    expect(r.body.counts).toMatchObject({ updated: 1 });
    expect((await request(t.http).get(`/api/v1/customers/${c1}/open-orders`).set(s.auth()).expect(200)).body.total).toBe(2);

    // Safety limit: closing both open orders with maxClose=1 is refused, nothing written.
    r = await s.orders([row('CMD-9', 'OC2', '10.00')], '?mode=snapshot&maxClose=1').expect(422);
    expect(r.body.errors).toEqual([expect.objectContaining({ field: 'maxClose' })]);
    expect((await request(t.http).get(`/api/v1/customers/${c2}/open-orders`).set(s.auth()).expect(200)).body.total).toBe(0);

    // Row errors: all or nothing (422 naming rows and fields), or partial=true keeps the valid rows.
    const bad = [
      row('CMD-10', 'OC2', '10.00'),
      row('CMD-11', 'NOPE', '10.00'),
      row('CMD-12', 'OC2', '-5.00'),
      row('CMD-13', 'OC2', '5.00', { currency: 'EUROS' }),
      row('CMD-10', 'OC2', '10.00'),
      { customerRef: 'OC2', orderDate: '2026-02-30', amount: '1', currency: 'EUR' },
    ];
    r = await s.orders(bad).expect(422);
    expect(r.body.errors).toEqual([
      expect.objectContaining({ row: 2, field: 'customerRef' }),
      expect.objectContaining({ row: 3, field: 'amount', message: 'amount must not be negative' }),
      expect.objectContaining({ row: 4, field: 'currency' }),
      expect.objectContaining({ row: 5, field: 'externalRef' }),
      expect.objectContaining({ row: 6, field: 'externalRef' }),
      expect.objectContaining({ row: 6, field: 'orderDate' }),
    ]);
    expect((await request(t.http).get(`/api/v1/customers/${c2}/open-orders`).set(s.auth()).expect(200)).body.total).toBe(0);
    r = await s.orders(bad, '?dryRun=true').expect(200);
    expect(r.body.counts).toMatchObject({ received: 6, created: 0, failed: 5 });
    r = await s.orders(bad, '?partial=true').expect(200);
    expect(r.body.counts).toMatchObject({ received: 6, created: 1, failed: 5 });
    expect(r.body.errors).toHaveLength(6);

    // The ERP pushes with an API key (imports:write); a read-only key cannot.
    const key = await s.tenant.apiKey(['imports:write']);
    await request(t.http)
      .post('/api/v1/open-orders/import')
      .set('X-API-Key', key)
      .send([row('CMD-20', 'OC2', '1.00')])
      .expect(200);
    const reader = await s.tenant.apiKey(['scoring:read']);
    await request(t.http)
      .post('/api/v1/open-orders/import')
      .set('X-API-Key', reader)
      .send([row('CMD-21', 'OC2', '1.00')])
      .expect(403);
    await request(t.http).post('/api/v1/open-orders/import').set(s.auth()).send({ not: 'an array' }).expect(422);
  });

  it('serves the alerts as notifications: unread, count, read, read all; sales see their own customers', async () => {
    const s = await scenario('Alerts inbox');
    const sales = await s.user('sales');
    const mine = await s.customer('S1', { salespersonId: sales.id });
    const other = await s.customer('S2');
    for (const c of [mine, other]) {
      await s.setLimit(c, { amount: '100', currency: 'EUR', source: 'internal' }).expect(201);
      await s.invoice(c, '90.00');
    }
    await s.evaluate();
    expect(await request(t.http).get('/api/v1/risk-alerts/unread-count').set(s.auth()).expect(200)).toMatchObject({
      body: { count: 4, critical: 0 },
    });
    const own = await s.alerts('', sales.token);
    expect(own.total).toBe(2);
    expect(new Set(own.items.map((a) => a.customerId))).toEqual(new Set([mine]));
    const viewer = await s.user('viewer');
    expect((await s.alerts('&unread=true', viewer.token)).total).toBe(4);

    const first = own.items[0];
    const read = await request(t.http).post(`/api/v1/risk-alerts/${first.id}/read`).set(s.auth(sales.token)).expect(200);
    expect(read.body.readAt).not.toBeNull();
    expect((await s.alerts('&unread=true')).total).toBe(3);
    // A salesperson cannot read another portfolio's alert.
    const others = (await s.alerts(`&customerId=${other}`)).items;
    await request(t.http).post(`/api/v1/risk-alerts/${others[0].id}/read`).set(s.auth(sales.token)).expect(404);
    const all = await request(t.http).post('/api/v1/risk-alerts/read-all').set(s.auth(sales.token)).expect(200);
    expect(all.body).toEqual({ updated: 1 });
    expect((await request(t.http).get('/api/v1/risk-alerts/unread-count').set(s.auth()).expect(200)).body.count).toBe(2);
    await request(t.http).post('/api/v1/risk-alerts/read-all?type=limit_threshold').set(s.auth()).expect(200);
    expect((await request(t.http).get('/api/v1/risk-alerts/unread-count').set(s.auth()).expect(200)).body.count).toBe(0);

    // Sales ask for limits on their own customers only.
    await s.setLimit(mine, { amount: '100', currency: 'EUR', source: 'internal' }, sales.token).expect(201);
    await s.setLimit(other, { amount: '100', currency: 'EUR', source: 'internal' }, sales.token).expect(404);
    expect(
      (await request(t.http).get(`/api/v1/credit-limits`).set(s.auth(sales.token)).expect(200)).body.items.map(
        (l: { customerId: string }) => l.customerId,
      ),
    ).not.toContain(other);
  });

  it('answers bad input with a 4xx naming the field', async () => {
    const s = await scenario('Limits bad input');
    const c = await s.customer('B1');
    const field = async (body: object) => {
      const r = await s.setLimit(c, body).expect(400);
      return r.body.errors.map((e: { field: string }) => e.field);
    };
    await s.setLimit(randomUUID(), { amount: '100', currency: 'EUR', source: 'internal' }).expect(404);
    await s.setLimit('not-a-uuid', { amount: '100', currency: 'EUR', source: 'internal' }).expect(404);
    expect(await field({ amount: '-100', currency: 'EUR', source: 'internal' })).toEqual(['amount']);
    expect(await field({ amount: '100', currency: 'EUX', source: 'internal' })).toEqual(['currency']);
    expect(await field({ amount: '100', currency: 'EUR' })).toEqual(['source']);
    expect(await field({ amount: '100', currency: 'EUR', source: 'bank' })).toEqual(['source']);
    expect(await field({ amount: '100.001', currency: 'EUR', source: 'internal' })).toEqual(['amount']);
    expect(await field({ amount: '100', currency: 'EUR', source: 'internal', validFrom: s.d(10), validTo: s.d(5) })).toEqual([
      'validTo',
    ]);
    expect(await field({ amount: '100', currency: 'EUR', source: 'internal', validTo: s.d(-1), validFrom: s.d(-10) })).toEqual([
      'validTo',
    ]);
    expect(await field({ amount: '100', currency: 'EUR', source: 'internal', reviewOn: '2026-13-01' })).toEqual(['reviewOn']);
    const viewer = await s.user('viewer');
    await s.setLimit(c, { amount: '100', currency: 'EUR', source: 'internal' }, viewer.token).expect(403);
    await request(t.http).post(`/api/v1/credit-limits/${randomUUID()}/approve`).set(s.auth()).send({}).expect(404);
    await request(t.http).get(`/api/v1/customers/${randomUUID()}/credit-limit`).set(s.auth()).expect(404);
    const r = await request(t.http).get('/api/v1/risk-alerts?type=nope').set(s.auth()).expect(400);
    expect(r.body.errors[0].field).toBe('type');
  });
});
