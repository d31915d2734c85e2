import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { newTenant, startTestApp, type TestApp, type TestTenant } from './support/test-app.js';

describe('API keys', () => {
  let t: TestApp;
  let a: TestTenant;
  beforeAll(async () => {
    t = await startTestApp();
    a = await newTenant(t, 'Keys');
  });
  afterAll(() => t.close());

  it('creates a key shown once, stored hashed, usable by header or bearer, then revoked', async () => {
    const created = await request(t.http)
      .post('/api/v1/api-keys')
      .set('Authorization', `Bearer ${a.adminToken}`)
      .send({ name: 'ERP', scopes: ['tenant:read'], expiresAt: '2099-12-31' })
      .expect(201);
    const key: string = created.body.key;
    expect(key).toMatch(/^enc_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    expect(created.body.apiKey.prefix).toBe(key.slice(0, 12));
    const [row] = await t.dataSource.query('SELECT key_hash FROM api_key WHERE id = $1', [created.body.apiKey.id]);
    expect(row.key_hash).not.toContain(key.slice(13));
    expect(row.key_hash).toHaveLength(64);

    const list = await request(t.http).get('/api/v1/api-keys').set('Authorization', `Bearer ${a.adminToken}`).expect(200);
    expect(JSON.stringify(list.body)).not.toContain(key);

    await request(t.http).get('/api/v1/legal-entities').set('X-API-Key', key).expect(200);
    await request(t.http).get('/api/v1/legal-entities').set('Authorization', `Bearer ${key}`).expect(200);
    const after = await request(t.http).get('/api/v1/api-keys').set('Authorization', `Bearer ${a.adminToken}`).expect(200);
    expect(after.body.items.find((k: { id: string }) => k.id === created.body.apiKey.id).lastUsedAt).not.toBeNull();

    // A scope the key lacks → 403; a route for users only → 403.
    const noScope = await request(t.http).get('/api/v1/users').set('X-API-Key', key).expect(403);
    expect(noScope.body.type).toBe('urn:encours:problem:api-key-not-allowed');

    await request(t.http)
      .post(`/api/v1/api-keys/${created.body.apiKey.id}/revoke`)
      .set('Authorization', `Bearer ${a.adminToken}`)
      .expect(200);
    const revoked = await request(t.http).get('/api/v1/legal-entities').set('X-API-Key', key).expect(401);
    expect(revoked.body.type).toBe('urn:encours:problem:api-key-revoked');
  });

  it('refuses expired, forged and malformed keys', async () => {
    const created = await request(t.http)
      .post('/api/v1/api-keys')
      .set('Authorization', `Bearer ${a.adminToken}`)
      .send({ name: 'Old', scopes: ['tenant:read'], expiresAt: '2020-01-01' })
      .expect(201);
    await request(t.http).get('/api/v1/legal-entities').set('X-API-Key', created.body.key).expect(401);
    const forged = created.body.key.slice(0, -4) + 'AAAA';
    await request(t.http).get('/api/v1/legal-entities').set('X-API-Key', forged).expect(401);
    await request(t.http).get('/api/v1/legal-entities').set('X-API-Key', 'enc_nothing').expect(401);
  });

  it('validates scopes and dates, naming the field', async () => {
    const res = await request(t.http)
      .post('/api/v1/api-keys')
      .set('Authorization', `Bearer ${a.adminToken}`)
      .send({ name: 'Bad', scopes: ['everything'], expiresAt: '2026-02-30' })
      .expect(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['scopes', 'expiresAt']));
  });

  it('lists the scopes catalogue', async () => {
    const res = await request(t.http).get('/api/v1/api-keys/scopes').set('Authorization', `Bearer ${a.adminToken}`).expect(200);
    expect(res.body.scopes.map((s: { scope: string }) => s.scope)).toContain('imports:write');
  });
});
