import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Clock } from '@encours/api-core';
import { addDays, today } from '@encours/domain';
import { DunningSetupService, scenarioAssignmentSql } from '@encours/dunning';
import { ScoreService, ScoringJobs } from '@encours/scoring';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { login, newTenant, startTestApp, type TestApp } from './support/test-app.js';

interface Factor {
  key: string;
  value: number | null;
  points: number | null;
  weight: number;
  contribution: number;
  impact: number;
  available: boolean;
  detail: Record<string, unknown> | null;
}

/**
 * Behavioural scores through the API on a real PostgreSQL: the worked cases (on-time payer → A,
 * about 30 days late with 60 % overdue → D, liquidation → E forced), weights, history, alerts,
 * the incremental refresh, sales portfolios, settings validation, and the dunning scenarios
 * assigned by risk grade. Each scenario has its own tenant.
 */
describe('scoring: behavioural scores, grades, history and settings', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterEach(() => t.app.get(Clock).travelTo(null));
  afterAll(() => t?.close());

  async function scenario(label: string) {
    const tenant = await newTenant(t, label);
    const [{ timezone }] = await t.dataSource.query(`SELECT timezone FROM tenant WHERE id = $1`, [tenant.tenantId]);
    const T = today(timezone);
    const d = (n: number) => addDays(T, n);
    const auth = (token = tenant.adminToken) => ({ Authorization: `Bearer ${token}` });
    const get = (url: string, token?: string) => request(t.http).get(url).set(auth(token));
    const customer = async (ref: string, extra: object = {}) =>
      (
        await request(t.http)
          .post('/api/v1/customers')
          .set(auth())
          .send({ externalRef: ref, name: `Client ${ref}`, ...extra })
          .expect(201)
      ).body.id as string;
    const invoice = async (customerId: string, amount: string, dueDate: string, currency = 'EUR') =>
      (
        await request(t.http)
          .post('/api/v1/invoices')
          .set(auth())
          .send({
            kind: 'invoice',
            externalRef: `I-${randomUUID().slice(0, 8)}`,
            customerId,
            issueDate: addDays(dueDate, -30),
            dueDate,
            currency,
            amount,
          })
          .expect(201)
      ).body.id as string;
    /** A payment of the customer on `date`, allocated in full to the invoice. */
    const settle = async (customerRef: string, invoiceId: string, amount: string, date: string, currency = 'EUR') => {
      const ref = `P-${randomUUID().slice(0, 8)}`;
      await request(t.http)
        .post('/api/v1/imports/payments')
        .set(auth())
        .send([{ externalRef: ref, customerRef, date, amount, currency }])
        .expect(200);
      const paymentId = (await get(`/api/v1/payments?q=${ref}`).expect(200)).body.items[0].id as string;
      await request(t.http).post('/api/v1/allocations').set(auth()).send({ invoiceId, paymentId, amount, date }).expect(201);
    };
    const score = async (customerId: string, token?: string) =>
      (await get(`/api/v1/customers/${customerId}/score`, token).expect(200)).body as {
        customerId: string;
        score: number;
        grade: string;
        forcedBy: string | null;
        computedAt: string;
        explanation: string;
        factors: Factor[];
      };
    const refresh = (ids: string[] | null) =>
      t.dataSource.transaction((m) => t.app.get(ScoreService).refresh(m, tenant.tenantId, ids));
    const history = async (customerId: string) =>
      (await t.dataSource.query(
        `SELECT day::text AS day, score, grade FROM customer_score_history WHERE tenant_id = $1 AND customer_id = $2 ORDER BY day`,
        [tenant.tenantId, customerId],
      )) as Array<{ day: string; score: number; grade: string }>;

    /** Paid 3 invoices on their due date; one open, not due. */
    const onTimePayer = async (ref: string) => {
      const c = await customer(ref);
      for (const n of [60, 45, 30]) {
        const inv = await invoice(c, '1000.00', d(-n));
        await settle(ref, inv, '1000.00', d(-n));
      }
      await invoice(c, '2000.00', d(15));
      return c;
    };
    /**
     * Paid 5,000 on time and 5,000 sixty days late (30 days late on average); 6,000 open 90 days
     * past due and 4,000 open not due yet (60 % overdue).
     */
    const latePayer = async (ref: string, extra: object = {}) => {
      const c = await customer(ref, extra);
      const onTime = await invoice(c, '5000.00', d(-70));
      await settle(ref, onTime, '5000.00', d(-70));
      const late = await invoice(c, '5000.00', d(-100));
      await settle(ref, late, '5000.00', d(-40));
      await invoice(c, '6000.00', d(-90));
      await invoice(c, '4000.00', d(20));
      return c;
    };
    return { tenant, T, d, auth, get, customer, invoice, settle, score, refresh, history, onTimePayer, latePayer };
  }

  it('grades an on-time payer A, computing and storing the score on first read', async () => {
    const s = await scenario('Score A');
    const c = await s.onTimePayer('A1');
    const got = await s.score(c);
    expect(got).toMatchObject({ customerId: c, score: 100, grade: 'A', forcedBy: null });
    const byKey = Object.fromEntries(got.factors.map((f) => [f.key, f]));
    expect(byKey.daysLate).toEqual({
      key: 'daysLate',
      value: 0,
      points: 100,
      weight: 0.3571,
      contribution: 35.71,
      impact: 0,
      available: true,
      detail: null,
    });
    expect(byKey.lateShare).toMatchObject({ value: 0, points: 100, detail: { settled: 3, late: 0 } });
    expect(byKey.brokenPromises).toMatchObject({ value: 0, points: 100, available: true });
    expect(byKey.overdueRatio).toMatchObject({ value: 0, points: 100 });
    // No prior period, no limit, no rating: left out, listed last.
    expect(got.factors.slice(-3).map((f) => [f.key, f.available])).toEqual([
      ['lateTrend', false],
      ['limitUsage', false],
      ['externalScore', false],
    ]);
    const [stored] = await t.dataSource.query(
      `SELECT score, grade FROM customer_score WHERE tenant_id = $1 AND customer_id = $2`,
      [s.tenant.tenantId, c],
    );
    expect(stored).toEqual({ score: 100, grade: 'A' });
    expect(await s.history(c)).toEqual([{ day: s.T, score: 100, grade: 'A' }]);
    // A customer without anything: neutral C, every factor unavailable, said so.
    const empty = await s.score(await s.customer('A0'));
    expect(empty).toMatchObject({ score: 50, grade: 'C' });
    expect(empty.factors.every((f) => !f.available)).toBe(true);
    expect(empty.explanation).toContain('no payment history, credit limit or external rating is known yet');
  });

  it('grades a customer about 30 days late with 60 % overdue D, explained by days late and the overdue ratio', async () => {
    const s = await scenario('Score D');
    const c = await s.latePayer('D1');
    const got = await s.score(c);
    expect(got).toMatchObject({ score: 45, grade: 'D', forcedBy: null });
    expect(got.factors.slice(0, 3).map((f) => [f.key, f.value, f.points, f.impact])).toEqual([
      ['daysLate', 52.5, 12.5, 31.25],
      ['overdueRatio', 60, 40, 12.86],
      ['lateShare', 50, 50, 10.71],
    ]);
    expect(got.explanation).toBe(
      'Grade D (45/100): main factors: days late 52.5 days on average (−31.3 points); overdue amount 60 % (−12.9 points); invoices paid late 50 % (−10.7 points).',
    );
    const contributions = got.factors.reduce((sum, f) => sum + f.contribution, 0);
    expect(Math.round(contributions)).toBe(45);

    // The list and the distribution.
    await s.onTimePayer('D2');
    await request(t.http).post('/api/v1/scoring/recompute').set(s.auth()).expect(200);
    const list = (await s.get('/api/v1/scoring/scores?grade=d,E').expect(200)).body;
    expect(list).toMatchObject({
      total: 1,
      items: [{ customerId: c, customerName: 'Client D1', externalRef: 'D1', score: 45, grade: 'D', forcedBy: null }],
    });
    expect(list.items[0].topFactors).toEqual(['daysLate', 'overdueRatio', 'lateShare']);
    const all = (await s.get('/api/v1/scoring/scores?sort=-score').expect(200)).body;
    expect(all.items.map((i: { externalRef: string }) => i.externalRef)).toEqual(['D2', 'D1']);
    await s.get('/api/v1/scoring/scores?grade=F').expect(400);
    await s.get('/api/v1/scoring/scores?sort=grade').expect(400);
    const grades = (await s.get('/api/v1/scoring/grades').expect(200)).body;
    expect(grades).toEqual({
      currency: 'EUR',
      asOf: s.T,
      grades: [
        { grade: 'A', customers: 1, openReceivables: '2000.00' },
        { grade: 'B', customers: 0, openReceivables: '0.00' },
        { grade: 'C', customers: 0, openReceivables: '0.00' },
        { grade: 'D', customers: 1, openReceivables: '10000.00' },
        { grade: 'E', customers: 0, openReceivables: '0.00' },
      ],
      unscored: { customers: 0, openReceivables: '0.00' },
      missingRates: [],
    });
  });

  it('forces grade E on a liquidation, alerts once and records it on the timeline; a later clean rating lifts it', async () => {
    const s = await scenario('Score E');
    const c = await s.onTimePayer('E1');
    expect((await s.score(c)).grade).toBe('A');
    await t.dataSource.query(
      `INSERT INTO external_rating (tenant_id, customer_id, provider, rated_on, score, scale_max, legal_event, legal_event_date, source)
       VALUES ($1, $2, 'altares', $3, 2, 20, 'liquidation', $4, 'manual')`,
      [s.tenant.tenantId, c, s.d(-1), s.d(-3)],
    );
    // What the ratings module does after a legal event: refresh the customer in its transaction.
    await s.refresh([c]);
    const got = await s.score(c);
    expect(got).toMatchObject({ score: 20, grade: 'E', forcedBy: 'legal_event' });
    expect(got.factors[0]).toEqual({
      key: 'legalEvent',
      value: null,
      points: 0,
      weight: 0,
      contribution: 0,
      impact: expect.any(Number),
      available: true,
      detail: { event: 'liquidation', date: s.d(-3), provider: 'altares' },
    });
    expect(got.factors.find((f) => f.key === 'externalScore')).toMatchObject({ value: 10, points: 10, available: true });
    expect(got.explanation).toContain(`forced by a collective proceeding (liquidation on ${s.d(-3)}, reported by altares)`);

    await s.refresh([c]); // again: nothing new
    const alerts = await t.dataSource.query(
      `SELECT type, severity, dedupe_key, data->>'previousGrade' AS previous, data->>'grade' AS grade
         FROM risk_alert WHERE tenant_id = $1 AND customer_id = $2`,
      [s.tenant.tenantId, c],
    );
    expect(alerts).toEqual([
      { type: 'grade_change', severity: 'critical', dedupe_key: `${c}:${s.T}:E`, previous: 'A', grade: 'E' },
    ]);
    const timeline = (await s.get(`/api/v1/customers/${c}/timeline?types=scoring`).expect(200)).body.items;
    expect(timeline).toHaveLength(1);
    expect(timeline[0]).toMatchObject({
      type: 'scoring.grade_changed',
      title: 'Risk grade A → E (score 20/100)',
      source: 'scoring',
    });
    // Same day: the day's history row holds the last computation.
    expect(await s.history(c)).toEqual([{ day: s.T, score: 20, grade: 'E' }]);

    // A later rating by the same provider without the event clears it; the score comes back (no alert: it rose).
    await t.dataSource.query(
      `INSERT INTO external_rating (tenant_id, customer_id, provider, rated_on, score, scale_max, source)
       VALUES ($1, $2, 'altares', $3, 16, 20, 'manual')`,
      [s.tenant.tenantId, c, s.T],
    );
    await s.refresh(null);
    const back = await s.score(c);
    expect(back).toMatchObject({ grade: 'A', forcedBy: null });
    expect(back.factors.find((f) => f.key === 'externalScore')).toMatchObject({ value: 80, detail: { provider: 'altares' } });
    expect((await t.dataSource.query(`SELECT 1 FROM risk_alert WHERE tenant_id = $1`, [s.tenant.tenantId])).length).toBe(1);
  });

  it('lets the weights change the grade: a PUT of the weights recomputes the tenant', async () => {
    const s = await scenario('Score weights');
    const c = await s.latePayer('W1');
    expect((await s.score(c)).grade).toBe('D');
    const before = (await s.get('/api/v1/scoring/settings').expect(200)).body;
    expect(before).toMatchObject({ defaults: true, alertLevels: [50, 80, 100], weights: { daysLate: 25, externalScore: 20 } });
    // Only promises and disputes (both clean) count: A.
    const put = await request(t.http)
      .put('/api/v1/scoring/settings')
      .set({ Authorization: `Bearer ${await s.tenant.userToken('credit_manager')}` })
      .send({ weights: { daysLate: 0, lateShare: 0, overdueRatio: 0 } })
      .expect(200);
    expect(put.body).toMatchObject({
      defaults: false,
      weights: { daysLate: 0, lateShare: 0, overdueRatio: 0, lateTrend: 10, brokenPromises: 10, disputes: 5 },
      alertLevels: [50, 80, 100],
    });
    const after = await s.score(c);
    expect(after).toMatchObject({ score: 100, grade: 'A' });
    expect(after.factors.find((f) => f.key === 'daysLate')).toMatchObject({ available: true, weight: 0, impact: 0 });
    // Settings that do not touch the weights leave the scores alone.
    const [{ computed_at: at1 }] = await t.dataSource.query(`SELECT computed_at FROM customer_score WHERE customer_id = $1`, [c]);
    await request(t.http)
      .put('/api/v1/scoring/settings')
      .set(s.auth())
      .send({ alertLevels: [100, 75], approvalThreshold: '25000.5', creditCheckRules: { gradeD: 'off', overdueAmount: '1000' } })
      .expect(200)
      .expect((res) =>
        expect(res.body).toMatchObject({
          alertLevels: [75, 100],
          approvalThreshold: '25000.500',
          creditCheckRules: { gradeD: 'off', gradeE: 'block', overdueAmount: '1000' },
        }),
      );
    const [{ computed_at: at2 }] = await t.dataSource.query(`SELECT computed_at FROM customer_score WHERE customer_id = $1`, [c]);
    expect(at2).toEqual(at1);
    await request(t.http)
      .put('/api/v1/scoring/settings')
      .set(s.auth())
      .send({ approvalThreshold: null, creditCheckRules: { overdueAmount: null } })
      .expect(200)
      .expect((res) => expect(res.body).toMatchObject({ approvalThreshold: null, creditCheckRules: { overdueAmount: null } }));
  });

  it('rejects bad settings with 400 naming the field, and keeps writing to admins and credit managers', async () => {
    const s = await scenario('Score settings');
    const put = (body: object, token = s.tenant.adminToken) =>
      request(t.http).put('/api/v1/scoring/settings').set(s.auth(token)).send(body);
    const fields = (body: { errors: Array<{ field: string }> }) => [...new Set(body.errors.map((e) => e.field))].sort();
    expect(fields((await put({ weights: { daysLate: -1, lateShare: 'x' } }).expect(400)).body)).toEqual([
      'weights.daysLate',
      'weights.lateShare',
    ]);
    expect(fields((await put({ weights: { speed: 3 } }).expect(400)).body)).toEqual(['weights.speed']);
    const zero = Object.fromEntries(
      ['daysLate', 'lateTrend', 'lateShare', 'brokenPromises', 'disputes', 'overdueRatio', 'limitUsage', 'externalScore'].map(
        (k) => [k, 0],
      ),
    );
    expect(fields((await put({ weights: zero }).expect(400)).body)).toEqual(['weights']);
    expect(fields((await put({ alertLevels: [50, 50, 0, 301, 2.5, 'x'] }).expect(400)).body)).toEqual([
      'alertLevels[1]',
      'alertLevels[2]',
      'alertLevels[3]',
      'alertLevels[4]',
      'alertLevels[5]',
    ]);
    expect(
      fields(
        (
          await put({
            creditCheckRules: { gradeE: 'maybe', overdueDays: -1, overdueAmount: '12,5', overLimit: null },
          }).expect(400)
        ).body,
      ),
    ).toEqual([
      'creditCheckRules.gradeE',
      'creditCheckRules.overLimit',
      'creditCheckRules.overdueAmount',
      'creditCheckRules.overdueDays',
    ]);
    expect(fields((await put({ approvalThreshold: '-5' }).expect(400)).body)).toEqual(['approvalThreshold']);
    expect(fields((await put({ approvalThreshold: '1.234' }).expect(400)).body)).toEqual(['approvalThreshold']);
    expect(fields((await put({ reviewReminderDays: -2 }).expect(400)).body)).toEqual(['reviewReminderDays']);
    // Nothing was saved.
    expect((await s.get('/api/v1/scoring/settings').expect(200)).body.defaults).toBe(true);
    for (const role of ['collector', 'viewer', 'sales'] as const) await put({}, await s.tenant.userToken(role)).expect(403);
    await s.get('/api/v1/scoring/settings', await s.tenant.userToken('sales')).expect(200);
    await request(t.http)
      .get('/api/v1/scoring/settings')
      .set('X-API-Key', await s.tenant.apiKey(['scoring:read']))
      .expect(200);
  });

  it('writes a history row only when the score or the grade changes from the previous one', async () => {
    const s = await scenario('Score history');
    const c = await s.customer('H1');
    const paid = await s.invoice(c, '1000.00', s.d(-20));
    await s.settle('H1', paid, '1000.00', s.d(-20));
    const open = await s.invoice(c, '1000.00', s.d(30));
    expect((await s.score(c)).score).toBe(100);
    await request(t.http).post('/api/v1/scoring/recompute').set(s.auth()).expect(200);
    expect(await s.history(c)).toEqual([{ day: s.T, score: 100, grade: 'A' }]);

    // Next day, nothing changed: no row.
    const clock = t.app.get(Clock);
    clock.travelTo(new Date(`${s.d(1)}T12:00:00Z`));
    await s.refresh(null);
    expect(await s.history(c)).toHaveLength(1);

    // A dispute makes it fall (a row for the day), its end brings it back (the day's row goes).
    await request(t.http).put(`/api/v1/invoices/${open}/disputed`).set(s.auth()).send({ disputed: true }).expect(200);
    await s.refresh([c]);
    const fallen = await s.score(c);
    expect(fallen.factors[0]).toMatchObject({ key: 'disputes', value: 100, points: 0 });
    expect(await s.history(c)).toEqual([
      { day: s.T, score: 100, grade: 'A' },
      { day: s.d(1), score: fallen.score, grade: fallen.grade },
    ]);
    await request(t.http).put(`/api/v1/invoices/${open}/disputed`).set(s.auth()).send({ disputed: false }).expect(200);
    await s.refresh([c]);
    expect(await s.history(c)).toEqual([{ day: s.T, score: 100, grade: 'A' }]);

    // Fifty days on, the invoice is 20 days late: a new row; the API serves the history oldest first.
    clock.travelTo(new Date(`${s.d(50)}T12:00:00Z`));
    await s.refresh([c]);
    const now = await s.score(c);
    expect(now.score).toBeLessThan(100);
    const hist = (await s.get(`/api/v1/customers/${c}/score/history`).expect(200)).body;
    expect(hist).toEqual([
      { day: s.T, score: 100, grade: 'A' },
      { day: s.d(50), score: now.score, grade: now.grade },
    ]);
    expect((await s.get(`/api/v1/customers/${c}/score/history?from=${s.d(1)}`).expect(200)).body).toEqual([hist[1]]);
    expect((await s.get(`/api/v1/customers/${c}/score/history?to=${s.d(1)}`).expect(200)).body).toEqual([hist[0]]);
    const bad = await s.get(`/api/v1/customers/${c}/score/history?from=${s.d(2)}&to=${s.d(1)}`).expect(400);
    expect(bad.body.errors[0].field).toBe('from');
    await s.get(`/api/v1/customers/${c}/score/history?from=2026-02-30`).expect(400);
  });

  it('refreshes only the customers whose inputs changed, and counts broken promises from dunning', async () => {
    const s = await scenario('Score changes');
    const x = await s.onTimePayer('X1');
    const y = await s.onTimePayer('Y1');
    // The inputs are older than the scores computed next.
    await t.dataSource.query(`UPDATE receivable_item SET updated_at = now() - interval '1 hour' WHERE tenant_id = $1`, [
      s.tenant.tenantId,
    ]);
    await request(t.http).post('/api/v1/scoring/recompute').set(s.auth()).expect(200);
    const service = t.app.get(ScoreService);
    expect(await service.changedCustomers(t.dataSource.manager, s.tenant.tenantId)).toEqual([]);

    await s.invoice(x, '3000.00', s.d(-10)); // overdue
    const fresh = await s.customer('Z1'); // never scored
    await t.dataSource.query(
      `INSERT INTO promise_to_pay (tenant_id, customer_id, amount, currency, promised_date, promised_on, channel, status, decided_on)
       VALUES ($1, $2, 500, 'EUR', $3, $4, 'phone', 'broken', $5)`,
      [s.tenant.tenantId, x, s.d(-20), s.d(-30), s.d(-16)],
    );
    const expected = [x, fresh].sort();
    expect(await service.changedCustomers(t.dataSource.manager, s.tenant.tenantId)).toEqual(expected);
    const summary = await service.refreshChanged(s.tenant.tenantId);
    expect(summary.customers).toBe(2);
    const got = await s.score(x);
    expect(got.factors.find((f) => f.key === 'brokenPromises')).toMatchObject({ value: 1, points: 60 });
    expect(got.factors.find((f) => f.key === 'overdueRatio')).toMatchObject({ value: 60 });
    const [{ computed_at: yAt }] = await t.dataSource.query(
      `SELECT computed_at FROM customer_score WHERE tenant_id = $1 AND customer_id = $2`,
      [s.tenant.tenantId, y],
    );
    const [{ computed_at: xAt }] = await t.dataSource.query(
      `SELECT computed_at FROM customer_score WHERE tenant_id = $1 AND customer_id = $2`,
      [s.tenant.tenantId, x],
    );
    expect(new Date(xAt).getTime()).toBeGreaterThan(new Date(yAt).getTime());

    // The scheduler's tick (jobs are off in tests): the day's recompute once, then only changes.
    const jobs = t.app.get(ScoringJobs);
    t.app.get(Clock).travelTo(new Date(`${s.d(1)}T10:00:00Z`));
    expect(await jobs.runScheduled({ tenantIds: [s.tenant.tenantId] })).toEqual({ daily: [s.tenant.tenantId], changed: [] });
    const second = await jobs.runScheduled({ tenantIds: [s.tenant.tenantId] });
    expect(second.daily).toEqual([]);
    const runs = await t.dataSource.query(
      `SELECT name, status, (counts->>'day')::int AS day, (counts->>'customers')::int AS customers FROM job_run
        WHERE tenant_id = $1 AND name = 'scoring.daily-recompute' ORDER BY started_at`,
      [s.tenant.tenantId],
    );
    expect(runs.at(-1)).toEqual({
      name: 'scoring.daily-recompute',
      status: 'succeeded',
      day: Number(s.d(1).replaceAll('-', '')),
      customers: 3,
    });
  });

  it('converts items in another currency at the latest rate, exactly', async () => {
    const s = await scenario('Score currencies');
    const c = await s.customer('M1');
    await s.invoice(c, '1000.00', s.d(10));
    await s.invoice(c, '1000.00', s.d(-10), 'USD');
    await t.dataSource.query(
      `INSERT INTO exchange_rate (tenant_id, date, from_currency, to_currency, rate) VALUES ($1, $2, 'USD', 'EUR', 0.5), ($1, $3, 'USD', 'EUR', 0.9)`,
      [s.tenant.tenantId, s.d(-30), s.d(-1)],
    );
    const got = await s.score(c);
    // 900 of 1,900 overdue.
    expect(got.factors.find((f) => f.key === 'overdueRatio')).toMatchObject({ value: 47.4 });
    expect(got.factors.find((f) => f.key === 'daysLate')).toMatchObject({ value: 10 });
  });

  it('uses the valid credit limit and the exposure for limitUsage', async () => {
    const s = await scenario('Score limit');
    const c = await s.customer('L1');
    await s.invoice(c, '8500.00', s.d(10));
    await t.dataSource.query(
      `INSERT INTO credit_limit (tenant_id, customer_id, amount, currency, source, valid_from, status)
       VALUES ($1, $2, 10000, 'EUR', 'internal', $3, 'active')`,
      [s.tenant.tenantId, c, s.d(-5)],
    );
    const got = await s.score(c);
    expect(got.factors.find((f) => f.key === 'limitUsage')).toMatchObject({
      value: 85,
      points: 50,
      available: true,
      detail: { exposure: '8500.00', limit: '10000.00', currency: 'EUR' },
    });
    // A limit not valid yet does not count.
    await t.dataSource.query(`UPDATE credit_limit SET valid_from = $2 WHERE tenant_id = $1`, [s.tenant.tenantId, s.d(5)]);
    await s.refresh([c]);
    expect((await s.score(c)).factors.find((f) => f.key === 'limitUsage')).toMatchObject({ available: false });
  });

  it('shows sales only their portfolio, and keeps recompute to admins and credit managers', async () => {
    const s = await scenario('Score sales');
    const created = await request(t.http)
      .post('/api/v1/users')
      .set(s.auth())
      .send({ email: `sales.${randomUUID().slice(0, 8)}@example.test`, name: 'Sales', role: 'sales' })
      .expect(201);
    const sales = await login(t, created.body.user.email, created.body.temporaryPassword);
    const mine = await s.latePayer('S1', { salespersonId: created.body.user.id });
    const other = await s.onTimePayer('S2');
    await request(t.http).post('/api/v1/scoring/recompute').set(s.auth()).expect(200);

    expect((await s.score(mine, sales)).grade).toBe('D');
    await s.get(`/api/v1/customers/${other}/score`, sales).expect(404);
    await s.get(`/api/v1/customers/${other}/score/history`, sales).expect(404);
    const list = (await s.get('/api/v1/scoring/scores', sales).expect(200)).body;
    expect(list.items.map((i: { customerId: string }) => i.customerId)).toEqual([mine]);
    const grades = (await s.get('/api/v1/scoring/grades', sales).expect(200)).body;
    expect(grades.grades.map((g: { customers: number }) => g.customers)).toEqual([0, 0, 0, 1, 0]);
    expect(grades.grades[3].openReceivables).toBe('10000.00');

    await request(t.http).post('/api/v1/scoring/recompute').set(s.auth(sales)).expect(403);
    await request(t.http)
      .post('/api/v1/scoring/recompute')
      .set(s.auth(await s.tenant.userToken('collector')))
      .expect(403);
    const res = await request(t.http)
      .post('/api/v1/scoring/recompute')
      .set(s.auth(await s.tenant.userToken('credit_manager')))
      .expect(200);
    expect(res.body).toMatchObject({ day: s.T, customers: 2, grades: { A: 1, B: 0, C: 0, D: 1, E: 0 }, gradeChanges: 0 });
    expect(typeof res.body.ms).toBe('number');
    const key = await s.tenant.apiKey(['scoring:read']);
    await request(t.http).get(`/api/v1/customers/${other}/score`).set('X-API-Key', key).expect(200);
  });

  it('assigns dunning scenarios by risk grade; customers not scored match no grade rule', async () => {
    const s = await scenario('Score dunning');
    await t.dataSource.transaction((m) => t.app.get(DunningSetupService).ensure(m, s.tenant.tenantId));
    const risky = (
      await request(t.http)
        .post('/api/v1/dunning/scenarios')
        .set(s.auth())
        .send({
          name: 'Risque élevé',
          priority: 5,
          match: { riskGrades: ['d', 'E'] },
          steps: [{ name: 'Relance', offsetDays: 1, action: 'email', templateCode: 'reminder_1_email' }],
        })
        .expect(201)
    ).body;
    const late = await s.latePayer('R1');
    const good = await s.onTimePayer('R2');
    const unscored = await s.customer('R3');
    await s.refresh([late, good]);
    const rows: Array<{ customer_id: string; scenario_id: string }> = await t.dataSource.query(
      `WITH ${scenarioAssignmentSql()} SELECT customer_id, scenario_id FROM customer_scenario`,
      [s.tenant.tenantId],
    );
    const of = new Map(rows.map((r) => [r.customer_id, r.scenario_id]));
    const [{ id: standard }] = await t.dataSource.query(`SELECT id FROM dunning_scenario WHERE tenant_id = $1 AND is_default`, [
      s.tenant.tenantId,
    ]);
    expect([of.get(late), of.get(good), of.get(unscored)]).toEqual([risky.id, standard, standard]);
  });
});
