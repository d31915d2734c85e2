import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebhookDispatcher } from '@encours/api-core';
import { addDays, today } from '@encours/domain';
import { InvoiceOverdueService } from '@encours/receivables';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { newTenant, startTestApp, type TestApp, type TestTenant } from './support/test-app.js';

interface Envelope {
  id: string;
  type: string;
  occurredAt: string;
  tenantId: string;
  data: Record<string, unknown>;
}

const T = today('Europe/Paris');
const d = (days: number) => addDays(T, days);
const EVENT_TYPES = ['customer.created', 'invoice.created', 'invoice.overdue', 'payment.received', 'import.completed'];

describe('receivables events', () => {
  let t: TestApp;
  let a: TestTenant;
  let server: Server;
  let base = '';
  let subscriptionId = '';
  const received: Envelope[] = [];
  const hookPath = '/receivables-events';
  const admin = () => ({ Authorization: `Bearer ${a.adminToken}` });
  const post = (entity: string, body: object, query = '') =>
    request(t.http).post(`/api/v1/imports/${entity}${query}`).set(admin()).send(body).expect(200);

  /** Sends what is due and returns the events received since the last call. */
  async function flush(): Promise<Envelope[]> {
    const before = received.length;
    await t.app.get(WebhookDispatcher).processDue();
    return received.slice(before).filter((e) => e.tenantId === a.tenantId);
  }
  const ofType = (events: Envelope[], type: string) => events.filter((e) => e.type === type);

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.url === hookPath) received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Envelope);
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    t = await startTestApp();
    a = await newTenant(t, 'Events A');
    const sub = await request(t.http)
      .post('/api/v1/webhooks')
      .set(admin())
      .send({ url: `${base}${hookPath}`, eventTypes: EVENT_TYPES })
      .expect(201);
    subscriptionId = sub.body.subscription.id;
  });

  afterAll(async () => {
    // Never leave an active subscription to a receiver that is going away.
    if (subscriptionId) await request(t.http).delete(`/api/v1/webhooks/${subscriptionId}`).set(admin()).expect(204);
    await t?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('publishes customer.created and import.completed for a customer import', async () => {
    const res = await post('customers', [
      { externalRef: 'C1', name: 'Dupont Matériaux SAS' },
      { externalRef: 'C2', name: 'Martin Industrie', currency: 'EUR', segment: 'BTP' },
    ]);
    const events = await flush();
    const created = ofType(events, 'customer.created');
    expect(created.map((e) => e.data.externalRef).sort()).toEqual(['C1', 'C2']);
    expect(created.find((e) => e.data.externalRef === 'C2')!.data).toEqual({
      customerId: expect.any(String),
      externalRef: 'C2',
      name: 'Martin Industrie',
      siren: null,
      country: 'FR',
      currency: 'EUR',
      segment: 'BTP',
    });
    expect(ofType(events, 'import.completed')).toEqual([
      expect.objectContaining({
        data: {
          importId: res.body.id,
          entity: 'customers',
          mode: 'upsert',
          source: 'api',
          status: 'succeeded',
          counts: { received: 2, created: 2, updated: 0, unchanged: 0, failed: 0, closed: 0 },
        },
      }),
    ]);
    expect(events).toHaveLength(3);
  });

  it('publishes invoice.created for invoices and credit notes, and payment.received', async () => {
    await post('invoices', [
      { externalRef: 'F1', customerRef: 'C1', issueDate: d(-40), dueDate: d(-10), currency: 'EUR', amount: '1200' },
      { externalRef: 'F2', customerRef: 'C1', issueDate: d(-5), dueDate: d(5), currency: 'EUR', amount: '300.5' },
      { externalRef: 'F3', customerRef: 'C2', issueDate: d(-40), dueDate: d(-10), currency: 'EUR', amount: '100.00' },
    ]);
    await post('credit-notes', [
      { externalRef: 'AV1', customerRef: 'C1', issueDate: d(-2), dueDate: d(-2), currency: 'EUR', amount: '50.00' },
    ]);
    let events = await flush();
    const invoices = ofType(events, 'invoice.created');
    expect(invoices.map((e) => `${e.data.kind} ${e.data.externalRef}`).sort()).toEqual([
      'credit_note AV1',
      'invoice F1',
      'invoice F2',
      'invoice F3',
    ]);
    expect(invoices.find((e) => e.data.externalRef === 'F2')!.data).toEqual({
      invoiceId: expect.any(String),
      kind: 'invoice',
      number: 'F2',
      externalRef: 'F2',
      customerId: expect.any(String),
      customerRef: 'C1',
      issueDate: d(-5),
      dueDate: d(5),
      currency: 'EUR',
      amount: '300.50',
      openAmount: '300.50',
      status: 'open',
    });
    expect(ofType(events, 'import.completed').map((e) => e.data.entity)).toEqual(
      expect.arrayContaining(['invoices', 'credit-notes']),
    );

    await post('payments', [
      {
        externalRef: 'P1',
        customerRef: 'C2',
        date: d(-1),
        amount: '100.00',
        currency: 'EUR',
        method: 'transfer',
        allocations: [{ invoiceRef: 'F3', amount: '100' }],
      },
      {
        externalRef: 'P2',
        customerRef: 'C1',
        date: d(-1),
        amount: '200.00',
        currency: 'EUR',
        allocations: [{ invoiceRef: 'F1', amount: '200' }],
      },
    ]);
    events = await flush();
    const payments = ofType(events, 'payment.received');
    expect(payments.map((e) => e.data.externalRef).sort()).toEqual(['P1', 'P2']);
    expect(payments.find((e) => e.data.externalRef === 'P1')!.data).toEqual({
      paymentId: expect.any(String),
      externalRef: 'P1',
      customerId: expect.any(String),
      customerRef: 'C2',
      date: d(-1),
      currency: 'EUR',
      amount: '100.00',
      method: 'transfer',
      bankReference: null,
      allocations: [{ invoiceRef: 'F3', amount: '100.00' }],
    });
    expect(ofType(events, 'import.completed')).toEqual([
      expect.objectContaining({
        data: expect.objectContaining({ entity: 'payments', counts: expect.objectContaining({ created: 2 }) }),
      }),
    ]);
  });

  it('publishes nothing for a dry run, and no created event for a replay', async () => {
    await post('customers', [{ externalRef: 'C9', name: 'Dry run' }], '?dryRun=true');
    await post('customers', [
      { externalRef: 'C1', name: 'Dupont Matériaux SAS' },
      { externalRef: 'C2', name: 'Martin Industrie', currency: 'EUR', segment: 'BTP' },
    ]);
    await post('invoices', [
      { externalRef: 'F1', customerRef: 'C1', issueDate: d(-40), dueDate: d(-10), currency: 'EUR', amount: '1200.00' },
    ]);
    expect(await flush()).toEqual([]);
    // an update is an import that wrote something: import.completed, but nothing "created"
    await post('customers', [{ externalRef: 'C1', name: 'Dupont Matériaux' }]);
    const events = await flush();
    expect(events.map((e) => e.type)).toEqual(['import.completed']);
    expect(events[0].data.counts).toMatchObject({ created: 0, updated: 1 });
  });

  it('publishes for customers and invoices created through the API', async () => {
    const c = await request(t.http)
      .post('/api/v1/customers')
      .set(admin())
      .send({ externalRef: 'C5', name: 'Par API' })
      .expect(201);
    await request(t.http)
      .post('/api/v1/invoices')
      .set(admin())
      .send({ externalRef: 'F5', customerId: c.body.id, issueDate: d(0), dueDate: d(30), currency: 'EUR', amount: '10.00' })
      .expect(201);
    const events = await flush();
    // delivered concurrently: the order of arrival is not the order of publication
    expect(events.map((e) => `${e.type} ${e.data.externalRef}`).sort()).toEqual(['customer.created C5', 'invoice.created F5']);
    expect(ofType(events, 'invoice.created')[0].data).toMatchObject({
      kind: 'invoice',
      customerRef: 'C5',
      amount: '10.00',
      customerId: c.body.id,
    });
  });

  it('announces invoice.overdue once per invoice across runs and days', async () => {
    const overdue = t.app.get(InvoiceOverdueService);
    // Today: F1 (due d-10, partly paid) is overdue; F3 is paid; F2 (due d+5) and F5 (d+30) are not due.
    expect(await overdue.announce({ tenantId: a.tenantId, today: T })).toEqual({ announced: 1 });
    expect(await overdue.announce({ tenantId: a.tenantId, today: T })).toEqual({ announced: 0 });
    let events = await flush();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'invoice.overdue',
      occurredAt: `${d(-9)}T00:00:00.000Z`,
      data: {
        externalRef: 'F1',
        number: 'F1',
        customerRef: 'C1',
        dueDate: d(-10),
        amount: '1200.00',
        openAmount: '1000.00',
        currency: 'EUR',
        disputed: false,
      },
    });
    // Six days later F2 is overdue too; F1 is not announced again.
    expect(await overdue.announce({ tenantId: a.tenantId, today: d(6) })).toEqual({ announced: 1 });
    expect(await overdue.announce({ tenantId: a.tenantId, today: d(7) })).toEqual({ announced: 0 });
    events = await flush();
    expect(events.map((e) => `${e.type} ${e.data.externalRef}`)).toEqual(['invoice.overdue F2']);

    // The manual run (admin only) finds nothing new today.
    const run = await request(t.http).post('/api/v1/receivables/jobs/invoice-overdue/run').set(admin()).expect(200);
    expect(run.body).toMatchObject({ status: 'succeeded', runId: expect.any(String), counts: { announced: 0 } });
    await request(t.http)
      .post('/api/v1/receivables/jobs/invoice-overdue/run')
      .set({ Authorization: `Bearer ${await a.userToken('credit_manager')}` })
      .expect(403);
    const runs = await request(t.http).get('/api/v1/job-runs?name=receivables.invoice-overdue').set(admin()).expect(200);
    expect(runs.body.items[0]).toMatchObject({ status: 'succeeded', trigger: 'manual', counts: { announced: 0 } });
    expect(await flush()).toEqual([]);

    // The timeline shows when the invoice became overdue.
    const c1 = (await request(t.http).get('/api/v1/customers?q=C1').set(admin()).expect(200)).body.items[0].id;
    const tl = await request(t.http).get(`/api/v1/customers/${c1}/timeline?types=invoice.overdue`).set(admin()).expect(200);
    expect(
      tl.body.items.map((i: { title: string; occurredAt: string; amount: string }) => [i.title, i.occurredAt, i.amount]),
    ).toEqual([
      ['Invoice F2 overdue', `${d(6)}T00:00:00.000Z`, '300.50'],
      ['Invoice F1 overdue', `${d(-9)}T00:00:00.000Z`, '1000.00'],
    ]);
  });
});
