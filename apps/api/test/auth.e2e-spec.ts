import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { login, newTenant, startTestApp, TEST_PASSWORD, type TestApp, type TestTenant } from './support/test-app.js';

describe('auth', () => {
  let t: TestApp;
  let a: TestTenant;
  beforeAll(async () => {
    t = await startTestApp({ LOGIN_MAX_ATTEMPTS: '3', LOGIN_WINDOW_SECONDS: '60' });
    a = await newTenant(t, 'Auth');
  });
  afterAll(() => t.close());

  it('signs in and returns tokens and the user', async () => {
    const res = await request(t.http)
      .post('/api/v1/auth/login')
      .send({ email: a.adminEmail.toUpperCase(), password: TEST_PASSWORD })
      .expect(200);
    expect(res.body).toMatchObject({ expiresIn: 900, user: { email: a.adminEmail, role: 'admin', tenantId: a.tenantId } });
    expect(res.body.refreshToken).toMatch(/^[0-9a-f-]{36}\./);
    const me = await request(t.http).get('/api/v1/me').set('Authorization', `Bearer ${res.body.accessToken}`).expect(200);
    expect(me.body.tenantName).toBe(a.name);
  });

  it('refuses a wrong password with a problem, then rate-limits with 429 and Retry-After', async () => {
    const u = await newTenant(t, 'Limit');
    for (let i = 0; i < 3; i++) {
      const res = await request(t.http)
        .post('/api/v1/auth/login')
        .send({ email: u.adminEmail, password: 'wrong-password' })
        .expect(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 401, type: 'urn:encours:problem:invalid-credentials' });
    }
    const limited = await request(t.http)
      .post('/api/v1/auth/login')
      .send({ email: u.adminEmail, password: TEST_PASSWORD })
      .expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('rotates refresh tokens and revokes the family when an old one is replayed', async () => {
    const first = await request(t.http)
      .post('/api/v1/auth/login')
      .send({ email: a.adminEmail, password: TEST_PASSWORD })
      .expect(200);
    const second = await request(t.http).post('/api/v1/auth/refresh').send({ refreshToken: first.body.refreshToken }).expect(200);
    expect(second.body.refreshToken).not.toBe(first.body.refreshToken);
    // Replaying the rotated token is a theft signal: it fails and the new token dies too.
    const replay = await request(t.http).post('/api/v1/auth/refresh').send({ refreshToken: first.body.refreshToken }).expect(401);
    expect(replay.body.type).toBe('urn:encours:problem:refresh-token-reused');
    await request(t.http).post('/api/v1/auth/refresh').send({ refreshToken: second.body.refreshToken }).expect(401);
  });

  it('logs out by revoking the refresh token', async () => {
    const s = await request(t.http).post('/api/v1/auth/login').send({ email: a.adminEmail, password: TEST_PASSWORD }).expect(200);
    await request(t.http).post('/api/v1/auth/logout').send({ refreshToken: s.body.refreshToken }).expect(204);
    await request(t.http).post('/api/v1/auth/refresh').send({ refreshToken: s.body.refreshToken }).expect(401);
  });

  it('changes the password: checks the current one and the rules, then ends other sessions', async () => {
    const u = await newTenant(t, 'Pwd');
    const s = await request(t.http).post('/api/v1/auth/login').send({ email: u.adminEmail, password: TEST_PASSWORD }).expect(200);
    const auth = `Bearer ${s.body.accessToken}`;
    const wrong = await request(t.http)
      .post('/api/v1/auth/password')
      .set('Authorization', auth)
      .send({ currentPassword: 'nope-nope-nope', newPassword: 'New-password-2027' })
      .expect(400);
    expect(wrong.body.errors[0].field).toBe('currentPassword');
    const weak = await request(t.http)
      .post('/api/v1/auth/password')
      .set('Authorization', auth)
      .send({ currentPassword: TEST_PASSWORD, newPassword: 'abcdefghijkl' })
      .expect(400);
    expect(weak.body.errors[0].field).toBe('newPassword');
    await request(t.http)
      .post('/api/v1/auth/password')
      .set('Authorization', auth)
      .send({ currentPassword: TEST_PASSWORD, newPassword: 'New-password-2027' })
      .expect(204);
    await request(t.http).post('/api/v1/auth/refresh').send({ refreshToken: s.body.refreshToken }).expect(401);
    await login(t, u.adminEmail, 'New-password-2027');
  });

  it('a new user must change the one-time password; a deactivated user is locked out at once', async () => {
    const created = await request(t.http)
      .post('/api/v1/users')
      .set('Authorization', `Bearer ${a.adminToken}`)
      .send({ email: `new.${Date.now()}@example.test`, name: 'Nouvel Utilisateur', role: 'collector' })
      .expect(201);
    expect(created.body.user.mustChangePassword).toBe(true);
    expect(created.body.temporaryPassword).toMatch(/^[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}$/);
    const token = await login(t, created.body.user.email, created.body.temporaryPassword);
    await request(t.http).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(200);
    await request(t.http)
      .patch(`/api/v1/users/${created.body.user.id}`)
      .set('Authorization', `Bearer ${a.adminToken}`)
      .send({ active: false })
      .expect(200);
    await request(t.http).get('/api/v1/me').set('Authorization', `Bearer ${token}`).expect(401);
    await request(t.http)
      .post('/api/v1/auth/login')
      .send({ email: created.body.user.email, password: created.body.temporaryPassword })
      .expect(401);
  });

  it('keeps at least one active admin', async () => {
    const u = await newTenant(t, 'LastAdmin');
    const me = await request(t.http).get('/api/v1/me').set('Authorization', `Bearer ${u.adminToken}`).expect(200);
    const res = await request(t.http)
      .patch(`/api/v1/users/${me.body.id}`)
      .set('Authorization', `Bearer ${u.adminToken}`)
      .send({ role: 'viewer' })
      .expect(409);
    expect(res.body.errors[0].field).toBe('role');
  });

  it('lets users set their own language', async () => {
    const token = await a.userToken('viewer');
    const res = await request(t.http)
      .patch('/api/v1/me')
      .set('Authorization', `Bearer ${token}`)
      .send({ locale: 'en' })
      .expect(200);
    expect(res.body.locale).toBe('en');
    const bad = await request(t.http)
      .patch('/api/v1/me')
      .set('Authorization', `Bearer ${token}`)
      .send({ locale: 'de' })
      .expect(400);
    expect(bad.body.errors[0].field).toBe('locale');
  });
});
