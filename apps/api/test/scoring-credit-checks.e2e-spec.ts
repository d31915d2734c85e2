import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays, today } from '@encours/domain';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { login, newTenant, startTestApp, type TestApp } from './support/test-app.js';

/**
 * The credit check for order entry through the API, as an ERP calls it (API key with
 * credit-checks:write), on a real PostgreSQL. Customers and invoices come through the API;
 * limits, scores, ratings and settings are written with SQL (their own APIs are not needed here).
 * Each scenario has its own tenant.
 */
describe('scoring: credit checks for order entry', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  async function scenario(label: string, rules: Record<string, unknown> | null = null) {
    const tenant = await newTenant(t, label);
    const [{ timezone }] = await t.dataSource.query(`SELECT timezone FROM tenant WHERE id = $1`, [tenant.tenantId]);
    const T = today(timezone);
    const d = (n: number) => addDays(T, n);
    const auth = (token = tenant.adminToken) => ({ Authorization: `Bearer ${token}` });
    if (rules)
      await t.dataSource.query(`INSERT INTO scoring_settings (tenant_id, weights, credit_check_rules) VALUES ($1, '{}', $2)`, [
        tenant.tenantId,
        JSON.stringify(rules),
      ]);
    const key = await tenant.apiKey(['credit-checks:write']);

    const customer = async (ref: string, extra: object = {}) =>
      (
        await request(t.http)
          .post('/api/v1/customers')
          .set(auth())
          .send({ externalRef: ref, name: `Client ${ref}`, ...extra })
          .expect(201)
      ).body.id as string;
    /** An open invoice due `due` days from today (negative: overdue). */
    const invoice = async (customerId: string, amount: string, due = 10, currency = 'EUR') =>
      request(t.http)
        .post('/api/v1/invoices')
        .set(auth())
        .send({
          kind: 'invoice',
          externalRef: `I-${randomUUID().slice(0, 8)}`,
          customerId,
          issueDate: d(Math.min(due, 0) - 30),
          dueDate: d(due),
          currency,
          amount,
        })
        .expect(201);
    const limit = (
      customerId: string,
      amount: string,
      o: { currency?: string; from?: string; to?: string | null; status?: string } = {},
    ) =>
      t.dataSource.query(
        `INSERT INTO credit_limit (tenant_id, customer_id, amount, currency, source, valid_from, valid_to, status)
         VALUES ($1, $2, $3, $4, 'internal', $5, $6, $7)`,
        [tenant.tenantId, customerId, amount, o.currency ?? 'EUR', o.from ?? d(-100), o.to ?? null, o.status ?? 'active'],
      );
    const score = (customerId: string, grade: string, value: number) =>
      t.dataSource.query(
        `INSERT INTO customer_score (tenant_id, customer_id, score, grade, factors, computed_at) VALUES ($1, $2, $3, $4, '[]', now())`,
        [tenant.tenantId, customerId, value, grade],
      );
    const rating = (customerId: string, provider: string, ratedOn: string, legalEvent: string | null, legalEventDate?: string) =>
      t.dataSource.query(
        `INSERT INTO external_rating (tenant_id, customer_id, provider, rated_on, legal_event, legal_event_date, source)
         VALUES ($1, $2, $3, $4, $5, $6, 'manual')`,
        [tenant.tenantId, customerId, provider, ratedOn, legalEvent, legalEventDate ?? null],
      );
    const rate = (fromCurrency: string, toCurrency: string, value: string, date = d(-1)) =>
      request(t.http)
        .post('/api/v1/exchange-rates')
        .set(auth())
        .send([{ date, fromCurrency, toCurrency, rate: value }])
        .expect((r) => expect([200, 201]).toContain(r.status));
    const check = (body: object, credentials: Record<string, string> = { 'X-API-Key': key }) =>
      request(t.http).post('/api/v1/credit-checks').set(credentials).send(body);
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
    return { tenant, T, d, auth, key, customer, invoice, limit, score, rating, rate, check, user };
  }

  it('accepts a healthy customer and answers the figures behind the decision', async () => {
    const s = await scenario('Credit accept');
    const c = await s.customer('OK1');
    await s.limit(c, '10000');
    await s.score(c, 'B', 78);
    await s.invoice(c, '2000.00');
    await s.invoice(c, '500.50', -5);
    const res = await s.check({ customerRef: 'OK1', amount: '1000', currency: 'eur', orderRef: 'SO-1' }).expect(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      decision: 'accept',
      reasons: [],
      customer: { id: c, externalRef: 'OK1', name: 'Client OK1' },
      orderRef: 'SO-1',
      amount: '1000.00',
      currency: 'EUR',
      orderAmount: '1000.00',
      exposure: '2500.50',
      exposureAfter: '3500.50',
      limit: '10000.00',
      available: '7499.50',
      availableAfter: '6499.50',
      limitCurrency: 'EUR',
      grade: 'B',
      score: 78,
      requestedByKind: 'api_key',
      requestedById: expect.any(String),
      checkedAt: expect.any(String),
      released: false,
      releasedAt: null,
      releasedById: null,
      releaseComment: null,
    });
    // By id, and the amount as a JSON number, without an order reference.
    const byId = await s.check({ customerId: c, amount: 99.99, currency: 'EUR' }).expect(201);
    expect(byId.body).toMatchObject({ decision: 'accept', amount: '99.99', orderRef: null, customer: { externalRef: 'OK1' } });
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM credit_check WHERE tenant_id = $1`, [
      s.tenant.tenantId,
    ]);
    expect(n).toBe(2);
  });

  it('applies each rule with the default settings (a table of customers)', async () => {
    const s = await scenario('Credit rules');
    type Case = { ref: string; setUp: (id: string) => Promise<unknown>; amount?: string; decision: string; codes: string[] };
    const big = (id: string) => s.limit(id, '1000000');
    const cases: Case[] = [
      { ref: 'ACCEPT', setUp: big, decision: 'accept', codes: [] },
      {
        ref: 'LIMIT-EXACT',
        setUp: async (id) => (await s.limit(id, '5000'), s.invoice(id, '4000.00')),
        amount: '1000.00',
        decision: 'accept',
        codes: [],
      },
      {
        ref: 'OVER',
        setUp: async (id) => (await s.limit(id, '5000'), s.invoice(id, '4500.00')),
        amount: '600.00',
        decision: 'block',
        codes: ['over_limit'],
      },
      { ref: 'NOLIMIT', setUp: async () => undefined, decision: 'review', codes: ['no_limit'] },
      {
        ref: 'EXPIRED',
        setUp: (id) => s.limit(id, '50000', { from: s.d(-100), to: s.d(-1) }),
        decision: 'review',
        codes: ['no_limit'],
      },
      { ref: 'FUTURE', setUp: (id) => s.limit(id, '50000', { from: s.d(1) }), decision: 'review', codes: ['no_limit'] },
      { ref: 'PENDING', setUp: (id) => s.limit(id, '50000', { status: 'pending' }), decision: 'review', codes: ['no_limit'] },
      {
        ref: 'VALID-TODAY',
        setUp: (id) => s.limit(id, '50000', { from: s.d(0), to: s.d(0) }),
        decision: 'accept',
        codes: [],
      },
      {
        ref: 'LATE60',
        setUp: async (id) => (await big(id), s.invoice(id, '100.00', -60)),
        decision: 'accept',
        codes: [],
      },
      {
        ref: 'LATE61',
        setUp: async (id) => (await big(id), s.invoice(id, '100.00', -61)),
        decision: 'review',
        codes: ['overdue_days'],
      },
      { ref: 'GRADE-E', setUp: async (id) => (await big(id), s.score(id, 'E', 12)), decision: 'block', codes: ['grade_e'] },
      { ref: 'GRADE-D', setUp: async (id) => (await big(id), s.score(id, 'D', 35)), decision: 'review', codes: ['grade_d'] },
      { ref: 'GRADE-C', setUp: async (id) => (await big(id), s.score(id, 'C', 55)), decision: 'accept', codes: [] },
      {
        ref: 'LEGAL',
        setUp: async (id) => (await big(id), s.rating(id, 'altares', s.d(-10), 'receivership', s.d(-12))),
        decision: 'block',
        codes: ['legal_event'],
      },
      {
        ref: 'LEGAL-OLD',
        setUp: async (id) => (await big(id), s.rating(id, 'altares', addDays(s.T, -800), 'liquidation')),
        decision: 'accept',
        codes: [],
      },
      {
        ref: 'LEGAL-CLEARED',
        setUp: async (id) => {
          await big(id);
          await s.rating(id, 'ellisphere', s.d(-200), 'safeguard');
          await s.rating(id, 'ellisphere', s.d(-20), null);
        },
        decision: 'accept',
        codes: [],
      },
      {
        ref: 'LEGAL-OTHER-PROVIDER',
        setUp: async (id) => {
          await big(id);
          await s.rating(id, 'ellisphere', s.d(-20), null);
          await s.rating(id, 'creditsafe', s.d(-90), 'safeguard');
        },
        decision: 'block',
        codes: ['legal_event'],
      },
      {
        ref: 'BLOCKED',
        setUp: big,
        decision: 'block',
        codes: ['account_blocked'],
      },
      {
        ref: 'MANY',
        setUp: async (id) => {
          await s.limit(id, '1000');
          await s.invoice(id, '900.00', -90);
          await s.score(id, 'D', 30);
        },
        amount: '200.00',
        decision: 'block',
        codes: ['over_limit', 'overdue_days', 'grade_d'],
      },
    ];
    const got: Array<{ ref: string; decision: string; codes: string[] }> = [];
    const data: Record<string, object[]> = {};
    for (const k of cases) {
      const id = await s.customer(k.ref, k.ref === 'BLOCKED' ? { blocked: true } : {});
      await k.setUp(id);
      const res = await s.check({ customerRef: k.ref, amount: k.amount ?? '100.00', currency: 'EUR' }).expect(201);
      got.push({ ref: k.ref, decision: res.body.decision, codes: res.body.reasons.map((r: { code: string }) => r.code) });
      for (const r of res.body.reasons)
        expect(r).toEqual({
          code: expect.any(String),
          outcome: expect.any(String),
          message: expect.any(String),
          data: expect.any(Object),
        });
      data[k.ref] = res.body.reasons.map((r: { data: object }) => r.data);
    }
    expect(got).toEqual(cases.map((k) => ({ ref: k.ref, decision: k.decision, codes: k.codes })));
    // The figures behind each reason, as the API answers them.
    expect(data).toMatchObject({
      OVER: [{ currency: 'EUR', exposureAfter: '5100.00', limit: '5000.00', excess: '100.00' }],
      NOLIMIT: [{}],
      LATE61: [{ days: 61, threshold: 60 }],
      'GRADE-E': [{ grade: 'E' }],
      'GRADE-D': [{ grade: 'D' }],
      LEGAL: [{ provider: 'altares', event: 'receivership', since: s.d(-12) }],
      'LEGAL-OTHER-PROVIDER': [{ provider: 'creditsafe', event: 'safeguard', since: s.d(-90) }],
      BLOCKED: [{}],
      MANY: [
        { currency: 'EUR', exposureAfter: '1100.00', limit: '1000.00', excess: '100.00' },
        { days: 90, threshold: 60 },
        { grade: 'D' },
      ],
    });
  });

  it("follows the tenant's rules: overdue amount, outcomes changed or switched off", async () => {
    const s = await scenario('Credit custom rules', {
      overdueAmount: '1000',
      overdueAmountOutcome: 'block',
      noLimit: 'off',
      gradeD: 'block',
      overdueDays: 30,
      overdueDaysOutcome: 'off',
      overLimit: 'review',
    });
    const a = await s.customer('AMT');
    await s.invoice(a, '1000.01', -40);
    const b = await s.customer('AMT-OK');
    await s.invoice(b, '1000.00', -40);
    const c = await s.customer('D');
    await s.score(c, 'D', 30);
    const e = await s.customer('OVER');
    await s.limit(e, '100');
    const results = [];
    for (const ref of ['AMT', 'AMT-OK', 'D', 'OVER']) {
      const res = await s.check({ customerRef: ref, amount: '150', currency: 'EUR' }).expect(201);
      results.push([
        ref,
        res.body.decision,
        res.body.reasons.map((r: { code: string; outcome: string }) => `${r.code}:${r.outcome}`),
        ...(ref === 'AMT' ? [res.body.reasons.map((r: { data: object }) => r.data)] : []),
      ]);
    }
    expect(results).toEqual([
      ['AMT', 'block', ['overdue_amount:block'], [{ currency: 'EUR', overdue: '1000.01', threshold: '1000.00' }]],
      ['AMT-OK', 'accept', []],
      ['D', 'block', ['grade_d:block']],
      ['OVER', 'review', ['over_limit:review']],
    ]);
  });

  it('converts the order and the exposure to the limit currency at the latest rate', async () => {
    const s = await scenario('Credit currencies');
    const c = await s.customer('FX', { currency: 'EUR' });
    await s.limit(c, '10000', { currency: 'USD' });
    await s.invoice(c, '1000.00');
    await s.rate('EUR', 'USD', '1.05', s.d(-30));
    await s.rate('EUR', 'USD', '1.10', s.d(-1));
    await s.rate('EUR', 'USD', '1.50', s.d(5)); // not yet
    const res = await s.check({ customerRef: 'FX', amount: '2000.00', currency: 'EUR' }).expect(201);
    expect(res.body).toMatchObject({
      decision: 'accept',
      amount: '2000.00',
      currency: 'EUR',
      orderAmount: '2200.00',
      exposure: '1100.00',
      exposureAfter: '3300.00',
      limit: '10000.00',
      available: '8900.00',
      availableAfter: '6700.00',
      limitCurrency: 'USD',
    });
    // Over the limit once converted: 8,100 EUR = 8,910 USD, exposure after 10,010 USD > 10,000 USD.
    const over = await s.check({ customerRef: 'FX', amount: '8100', currency: 'EUR' }).expect(201);
    expect(over.body).toMatchObject({ decision: 'block', orderAmount: '8910.00', availableAfter: '-10.00' });
    expect(over.body.reasons[0].message).toContain('USD');
    expect(over.body.reasons[0].data).toEqual({ currency: 'USD', exposureAfter: '10010.00', limit: '10000.00', excess: '10.00' });
    // The log keeps the order in the limit currency and the figures after it.
    const logged = await request(t.http).get(`/api/v1/credit-checks/${over.body.id}`).set(s.auth()).expect(200);
    expect(logged.body).toEqual(over.body);
    expect(logged.body).toMatchObject({
      amount: '8100.00',
      currency: 'EUR',
      orderAmount: '8910.00',
      exposureAfter: '10010.00',
      availableAfter: '-10.00',
      limitCurrency: 'USD',
    });
    // An order in USD against a EUR limit: converted the other way round.
    const eu = await s.customer('FX-EUR', { currency: 'EUR' });
    await s.limit(eu, '1000.00');
    await s.rate('USD', 'EUR', '0.9', s.d(-1));
    const usd = await s.check({ customerRef: 'FX-EUR', amount: '1250.00', currency: 'USD' }).expect(201);
    expect(usd.body).toMatchObject({ decision: 'block', amount: '1250.00', currency: 'USD', orderAmount: '1125.00' });
    const [usdLogged] = (await request(t.http).get(`/api/v1/credit-checks?customerId=${eu}`).set(s.auth()).expect(200)).body
      .items;
    expect(usdLogged).toMatchObject({
      orderAmount: '1125.00',
      exposureAfter: '1125.00',
      availableAfter: '-125.00',
      limitCurrency: 'EUR',
      score: null,
      reasons: [{ code: 'over_limit', data: { currency: 'EUR', exposureAfter: '1125.00', limit: '1000.00', excess: '125.00' } }],
    });
    // A currency without a rate to the limit currency.
    const noRate = await s.check({ customerRef: 'FX', amount: '100', currency: 'GBP' }).expect(400);
    expect(noRate.body.errors).toEqual([expect.objectContaining({ field: 'currency', code: 'noRate' })]);
    expect(noRate.body.errors[0].message).toContain('no exchange rate from GBP to USD');
    // A currency with no decimals, without a limit: the customer's currency.
    const j = await s.customer('JP', { currency: 'JPY' });
    await s.rate('EUR', 'JPY', '160', s.d(-1));
    const jp = await s.check({ customerId: j, amount: '10.00', currency: 'EUR' }).expect(201);
    expect(jp.body).toMatchObject({
      decision: 'review',
      orderAmount: '1600',
      limit: null,
      available: null,
      limitCurrency: 'JPY',
    });
  });

  it('logs every check; lists, filters and reads them', async () => {
    const s = await scenario('Credit log');
    const ok = await s.customer('LOG-OK');
    await s.limit(ok, '10000');
    const held = await s.customer('LOG-HELD');
    const blocked = await s.customer('LOG-BLOCK', { blocked: true });
    await s.limit(blocked, '10000');
    await s.score(blocked, 'C', 55);
    const a = (await s.check({ customerRef: 'LOG-OK', amount: '10', currency: 'EUR', orderRef: 'SO-A' }).expect(201)).body;
    const b = (await s.check({ customerRef: 'LOG-HELD', amount: '20', currency: 'EUR', orderRef: 'SO-B' }).expect(201)).body;
    const c = (await s.check({ customerRef: 'LOG-BLOCK', amount: '30', currency: 'EUR', orderRef: 'SO-C' }).expect(201)).body;
    expect([a.decision, b.decision, c.decision]).toEqual(['accept', 'review', 'block']);

    const reader = await s.tenant.apiKey(['scoring:read']);
    const list = (qs: string, headers: Record<string, string> = { 'X-API-Key': reader }) =>
      request(t.http).get(`/api/v1/credit-checks${qs}`).set(headers).expect(200);
    const all = (await list('')).body;
    expect(all).toMatchObject({ total: 3, page: 1, pageSize: 50 });
    expect(all.items.map((x: { id: string }) => x.id)).toEqual([c.id, b.id, a.id]);
    // The log answers the check as the POST did, figures and reasons' data included.
    expect(all.items[0]).toEqual(c);
    const waiting = (await list('?decision=review,block&released=false')).body;
    expect(waiting.items.map((x: { orderRef: string }) => x.orderRef)).toEqual(['SO-C', 'SO-B']);
    expect((await list(`?customerId=${held}`)).body.items.map((x: { id: string }) => x.id)).toEqual([b.id]);
    expect((await list('?q=so-a')).body.items.map((x: { id: string }) => x.id)).toEqual([a.id]);
    expect((await list('?q=LOG-BL')).body.items.map((x: { id: string }) => x.id)).toEqual([c.id]);
    expect((await list(`?from=${s.T}&to=${s.T}`)).body.total).toBe(3);
    expect((await list(`?from=${s.d(1)}`)).body.total).toBe(0);
    expect((await list('?released=true')).body.total).toBe(0);
    expect((await list('?sort=amount&pageSize=2')).body.items.map((x: { id: string }) => x.id)).toEqual([a.id, b.id]);
    await request(t.http).get('/api/v1/credit-checks?decision=maybe').set('X-API-Key', reader).expect(400);
    await request(t.http)
      .get(`/api/v1/credit-checks?from=${s.d(1)}&to=${s.T}`)
      .set('X-API-Key', reader)
      .expect(400);

    const one = await request(t.http).get(`/api/v1/credit-checks/${b.id}`).set(s.auth()).expect(200);
    expect(one.body).toMatchObject({ id: b.id, decision: 'review', reasons: [{ code: 'no_limit', outcome: 'review' }] });
    await request(t.http).get(`/api/v1/credit-checks/${randomUUID()}`).set(s.auth()).expect(404);
    const blockedOne = (await request(t.http).get(`/api/v1/credit-checks/${c.id}`).set(s.auth()).expect(200)).body;
    expect(blockedOne).toEqual(c);
    expect(blockedOne.reasons).toEqual([
      { code: 'account_blocked', outcome: 'block', message: 'The account is blocked by dunning', data: {} },
    ]);
    expect(blockedOne).toMatchObject({ orderAmount: '30.00', exposureAfter: '30.00', availableAfter: '9970.00', score: 55 });
    // A check logged before the figures were kept: no data in its reasons, null figures.
    await t.dataSource.query(
      `UPDATE credit_check SET reasons = '[{"code":"no_limit","outcome":"review","message":"The customer has no valid credit limit"}]',
              order_amount = NULL, exposure_after = NULL, available_after = NULL, score = NULL
        WHERE tenant_id = $1 AND id = $2`,
      [s.tenant.tenantId, b.id],
    );
    const old = (await request(t.http).get(`/api/v1/credit-checks/${b.id}`).set(s.auth()).expect(200)).body;
    expect(old).toMatchObject({ orderAmount: null, exposureAfter: null, availableAfter: null, score: null });
    expect(old.reasons).toEqual([{ code: 'no_limit', outcome: 'review', message: 'The customer has no valid credit limit' }]);
    // The ERP's key reads its checks back too.
    await request(t.http).get(`/api/v1/credit-checks/${b.id}`).set('X-API-Key', s.key).expect(200);

    // Held checks are on the customer's timeline; accepted ones are not.
    const timeline = async (id: string) =>
      (await request(t.http).get(`/api/v1/customers/${id}/timeline?types=scoring`).set(s.auth()).expect(200)).body.items;
    expect(await timeline(ok)).toEqual([]);
    const [entry] = await timeline(blocked);
    expect(entry).toMatchObject({
      type: 'scoring.credit_check',
      title: 'Order SO-C of 30.00 EUR blocked by the credit check',
      amount: '30.00',
      currency: 'EUR',
      source: 'scoring',
      related: { kind: 'credit_check', id: c.id },
      data: { creditCheckId: c.id, decision: 'block', reasons: ['account_blocked'], orderRef: 'SO-C' },
    });
  });

  it('lets a credit manager release a held order once, publishes credit_check.released', async () => {
    const s = await scenario('Credit release');
    await request(t.http)
      .post('/api/v1/webhooks')
      .set(s.auth())
      .send({ url: 'http://127.0.0.1:9/hooks', eventTypes: ['credit_check.released'] })
      .expect(201);
    const c = await s.customer('REL');
    await s.limit(c, '100');
    const ok = await s.customer('REL-OK');
    await s.limit(ok, '100000');
    const held = (await s.check({ customerRef: 'REL', amount: '500', currency: 'EUR', orderRef: 'SO-9' }).expect(201)).body;
    const accepted = (await s.check({ customerRef: 'REL-OK', amount: '5', currency: 'EUR' }).expect(201)).body;
    const manager = await s.user('credit_manager');
    const collector = await s.user('collector');

    await request(t.http).post(`/api/v1/credit-checks/${held.id}/release`).set(s.auth(collector.token)).send({}).expect(403);
    await request(t.http).post(`/api/v1/credit-checks/${held.id}/release`).set('X-API-Key', s.key).send({}).expect(403);
    const rel = await request(t.http)
      .post(`/api/v1/credit-checks/${held.id}/release`)
      .set(s.auth(manager.token))
      .send({ comment: 'Deposit received' })
      .expect(200);
    expect(rel.body).toMatchObject({
      id: held.id,
      decision: 'block',
      released: true,
      releasedById: manager.id,
      releaseComment: 'Deposit received',
      releasedAt: expect.any(String),
    });
    const again = await request(t.http).post(`/api/v1/credit-checks/${held.id}/release`).set(s.auth(manager.token)).send({});
    expect(again.status).toBe(409);
    expect(again.body.type).toContain('credit-check-already-released');
    const acc = await request(t.http).post(`/api/v1/credit-checks/${accepted.id}/release`).set(s.auth()).send({});
    expect(acc.status).toBe(409);
    expect(acc.body.type).toContain('credit-check-accepted');
    await request(t.http).post(`/api/v1/credit-checks/${randomUUID()}/release`).set(s.auth()).send({}).expect(404);

    const got = await request(t.http).get(`/api/v1/credit-checks?released=true`).set(s.auth()).expect(200);
    expect(got.body.items.map((x: { id: string }) => x.id)).toEqual([held.id]);
    const outbox = await t.dataSource.query(
      `SELECT dedupe_key, payload FROM webhook_delivery WHERE tenant_id = $1 AND event_type = 'credit_check.released'`,
      [s.tenant.tenantId],
    );
    expect(outbox).toHaveLength(1);
    expect(outbox[0].dedupe_key).toBe(held.id);
    expect(outbox[0].payload.data).toMatchObject({
      creditCheckId: held.id,
      customerId: c,
      customerRef: 'REL',
      orderRef: 'SO-9',
      amount: '500.00',
      currency: 'EUR',
      decision: 'block',
      reasons: ['over_limit'],
      releasedById: manager.id,
      comment: 'Deposit received',
    });
    const timeline = (await request(t.http).get(`/api/v1/customers/${c}/timeline?types=scoring`).set(s.auth()).expect(200)).body
      .items;
    expect(timeline.map((e: { type: string }) => e.type).sort()).toEqual([
      'scoring.credit_check',
      'scoring.credit_check_released',
    ]);
    const released = timeline.find((e: { type: string }) => e.type === 'scoring.credit_check_released');
    expect(released).toMatchObject({ body: 'Deposit received', author: { id: manager.id } });
  });

  it('checks roles and scopes; sales see their own customers only', async () => {
    const s = await scenario('Credit roles');
    const sales = await s.user('sales');
    const mine = await s.customer('MINE', { salespersonId: sales.id });
    await s.customer('THEIRS');
    const viewer = await s.user('viewer');
    const body = { customerRef: 'MINE', amount: '10', currency: 'EUR' };
    await s.check(body, s.auth(viewer.token)).expect(403);
    await s.check(body, { 'X-API-Key': await s.tenant.apiKey(['scoring:read']) }).expect(403);
    await s.check(body, {}).expect(401);
    for (const role of ['admin', 'credit_manager', 'collector'] as const) {
      const res = await s.check(body, s.auth(await s.tenant.userToken(role))).expect(201);
      expect(res.body.requestedByKind).toBe('user');
    }
    const own = await s.check(body, s.auth(sales.token)).expect(201);
    expect(own.body).toMatchObject({ requestedByKind: 'user', requestedById: sales.id, customer: { id: mine } });
    const other = await s.check({ ...body, customerRef: 'THEIRS' }, s.auth(sales.token)).expect(400);
    expect(other.body.errors).toEqual([expect.objectContaining({ field: 'customerRef', code: 'unknownCustomer' })]);
    await s.check({ customerRef: 'THEIRS', amount: '10', currency: 'EUR' }).expect(201);
    // The log: sales see their customers' checks only; viewers read everything.
    const salesList = (await request(t.http).get('/api/v1/credit-checks').set(s.auth(sales.token)).expect(200)).body;
    expect(salesList.items.every((x: { customer: { id: string } }) => x.customer.id === mine)).toBe(true);
    expect(salesList.total).toBe(4);
    const viewerList = (await request(t.http).get('/api/v1/credit-checks').set(s.auth(viewer.token)).expect(200)).body;
    expect(viewerList.total).toBe(5);
    const theirs = viewerList.items.find((x: { customer: { externalRef: string } }) => x.customer.externalRef === 'THEIRS');
    await request(t.http).get(`/api/v1/credit-checks/${theirs.id}`).set(s.auth(sales.token)).expect(404);
    // Another tenant's key does not see this tenant's customers or checks.
    const other2 = await scenario('Credit roles other');
    const foreign = await other2.check({ customerId: mine, amount: '10', currency: 'EUR' }).expect(400);
    expect(foreign.body.errors[0]).toMatchObject({ field: 'customerId', code: 'unknownCustomer' });
    await request(t.http).get(`/api/v1/credit-checks/${theirs.id}`).set(other2.auth()).expect(404);
  });

  it('answers clear 400s on bad input, naming the field', async () => {
    const s = await scenario('Credit bad input');
    const c = await s.customer('BAD');
    const bad = async (body: object, field: string, text: string | RegExp) => {
      const res = await s.check(body).expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const fields = res.body.errors.map((e: { field: string }) => e.field);
      expect(fields).toContain(field);
      const msg = res.body.errors.find((e: { field: string }) => e.field === field).message as string;
      if (typeof text === 'string') expect(msg).toContain(text);
      else expect(msg).toMatch(text);
    };
    await bad({ customerRef: 'NOPE', amount: '10', currency: 'EUR' }, 'customerRef', 'no such customer');
    await bad({ customerId: randomUUID(), amount: '10', currency: 'EUR' }, 'customerId', 'no such customer');
    await bad({ customerId: 'not-a-uuid', amount: '10', currency: 'EUR' }, 'customerId', 'no such customer');
    await bad({ amount: '10', currency: 'EUR' }, 'customerId', 'customerId or customerRef is required');
    await bad({ customerId: c, customerRef: 'BAD', amount: '10', currency: 'EUR' }, 'customerRef', 'not both');
    await bad({ customerRef: 'BAD', amount: '-5', currency: 'EUR' }, 'amount', 'greater than 0');
    await bad({ customerRef: 'BAD', amount: -5, currency: 'EUR' }, 'amount', 'greater than 0');
    await bad({ customerRef: 'BAD', amount: '0', currency: 'EUR' }, 'amount', 'greater than 0');
    await bad({ customerRef: 'BAD', amount: '10.001', currency: 'EUR' }, 'amount', 'at most 2 decimals');
    await bad({ customerRef: 'BAD', amount: '12,50', currency: 'EUR' }, 'amount', 'decimal amount');
    await bad({ customerRef: 'BAD', amount: '1000000000000000000', currency: 'EUR' }, 'amount', 'integer digits');
    await bad({ customerRef: 'BAD', currency: 'EUR' }, 'amount', 'required');
    await bad({ customerRef: 'BAD', amount: '10', currency: 'XYZ' }, 'currency', 'ISO 4217');
    await bad({ customerRef: 'BAD', amount: '10' }, 'currency', 'ISO 4217');
    await bad({ customerRef: 'BAD', amount: '10', currency: 'EUR', orderRef: 'x'.repeat(101) }, 'orderRef', '100');
    await bad({ customerRef: 'BAD', amount: '10', currency: 'EUR', extra: 1 }, 'extra', 'not an accepted field');
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM credit_check WHERE tenant_id = $1`, [
      s.tenant.tenantId,
    ]);
    expect(n).toBe(0);
  });
});
