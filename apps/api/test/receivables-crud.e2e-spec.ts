import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { newTenant, startTestApp, type TestApp, type TestTenant } from './support/test-app.js';

describe('receivables CRUD and allocations', () => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  const auth = (tenant: TestTenant = a) => ({ Authorization: `Bearer ${tenant.adminToken}` });
  let customerId: string;

  beforeAll(async () => {
    t = await startTestApp();
    a = await newTenant(t, 'Crud A');
    b = await newTenant(t, 'Crud B');
    const c = await request(t.http)
      .post('/api/v1/customers')
      .set(auth())
      .send({
        externalRef: 'C1',
        name: 'Dupont SAS',
        siret: '55210055400013',
        contacts: [{ name: 'Claire', role: 'accounting', email: 'c@dupont.test', primary: true }],
      })
      .expect(201);
    customerId = c.body.id;
  });
  afterAll(() => t.close());

  const newInvoice = async (ref: string, amount: string) =>
    (
      await request(t.http)
        .post('/api/v1/invoices')
        .set(auth())
        .send({ externalRef: ref, customerId, issueDate: '2026-01-10', dueDate: '2026-02-09', currency: 'EUR', amount })
        .expect(201)
    ).body;
  const newPayment = async (ref: string, amount: string) => {
    await request(t.http)
      .post('/api/v1/imports/payments')
      .set(auth())
      .send([{ externalRef: ref, customerRef: 'C1', date: '2026-02-01', amount, currency: 'EUR' }])
      .expect(200);
    const list = await request(t.http).get(`/api/v1/payments?q=${ref}`).set(auth()).expect(200);
    return list.body.items[0];
  };

  it('creates, reads, lists, changes customers; SIREN comes from the SIRET', async () => {
    const got = await request(t.http).get(`/api/v1/customers/${customerId}`).set(auth()).expect(200);
    expect(got.body).toMatchObject({
      externalRef: 'C1',
      siren: '552100554',
      contacts: [{ name: 'Claire', role: 'accounting', primary: true }],
    });
    const patched = await request(t.http)
      .patch(`/api/v1/customers/${customerId}`)
      .set(auth())
      .send({ blocked: true, tags: ['vip'] })
      .expect(200);
    expect(patched.body).toMatchObject({ blocked: true, tags: ['vip'] });
    const list = await request(t.http).get('/api/v1/customers?q=dupont').set(auth()).expect(200);
    expect(list.body.total).toBe(1);
    const csv = await request(t.http).get('/api/v1/customers').set(auth()).set('Accept', 'text/csv').expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text).toMatch(/^id,externalRef,name/);
    expect(csv.text).toContain('Dupont SAS');
    await request(t.http).post('/api/v1/customers').set(auth()).send({ externalRef: 'C1', name: 'Again' }).expect(409);
  });

  it("another tenant's customer is 404; a viewer cannot write", async () => {
    await request(t.http).get(`/api/v1/customers/${customerId}`).set(auth(b)).expect(404);
    await request(t.http).patch(`/api/v1/customers/${customerId}`).set(auth(b)).send({ name: 'x' }).expect(404);
    await request(t.http)
      .post('/api/v1/invoices')
      .set(auth(b))
      .send({ externalRef: 'X', customerId, issueDate: '2026-01-10', dueDate: '2026-02-09', currency: 'EUR', amount: '10.00' })
      .expect(404);
    const viewer = await a.userToken('viewer');
    await request(t.http).get('/api/v1/customers').set('Authorization', `Bearer ${viewer}`).expect(200);
    await request(t.http)
      .post('/api/v1/customers')
      .set('Authorization', `Bearer ${viewer}`)
      .send({ externalRef: 'V', name: 'V' })
      .expect(403);
    await request(t.http).post('/api/v1/allocations').set('Authorization', `Bearer ${viewer}`).send({}).expect(403);
  });

  it('rejects impossible manual invoices', async () => {
    const base = {
      externalRef: 'BAD',
      customerId,
      issueDate: '2026-01-10',
      dueDate: '2026-02-09',
      currency: 'EUR',
      amount: '10.00',
    };
    const r1 = await request(t.http)
      .post('/api/v1/invoices')
      .set(auth())
      .send({ ...base, dueDate: '2026-02-30' })
      .expect(400);
    expect(r1.body.errors[0].field).toBe('dueDate');
    const r2 = await request(t.http)
      .post('/api/v1/invoices')
      .set(auth())
      .send({ ...base, currency: 'JPY', amount: '10.5' })
      .expect(400);
    expect(r2.body.errors[0].field).toBe('amount');
  });

  it('partial payment, credit note offset and over-allocation (409)', async () => {
    const inv = await newInvoice('M1', '100.00');
    const pay = await newPayment('MP1', '70.00');
    const r = await request(t.http)
      .post('/api/v1/allocations')
      .set(auth())
      .send({ invoiceId: inv.id, paymentId: pay.id, amount: '60.00' })
      .expect(201);
    expect(r.body).toMatchObject({ amount: '60.00', date: '2026-02-01' });
    let got = await request(t.http).get(`/api/v1/invoices/${inv.id}`).set(auth()).expect(200);
    expect(got.body).toMatchObject({ openAmount: '40.00', status: 'partially_paid' });
    const over = await request(t.http)
      .post('/api/v1/allocations')
      .set(auth())
      .send({ invoiceId: inv.id, paymentId: pay.id, amount: '20.00' })
      .expect(409);
    expect(over.body.errors[0]).toMatchObject({ field: 'amount' });
    expect(over.body.errors[0].message).toMatch(/unallocated/);

    const cn = (
      await request(t.http)
        .post('/api/v1/invoices')
        .set(auth())
        .send({
          kind: 'credit_note',
          externalRef: 'AV1',
          customerId,
          issueDate: '2026-01-20',
          dueDate: '2026-01-20',
          currency: 'EUR',
          amount: '100.00',
        })
        .expect(201)
    ).body;
    const over2 = await request(t.http)
      .post('/api/v1/allocations')
      .set(auth())
      .send({ invoiceId: inv.id, creditNoteId: cn.id, amount: '41.00' })
      .expect(409);
    expect(over2.body.errors[0].message).toMatch(/open/);
    await request(t.http)
      .post('/api/v1/allocations')
      .set(auth())
      .send({ invoiceId: inv.id, creditNoteId: cn.id, amount: '40.00' })
      .expect(201);
    got = await request(t.http).get(`/api/v1/invoices/${inv.id}`).set(auth()).expect(200);
    expect(got.body).toMatchObject({ openAmount: '0.00', status: 'paid', closedAt: '2026-01-20' });
    expect(got.body.allocations).toHaveLength(2);
    const cnAfter = await request(t.http).get(`/api/v1/invoices/${cn.id}`).set(auth()).expect(200);
    expect(cnAfter.body).toMatchObject({ openAmount: '60.00', status: 'partially_paid' });
    await request(t.http)
      .post('/api/v1/allocations')
      .set(auth(b))
      .send({ invoiceId: inv.id, paymentId: pay.id, amount: '1.00' })
      .expect(404);
  });

  it('10 parallel allocations of 30 on a 100 invoice: exactly 3 succeed', async () => {
    const inv = await newInvoice('CC1', '100.00');
    const pay = await newPayment('CCP1', '1000.00');
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        request(t.http).post('/api/v1/allocations').set(auth()).send({ invoiceId: inv.id, paymentId: pay.id, amount: '30.00' }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);
    const got = await request(t.http).get(`/api/v1/invoices/${inv.id}`).set(auth()).expect(200);
    expect(got.body).toMatchObject({ openAmount: '10.00', status: 'partially_paid' });
    const p = await request(t.http).get('/api/v1/payments?q=CCP1').set(auth()).expect(200);
    expect(p.body.items[0].unallocatedAmount).toBe('910.00');
  });

  it('lists invoices with filters and exports CSV', async () => {
    const overdue = await request(t.http).get('/api/v1/invoices?overdue=true&kind=invoice&sort=-amount').set(auth()).expect(200);
    expect(overdue.body.items.every((i: { openAmount: string }) => i.openAmount !== '0.00')).toBe(true);
    const csv = await request(t.http).get('/api/v1/invoices?format=csv').set(auth()).expect(200);
    expect(csv.text.split('\r\n')[0]).toBe(
      'id,kind,externalRef,number,customerName,issueDate,dueDate,currency,amount,openAmount,status,disputed',
    );
  });

  it('stores and lists exchange rates', async () => {
    await request(t.http)
      .post('/api/v1/exchange-rates')
      .set(auth())
      .send([{ date: '2026-03-31', fromCurrency: 'usd', toCurrency: 'EUR', rate: '0.9215' }])
      .expect(201);
    await request(t.http)
      .post('/api/v1/exchange-rates')
      .set(auth())
      .send([{ date: '2026-03-31', fromCurrency: 'USD', toCurrency: 'EUR', rate: '0.93' }])
      .expect(201);
    const list = await request(t.http).get('/api/v1/exchange-rates?fromCurrency=USD').set(auth()).expect(200);
    expect(list.body).toHaveLength(1);
    expect(list.body[0]).toMatchObject({ date: '2026-03-31', rate: '0.93000000' });
  });
});
