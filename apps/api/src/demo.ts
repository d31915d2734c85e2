import type { INestApplication } from '@nestjs/common';
import { AppConfig, ProvisioningService } from '@encours/api-core';
import { today } from '@encours/domain';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { buildDemoLedger } from './demo-ledger.js';

const DATA_FILE = 'apps/api/data/ibm-accounts-receivable.csv';

/**
 * `npm start -- --demo`: the demo tenant with one user per role, credentials printed, and (on
 * first creation) its ledger pushed through the public import API, as an ERP would.
 */
export async function seedDemo(app: INestApplication, config: AppConfig, log: Logger, baseUrl: string): Promise<void> {
  const provisioning = app.get(ProvisioningService);
  const demo = await provisioning.ensureDemoTenant(config.demoPassword);
  log.info({ tenant: demo.tenant.name, created: demo.created }, 'Demo tenant ready');
  if (demo.created) await pushLedger(baseUrl, demo.password, log);
  const lines = [
    '',
    `  Demo tenant "${demo.tenant.name}" ready. Sign in at http://localhost:${config.port}`,
    ...demo.users.map((u) => `    ${u.role.padEnd(15)} ${u.email}`),
    `  Password for every demo user: ${config.demoPassword ? '(from DEMO_PASSWORD)' : demo.password}`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

async function pushLedger(baseUrl: string, password: string, log: Logger): Promise<void> {
  const file = join(process.cwd(), DATA_FILE);
  if (!existsSync(file)) {
    log.warn(`Demo data ${DATA_FILE} not found; the demo tenant has no ledger`);
    return;
  }
  const ledger = buildDemoLedger(readFileSync(file, 'utf8'), today('Europe/Paris'));
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'demo@encours.test', password }),
  });
  if (!login.ok) throw new Error(`Demo sign-in failed: ${login.status}`);
  const { accessToken } = (await login.json()) as { accessToken: string };
  for (const [entity, rows] of [
    ['customers', ledger.customers],
    ['invoices', ledger.invoices],
    ['payments', ledger.payments],
  ] as const) {
    const res = await fetch(`${baseUrl}/api/v1/imports/${entity}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${accessToken}`,
        'Idempotency-Key': `demo-${entity}`,
      },
      body: JSON.stringify(rows),
    });
    const body = (await res.json()) as { counts?: Record<string, number>; detail?: string };
    if (!res.ok) throw new Error(`Demo import of ${entity} failed (${res.status}): ${body.detail ?? ''}`);
    log.info({ entity, counts: body.counts }, `Demo ${entity} imported`);
  }
}
