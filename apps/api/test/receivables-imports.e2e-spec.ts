import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { newTenant, startTestApp, type TestApp, type TestTenant } from './support/test-app.js';

const customers = [
  {
    externalRef: 'C001',
    name: 'Dupont Matériaux SAS',
    siret: '55210055400013',
    currency: 'EUR',
    paymentTermsDays: 45,
    tags: ['btp'],
  },
  { externalRef: 'C002', name: 'Martin Industrie', country: 'FR', language: 'fr' },
];
const invoice = (ref: string, amount: string, extra: Record<string, unknown> = {}) => ({
  externalRef: ref,
  customerRef: 'C001',
  issueDate: '2026-01-10',
  dueDate: '2026-02-09',
  currency: 'EUR',
  amount,
  ...extra,
});

describe('receivables imports', () => {
  let t: TestApp;
  let a: TestTenant;
  const auth = () => ({ Authorization: `Bearer ${a.adminToken}` });
  const post = (entity: string, query = '') => request(t.http).post(`/api/v1/imports/${entity}${query}`).set(auth());
  const updatedAt = async (table: string) =>
    (await t.dataSource.query(`SELECT external_ref, updated_at FROM ${table} WHERE tenant_id = $1 ORDER BY external_ref`, [
      a.tenantId,
    ])) as unknown[];
  const count = async (table: string) =>
    Number((await t.dataSource.query(`SELECT count(*) FROM ${table} WHERE tenant_id = $1`, [a.tenantId]))[0].count);

  beforeAll(async () => {
    t = await startTestApp();
    a = await newTenant(t, 'Imports A');
  });
  afterAll(() => t.close());

  it('imports customers, then invoices as JSON; a replay leaves everything unchanged', async () => {
    const c = await post('customers').send(customers).expect(200);
    expect(c.body.counts).toMatchObject({ received: 2, created: 2, updated: 0, unchanged: 0, failed: 0 });
    const inv = await post('invoices')
      .send([invoice('F001', '1200.00'), invoice('F002', '300.5', { customerRef: 'C002' })])
      .expect(200);
    expect(inv.body.counts).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    const before = await updatedAt('receivable_item');
    const again = await post('invoices')
      .send([invoice('F001', '1200.00'), invoice('F002', '300.50', { customerRef: 'C002' })])
      .expect(200);
    expect(again.body.counts).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect(await updatedAt('receivable_item')).toEqual(before);
    const c2 = await post('customers').send(customers).expect(200);
    expect(c2.body.counts).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    const changed = await post('invoices')
      .send([invoice('F001', '1250.00')])
      .expect(200);
    expect(changed.body.counts).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
    const list = await request(t.http).get('/api/v1/invoices?sort=number').set(auth()).expect(200);
    expect(list.body.total).toBe(2);
    expect(list.body.items[0]).toMatchObject({
      number: 'F001',
      amount: '1250.00',
      openAmount: '1250.00',
      status: 'open',
      customerName: 'Dupont Matériaux SAS',
    });
  });

  it('imports NDJSON and CSV with a ; delimiter, French decimals and a column mapping', async () => {
    const nd = [invoice('F010', '10.00'), invoice('F011', '11.00')].map((r) => JSON.stringify(r)).join('\n');
    const r1 = await post('invoices').set('Content-Type', 'application/x-ndjson').send(nd).expect(200);
    expect(r1.body.counts).toMatchObject({ created: 2 });
    const mapping = {
      'N° facture': 'externalRef',
      'Code client': 'customerRef',
      'Date facture': 'issueDate',
      Echéance: 'dueDate',
      Devise: 'currency',
      'Montant TTC': 'amount',
    };
    const csv =
      '\uFEFFN° facture;Code client;Date facture;Echéance;Devise;Montant TTC\r\nF020;C001;2026-01-15;15/02/2026;EUR;"1 234,56"\r\nF021;C002;2026-01-16;2026-02-16;EUR;99\r\n';
    const r2 = await post('invoices', `?mapping=${encodeURIComponent(JSON.stringify(mapping))}`)
      .set('Content-Type', 'text/csv')
      .send(csv)
      .expect(200);
    expect(r2.body.counts).toMatchObject({ received: 2, created: 2, failed: 0 });
    const saved = await request(t.http)
      .post('/api/v1/import-mappings')
      .set(auth())
      .send({ source: 'sage', entity: 'invoices', columns: mapping, delimiter: ';' })
      .expect(201);
    const r3 = await post('invoices', `?mappingId=${saved.body.id}`).set('Content-Type', 'text/csv').send(csv).expect(200);
    expect(r3.body.counts).toMatchObject({ unchanged: 2 });
    const f020 = await request(t.http).get('/api/v1/invoices?q=F020').set(auth()).expect(200);
    expect(f020.body.items[0]).toMatchObject({ amount: '1234.56', dueDate: '2026-02-15' });
  });

  it('rejects a CSV with the wrong delimiter and garbage bodies with a clear message', async () => {
    const csv = 'externalRef,customerRef,issueDate\nF1,C001,2026-01-01\n';
    const r = await post('invoices', '?delimiter=;').set('Content-Type', 'text/csv').send(csv).expect(422);
    expect(r.body.detail).toMatch(/delimiter/);
    const g = await post('invoices').set('Content-Type', 'application/x-ndjson').send('not json at all').expect(400);
    expect(g.body.detail).toMatch(/Line 1/);
    const o = await post('invoices').send({ not: 'an array' }).expect(422);
    expect(o.body.detail).toMatch(/JSON array/);
  });

  it('reports every bad row and writes nothing (all or nothing)', async () => {
    const before = await count('receivable_item');
    const rows = [
      invoice('B1', '10.00', { customerRef: 'NOPE' }),
      invoice('B2', '10.00', { issueDate: '2013-02-30' }),
      invoice('B3', '10.00', { dueDate: '2026-01-01' }),
      invoice('B4', '10.00', { currency: 'EUX' }),
      invoice('B5', '10.001'),
      invoice('B6', '-5.00'),
      invoice('B7', '1.00'),
      invoice('B7', '2.00'),
      { externalRef: 'B8', customerRef: 'C001', currency: 'EUR', amount: 12 },
      invoice('OK1', '50.00'),
    ];
    const r = await post('invoices').send(rows).expect(422);
    expect(r.headers['content-type']).toMatch(/problem\+json/);
    const errs = r.body.errors as { row: number; field: string; message: string }[];
    const at = (row: number) => errs.filter((e) => e.row === row).map((e) => e.field);
    expect(at(1)).toContain('customerRef');
    expect(at(2)).toContain('issueDate');
    expect(at(3)).toContain('dueDate');
    expect(at(4)).toContain('currency');
    expect(at(5)).toContain('amount');
    expect(at(6)).toContain('amount');
    expect(at(8)).toContain('externalRef');
    expect(at(9)).toEqual(expect.arrayContaining(['issueDate', 'dueDate']));
    expect(at(10)).toEqual([]);
    expect(r.body.counts).toMatchObject({ received: 10, failed: 8, created: 0 });
    expect(await count('receivable_item')).toBe(before);
    const run = await request(t.http).get(`/api/v1/imports/${r.body.importId}`).set(auth()).expect(200);
    expect(run.body).toMatchObject({ status: 'failed', errorCount: errs.length });
    const csv = await request(t.http).get(`/api/v1/imports/${r.body.importId}/errors.csv`).set(auth()).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe('row,field,message');
    expect(csv.text).toContain('2013-02-30'.length ? 'issueDate' : '');
  });

  it('partial=true writes the valid rows and reports the others; dryRun writes nothing', async () => {
    const rows = [invoice('P1', '10.00'), invoice('P2', '10.00', { currency: 'XXX1' })];
    const dry = await post('invoices', '?partial=true&dryRun=true').send(rows).expect(200);
    expect(dry.body).toMatchObject({ dryRun: true, counts: { created: 1, failed: 1 } });
    const none = await request(t.http).get('/api/v1/invoices?q=P1').set(auth()).expect(200);
    expect(none.body.total).toBe(0);
    const r = await post('invoices', '?partial=true').send(rows).expect(200);
    expect(r.body).toMatchObject({ status: 'partially_succeeded', counts: { created: 1, failed: 1 } });
    expect(r.body.errors[0]).toMatchObject({ row: 2, field: 'currency' });
    const history = await request(t.http).get('/api/v1/imports?entity=invoices').set(auth()).expect(200);
    expect(history.body.total).toBeGreaterThan(3);
    const audit = await t.dataSource.query(
      `SELECT changes FROM audit_log WHERE tenant_id = $1 AND entity = 'import_run' AND entity_id = $2`,
      [a.tenantId, r.body.id],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0].changes.created).toEqual({ to: 1 });
  });

  it('replays an Idempotency-Key without writing and refuses it for another body', async () => {
    const key = `k-${Date.now()}`;
    const first = await post('invoices')
      .set('Idempotency-Key', key)
      .send([invoice('I1', '10.00')])
      .expect(200);
    await post('invoices')
      .send([invoice('I1', '99.00')])
      .expect(200); // changed meanwhile
    const replay = await post('invoices')
      .set('Idempotency-Key', key)
      .send([invoice('I1', '10.00')])
      .expect(200);
    expect(replay.body).toEqual(first.body);
    const i1 = await request(t.http).get('/api/v1/invoices?q=I1').set(auth()).expect(200);
    expect(i1.body.items[0].amount).toBe('99.00');
    const other = await post('invoices')
      .set('Idempotency-Key', key)
      .send([invoice('I1', '11.00')])
      .expect(422);
    expect(other.body.type).toMatch(/idempotency/);
    const badKey = `bad-${Date.now()}`;
    const r1 = await post('invoices')
      .set('Idempotency-Key', badKey)
      .send([invoice('I2', '-1')])
      .expect(422);
    const r2 = await post('invoices')
      .set('Idempotency-Key', badKey)
      .send([invoice('I2', '-1')])
      .expect(422);
    expect(r2.body).toEqual(r1.body);
  });

  it('snapshot closes absent open items and respects the safety limit', async () => {
    const b = await newTenant(t, 'Snapshot');
    const h = { Authorization: `Bearer ${b.adminToken}` };
    await request(t.http).post('/api/v1/imports/customers').set(h).send(customers).expect(200);
    const rows = Array.from({ length: 5 }, (_, i) => invoice(`S${i}`, '10.00'));
    await request(t.http).post('/api/v1/imports/invoices').set(h).send(rows).expect(200);
    const refused = await request(t.http)
      .post('/api/v1/imports/invoices?mode=snapshot&maxClose=1')
      .set(h)
      .send(rows.slice(0, 3))
      .expect(422);
    expect(refused.body.type).toMatch(/snapshot-limit/);
    let open = await request(t.http).get('/api/v1/invoices?status=open').set(h).expect(200);
    expect(open.body.total).toBe(5);
    const ok = await request(t.http).post('/api/v1/imports/invoices?mode=snapshot').set(h).send(rows.slice(0, 3)).expect(200);
    expect(ok.body.counts).toMatchObject({ closed: 2, unchanged: 3 });
    open = await request(t.http).get('/api/v1/invoices?status=open').set(h).expect(200);
    expect(open.body.total).toBe(3);
    const closed = await request(t.http).get('/api/v1/invoices?q=S4').set(h).expect(200);
    expect(closed.body.items[0]).toMatchObject({ status: 'paid', openAmount: '0.00', settledOutside: true });
    expect(closed.body.items[0].closedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('imports payments with allocations and credit notes; replays are no-ops', async () => {
    await post('invoices')
      .send([invoice('A1', '100.00'), invoice('A2', '200.00')])
      .expect(200);
    const pay = [
      {
        externalRef: 'PAY1',
        customerRef: 'C001',
        date: '2026-02-01',
        amount: '150.00',
        currency: 'EUR',
        method: 'transfer',
        allocations: [{ invoiceRef: 'A1', amount: '60.00' }],
      },
    ];
    const p1 = await post('payments').send(pay).expect(200);
    expect(p1.body.counts).toMatchObject({ created: 1 });
    await post('payments').send(pay).expect(200);
    const a1 = await request(t.http).get('/api/v1/invoices?q=A1').set(auth()).expect(200);
    expect(a1.body.items[0]).toMatchObject({ openAmount: '40.00', status: 'partially_paid' });
    const payments = await request(t.http).get('/api/v1/payments').set(auth()).expect(200);
    expect(payments.body.items[0]).toMatchObject({ externalRef: 'PAY1', unallocatedAmount: '90.00' });

    await post('credit-notes')
      .send([invoice('AV1', '50.00')])
      .expect(200);
    const allocs = [
      { externalRef: 'AL1', invoiceRef: 'A1', paymentRef: 'PAY1', amount: '40.00' },
      { externalRef: 'AL2', invoiceRef: 'A2', creditNoteRef: 'AV1', amount: '50.00' },
    ];
    const r = await post('allocations').send(allocs).expect(200);
    expect(r.body.counts).toMatchObject({ created: 2, unchanged: 0 });
    const again = await post('allocations').send(allocs).expect(200);
    expect(again.body.counts).toMatchObject({ created: 0, unchanged: 2 });
    const a1b = await request(t.http).get('/api/v1/invoices?q=A1').set(auth()).expect(200);
    expect(a1b.body.items[0]).toMatchObject({ openAmount: '0.00', status: 'paid' });
    const av = await request(t.http).get('/api/v1/invoices?kind=credit_note&q=AV1').set(auth()).expect(200);
    expect(av.body.items[0]).toMatchObject({ openAmount: '0.00', status: 'paid' });
    const detail = await request(t.http).get(`/api/v1/invoices/${a1b.body.items[0].id}`).set(auth()).expect(200);
    expect(detail.body.allocations).toHaveLength(2);

    const over = await post('allocations')
      .send([{ invoiceRef: 'A2', paymentRef: 'PAY1', amount: '500.00' }])
      .expect(422);
    expect(over.body.errors[0]).toMatchObject({ row: 1, field: 'amount' });
    // Lowering an invoice below what is allocated is a row error.
    const lower = await post('invoices')
      .send([invoice('A1', '50.00')])
      .expect(422);
    expect(lower.body.errors[0]).toMatchObject({ row: 1, field: 'amount' });
    const higher = await post('invoices')
      .send([invoice('A1', '120.00')])
      .expect(200);
    expect(higher.body.counts.updated).toBe(1);
    const a1c = await request(t.http).get('/api/v1/invoices?q=A1').set(auth()).expect(200);
    expect(a1c.body.items[0]).toMatchObject({ amount: '120.00', openAmount: '20.00', status: 'partially_paid' });
  });

  it('guards imports by role and API-key scope', async () => {
    const viewer = await a.userToken('viewer');
    await request(t.http).post('/api/v1/imports/customers').set('Authorization', `Bearer ${viewer}`).send(customers).expect(403);
    const collector = await a.userToken('collector');
    await request(t.http)
      .post('/api/v1/imports/customers')
      .set('Authorization', `Bearer ${collector}`)
      .send(customers)
      .expect(403);
    const writeKey = await a.apiKey(['imports:write']);
    const ok = await request(t.http).post('/api/v1/imports/customers').set('X-API-Key', writeKey).send(customers).expect(200);
    expect(ok.body.counts.unchanged).toBe(2);
    const readKey = await a.apiKey(['receivables:read']);
    await request(t.http).post('/api/v1/imports/customers').set('X-API-Key', readKey).send(customers).expect(403);
    await request(t.http).get('/api/v1/customers').set('X-API-Key', readKey).expect(200);
    await request(t.http).post('/api/v1/imports/unknown').set(auth()).send([]).expect(404);
  });
});
