import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays, today } from '@encours/domain';
import { RatingProviderRegistry, type RatedCustomer } from '@encours/scoring';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { newTenant, startTestApp, type TestApp } from './support/test-app.js';

/**
 * External ratings through the API on a real PostgreSQL: manual entry, import (JSON, CSV, XLSX)
 * with dry run, per-row errors and replay, a provider connector registered by the test, and a
 * collective proceeding that raises an alert, a timeline entry, a webhook event and grade E.
 */
describe('scoring: external ratings and legal events', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  async function scenario(label: string) {
    const tenant = await newTenant(t, label);
    const [{ timezone }] = await t.dataSource.query(`SELECT timezone FROM tenant WHERE id = $1`, [tenant.tenantId]);
    const T = today(timezone);
    const d = (n: number) => addDays(T, n);
    const auth = (token = tenant.adminToken) => ({ Authorization: `Bearer ${token}` });
    const customer = async (ref: string, extra: object = {}) =>
      (
        await request(t.http)
          .post('/api/v1/customers')
          .set(auth())
          .send({ externalRef: ref, name: `Client ${ref}`, ...extra })
          .expect(201)
      ).body.id as string;
    const importRatings = (rows: object[], query = '') =>
      request(t.http).post(`/api/v1/external-ratings/import${query}`).set(auth()).send(rows);
    const ratings = async (customerId: string) =>
      (await request(t.http).get(`/api/v1/customers/${customerId}/external-ratings`).set(auth()).expect(200)).body as {
        total: number;
        items: Array<Record<string, unknown>>;
      };
    return { tenant, T, d, auth, customer, importRatings, ratings };
  }

  it('takes one rating typed in, upserted by customer, provider and date', async () => {
    const s = await scenario('Ratings manual');
    const c = await s.customer('M1', { siren: '552100554' });
    const body = {
      customerId: c,
      provider: 'Altares',
      ratedOn: s.d(-2),
      score: '14',
      scaleMax: '20',
      recommendedLimit: '50000',
      currency: 'eur',
    };
    const r = await request(t.http).post('/api/v1/external-ratings').set(s.auth()).send(body).expect(201);
    expect(r.body).toMatchObject({
      customerId: c,
      customerRef: 'M1',
      provider: 'altares',
      ratedOn: s.d(-2),
      score: '14',
      scaleMax: '20',
      normalisedScore: 70,
      recommendedLimit: '50000.00',
      currency: 'EUR',
      legalEvent: null,
      source: 'manual',
    });
    // Same key: the same row is updated.
    const again = await request(t.http)
      .post('/api/v1/external-ratings')
      .set(s.auth())
      .send({ siren: '552100554', provider: 'altares', ratedOn: s.d(-2), score: '15.5', scaleMax: '20' })
      .expect(201);
    expect(again.body).toMatchObject({ id: r.body.id, score: '15.5', recommendedLimit: null });
    expect((await s.ratings(c)).total).toBe(1);

    // An API key (a provider feed) with scoring:write.
    const key = await s.tenant.apiKey(['scoring:write']);
    const fed = await request(t.http)
      .post('/api/v1/external-ratings')
      .set('X-API-Key', key)
      .send({ customerRef: 'M1', provider: 'creditsafe', ratedOn: s.d(-1), score: 62, scaleMax: 100 })
      .expect(201);
    expect(fed.body).toMatchObject({ source: 'api', normalisedScore: 62 });
    const listed = await s.ratings(c);
    expect(listed.items.map((i) => i.provider)).toEqual(['creditsafe', 'altares']); // newest first

    // Bad input: 400 naming the field.
    const fields = async (b: object) =>
      (await request(t.http).post('/api/v1/external-ratings').set(s.auth()).send(b).expect(400)).body.errors.map(
        (e: { field: string }) => e.field,
      );
    expect(await fields({ ...body, customerId: '3f1c2b9e-6a55-4d0e-9a43-1c0f6a3e2d11' })).toEqual(['customerId']);
    expect(await fields({ ...body, customerId: undefined })).toEqual(['customerId']);
    expect(await fields({ ...body, score: '21' })).toEqual(['score']);
    expect(await fields({ ...body, score: '-1' })).toEqual(['score']);
    expect(await fields({ ...body, scaleMax: undefined })).toEqual(['scaleMax']);
    expect(await fields({ ...body, recommendedLimit: '-5' })).toEqual(['recommendedLimit']);
    expect(await fields({ ...body, currency: 'XXX1' })).toEqual(['currency']);
    expect(await fields({ ...body, ratedOn: s.d(1) })).toEqual(['ratedOn']);
    expect(await fields({ ...body, legalEvent: 'bankruptcy' })).toEqual(['legalEvent']);
    expect(await fields({ customerId: c, provider: 'altares', ratedOn: s.d(0) })).toEqual(['score']);
    expect(await fields({ ...body, unknownField: 1 })).toEqual(['unknownField']);
    const viewer = await s.tenant.userToken('collector');
    await request(t.http).post('/api/v1/external-ratings').set(s.auth(viewer)).send(body).expect(403);
  });

  it('imports a batch: dry run, all-or-nothing with per-row errors, partial, replay changes nothing', async () => {
    const s = await scenario('Ratings import');
    const c1 = await s.customer('I1', { siren: '111111111' });
    await s.customer('I2', { siren: '222222222' });
    await s.customer('I3a', { siren: '333333333' });
    await s.customer('I3b', { siren: '333333333' });
    const good = [
      { customerRef: 'I1', provider: 'ellisphere', ratedOn: s.d(-30), score: '6', scaleMax: '10' },
      {
        siren: '222222222',
        provider: 'ellisphere',
        ratedOn: s.d(-30),
        score: '8',
        scaleMax: '10',
        recommendedLimit: '20000',
        currency: 'EUR',
      },
      { customerId: c1, provider: 'ellisphere', ratedOn: s.d(-1), score: '5', scaleMax: '10', comment: 'Retards récents' },
    ];
    const bad = [
      ...good,
      { customerRef: 'NOPE', provider: 'ellisphere', ratedOn: s.d(-1), score: '5', scaleMax: '10' },
      { siren: '333333333', provider: 'ellisphere', ratedOn: s.d(-1), score: '5', scaleMax: '10' },
      { customerRef: 'I1', provider: 'ellisphere', ratedOn: s.d(-1), score: '4', scaleMax: '10' },
      { customerRef: 'I1', ratedOn: '2026-02-30', score: '4', scaleMax: '10' },
    ];
    let r = await s.importRatings(bad).expect(422);
    expect(r.body.errors).toEqual([
      expect.objectContaining({ row: 4, field: 'customerRef' }),
      expect.objectContaining({ row: 5, field: 'siren', message: expect.stringContaining('2 customers') }),
      expect.objectContaining({ row: 6, field: 'ratedOn', message: expect.stringContaining('row 3') }),
      expect.objectContaining({ row: 7, field: 'provider' }),
      expect.objectContaining({ row: 7, field: 'ratedOn' }),
    ]);
    expect((await s.ratings(c1)).total).toBe(0);

    r = await s.importRatings(bad, '?dryRun=true').expect(200);
    expect(r.body).toMatchObject({ dryRun: true, counts: { received: 7, created: 0, failed: 4 } });
    expect(r.body.errors).toHaveLength(5);
    r = await s.importRatings(good, '?dryRun=true').expect(200);
    expect(r.body).toMatchObject({ dryRun: true, counts: { received: 3, created: 3, failed: 0 }, errors: [] });
    expect((await s.ratings(c1)).total).toBe(0);

    r = await s.importRatings(bad, '?partial=true').expect(200);
    expect(r.body).toMatchObject({ dryRun: false, counts: { received: 7, created: 3, updated: 0, unchanged: 0, failed: 4 } });
    expect((await s.ratings(c1)).total).toBe(2);

    r = await s.importRatings(good).expect(200);
    expect(r.body.counts).toEqual({ received: 3, created: 0, updated: 0, unchanged: 3, failed: 0 });
    r = await s.importRatings([{ ...good[0], score: '6.50' }, good[1], { ...good[2], score: '5.00' }]).expect(200);
    expect(r.body.counts).toEqual({ received: 3, created: 0, updated: 1, unchanged: 2, failed: 0 });

    // The same ratings as a CSV file (French Excel: semicolons), then as an XLSX workbook.
    const csv = [
      'customerRef;provider;ratedOn;score;scaleMax;recommendedLimit;currency',
      `I1;ellisphere;${s.d(-30)};6.5;10;;`,
      `I2;ellisphere;${s.d(-30)};8;10;20000;EUR`,
      `I2;altares;${s.d(-5)};11;20;15000;EUR`,
    ].join('\r\n');
    r = await request(t.http)
      .post('/api/v1/external-ratings/import')
      .set(s.auth())
      .attach('file', Buffer.from(csv, 'utf8'), 'notes.csv')
      .expect(200);
    expect(r.body.counts).toEqual({ received: 3, created: 1, updated: 0, unchanged: 2, failed: 0 });
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Notes');
    ws.addRow(['customerRef', 'provider', 'ratedOn', 'score', 'scaleMax']);
    ws.addRow(['I2', 'altares', s.d(-5), 11, 20]);
    ws.addRow(['I1', 'altares', new Date(`${s.d(-5)}T00:00:00Z`), 9, 20]);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    r = await request(t.http)
      .post('/api/v1/external-ratings/import')
      .set(s.auth())
      .attach('file', xlsx, 'notes.xlsx')
      .expect(200);
    // I2/altares loses its recommended limit (not in the sheet): updated; I1/altares is new.
    expect(r.body.counts).toEqual({ received: 3 - 1, created: 1, updated: 1, unchanged: 0, failed: 0 });

    const all = await request(t.http).get('/api/v1/external-ratings?provider=altares').set(s.auth()).expect(200);
    expect(all.body.total).toBe(2);
    await request(t.http).post('/api/v1/external-ratings/import').set(s.auth()).send({ a: 1 }).expect(422);
    await request(t.http).post('/api/v1/external-ratings/import').set(s.auth()).send([]).expect(422);
  });

  it('a collective proceeding raises an alert, a timeline entry and an event once, and forces grade E', async () => {
    const s = await scenario('Ratings legal');
    await request(t.http)
      .post('/api/v1/webhooks')
      .set(s.auth())
      .send({ url: 'http://127.0.0.1:9/hooks', eventTypes: ['customer.legal_event'] })
      .expect(201);
    const c = await s.customer('L1');
    const other = await s.customer('L2');
    await s
      .importRatings([{ customerRef: 'L2', provider: 'altares', ratedOn: s.d(-3), score: '17', scaleMax: '20' }])
      .expect(200);

    const event = {
      customerRef: 'L1',
      provider: 'altares',
      ratedOn: s.d(-1),
      legalEvent: 'receivership',
      legalEventDate: s.d(-4),
    };
    let r = await s.importRatings([event], '?dryRun=true').expect(200);
    expect(r.body).toMatchObject({ newLegalEvents: 1, counts: { created: 1 } });
    expect((await t.dataSource.query(`SELECT 1 FROM risk_alert WHERE tenant_id = $1`, [s.tenant.tenantId])).length).toBe(0);

    r = await s.importRatings([event]).expect(200);
    expect(r.body).toMatchObject({ newLegalEvents: 1, counts: { created: 1 } });
    const alerts = await request(t.http).get('/api/v1/risk-alerts?type=legal_event').set(s.auth()).expect(200);
    expect(alerts.body.items).toEqual([
      expect.objectContaining({
        customerId: c,
        severity: 'critical',
        data: expect.objectContaining({ legalEvent: 'receivership', legalEventDate: s.d(-4), provider: 'altares' }),
      }),
    ]);
    const timeline = await request(t.http).get(`/api/v1/customers/${c}/timeline?types=scoring`).set(s.auth()).expect(200);
    expect(timeline.body.items.map((i: { type: string }) => i.type)).toEqual(['scoring.legal_event']);
    const outbox = await t.dataSource.query(
      `SELECT payload FROM webhook_delivery WHERE tenant_id = $1 AND event_type = 'customer.legal_event'`,
      [s.tenant.tenantId],
    );
    expect(outbox.map((o: { payload: { data: object } }) => o.payload.data)).toEqual([
      {
        customerId: c,
        customerRef: 'L1',
        customerName: 'Client L1',
        legalEvent: 'receivership',
        legalEventDate: s.d(-4),
        provider: 'altares',
        ratedOn: s.d(-1),
      },
    ]);
    const [score] = await t.dataSource.query(`SELECT grade, forced_by FROM customer_score WHERE customer_id = $1`, [c]);
    expect(score).toMatchObject({ grade: 'E' });

    // The same proceeding reported again (replay, or a later rating) raises nothing new.
    r = await s.importRatings([event, { ...event, ratedOn: s.d(0), comment: 'toujours en RJ' }]).expect(200);
    expect(r.body).toMatchObject({ newLegalEvents: 0, counts: { unchanged: 1, created: 1 } });
    expect((await request(t.http).get('/api/v1/risk-alerts?type=legal_event').set(s.auth()).expect(200)).body.total).toBe(1);

    // The risk page lists the proceedings.
    const legal = await request(t.http).get('/api/v1/external-ratings?legalEvent=true').set(s.auth()).expect(200);
    expect(legal.body.items.map((i: { customerId: string }) => i.customerId)).toEqual([c, c]);
    expect(legal.body.items.map((i: { customerId: string }) => i.customerId)).not.toContain(other);
  });

  it('refreshes from a provider connector registered on the instance', async () => {
    const s = await scenario('Ratings provider');
    const c1 = await s.customer('P1', { siren: '552100554' });
    const c2 = await s.customer('P2');
    const registry = t.app.get(RatingProviderRegistry);
    const seen: RatedCustomer[][] = [];
    registry.register({
      name: 'testprov',
      async fetch(customers) {
        seen.push(customers);
        return customers
          .filter((c) => c.siren)
          .flatMap((c) => [
            { customerId: c.id, ratedOn: s.d(0), score: '42', scaleMax: '100', recommendedLimit: '15000', currency: 'EUR' },
            { customerId: '00000000-0000-4000-8000-000000000000', ratedOn: s.d(0), score: '1', scaleMax: '100' },
          ]);
      },
    });
    try {
      const r = await request(t.http).post('/api/v1/external-ratings/refresh?provider=testprov').set(s.auth()).expect(200);
      expect(r.body).toMatchObject({ provider: 'testprov', customers: 2, counts: { received: 1, created: 1 } });
      expect(
        seen
          .flat()
          .map((c) => c.id)
          .sort(),
      ).toEqual([c1, c2].sort());
      expect(seen.flat().find((c) => c.id === c1)).toMatchObject({ siren: '552100554', name: 'Client P1', country: 'FR' });
      expect((await s.ratings(c1)).items[0]).toMatchObject({ provider: 'testprov', source: 'provider', normalisedScore: 42 });
      const again = await request(t.http).post('/api/v1/external-ratings/refresh?provider=testprov').set(s.auth()).expect(200);
      expect(again.body.counts).toMatchObject({ unchanged: 1, created: 0 });
    } finally {
      registry.unregister('testprov');
    }
    const missing = await request(t.http).post('/api/v1/external-ratings/refresh?provider=altares').set(s.auth()).expect(400);
    expect(missing.body.errors).toEqual([
      expect.objectContaining({ field: 'provider', message: expect.stringContaining('none') }),
    ]);
  });
});
