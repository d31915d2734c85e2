import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { login, newTenant, startTestApp, type TestApp, type TestTenant } from './support/test-app.js';

/** The sales role sees only the customers whose salesperson it is; others are "not found". */
describe('sales portfolio', () => {
  let t: TestApp;
  let a: TestTenant;
  let salesToken: string;
  let ownId: string;
  let otherId: string;

  beforeAll(async () => {
    t = await startTestApp();
    a = await newTenant(t, 'Portfolio');
    const admin = `Bearer ${a.adminToken}`;
    const created = await request(t.http)
      .post('/api/v1/users')
      .set('Authorization', admin)
      .send({ email: `vendeur.${Date.now()}@example.test`, name: 'Vendeur', role: 'sales' })
      .expect(201);
    salesToken = await login(t, created.body.user.email, created.body.temporaryPassword);
    await request(t.http)
      .post('/api/v1/imports/customers')
      .set('Authorization', admin)
      .send([
        { externalRef: 'MINE', name: 'Client du vendeur', salespersonEmail: created.body.user.email },
        { externalRef: 'OTHER', name: 'Client d’un autre' },
      ])
      .expect(200);
    await request(t.http)
      .post('/api/v1/imports/invoices')
      .set('Authorization', admin)
      .send([
        {
          externalRef: 'F1',
          number: 'F1',
          customerRef: 'MINE',
          issueDate: '2026-01-05',
          dueDate: '2026-02-04',
          currency: 'EUR',
          amount: '100.00',
        },
        {
          externalRef: 'F2',
          number: 'F2',
          customerRef: 'OTHER',
          issueDate: '2026-01-05',
          dueDate: '2026-02-04',
          currency: 'EUR',
          amount: '200.00',
        },
      ])
      .expect(200);
    const list = await request(t.http).get('/api/v1/customers').set('Authorization', admin).expect(200);
    ownId = list.body.items.find((c: { externalRef: string }) => c.externalRef === 'MINE').id;
    otherId = list.body.items.find((c: { externalRef: string }) => c.externalRef === 'OTHER').id;
  });
  afterAll(() => t.close());

  it('lists only the own customers and their items', async () => {
    const auth = `Bearer ${salesToken}`;
    const customers = await request(t.http).get('/api/v1/customers').set('Authorization', auth).expect(200);
    expect(customers.body.items.map((c: { externalRef: string }) => c.externalRef)).toEqual(['MINE']);
    const invoices = await request(t.http).get('/api/v1/invoices').set('Authorization', auth).expect(200);
    expect(invoices.body.items.map((i: { externalRef: string }) => i.externalRef)).toEqual(['F1']);
    const admin = await request(t.http).get('/api/v1/invoices').set('Authorization', `Bearer ${a.adminToken}`).expect(200);
    expect(admin.body.total).toBe(2);
  });

  it("answers 404 for another salesperson's customer, its 360, timeline and notes", async () => {
    const auth = `Bearer ${salesToken}`;
    await request(t.http).get(`/api/v1/customers/${ownId}`).set('Authorization', auth).expect(200);
    await request(t.http).get(`/api/v1/customers/${otherId}`).set('Authorization', auth).expect(404);
    await request(t.http).get(`/api/v1/customers/${otherId}/summary`).set('Authorization', auth).expect(404);
    await request(t.http).get(`/api/v1/customers/${otherId}/timeline`).set('Authorization', auth).expect(404);
    await request(t.http).post(`/api/v1/customers/${otherId}/notes`).set('Authorization', auth).send({ text: 'x' }).expect(404);
    await request(t.http)
      .post(`/api/v1/customers/${ownId}/notes`)
      .set('Authorization', auth)
      .send({ text: 'Rappel client' })
      .expect(201);
  });
});
