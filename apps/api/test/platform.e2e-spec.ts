import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JobsService, RefreshTokenCleanupJob } from '@encours/api-core';
import request from 'supertest';
import { newTenant, startTestApp, type TestApp, type TestTenant } from './support/test-app.js';

describe('platform', () => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  beforeAll(async () => {
    t = await startTestApp();
    a = await newTenant(t, 'Platform A');
    b = await newTenant(t, 'Platform B');
  });
  afterAll(() => t.close());

  it('health checks the database; metrics are Prometheus text', async () => {
    const h = await request(t.http).get('/api/health').expect(200);
    expect(h.body).toMatchObject({ status: 'ok', database: 'up' });
    const m = await request(t.http).get('/api/metrics').expect(200);
    expect(m.text).toContain('encours_http_request_duration_seconds');
  });

  it('sets a correlation id on every response and keeps a sane incoming one', async () => {
    const r1 = await request(t.http).get('/api/health');
    expect(r1.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const r2 = await request(t.http).get('/api/v1/nothing-here').set('X-Request-Id', 'erp-batch-000123');
    expect(r2.headers['x-request-id']).toBe('erp-batch-000123');
    expect(r2.status).toBe(404);
    expect(r2.body).toMatchObject({ status: 404, requestId: 'erp-batch-000123', instance: '/api/v1/nothing-here' });
    const r3 = await request(t.http).get('/api/health').set('X-Request-Id', 'bad id with spaces and way too long'.repeat(3));
    expect(r3.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers problem+json without stack traces for malformed JSON and oversized bodies', async () => {
    const bad = await request(t.http)
      .post('/api/v1/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"email": ')
      .expect(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect(JSON.stringify(bad.body)).not.toMatch(/at .*\.js:\d+/);
    const small = await startTestApp({ BODY_LIMIT: '1kb' });
    try {
      const big = await request(small.http)
        .post('/api/v1/auth/login')
        .send({ email: 'x@example.test', password: 'x'.repeat(5000) })
        .expect(413);
      expect(big.body.status).toBe(413);
    } finally {
      await small.close();
    }
  });

  it('security headers are set', async () => {
    const r = await request(t.http).get('/api/health');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect(r.headers['x-powered-by']).toBeUndefined();
  });

  it('tenant settings, legal entities and business units are per tenant', async () => {
    const patched = await request(t.http)
      .patch('/api/v1/tenant')
      .set('Authorization', `Bearer ${a.adminToken}`)
      .send({ name: 'Acme Industrie', defaultCurrency: 'eur' })
      .expect(200);
    expect(patched.body).toMatchObject({ name: 'Acme Industrie', defaultCurrency: 'EUR' });

    const le = await request(t.http)
      .post('/api/v1/legal-entities')
      .set('Authorization', `Bearer ${a.adminToken}`)
      .send({ code: 'BE01', name: 'Acme Belgium SA', country: 'be', currency: 'EUR', vatNumber: 'be0123456789' })
      .expect(201);
    expect(le.body).toMatchObject({ country: 'BE', vatNumber: 'BE0123456789' });
    const dup = await request(t.http)
      .post('/api/v1/legal-entities')
      .set('Authorization', `Bearer ${a.adminToken}`)
      .send({ code: 'BE01', name: 'Again' })
      .expect(409);
    expect(dup.body.errors[0].field).toBe('code');
    const invalid = await request(t.http)
      .post('/api/v1/legal-entities')
      .set('Authorization', `Bearer ${a.adminToken}`)
      .send({ code: 'X1', name: 'Bad', siren: '12345', currency: 'EURO', address: { line1: 'x', city: 'Paris', country: 'FR' } })
      .expect(400);
    expect(invalid.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['siren', 'currency', 'address.postalCode']),
    );

    // Tenant B sees only its own, and A's id is simply not found.
    const listB = await request(t.http).get('/api/v1/legal-entities').set('Authorization', `Bearer ${b.adminToken}`).expect(200);
    expect(listB.body.map((e: { code: string }) => e.code)).toEqual(['MAIN']);
    await request(t.http).get(`/api/v1/legal-entities/${le.body.id}`).set('Authorization', `Bearer ${b.adminToken}`).expect(404);
    await request(t.http)
      .patch(`/api/v1/legal-entities/${le.body.id}`)
      .set('Authorization', `Bearer ${b.adminToken}`)
      .send({ name: 'Hijack' })
      .expect(404);
    await request(t.http).get('/api/v1/legal-entities/not-a-uuid').set('Authorization', `Bearer ${a.adminToken}`).expect(404);

    const bu = await request(t.http)
      .post('/api/v1/business-units')
      .set('Authorization', `Bearer ${a.adminToken}`)
      .send({ code: 'IDF', name: 'Île-de-France' })
      .expect(201);
    await request(t.http)
      .patch(`/api/v1/business-units/${bu.body.id}`)
      .set('Authorization', `Bearer ${a.adminToken}`)
      .send({ active: false })
      .expect(200);
  });

  it('records every write in the audit log with who, what and the changed fields', async () => {
    const created = await request(t.http)
      .post('/api/v1/users')
      .set('Authorization', `Bearer ${a.adminToken}`)
      .send({ email: `audited.${Date.now()}@example.test`, name: 'Audité', role: 'viewer' })
      .expect(201);
    await request(t.http)
      .patch(`/api/v1/users/${created.body.user.id}`)
      .set('Authorization', `Bearer ${a.adminToken}`)
      .set('X-Request-Id', 'audit-check-0001')
      .send({ role: 'collector' })
      .expect(200);
    const log = await request(t.http)
      .get(`/api/v1/audit-log?entity=app_user&entityId=${created.body.user.id}`)
      .set('Authorization', `Bearer ${a.adminToken}`)
      .expect(200);
    expect(log.body.items).toHaveLength(2);
    const [update, create] = log.body.items;
    expect(update).toMatchObject({
      action: 'update',
      actorType: 'user',
      actorLabel: a.adminEmail,
      requestId: 'audit-check-0001',
      changes: { role: { from: 'viewer', to: 'collector' } },
    });
    expect(create.action).toBe('create');
    expect(create.changes.passwordHash.to).toBe('[redacted]');
    // Tenant B does not see A's audit log.
    const other = await request(t.http)
      .get(`/api/v1/audit-log?entityId=${created.body.user.id}`)
      .set('Authorization', `Bearer ${b.adminToken}`)
      .expect(200);
    expect(other.body.total).toBe(0);
  });

  it('runs a job once across processes (advisory lock) and records the run', async () => {
    const jobs = t.app.get(JobsService);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = jobs.runExclusive('test.exclusive', async () => {
      await gate;
      return { done: 1 };
    });
    await new Promise((r) => setTimeout(r, 100));
    const second = await jobs.runExclusive('test.exclusive', async () => ({ done: 1 }));
    expect(second.status).toBe('skipped');
    release();
    const outcome = await first;
    expect(outcome).toMatchObject({ status: 'succeeded', counts: { done: 1 } });
    const failed = await jobs.runExclusive('test.failing', async () => {
      throw new Error('boom');
    });
    expect(failed).toMatchObject({ status: 'failed', error: 'boom' });

    const cleanup = await t.app.get(RefreshTokenCleanupJob).run('manual');
    expect(cleanup.status).toBe('succeeded');
    const runs = await request(t.http)
      .get('/api/v1/job-runs?name=auth.refresh-token-cleanup')
      .set('Authorization', `Bearer ${a.adminToken}`)
      .expect(200);
    expect(runs.body.items[0]).toMatchObject({
      name: 'auth.refresh-token-cleanup',
      status: 'succeeded',
      trigger: 'manual',
      platform: true,
    });
  });

  it('paginates and validates list parameters', async () => {
    const page = await request(t.http)
      .get('/api/v1/users?page=1&pageSize=1&sort=-createdAt')
      .set('Authorization', `Bearer ${a.adminToken}`)
      .expect(200);
    expect(page.body).toMatchObject({ page: 1, pageSize: 1 });
    expect(page.body.items).toHaveLength(1);
    expect(page.body.total).toBeGreaterThan(1);
    const bad = await request(t.http)
      .get('/api/v1/users?pageSize=1000&page=0')
      .set('Authorization', `Bearer ${a.adminToken}`)
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['page', 'pageSize']);
  });

  it('serves the OpenAPI spec and the Swagger UI', async () => {
    const spec = await request(t.http).get('/api/openapi.json').expect(200);
    expect(spec.body.openapi).toMatch(/^3\./);
    await request(t.http).get('/api/docs').redirects(1).expect(200);
  });
});
