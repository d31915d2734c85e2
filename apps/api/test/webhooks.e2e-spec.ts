import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DomainEvents, verifySignature, WebhookDispatcher } from '@encours/api-core';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { newTenant, startTestApp, type TestApp, type TestTenant } from './support/test-app.js';

/** A real HTTP endpoint on 127.0.0.1 that records what it receives and answers what it is told to. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

class Receiver {
  readonly received: Received[] = [];
  /** Status to answer, by path; 200 otherwise. */
  readonly statusFor = new Map<string, number>();
  private server!: Server;
  base = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const status = this.statusFor.get(path) ?? 200;
        res.writeHead(status, { 'Content-Type': 'text/plain' });
        res.end(status >= 400 ? 'receiver is down' : 'ok');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  delivery(id: string): Received | undefined {
    return this.received.find((r) => r.headers['x-encours-delivery'] === id);
  }
}

let t: TestApp;
let receiver: Receiver;
let events: DomainEvents;
let dispatcher: WebhookDispatcher;
let a: TestTenant;
let b: TestTenant;

const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
// Subscriptions to hosts other than the local receiver are created inactive: nothing is sent to them.
let path = 0;
const newPath = () => `/hook-${++path}`;

async function subscribe(tenant: TestTenant, eventTypes: string[], hookPath = newPath()) {
  const res = await request(t.http)
    .post('/api/v1/webhooks')
    .set(auth(tenant.adminToken))
    .send({ url: `${receiver.base}${hookPath}`, description: 'ERP sync', eventTypes })
    .expect(201);
  return { id: res.body.subscription.id as string, secret: res.body.secret as string, path: hookPath, body: res.body };
}

function publish(tenantId: string, type: string, payload: object, options?: { dedupeKey?: string; occurredAt?: Date }) {
  return t.dataSource.transaction((m) => events.publish(m, tenantId, type, payload, options));
}

async function deliveriesOf(tenant: TestTenant, subscriptionId: string) {
  const res = await request(t.http).get(`/api/v1/webhooks/${subscriptionId}/deliveries`).set(auth(tenant.adminToken)).expect(200);
  return res.body.items as Array<Record<string, unknown>>;
}

beforeAll(async () => {
  receiver = new Receiver();
  await receiver.start();
  t = await startTestApp();
  events = t.app.get(DomainEvents);
  dispatcher = t.app.get(WebhookDispatcher);
  dispatcher.random = undefined; // exact retry delays
  a = await newTenant(t, 'Webhooks A');
  b = await newTenant(t, 'Webhooks B');
});

afterAll(async () => {
  await t?.close();
  await receiver?.stop();
});

beforeEach(() => {
  receiver.statusFor.clear();
});

describe('webhook subscriptions', () => {
  it('creates a subscription and shows its secret once', async () => {
    const sub = await subscribe(a, ['invoice.overdue', 'payment.received']);
    expect(sub.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(sub.body.subscription).toMatchObject({
      url: `${receiver.base}${sub.path}`,
      description: 'ERP sync',
      eventTypes: ['invoice.overdue', 'payment.received'],
      active: true,
    });
    expect(sub.body.subscription.secret).toBeUndefined();
    const got = await request(t.http).get(`/api/v1/webhooks/${sub.id}`).set(auth(a.adminToken)).expect(200);
    expect(got.body.secret).toBeUndefined();
    expect(JSON.stringify(got.body)).not.toContain(sub.secret);
    const list = await request(t.http).get('/api/v1/webhooks').set(auth(a.adminToken)).expect(200);
    expect(list.body).toMatchObject({ page: 1, pageSize: 50 });
    expect(list.body.items.map((s: { id: string }) => s.id)).toContain(sub.id);
    expect(JSON.stringify(list.body)).not.toContain(sub.secret);
  });

  it('lists the event catalogue', async () => {
    const res = await request(t.http).get('/api/v1/webhooks/event-types').set(auth(a.adminToken)).expect(200);
    const types = res.body.eventTypes.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['customer.created', 'invoice.overdue', 'payment_plan.breached']));
    expect(res.body.eventTypes[0].description).toEqual(expect.any(String));
  });

  it('refuses a plain-http URL that is not local, naming url', async () => {
    for (const url of ['http://erp.example.fr/hook', 'ftp://erp.example.fr/hook', 'not a url']) {
      const res = await request(t.http)
        .post('/api/v1/webhooks')
        .set(auth(a.adminToken))
        .send({ url, eventTypes: ['*'] })
        .expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('url');
    }
    await request(t.http)
      .post('/api/v1/webhooks')
      .set(auth(a.adminToken))
      .send({ url: 'https://erp.example.fr/hook', eventTypes: ['*'], active: false })
      .expect(201);
  });

  it('refuses unknown event types, naming eventTypes[i]', async () => {
    const res = await request(t.http)
      .post('/api/v1/webhooks')
      .set(auth(a.adminToken))
      .send({ url: 'https://erp.example.fr/hook', eventTypes: ['invoice.overdue', 'invoice.exploded'] })
      .expect(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'eventTypes[1]' })]);
    const empty = await request(t.http)
      .post('/api/v1/webhooks')
      .set(auth(a.adminToken))
      .send({ url: 'https://erp.example.fr/hook', eventTypes: [] })
      .expect(400);
    expect(empty.body.errors.map((e: { field: string }) => e.field)).toContain('eventTypes');
  });

  it('changes, rotates and deletes a subscription', async () => {
    const sub = await subscribe(a, ['invoice.created']);
    const patched = await request(t.http)
      .patch(`/api/v1/webhooks/${sub.id}`)
      .set(auth(a.adminToken))
      .send({ description: 'New name', eventTypes: ['invoice.created', 'customer.created'], active: false })
      .expect(200);
    expect(patched.body).toMatchObject({
      description: 'New name',
      eventTypes: ['invoice.created', 'customer.created'],
      active: false,
    });
    const badPatch = await request(t.http)
      .patch(`/api/v1/webhooks/${sub.id}`)
      .set(auth(a.adminToken))
      .send({ url: 'http://example.com/x' })
      .expect(400);
    expect(badPatch.body.errors[0].field).toBe('url');

    const rotated = await request(t.http).post(`/api/v1/webhooks/${sub.id}/rotate-secret`).set(auth(a.adminToken)).expect(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(sub.secret);
    expect(rotated.body.subscription.id).toBe(sub.id);

    await request(t.http).delete(`/api/v1/webhooks/${sub.id}`).set(auth(a.adminToken)).expect(204);
    await request(t.http).get(`/api/v1/webhooks/${sub.id}`).set(auth(a.adminToken)).expect(404);
  });
});

describe('webhook delivery', () => {
  it('pings a subscription: delivered, signed, logged', async () => {
    const sub = await subscribe(a, ['invoice.overdue']);
    const ping = await request(t.http).post(`/api/v1/webhooks/${sub.id}/ping`).set(auth(a.adminToken)).expect(202);
    expect(ping.body).toMatchObject({ eventType: 'ping', status: 'pending', attempts: 0, subscriptionId: sub.id });

    const counts = await dispatcher.processDue();
    expect(counts.succeeded).toBeGreaterThanOrEqual(1);
    const got = receiver.delivery(ping.body.id);
    expect(got).toBeDefined();
    const h = got!.headers;
    expect(got!.path).toBe(sub.path);
    expect(h['content-type']).toBe('application/json');
    expect(h['user-agent']).toBe('Encours-Webhooks/1.0');
    expect(h['x-encours-event']).toBe('ping');
    const ts = Number(h['x-encours-timestamp']);
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(30);
    expect(h['x-encours-signature']).toMatch(new RegExp(`^t=${ts},v1=[0-9a-f]{64}$`));
    expect(verifySignature(sub.secret, h['x-encours-signature'] as string, got!.body)).toBe(true);
    expect(verifySignature('whsec_wrong', h['x-encours-signature'] as string, got!.body)).toBe(false);
    const envelope = JSON.parse(got!.body);
    expect(envelope).toEqual({
      id: ping.body.eventId,
      type: 'ping',
      occurredAt: expect.any(String),
      tenantId: a.tenantId,
      data: expect.objectContaining({ subscriptionId: sub.id }),
    });

    const [logged] = await deliveriesOf(a, sub.id);
    expect(logged).toMatchObject({
      id: ping.body.id,
      status: 'succeeded',
      attempts: 1,
      lastStatusCode: 200,
      lastError: null,
      nextAttemptAt: null,
    });
    expect(logged.deliveredAt).toEqual(expect.any(String));

    // Already delivered: a second run sends nothing more.
    await dispatcher.processDue();
    expect(receiver.received.filter((r) => r.headers['x-encours-delivery'] === ping.body.id)).toHaveLength(1);
  });

  it('publishes in the caller transaction: a rollback publishes nothing', async () => {
    const sub = await subscribe(a, ['invoice.created']);
    await expect(
      t.dataSource.transaction(async (m) => {
        await events.publish(m, a.tenantId, 'invoice.created', { number: 'F-ROLLBACK' });
        throw new Error('business change failed');
      }),
    ).rejects.toThrow('business change failed');
    expect(await deliveriesOf(a, sub.id)).toHaveLength(0);

    const eventId = await publish(a.tenantId, 'invoice.created', { number: 'F-COMMIT' });
    const [d] = await deliveriesOf(a, sub.id);
    expect(d).toMatchObject({ eventId, eventType: 'invoice.created', status: 'pending', attempts: 0 });
  });

  it('retries after a failure with backoff, then delivers', async () => {
    const sub = await subscribe(a, ['payment.received']);
    receiver.statusFor.set(sub.path, 500);
    await publish(a.tenantId, 'payment.received', { amount: '1234.56', currency: 'EUR' });
    const now = new Date();
    await dispatcher.processDue(now);
    const [failed] = await deliveriesOf(a, sub.id);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500, deliveredAt: null });
    expect(failed.lastError).toContain('receiver is down');
    expect(new Date(failed.nextAttemptAt as string).getTime()).toBe(now.getTime() + 60_000);
    expect(receiver.at(sub.path)).toHaveLength(1);

    // Not due yet 30 s later.
    receiver.statusFor.delete(sub.path);
    await dispatcher.processDue(new Date(now.getTime() + 30_000));
    expect(receiver.at(sub.path)).toHaveLength(1);

    await dispatcher.processDue(new Date(now.getTime() + 120_000));
    expect(receiver.at(sub.path)).toHaveLength(2);
    const [done] = await deliveriesOf(a, sub.id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 2, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
    // Same delivery id on every attempt, so receivers can de-duplicate.
    const ids = receiver.at(sub.path).map((r) => r.headers['x-encours-delivery']);
    expect(ids[0]).toBe(ids[1]);
  });

  it('gives up after 8 attempts; a failed delivery can be retried by hand', async () => {
    const sub = await subscribe(a, ['promise.broken']);
    receiver.statusFor.set(sub.path, 410);
    await publish(a.tenantId, 'promise.broken', { promiseId: 'p-1' });
    let now = Date.now();
    for (let i = 0; i < 8; i++) {
      await dispatcher.processDue(new Date(now));
      now += 25 * 3600_000; // past the longest delay
    }
    const [gaveUp] = await deliveriesOf(a, sub.id);
    expect(gaveUp).toMatchObject({ status: 'failed', attempts: 8, lastStatusCode: 410, nextAttemptAt: null });
    await dispatcher.processDue(new Date(now));
    expect(receiver.at(sub.path)).toHaveLength(8);

    receiver.statusFor.delete(sub.path);
    const retried = await request(t.http)
      .post(`/api/v1/webhooks/deliveries/${gaveUp.id}/retry`)
      .set(auth(a.adminToken))
      .expect(200);
    expect(retried.body).toMatchObject({ status: 'pending', attempts: 8 });
    await dispatcher.processDue();
    const [done] = await deliveriesOf(a, sub.id);
    expect(done).toMatchObject({ status: 'succeeded', attempts: 9 });
    await request(t.http).post(`/api/v1/webhooks/deliveries/${gaveUp.id}/retry`).set(auth(a.adminToken)).expect(409);
  });

  it('sends a subscription only the event types it chose; * gets them all', async () => {
    const overdueOnly = await subscribe(a, ['invoice.overdue']);
    const all = await subscribe(a, ['*']);
    await t.dataSource.transaction((m) =>
      events.publishMany(m, a.tenantId, [
        { type: 'customer.created', payload: { customerId: 'c-1' } },
        { type: 'invoice.overdue', payload: { invoiceId: 'i-1' } },
        { type: 'payment.received', payload: { paymentId: 'p-1' } },
      ]),
    );
    await dispatcher.processDue();
    expect(receiver.at(overdueOnly.path).map((r) => r.headers['x-encours-event'])).toEqual(['invoice.overdue']);
    expect(
      receiver
        .at(all.path)
        .map((r) => r.headers['x-encours-event'])
        .sort(),
    ).toEqual(['customer.created', 'invoice.overdue', 'payment.received']);
    // Same event, same id for both subscriptions.
    const idOf = (r: Received) => JSON.parse(r.body).id;
    expect(idOf(receiver.at(overdueOnly.path)[0])).toBe(
      idOf(receiver.at(all.path).find((r) => r.headers['x-encours-event'] === 'invoice.overdue')!),
    );
    // Keep later tests' events to their own subscriptions.
    await request(t.http).delete(`/api/v1/webhooks/${all.id}`).set(auth(a.adminToken)).expect(204);
    await request(t.http).delete(`/api/v1/webhooks/${overdueOnly.id}`).set(auth(a.adminToken)).expect(204);
  });

  it('publishes thousands of events in one statement', async () => {
    const sub = await subscribe(a, ['import.completed']);
    const many = Array.from({ length: 2000 }, (_, i) => ({ type: 'import.completed', payload: { importId: `imp-${i}` } }));
    const ids = await t.dataSource.transaction((m) => events.publishMany(m, a.tenantId, many));
    expect(new Set(ids).size).toBe(2000);
    const [{ n }] = await t.dataSource.query('SELECT count(*)::int AS n FROM webhook_delivery WHERE subscription_id = $1', [
      sub.id,
    ]);
    expect(n).toBe(2000);
    await request(t.http).delete(`/api/v1/webhooks/${sub.id}`).set(auth(a.adminToken)).expect(204);
  });

  it('makes publishing twice with the same dedupeKey a no-op', async () => {
    const sub = await subscribe(a, ['invoice.overdue']);
    await publish(a.tenantId, 'invoice.overdue', { invoiceId: 'i-42' }, { dedupeKey: 'invoice:i-42' });
    await publish(a.tenantId, 'invoice.overdue', { invoiceId: 'i-42' }, { dedupeKey: 'invoice:i-42' });
    await t.dataSource.transaction((m) =>
      events.publishMany(m, a.tenantId, [
        { type: 'invoice.overdue', payload: { invoiceId: 'i-43' }, dedupeKey: 'invoice:i-43' },
        { type: 'invoice.overdue', payload: { invoiceId: 'i-43' }, dedupeKey: 'invoice:i-43' },
      ]),
    );
    await publish(a.tenantId, 'invoice.overdue', { invoiceId: 'i-44' });
    await publish(a.tenantId, 'invoice.overdue', { invoiceId: 'i-44' });
    expect(await deliveriesOf(a, sub.id)).toHaveLength(4);
  });

  it('never sends a delivery twice when dispatchers run side by side', async () => {
    const sub = await subscribe(a, ['customer.created']);
    await t.dataSource.transaction((m) =>
      events.publishMany(
        m,
        a.tenantId,
        Array.from({ length: 30 }, (_, i) => ({ type: 'customer.created', payload: { customerId: `c-${i}` } })),
      ),
    );
    const runs = await Promise.all([dispatcher.processDue(), dispatcher.processDue(), dispatcher.processDue()]);
    expect(runs.reduce((n, r) => n + r.claimed, 0)).toBeGreaterThanOrEqual(30);
    const ids = receiver.at(sub.path).map((r) => r.headers['x-encours-delivery']);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
  });

  it('signs with the new secret once rotated', async () => {
    const sub = await subscribe(a, ['invoice.created']);
    const rotated = await request(t.http).post(`/api/v1/webhooks/${sub.id}/rotate-secret`).set(auth(a.adminToken)).expect(200);
    const ping = await request(t.http).post(`/api/v1/webhooks/${sub.id}/ping`).set(auth(a.adminToken)).expect(202);
    await dispatcher.processDue();
    const got = receiver.delivery(ping.body.id)!;
    const header = got.headers['x-encours-signature'] as string;
    expect(verifySignature(rotated.body.secret, header, got.body)).toBe(true);
    expect(verifySignature(sub.secret, header, got.body)).toBe(false);
  });

  it('sends nothing to inactive subscriptions nor to other tenants', async () => {
    const inactive = await subscribe(a, ['customer.created']);
    await request(t.http).patch(`/api/v1/webhooks/${inactive.id}`).set(auth(a.adminToken)).send({ active: false }).expect(200);
    const other = await subscribe(b, ['customer.created']);
    await publish(a.tenantId, 'customer.created', { customerId: 'c-9' });
    expect(await deliveriesOf(a, inactive.id)).toHaveLength(0);
    expect(await deliveriesOf(b, other.id)).toHaveLength(0);
    await request(t.http).post(`/api/v1/webhooks/${inactive.id}/ping`).set(auth(a.adminToken)).expect(409);
  });
});

describe('webhook access', () => {
  it("answers 404 for another tenant's subscription or delivery", async () => {
    const sub = await subscribe(a, ['invoice.created']);
    await request(t.http).post(`/api/v1/webhooks/${sub.id}/ping`).set(auth(a.adminToken)).expect(202);
    const [delivery] = await deliveriesOf(a, sub.id);
    const asB = auth(b.adminToken);
    await request(t.http).get(`/api/v1/webhooks/${sub.id}`).set(asB).expect(404);
    await request(t.http).patch(`/api/v1/webhooks/${sub.id}`).set(asB).send({ active: false }).expect(404);
    await request(t.http).post(`/api/v1/webhooks/${sub.id}/rotate-secret`).set(asB).expect(404);
    await request(t.http).post(`/api/v1/webhooks/${sub.id}/ping`).set(asB).expect(404);
    await request(t.http).get(`/api/v1/webhooks/${sub.id}/deliveries`).set(asB).expect(404);
    await request(t.http).post(`/api/v1/webhooks/deliveries/${delivery.id}/retry`).set(asB).expect(404);
    await request(t.http).delete(`/api/v1/webhooks/${sub.id}`).set(asB).expect(404);
    await request(t.http).get('/api/v1/webhooks/not-a-uuid').set(asB).expect(404);
    const list = await request(t.http).get('/api/v1/webhooks').set(asB).expect(200);
    expect(list.body.items.map((s: { id: string }) => s.id)).not.toContain(sub.id);
    await request(t.http).get(`/api/v1/webhooks/${sub.id}`).set(auth(a.adminToken)).expect(200);
  });

  it('refuses non-admin users', async () => {
    for (const role of ['viewer', 'credit_manager'] as const) {
      const token = await a.userToken(role);
      await request(t.http).get('/api/v1/webhooks').set(auth(token)).expect(403);
      await request(t.http)
        .post('/api/v1/webhooks')
        .set(auth(token))
        .send({ url: 'https://x.example.fr', eventTypes: ['*'] })
        .expect(403);
    }
    await request(t.http).get('/api/v1/webhooks').expect(401);
  });

  it('accepts API keys with webhooks:manage only', async () => {
    const key = await a.apiKey(['webhooks:manage']);
    const created = await request(t.http)
      .post('/api/v1/webhooks')
      .set('X-API-Key', key)
      .send({ url: 'https://erp.example.fr/from-key', eventTypes: ['invoice.created'], active: false })
      .expect(201);
    expect(created.body.subscription.createdBy).toBeNull();
    await request(t.http).get('/api/v1/webhooks').set(auth(key)).expect(200);

    const other = await a.apiKey(['receivables:read']);
    await request(t.http).get('/api/v1/webhooks').set('X-API-Key', other).expect(403);
    await request(t.http)
      .post('/api/v1/webhooks')
      .set('X-API-Key', other)
      .send({ url: 'https://x.example.fr', eventTypes: ['*'] })
      .expect(403);
  });
});
