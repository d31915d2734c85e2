import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { newTenant, startTestApp, type TestApp, type TestTenant } from './support/test-app.js';

/** Europe/Paris today, as the API computes it. */
const parisToday = () =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(),
  );

describe('reporting: ageing, KPIs, payer profile', () => {
  let t: TestApp;
  let a: TestTenant;
  const auth = () => ({ Authorization: `Bearer ${a.adminToken}` });
  const get = (path: string) => request(t.http).get(`/api/v1${path}`).set(auth());
  const post = (path: string, body: unknown) =>
    request(t.http)
      .post(`/api/v1${path}`)
      .set(auth())
      .send(body as object);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    a = await newTenant(t, 'Reporting');
    await post('/imports/customers', [
      { externalRef: 'C1', name: 'Alpha SA' },
      { externalRef: 'C2', name: 'Beta GmbH' },
    ]).expect(200);
    const inv = (ref: string, customerRef: string, issueDate: string, dueDate: string, currency: string, amount: string) => ({
      externalRef: ref,
      customerRef,
      issueDate,
      dueDate,
      currency,
      amount,
    });
    await post('/imports/invoices', [
      { ...inv('F1', 'C1', '2026-01-10', '2026-02-09', 'EUR', '1000.00'), disputed: true },
      inv('F2', 'C1', '2026-02-15', '2026-03-17', 'EUR', '500.00'),
      inv('F3', 'C2', '2026-03-01', '2026-03-31', 'USD', '200.00'),
      inv('F4', 'C2', '2026-03-10', '2026-04-09', 'GBP', '300.00'),
      inv('F5', 'C1', '2026-04-05', '2026-05-05', 'EUR', '50.00'),
    ]).expect(200);
    await post('/imports/credit-notes', [inv('AV1', 'C1', '2026-03-05', '2026-03-05', 'EUR', '100.00')]).expect(200);
    const pay = (ref: string, date: string, amount: string, invoiceRef: string) => ({
      externalRef: ref,
      customerRef: 'C1',
      date,
      amount,
      currency: 'EUR',
      method: 'transfer',
      allocations: [{ invoiceRef, amount }],
    });
    await post('/imports/payments', [
      pay('P1', '2026-02-20', '400.00', 'F1'),
      pay('P3', '2026-03-20', '100.00', 'F1'),
      pay('P2', '2026-04-10', '500.00', 'F2'),
    ]).expect(200);
    await post('/exchange-rates', [{ date: '2026-03-01', fromCurrency: 'USD', toCurrency: 'EUR', rate: '0.9' }]).expect(201);
    const customers = await get('/customers').expect(200);
    for (const c of customers.body.items) ids[c.externalRef] = c.id;
  });
  afterAll(() => t.close());

  /** A tenant of its own, with its admin's header and a POST helper. */
  const otherTenant = async (name: string) => {
    const b = await newTenant(t, name);
    const h = { Authorization: `Bearer ${b.adminToken}` };
    const send = (path: string, body: unknown) =>
      request(t.http)
        .post(`/api/v1${path}`)
        .set(h)
        .send(body as object);
    return { b, h, send };
  };

  it('ages the ledger as it stood at a past date, with a credit note, two currencies and a missing rate', async () => {
    const r = await get('/receivables/ageing?asOf=2026-03-31').expect(200);
    expect(r.body).toEqual({
      asOf: '2026-03-31',
      basis: 'due',
      currency: 'EUR',
      buckets: [
        { label: 'not_due', minDays: null, maxDays: 0 },
        { label: '1-30', minDays: 1, maxDays: 30 },
        { label: '31-60', minDays: 31, maxDays: 60 },
        { label: '61-90', minDays: 61, maxDays: 90 },
        { label: '91-120', minDays: 91, maxDays: 120 },
        { label: '>120', minDays: 121, maxDays: null },
      ],
      // F3 200 USD x 0.9 not due; F2 500 (paid after asOf) and AV1 -100 in 1-30; F1 1000 - 400 - 100 in 31-60.
      totals: { amounts: ['180.00', '400.00', '500.00', '0.00', '0.00', '0.00'], total: '1080.00', overdue: '900.00', count: 4 },
      missingRates: [{ currency: 'GBP', count: 1 }],
    });
    const g = await get('/receivables/ageing?asOf=2026-03-31&groupBy=customer').expect(200);
    expect(g.body.groups).toEqual({
      items: [
        {
          key: ids.C1,
          label: 'Alpha SA',
          amounts: ['0.00', '400.00', '500.00', '0.00', '0.00', '0.00'],
          total: '900.00',
          overdue: '900.00',
          count: 3,
        },
        {
          key: ids.C2,
          label: 'Beta GmbH',
          amounts: ['180.00', '0.00', '0.00', '0.00', '0.00', '0.00'],
          total: '180.00',
          overdue: '0.00',
          count: 1,
        },
      ],
      total: 2,
      page: 1,
      pageSize: 50,
    });
    const byOverdueAsc = await get('/receivables/ageing?asOf=2026-03-31&groupBy=customer&sort=overdue').expect(200);
    expect(byOverdueAsc.body.groups.items.map((i: { key: string }) => i.key)).toEqual([ids.C2, ids.C1]);
    const byCurrency = await get('/receivables/ageing?asOf=2026-03-31&groupBy=currency').expect(200);
    expect(byCurrency.body.groups.items.map((i: { key: string; total: string }) => [i.key, i.total])).toEqual([
      ['EUR', '900.00'],
      ['USD', '180.00'],
    ]);
  });

  it('rebuilds the ledger before a payment, and ages by issue date on demand', async () => {
    const r = await get('/receivables/ageing?asOf=2026-02-15&buckets=10,20').expect(200);
    // F1 open 1000 (P1 is dated 2026-02-20), 6 days late; F2 issued that day, not due.
    expect(r.body.totals).toEqual({
      amounts: ['500.00', '1000.00', '0.00', '0.00'],
      total: '1500.00',
      overdue: '1000.00',
      count: 2,
    });
    const issue = await get('/receivables/ageing?asOf=2026-03-31&basis=issue').expect(200);
    expect(issue.body.buckets.map((b: { label: string }) => b.label)).toEqual(['0-30', '31-60', '61-90', '91-120', '>120']);
    // Ages since issue: F3 30, AV1 26 → 0-30; F2 44 → 31-60; F1 80 → 61-90.
    expect(issue.body.totals).toMatchObject({
      amounts: ['80.00', '500.00', '500.00', '0.00', '0.00'],
      total: '1080.00',
      overdue: '900.00',
    });
  });

  it('computes the KPIs with their period conventions and a monthly history', async () => {
    const r = await get('/kpis?asOf=2026-03-31&historyMonths=3').expect(200);
    expect(r.body.kpis).toEqual({
      receivables: '1080.00',
      currentReceivables: '180.00',
      overdueAmount: '900.00',
      overdueShare: 83.33,
      percentCurrent: 16.67,
      disputedAmount: '500.00',
      sales3m: '1580.00', // Jan 1000 + Feb 500 + Mar (-100 + 200 USD x 0.9); the GBP invoice has no rate
      dsoCountBack: 74.5, // 1080 - Mar 80 - Feb 500 = 500 → 31 + 28 + 500/1000 x 31
      dsoSimple: 61.52, // 1080 / 1580 x 90
      bestPossibleDso: 10.25, // 180 / 1580 x 90
      add: 51.27,
      cei: 10, // (1100 + 80 - 1080) / (1100 + 80 - 180)
      turnover: 6.46, // 1580 / ((1080 + 1100 + 1000) / 13)
    });
    expect(r.body.missingRates).toEqual([{ currency: 'GBP', count: 1 }]);
    expect(r.body.history).toEqual([
      {
        month: '2026-03',
        asOf: '2026-03-31',
        dsoCountBack: 74.5,
        dsoSimple: 61.52,
        bestPossibleDso: 10.25,
        overdueShare: 83.33,
        receivables: '1080.00',
        overdueAmount: '900.00',
      },
      {
        month: '2026-02',
        asOf: '2026-02-28',
        dsoCountBack: 46.6, // 1100 - Feb 500 = 600 → 28 + 600/1000 x 31
        dsoSimple: 66, // 1100 / 1500 x 90 (Feb, Jan, Dec)
        bestPossibleDso: 30,
        overdueShare: 54.55,
        receivables: '1100.00',
        overdueAmount: '600.00',
      },
      {
        month: '2026-01',
        asOf: '2026-01-31',
        dsoCountBack: 31,
        dsoSimple: 92, // 1000 / 1000 x 92 (Jan, Dec, Nov)
        bestPossibleDso: 92,
        overdueShare: 0,
        receivables: '1000.00',
        overdueAmount: '0.00',
      },
    ]);
    const g = await get('/kpis?asOf=2026-03-31&historyMonths=0&groupBy=customer').expect(200);
    expect(g.body.groupCount).toBe(2);
    expect(g.body.groups[0]).toMatchObject({
      key: ids.C1,
      label: 'Alpha SA',
      kpis: { receivables: '900.00', overdueAmount: '900.00', cei: 10 },
    });
    expect(g.body.groups[1]).toMatchObject({ key: ids.C2, kpis: { receivables: '180.00', sales3m: '180.00', dsoSimple: 90 } });
  });

  it('answers for today from the aggregates, consistently with the groups', async () => {
    const now = parisToday();
    const r = await get('/receivables/ageing?groupBy=customer').expect(200);
    expect(r.body.asOf).toBe(now);
    // Open now: F1 500, AV1 -100, F5 50 (all past due by now), F3 200 USD x 0.9.
    expect(r.body.totals).toMatchObject({ total: '630.00', overdue: '630.00', count: 4 });
    expect(r.body.totals.amounts.reduce((s: number, x: string) => s + Number(x), 0).toFixed(2)).toBe('630.00');
    expect(r.body.groups.items.map((i: { key: string; total: string }) => [i.key, i.total])).toEqual([
      [ids.C1, '450.00'],
      [ids.C2, '180.00'],
    ]);
    const k = await get('/kpis?groupBy=customer&historyMonths=1').expect(200);
    expect(k.body.kpis).toMatchObject({ receivables: '630.00', overdueAmount: '630.00' });
    expect(k.body.groups.map((x: { kpis: { receivables: string } }) => x.kpis.receivables)).toEqual(['450.00', '180.00']);
    const check = await get('/receivables/aggregates/check').expect(200);
    expect(check.body).toEqual({ ok: true, differences: [] });
  });

  it('gives the payer profile of a customer', async () => {
    const r = await get(`/customers/${ids.C1}/payer-profile?asOf=2026-04-30`).expect(200);
    // F2 only is fully paid through allocations: due 2026-03-17, paid 2026-04-10 → 24 days late.
    expect(r.body).toMatchObject({
      customerId: ids.C1,
      asOf: '2026-04-30',
      avgDaysLate6m: 24,
      avgDaysLate12m: 24,
      shareLate12m: 100,
      invoiceCount12m: 1,
    });
    await get('/customers/00000000-0000-4000-8000-000000000000/payer-profile').expect(404);
  });

  it('refuses bad parameters with the field named, and guards the routes', async () => {
    const bad = async (query: string, field: string) => {
      const r = await get(`/receivables/ageing?${query}`).expect(400);
      expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    };
    await bad('asOf=2013-02-30', 'asOf');
    await bad('asOf=yesterday', 'asOf');
    await bad('buckets=30,20', 'buckets');
    await bad('buckets=abc', 'buckets');
    await bad('groupBy=planet', 'groupBy');
    await bad('basis=paid', 'basis');
    await bad('sort=-name', 'sort');
    await bad('groupBy=customer&pageSize=500', 'pageSize');
    const k = await get('/kpis?asOf=2013-02-30').expect(400);
    expect(k.body.errors[0].field).toBe('asOf');
    const sales = await a.userToken('sales');
    // The sales role sees its portfolio only: this user follows no customer yet.
    const own = await request(t.http)
      .get('/api/v1/receivables/ageing?groupBy=customer')
      .set('Authorization', `Bearer ${sales}`)
      .expect(200);
    expect(own.body.totals).toMatchObject({ total: '0.00', count: 0 });
    expect(own.body.groups.total).toBe(0);
    await request(t.http).get(`/api/v1/customers/${ids.C1}/payer-profile`).set('Authorization', `Bearer ${sales}`).expect(404);
    const viewer = await a.userToken('viewer');
    await request(t.http).get('/api/v1/kpis').set('Authorization', `Bearer ${viewer}`).expect(200);
    await request(t.http).get('/api/v1/receivables/aggregates/check').set('Authorization', `Bearer ${viewer}`).expect(403);
    const key = await a.apiKey(['receivables:read']);
    await request(t.http).get('/api/v1/receivables/ageing').set('X-API-Key', key).expect(200);
    await request(t.http).get('/api/v1/receivables/ageing').expect(401);
  });

  it('keeps the aggregates consistent through imports, allocations, snapshot closes and amount changes', async () => {
    const { b, h, send } = await otherTenant('Aggregates');
    await send('/imports/customers', [
      { externalRef: 'K1', name: 'K1' },
      { externalRef: 'K2', name: 'K2' },
    ]).expect(200);
    const inv = (ref: string, customerRef: string, amount: string, dueDate = '2026-02-01') => ({
      externalRef: ref,
      customerRef,
      issueDate: '2026-01-01',
      dueDate,
      currency: 'EUR',
      amount,
    });
    const rows = [inv('I1', 'K1', '100.00'), inv('I2', 'K1', '200.00'), inv('I3', 'K2', '300.00'), inv('I4', 'K2', '400.00')];
    await send('/imports/invoices', rows).expect(200);
    await send('/imports/credit-notes', [inv('N1', 'K1', '50.00', '2026-01-01')]).expect(200);
    await send('/imports/payments', [
      {
        externalRef: 'Q1',
        customerRef: 'K1',
        date: '2026-02-10',
        amount: '150.00',
        currency: 'EUR',
        allocations: [{ invoiceRef: 'I1', amount: '100.00' }],
      },
    ]).expect(200);
    await send('/imports/allocations', [{ externalRef: 'X1', invoiceRef: 'I2', creditNoteRef: 'N1', amount: '50.00' }]).expect(
      200,
    );
    const check = async () => (await request(t.http).get('/api/v1/receivables/aggregates/check').set(h).expect(200)).body;
    expect(await check()).toEqual({ ok: true, differences: [] });
    // amount, due date and customer changes
    await send('/imports/invoices', [inv('I2', 'K2', '250.00', '2026-12-31'), inv('I3', 'K2', '350.00')]).expect(200);
    expect(await check()).toEqual({ ok: true, differences: [] });
    // snapshot closes I4 (absent from the file)
    await send('/imports/invoices?mode=snapshot', [
      inv('I1', 'K1', '100.00'),
      inv('I2', 'K2', '250.00', '2026-12-31'),
      inv('I3', 'K2', '350.00'),
    ]).expect(200);
    expect(await check()).toEqual({ ok: true, differences: [] });
    const ageing = await request(t.http).get('/api/v1/receivables/ageing?groupBy=customer').set(h).expect(200);
    // I2 250 - 50 = 200 (now K2), I3 350; I1 paid, I4 closed, N1 used.
    expect(ageing.body.totals).toMatchObject({ total: '550.00', count: 2 });
    expect(ageing.body.groups.items).toHaveLength(1);
    // A drift is reported: tamper with an aggregate.
    await t.dataSource.query(`UPDATE receivable_customer_balance SET open_amount = open_amount + 1 WHERE tenant_id = $1`, [
      b.tenantId,
    ]);
    const drift = await check();
    expect(drift.ok).toBe(false);
    expect(drift.differences[0]).toMatchObject({ table: 'customer_balance' });
  });

  it('ages a page of customers bucket by bucket exactly as item by item, at every bucket boundary', async () => {
    // The page sorted by total or overdue sums per bucket in PostgreSQL; sorted by count it goes item by item.
    const { b, h, send } = await otherTenant('Boundaries');
    const today = parisToday();
    const day = (offset: number) => {
      const d = new Date(`${today}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() + offset);
      return d.toISOString().slice(0, 10);
    };
    await send('/imports/customers', [
      { externalRef: 'B1', name: 'B1' },
      { externalRef: 'B2', name: 'B2' },
      { externalRef: 'B3', name: 'B3' },
    ]).expect(200);
    await send('/exchange-rates', [{ date: day(-400), fromCurrency: 'USD', toCurrency: 'EUR', rate: '0.913' }]).expect(201);
    // Days past due on both sides of each bound (default 30/60/90/120, and 15/45), issue ages likewise.
    const offsets = [5, 0, -1, -14, -15, -16, -30, -31, -44, -45, -46, -60, -61, -90, -91, -120, -121, -300];
    const invoices = offsets.flatMap((o, n) => [
      {
        externalRef: `E${n}`,
        customerRef: n % 2 ? 'B1' : 'B2',
        issueDate: day(Math.min(o - 30, 0)),
        dueDate: day(o),
        currency: 'EUR',
        amount: `${100 + n}.10`,
        disputed: n % 5 === 0,
      },
      {
        externalRef: `U${n}`,
        customerRef: n % 3 ? 'B1' : 'B3',
        issueDate: day(Math.min(o, 0) - 15),
        dueDate: day(o),
        currency: 'USD',
        amount: `${10 + n}.33`,
      },
    ]);
    await send('/imports/invoices', invoices).expect(200);
    await send('/imports/credit-notes', [
      { externalRef: 'N1', customerRef: 'B1', issueDate: day(-31), dueDate: day(-31), currency: 'EUR', amount: '40.00' },
      { externalRef: 'N2', customerRef: 'B3', issueDate: day(-61), dueDate: day(-61), currency: 'USD', amount: '7.77' },
    ]).expect(200);
    await send('/imports/payments', [
      {
        externalRef: 'P1',
        customerRef: 'B2',
        date: day(-1),
        amount: '50.00',
        currency: 'EUR',
        allocations: [{ invoiceRef: 'E4', amount: '50.00' }],
      },
    ]).expect(200);
    const ageing = async (query: string) =>
      (await request(t.http).get(`/api/v1/receivables/ageing?groupBy=customer&${query}`).set(h).expect(200)).body;
    for (const params of ['basis=due', 'basis=issue', 'basis=due&buckets=15,45', 'basis=issue&buckets=15,45,90']) {
      const bucketed = await ageing(`${params}&sort=-total`);
      const itemByItem = await ageing(`${params}&sort=count`);
      const byKey = (items: { key: string }[]) => Object.fromEntries(items.map((g) => [g.key, g]));
      expect(bucketed.groups.total).toBe(3);
      expect(byKey(bucketed.groups.items)).toEqual(byKey(itemByItem.groups.items));
      expect(bucketed.groups.items.map((g: { key: string }) => g.key)).toEqual(
        [...itemByItem.groups.items]
          .sort((x: { total: string }, y: { total: string }) => Number(y.total) - Number(x.total))
          .map((g: { key: string }) => g.key),
      );
    }
    // One customer by hand (due basis, default buckets): B3 holds U0, U3, U6, ... in USD and the credit note N2.
    const b3 = (await ageing('basis=due&sort=-total')).groups.items.find((g: { label: string }) => g.label === 'B3');
    const minor = (x: string) => BigInt(Math.round(Number(x) * 100));
    const native = [0n, 0n, 0n, 0n, 0n, 0n];
    const bucket = (days: number) => (days <= 0 ? 0 : days <= 30 ? 1 : days <= 60 ? 2 : days <= 90 ? 3 : days <= 120 ? 4 : 5);
    offsets.forEach((o, n) => {
      if (n % 3 === 0) native[bucket(-o)] += minor(`${10 + n}.33`);
    });
    native[bucket(61)] -= minor('7.77');
    // Each bucket's USD sum converted once, rounded half away from zero.
    const expected = native.map((x) => (x * 913n + (x < 0n ? -500n : 500n)) / 1000n);
    expect(b3.amounts.map(minor)).toEqual(expected);
    // The buckets kept per customer follow the day: moved forward and back, they equal a recomputation each time.
    const check = async () => (await request(t.http).get('/api/v1/receivables/aggregates/check').set(h).expect(200)).body;
    for (const offset of [1, 31, 45, 200, -3, -150, 0]) {
      await t.dataSource.query(`SELECT receivable_refresh_overdue($1, $2)`, [b.tenantId, day(offset)]);
      expect(await check()).toEqual({ ok: true, differences: [] });
    }
    // A drift of one bucket is reported.
    await t.dataSource.query(`UPDATE receivable_customer_balance SET overdue_31_60 = overdue_31_60 + 1 WHERE tenant_id = $1`, [
      b.tenantId,
    ]);
    expect((await check()).differences[0]).toMatchObject({ table: 'customer_balance' });
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// IBM accounts receivable file, replayed through the imports and checked against an independent computation.

interface IbmRow {
  customer: string;
  invoice: string;
  issue: string;
  due: string;
  settled: string;
  cents: number;
  disputed: boolean;
}

const isoOf = (mdy: string) => {
  const [m, d, y] = mdy.split('/').map(Number);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
};
const dayNo = (iso: string) =>
  Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000;
const cents = (s: string) => {
  const [i, f = ''] = s.split('.');
  return Number(i) * 100 + Number((f + '00').slice(0, 2));
};
const eur = (c: number) => `${c < 0 ? '-' : ''}${Math.floor(Math.abs(c) / 100)}.${String(Math.abs(c) % 100).padStart(2, '0')}`;

function readIbm(): IbmRow[] {
  const [header, ...lines] = readFileSync('/work/shared/data/ibm-accounts-receivable.csv', 'utf8').trim().split(/\r?\n/);
  const cols = header.split(',');
  const at = (name: string) => cols.indexOf(name);
  return lines.map((line) => {
    const v = line.split(',');
    return {
      customer: v[at('customerID')],
      invoice: v[at('invoiceNumber')],
      issue: isoOf(v[at('InvoiceDate')]),
      due: isoOf(v[at('DueDate')]),
      settled: isoOf(v[at('SettledDate')]),
      cents: cents(v[at('InvoiceAmount')]),
      disputed: v[at('Disputed')] === 'Yes',
    };
  });
}

describe('reporting: IBM accounts receivable replay', () => {
  let t: TestApp;
  let a: TestTenant;
  const rows = readIbm();
  const AS_OF = '2013-09-30';

  beforeAll(async () => {
    t = await startTestApp();
    a = await newTenant(t, 'IBM');
    const send = async (entity: string, body: unknown[]) => {
      for (let i = 0; i < body.length; i += 500) {
        const r = await request(t.http)
          .post(`/api/v1/imports/${entity}`)
          .set('Authorization', `Bearer ${a.adminToken}`)
          .send(body.slice(i, i + 500));
        expect(r.status).toBe(200);
      }
    };
    await send(
      'customers',
      [...new Set(rows.map((r) => r.customer))].map((c) => ({ externalRef: c, name: `Customer ${c}` })),
    );
    await send(
      'invoices',
      rows.map((r) => ({
        externalRef: r.invoice,
        customerRef: r.customer,
        issueDate: r.issue,
        dueDate: r.due,
        currency: 'EUR',
        amount: eur(r.cents),
        disputed: r.disputed,
      })),
    );
    await send(
      'payments',
      rows.map((r) => ({
        externalRef: `PAY-${r.invoice}`,
        customerRef: r.customer,
        date: r.settled,
        amount: eur(r.cents),
        currency: 'EUR',
        allocations: [{ invoiceRef: r.invoice, amount: eur(r.cents) }],
      })),
    );
  }, 120_000);
  afterAll(() => t.close());

  // Independent computation: open at asOf = issued on or before asOf and not settled on or before asOf.
  const open = rows.filter((r) => r.issue <= AS_OF && r.settled > AS_OF);
  const bucketOf = (days: number) => (days <= 0 ? 0 : days <= 30 ? 1 : days <= 60 ? 2 : days <= 90 ? 3 : days <= 120 ? 4 : 5);
  const salesOf = (month: string) => rows.filter((r) => r.issue.startsWith(month)).reduce((s, r) => s + r.cents, 0);

  it('ages the file at 2013-09-30 to the cent, and the customer groups add up', async () => {
    const amounts = [0, 0, 0, 0, 0, 0];
    for (const r of open) amounts[bucketOf(dayNo(AS_OF) - dayNo(r.due))] += r.cents;
    const total = amounts.reduce((s, x) => s + x, 0);
    const res = await request(t.http)
      .get(`/api/v1/receivables/ageing?asOf=${AS_OF}`)
      .set('Authorization', `Bearer ${a.adminToken}`)
      .expect(200);
    expect(open.length).toBeGreaterThan(50);
    expect(res.body.totals).toEqual({
      amounts: amounts.map(eur),
      total: eur(total),
      overdue: eur(total - amounts[0]),
      count: open.length,
    });

    const g = await request(t.http)
      .get(`/api/v1/receivables/ageing?asOf=${AS_OF}&groupBy=customer&pageSize=200`)
      .set('Authorization', `Bearer ${a.adminToken}`)
      .expect(200);
    const items = g.body.groups.items as { amounts: string[]; total: string; count: number }[];
    expect(g.body.groups.total).toBe(new Set(open.map((r) => r.customer)).size);
    expect(eur(items.reduce((s, i) => s + cents(i.total.replace('-', '')) * (i.total.startsWith('-') ? -1 : 1), 0))).toBe(
      eur(total),
    );
    expect(items.reduce((s, i) => s + i.count, 0)).toBe(open.length);
    for (let b = 0; b < 6; b++) expect(eur(items.reduce((s, i) => s + cents(i.amounts[b]), 0))).toBe(eur(amounts[b]));
    const totals = items.map((i) => cents(i.total));
    expect([...totals].sort((x, y) => y - x)).toEqual(totals);
  });

  it('computes the KPIs at 2013-09-30 as counted by hand', async () => {
    const receivables = open.reduce((s, r) => s + r.cents, 0);
    const current = open.filter((r) => r.due >= AS_OF).reduce((s, r) => s + r.cents, 0);
    const months: [string, number][] = [
      ['2013-09', 30],
      ['2013-08', 31],
      ['2013-07', 31],
      ['2013-06', 30],
      ['2013-05', 31],
      ['2013-04', 30],
    ];
    let remaining = receivables;
    let dso = 0;
    for (const [m, days] of months) {
      const s = salesOf(m);
      if (remaining <= s) {
        dso += (remaining / s) * days;
        break;
      }
      remaining -= s;
      dso += days;
    }
    const sales3m = salesOf('2013-09') + salesOf('2013-08') + salesOf('2013-07');
    const res = await request(t.http)
      .get(`/api/v1/kpis?asOf=${AS_OF}&historyMonths=2`)
      .set('Authorization', `Bearer ${a.adminToken}`)
      .expect(200);
    const k = res.body.kpis;
    expect(k.receivables).toBe(eur(receivables));
    expect(k.currentReceivables).toBe(eur(current));
    expect(k.overdueAmount).toBe(eur(receivables - current));
    expect(k.sales3m).toBe(eur(sales3m));
    expect(k.disputedAmount).toBe(eur(open.filter((r) => r.disputed).reduce((s, r) => s + r.cents, 0)));
    expect(Math.abs(k.dsoCountBack - dso)).toBeLessThanOrEqual(0.005 + 1e-9);
    expect(Math.abs(k.dsoSimple - (receivables / sales3m) * 92)).toBeLessThanOrEqual(0.005 + 1e-9);
    expect(Math.abs(k.bestPossibleDso - (current / sales3m) * 92)).toBeLessThanOrEqual(0.005 + 1e-9);
    // Opening receivables of the CEI: open at 2013-08-31.
    const opening = rows.filter((r) => r.issue <= '2013-08-31' && r.settled > '2013-08-31').reduce((s, r) => s + r.cents, 0);
    const cei = ((opening + salesOf('2013-09') - receivables) / (opening + salesOf('2013-09') - current)) * 100;
    expect(Math.abs(k.cei - cei)).toBeLessThanOrEqual(0.005 + 1e-9);
    expect(res.body.history.map((h: { asOf: string }) => h.asOf)).toEqual(['2013-09-30', '2013-08-31']);
    expect(res.body.history[1].receivables).toBe(eur(opening));
  });
});
