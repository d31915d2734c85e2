import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays, today } from '@encours/domain';
import { TimelineService } from '@encours/receivables';
import request from 'supertest';
import { newTenant, startTestApp, type TestApp, type TestTenant } from './support/test-app.js';

/** Dates relative to today in the tenant's time zone (Europe/Paris), so figures are exact whatever the day. */
const T = today('Europe/Paris');
const d = (days: number) => addDays(T, days);

const invoice = (ref: string, issue: number, due: number, amount: string, extra: Record<string, unknown> = {}) => ({
  externalRef: ref,
  customerRef: 'C1',
  issueDate: d(issue),
  dueDate: d(due),
  currency: 'EUR',
  amount,
  ...extra,
});

interface Item {
  id: string;
  type: string;
  occurredAt: string;
  title: string;
  amount?: string;
  body?: string;
  source: string;
  author?: { id: string; name: string };
  related?: { kind: string; id: string; label: string };
  data?: Record<string, unknown>;
}

describe('customer 360', () => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let c1: string;
  let c2: string;
  let contactId: string;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const admin = () => auth(a.adminToken);
  const post = (entity: string, body: object) => request(t.http).post(`/api/v1/imports/${entity}`).set(admin()).send(body);
  const timeline = async (customerId: string, query: Record<string, string | number> = {}) =>
    (await request(t.http).get(`/api/v1/customers/${customerId}/timeline`).query(query).set(admin()).expect(200)).body as {
      items: Item[];
      nextCursor: string | null;
    };

  beforeAll(async () => {
    t = await startTestApp();
    a = await newTenant(t, 'C360 A');
    b = await newTenant(t, 'C360 B');
    await post('customers', [
      { externalRef: 'C1', name: 'Dupont Matériaux SAS', currency: 'EUR', paymentTermsDays: 30 },
      { externalRef: 'C2', name: 'Martin Industrie' },
    ]).expect(200);
    await post('invoices', [
      invoice('F1', -100, -70, '1000.00'),
      invoice('F2', -80, -50, '500.00'),
      invoice('F3', -60, -30, '1200.00'),
      invoice('F4', -20, 10, '800.00', { disputed: true }),
      invoice('F5', -50, -5, '300.50'),
      invoice('F9', -50, -5, '999.00', { customerRef: 'C2' }),
    ]).expect(200);
    await post('credit-notes', [invoice('AV1', -10, -10, '100.00')]).expect(200);
    await post('payments', [
      {
        externalRef: 'P1',
        customerRef: 'C1',
        date: d(-60),
        amount: '1000.00',
        currency: 'EUR',
        allocations: [{ invoiceRef: 'F1', amount: '1000.00' }],
      },
      {
        externalRef: 'P2',
        customerRef: 'C1',
        date: d(-50),
        amount: '500.00',
        currency: 'EUR',
        allocations: [{ invoiceRef: 'F2', amount: '500.00' }],
      },
      {
        externalRef: 'P3',
        customerRef: 'C1',
        date: d(-20),
        amount: '200.00',
        currency: 'EUR',
        allocations: [{ invoiceRef: 'F3', amount: '200.00' }],
      },
      { externalRef: 'P4', customerRef: 'C1', date: d(-3), amount: '50.00', currency: 'EUR' },
    ]).expect(200);
    const list = await request(t.http).get('/api/v1/customers?sort=externalRef').set(admin()).expect(200);
    [c1, c2] = list.body.items.map((c: { id: string }) => c.id);
    const patched = await request(t.http)
      .patch(`/api/v1/customers/${c1}`)
      .set(admin())
      .send({ contacts: [{ name: 'Claire Martin', role: 'accounting', email: 'compta@dupont.fr', primary: true }] })
      .expect(200);
    contactId = patched.body.contacts[0].id;
  });
  afterAll(() => t.close());

  describe('summary', () => {
    it('gives the exposure, payer profile, last payment and open items, exactly', async () => {
      const res = await request(t.http).get(`/api/v1/customers/${c1}/summary`).set(admin()).expect(200);
      const s = res.body;
      expect(s.asOf).toBe(T);
      expect(s.customer).toMatchObject({ id: c1, externalRef: 'C1', name: 'Dupont Matériaux SAS', currency: 'EUR' });
      expect(s.customer.contacts).toBeUndefined();
      expect(s.contacts).toEqual([expect.objectContaining({ id: contactId, name: 'Claire Martin', primary: true })]);
      expect(s.exposure).toEqual({
        openAmount: '2100.50', // F3 1000.00 + F4 800.00 + F5 300.50
        overdueAmount: '1300.50',
        disputedAmount: '800.00',
        notDueAmount: '800.00',
        openItems: 3,
        overdueItems: 2,
        oldestOverdueDays: 30,
        unappliedCreditAmount: '150.00',
        currency: 'EUR',
        otherCurrencies: [],
      });
      // F1 paid 10 days late (1000.00), F2 paid on its due date (500.00): weighted 10000 / 1500.
      expect(s.payerProfile).toEqual({
        avgDaysLate6m: 6.67,
        avgDaysLate12m: 6.67,
        shareLate12m: 50,
        shareLateAmount12m: 66.67,
        trend: null,
        invoiceCount12m: 2,
      });
      expect(s.lastPayment).toEqual({ date: d(-3), amount: '50.00', currency: 'EUR' });
      expect(
        s.openItems.map((i: { number: string; daysPastDue: number; openAmount: string }) => [
          i.number,
          i.daysPastDue,
          i.openAmount,
        ]),
      ).toEqual([
        ['F3', 30, '1000.00'],
        ['AV1', 10, '100.00'],
        ['F5', 5, '300.50'],
        ['F4', 0, '800.00'],
      ]);
      expect(s.openItems[1]).toMatchObject({ kind: 'credit_note', status: 'open' });
      expect(s.openItems[0]).toMatchObject({ kind: 'invoice', status: 'partially_paid', amount: '1200.00', dueDate: d(-30) });
    });

    it('is readable by every role and by an API key with receivables:read; another tenant gets 404', async () => {
      await request(t.http)
        .get(`/api/v1/customers/${c1}/summary`)
        .set(auth(await a.userToken('viewer')))
        .expect(200);
      await request(t.http)
        .get(`/api/v1/customers/${c1}/summary`)
        .set(auth(await a.userToken('sales')))
        .expect(404); // not in this salesperson's portfolio (see portfolio.e2e-spec.ts)
      const key = await a.apiKey(['receivables:read']);
      await request(t.http).get(`/api/v1/customers/${c1}/summary`).set('X-API-Key', key).expect(200);
      await request(t.http).get(`/api/v1/customers/${c1}/summary`).set(auth(b.adminToken)).expect(404);
      await request(t.http).get(`/api/v1/customers/not-a-uuid/summary`).set(admin()).expect(404);
    });

    it('is empty but well-formed for a customer without items', async () => {
      await post('customers', [{ externalRef: 'C3', name: 'Nouveau client' }]).expect(200);
      const list = await request(t.http).get('/api/v1/customers?q=C3').set(admin()).expect(200);
      const res = await request(t.http).get(`/api/v1/customers/${list.body.items[0].id}/summary`).set(admin()).expect(200);
      expect(res.body.exposure).toMatchObject({
        openAmount: '0.00',
        overdueAmount: '0.00',
        openItems: 0,
        oldestOverdueDays: null,
      });
      expect(res.body.payerProfile).toMatchObject({ avgDaysLate12m: null, invoiceCount12m: 0, trend: null });
      expect(res.body.lastPayment).toBeNull();
      expect(res.body.openItems).toEqual([]);
    });
  });

  describe('timeline', () => {
    it('merges the ledger facts newest first', async () => {
      const all = await timeline(c1, { limit: 200 });
      expect(all.nextCursor).toBeNull();
      const keys = all.items.map((i) => `${i.type} ${i.related?.label}`);
      expect(keys.sort()).toEqual(
        [
          'credit_note.issued AV1',
          'invoice.issued F1',
          'invoice.issued F2',
          'invoice.issued F3',
          'invoice.issued F4',
          'invoice.issued F5',
          'invoice.paid F1',
          'invoice.paid F2',
          'payment.received P1',
          'payment.received P2',
          'payment.received P3',
          'payment.received P4',
        ].sort(),
      );
      const times = all.items.map((i) => i.occurredAt);
      expect([...times].sort().reverse()).toEqual(times);
      expect(all.items[0]).toMatchObject({ type: 'payment.received', related: { kind: 'payment', label: 'P4' } });
      const p1 = all.items.find((i) => i.related?.label === 'P1')!;
      expect(p1).toMatchObject({
        type: 'payment.received',
        occurredAt: `${d(-60)}T00:00:00.000Z`,
        amount: '1000.00',
        currency: 'EUR',
        source: 'receivables',
        data: { allocations: [expect.objectContaining({ number: 'F1', amount: '1000.00' })], unallocatedAmount: '0.00' },
      });
      const paid = all.items.find((i) => i.type === 'invoice.paid' && i.related?.label === 'F1')!;
      expect(paid).toMatchObject({ occurredAt: `${d(-60)}T00:00:00.000Z`, amount: '1000.00', data: { daysLate: 10 } });
      expect(all.items.some((i) => i.related?.label === 'F9')).toBe(false);
    });

    it('pages with a keyset cursor without gaps or repeats, and accepts a plain timestamp', async () => {
      const all = (await timeline(c1, { limit: 200 })).items;
      const seen: Item[] = [];
      let before: string | undefined;
      for (let page = 0; page < 10; page++) {
        const res = await timeline(c1, { limit: 5, ...(before ? { before } : {}) });
        seen.push(...res.items);
        if (!res.nextCursor) break;
        expect(res.items).toHaveLength(5);
        before = res.nextCursor;
      }
      expect(seen.map((i) => i.id)).toEqual(all.map((i) => i.id));
      const older = await timeline(c1, { before: `${d(-50)}T00:00:00.000Z`, limit: 200 });
      expect(older.items.every((i) => i.occurredAt < `${d(-50)}T00:00:00.000Z`)).toBe(true);
      expect(older.items.map((i) => i.id)).toEqual(all.filter((i) => i.occurredAt < `${d(-50)}T00:00:00.000Z`).map((i) => i.id));
      const bad = await request(t.http).get(`/api/v1/customers/${c1}/timeline?before=yesterday`).set(admin()).expect(400);
      expect(bad.body.errors[0].field).toBe('before');
      const badLimit = await request(t.http).get(`/api/v1/customers/${c1}/timeline?limit=0`).set(admin()).expect(400);
      expect(badLimit.body.errors[0].field).toBe('limit');
    });

    it('filters by types and families', async () => {
      const payments = await timeline(c1, { types: 'payment' });
      expect(payments.items.map((i) => i.related?.label)).toEqual(['P4', 'P3', 'P2', 'P1']);
      const invoices = await timeline(c1, { types: 'invoice' });
      expect(invoices.items).toHaveLength(7);
      expect(new Set(invoices.items.map((i) => i.type))).toEqual(new Set(['invoice.issued', 'invoice.paid']));
      const exact = await timeline(c1, { types: 'invoice.paid,credit_note' });
      expect(exact.items.map((i) => i.type).sort()).toEqual(['credit_note.issued', 'invoice.paid', 'invoice.paid']);
    });

    it('shows entries recorded by other modules through TimelineService', async () => {
      const timelineService = t.app.get(TimelineService);
      const ids = await t.dataSource.transaction((m) =>
        timelineService.recordMany(m, a.tenantId, [
          {
            customerId: c2,
            type: 'dunning.email_sent',
            occurredAt: new Date(`${d(-1)}T08:00:00.000Z`),
            title: 'Reminder 1 sent',
            amount: '999.000',
            currency: 'EUR',
            source: 'dunning',
            related: { kind: 'dunning_run', id: c2, label: 'Run 1' },
            dedupeKey: `run-1:${c2}`,
          },
        ]),
      );
      expect(ids).toHaveLength(1);
      const again = await t.dataSource.transaction((m) =>
        timelineService.record(m, a.tenantId, {
          customerId: c2,
          type: 'dunning.email_sent',
          title: 'Reminder 1 sent',
          source: 'dunning',
          dedupeKey: `run-1:${c2}`,
        }),
      );
      expect(again).toBeNull();
      // a customer of another tenant: dropped
      const other = await t.dataSource.transaction((m) =>
        timelineService.record(m, b.tenantId, { customerId: c1, type: 'note', title: 'x', source: 'test' }),
      );
      expect(other).toBeNull();
      const res = await timeline(c2, { types: 'dunning' });
      expect(res.items).toEqual([
        {
          id: ids[0],
          type: 'dunning.email_sent',
          occurredAt: `${d(-1)}T08:00:00.000Z`,
          title: 'Reminder 1 sent',
          amount: '999.00',
          currency: 'EUR',
          source: 'dunning',
          related: { kind: 'dunning_run', id: c2, label: 'Run 1' },
        },
      ]);
    });
  });

  describe('notes and calls', () => {
    it('adds a note and shows it first on the timeline, with its author', async () => {
      const res = await request(t.http)
        .post(`/api/v1/customers/${c1}/notes`)
        .set(admin())
        .send({ text: '  Customer asks for a copy of F3.  ' })
        .expect(201);
      expect(res.body).toMatchObject({
        type: 'note',
        title: 'Note',
        body: 'Customer asks for a copy of F3.',
        source: 'receivables',
        author: { id: expect.any(String), name: expect.any(String) },
      });
      expect(Date.now() - Date.parse(res.body.occurredAt)).toBeLessThan(60_000);
      const tl = await timeline(c1, { limit: 1 });
      expect(tl.items[0]).toEqual(res.body);
      expect(tl.nextCursor).toEqual(expect.any(String));
    });

    it('refuses bad notes with 400 naming the field', async () => {
      for (const body of [{ text: '' }, { text: '   ' }, { text: 'x'.repeat(5001) }, {}, { text: 42 }]) {
        const res = await request(t.http).post(`/api/v1/customers/${c1}/notes`).set(admin()).send(body).expect(400);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('text');
      }
      const extra = await request(t.http)
        .post(`/api/v1/customers/${c1}/notes`)
        .set(admin())
        .send({ text: 'ok', pinned: true })
        .expect(400);
      expect(extra.body.errors[0].field).toBe('pinned');
      await request(t.http)
        .post(`/api/v1/customers/${c1}/notes`)
        .set(admin())
        .send({ text: 'x'.repeat(5000) })
        .expect(201);
    });

    it('logs a call with a contact and an outcome', async () => {
      const at = new Date(Date.now() - 3_600_000).toISOString();
      const res = await request(t.http)
        .post(`/api/v1/customers/${c1}/calls`)
        .set(auth(await a.userToken('collector')))
        .send({ contactId, outcome: 'promise', notes: 'Will pay F3 on Friday.', occurredAt: at })
        .expect(201);
      expect(res.body).toMatchObject({
        type: 'call',
        occurredAt: at,
        title: 'Call with Claire Martin: promise to pay',
        body: 'Will pay F3 on Friday.',
        related: { kind: 'contact', id: contactId, label: 'Claire Martin' },
        data: { outcome: 'promise' },
        author: { name: 'collector user' },
      });
      const calls = await timeline(c1, { types: 'call' });
      expect(calls.items.map((i) => i.id)).toEqual([res.body.id]);
      const bare = await request(t.http)
        .post(`/api/v1/customers/${c1}/calls`)
        .set(auth(await a.userToken('credit_manager')))
        .send({ outcome: 'no_answer' })
        .expect(201);
      expect(bare.body).toMatchObject({ title: 'Call: no answer', data: { outcome: 'no_answer' } });
      expect(bare.body.body).toBeUndefined();
    });

    it('refuses bad calls with 400 naming the fields', async () => {
      const call = (body: object) => request(t.http).post(`/api/v1/customers/${c1}/calls`).set(admin()).send(body).expect(400);
      const fields = async (body: object) => (await call(body)).body.errors.map((e: { field: string }) => e.field);
      expect(await fields({ outcome: 'angry' })).toEqual(['outcome']);
      expect(await fields({})).toEqual(['outcome']);
      expect(await fields({ outcome: 'reached', occurredAt: '2026-13-45' })).toEqual(['occurredAt']);
      expect(await fields({ outcome: 'reached', occurredAt: new Date(Date.now() + 3_600_000).toISOString() })).toEqual([
        'occurredAt',
      ]);
      expect(await fields({ outcome: 'reached', contactId: 'abc' })).toEqual(['contactId']);
      // a contact of another customer
      const other = await request(t.http)
        .patch(`/api/v1/customers/${c2}`)
        .set(admin())
        .send({ contacts: [{ name: 'Paul Durand' }] })
        .expect(200);
      expect(await fields({ outcome: 'reached', contactId: other.body.contacts[0].id })).toEqual(['contactId']);
      expect(await fields({ outcome: 'reached', notes: 'x'.repeat(5001) })).toEqual(['notes']);
    });

    it('lets API keys with receivables:write write; refuses viewers (403) and other tenants (404)', async () => {
      const key = await a.apiKey(['receivables:write']);
      const byKey = await request(t.http)
        .post(`/api/v1/customers/${c1}/notes`)
        .set('X-API-Key', key)
        .send({ text: 'From the CRM' })
        .expect(201);
      expect(byKey.body.author).toBeUndefined();
      expect(byKey.body.data).toEqual({ recordedBy: expect.stringMatching(/^api-key:/) });
      const readKey = await a.apiKey(['receivables:read']);
      await request(t.http).post(`/api/v1/customers/${c1}/notes`).set('X-API-Key', readKey).send({ text: 'x' }).expect(403);
      const viewer = auth(await a.userToken('viewer'));
      await request(t.http).post(`/api/v1/customers/${c1}/notes`).set(viewer).send({ text: 'x' }).expect(403);
      await request(t.http).post(`/api/v1/customers/${c1}/calls`).set(viewer).send({ outcome: 'reached' }).expect(403);
      await request(t.http).get(`/api/v1/customers/${c1}/timeline`).set(viewer).expect(200);
      await request(t.http).post(`/api/v1/customers/${c1}/notes`).set(auth(b.adminToken)).send({ text: 'x' }).expect(404);
      await request(t.http)
        .post(`/api/v1/customers/${c1}/calls`)
        .set(auth(b.adminToken))
        .send({ outcome: 'reached' })
        .expect(404);
      await request(t.http).get(`/api/v1/customers/${c1}/timeline`).set(auth(b.adminToken)).expect(404);
    });
  });
});
