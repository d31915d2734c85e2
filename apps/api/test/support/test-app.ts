import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig, ProvisioningService, type Role } from '@encours/api-core';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { DataSource } from 'typeorm';
import pg from 'pg';
import { createApp } from '../../src/app.factory.js';
import { runMigrations } from '../../src/database.js';

export interface TestApp {
  app: NestExpressApplication;
  http: App;
  dataSource: DataSource;
  close(): Promise<void>;
}

let migrated: Promise<void> | undefined;

/** Applies the migrations once per worker, serialised across workers by an advisory lock. */
function migrateOnce(url: string): Promise<void> {
  migrated ??= (async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock(7419001)');
      await runMigrations(url);
    } finally {
      await client.query('SELECT pg_advisory_unlock(7419001)').catch(() => undefined);
      await client.end();
    }
  })();
  return migrated;
}

/** The real application on the test database (see global-setup.mjs), migrations applied. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run API tests through jest (global-setup)');
  await migrateOnce(url);
  const config = AppConfig.fromEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent', JOBS_ENABLED: 'false', DB_POOL_SIZE: '5', ...env });
  const app = await createApp({ config, databaseUrl: url });
  await app.init();
  return { app, http: app.getHttpServer() as App, dataSource: app.get(DataSource), close: () => app.close() };
}

export const TEST_PASSWORD = 'Test-password-2026';

export interface TestTenant {
  tenantId: string;
  name: string;
  adminEmail: string;
  adminToken: string;
  /** Creates a user with this role and returns its access token. */
  userToken(role: Role): Promise<string>;
  /** Creates an API key with these scopes (as the admin) and returns the secret. */
  apiKey(scopes: string[]): Promise<string>;
}

export async function login(t: TestApp, email: string, password: string): Promise<string> {
  const res = await request(t.http).post('/api/v1/auth/login').send({ email, password }).expect(200);
  return res.body.accessToken as string;
}

/** A new tenant with a signed-in admin; names are unique so test files never collide. */
export async function newTenant(t: TestApp, label = 'Tenant'): Promise<TestTenant> {
  const suffix = randomUUID().slice(0, 8);
  const adminEmail = `admin.${suffix}@example.test`;
  const { tenant } = await t.app.get(ProvisioningService).createTenant({
    name: `${label} ${suffix}`,
    adminEmail,
    password: TEST_PASSWORD,
  });
  const adminToken = await login(t, adminEmail, TEST_PASSWORD);
  const tokens = new Map<Role, string>([['admin', adminToken]]);
  return {
    tenantId: tenant.id,
    name: tenant.name,
    adminEmail,
    adminToken,
    async userToken(role: Role) {
      const cached = tokens.get(role);
      if (cached) return cached;
      const email = `${role}.${randomUUID().slice(0, 8)}@example.test`;
      const created = await request(t.http)
        .post('/api/v1/users')
        .set('Authorization', `Bearer ${adminToken}`)
        .send({ email, name: `${role} user`, role })
        .expect(201);
      const token = await login(t, email, created.body.temporaryPassword);
      tokens.set(role, token);
      return token;
    },
    async apiKey(scopes: string[]) {
      const res = await request(t.http)
        .post('/api/v1/api-keys')
        .set('Authorization', `Bearer ${adminToken}`)
        .send({ name: `key ${scopes.join(',') || 'none'}`, scopes })
        .expect(201);
      return res.body.key as string;
    },
  };
}
