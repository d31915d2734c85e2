import type { INestApplication } from '@nestjs/common';
import { AppConfig, ProvisioningService } from '@encours/api-core';
import { addDays, today } from '@encours/domain';
import { Clock } from '@encours/api-core';
import { DunningRunService } from '@encours/dunning';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { buildDemoLedger } from './demo-ledger.js';
import type { DemoMailbox } from './demo-mailbox.js';
import { seedScoring } from './demo-scoring.js';

const DATA_FILE = 'apps/api/data/ibm-accounts-receivable.csv';
/** Late payments of the last 75 days are left out of the demo: those invoices are the dunning backlog. */
const DEMO_BACKLOG_DAYS = 75;

/**
 * `npm start -- --demo`: the demo tenant with one user per role, credentials printed, and (on
 * first creation) its ledger pushed through the public import API, as an ERP would.
 */
export async function seedDemo(
  app: INestApplication,
  config: AppConfig,
  log: Logger,
  baseUrl: string,
  mailbox: DemoMailbox | null = null,
): Promise<void> {
  const provisioning = app.get(ProvisioningService);
  const demo = await provisioning.ensureDemoTenant(config.demoPassword);
  log.info({ tenant: demo.tenant.name, created: demo.created }, 'Demo tenant ready');
  const api = await signIn(baseUrl, demo.password);
  if (demo.created) await pushLedger(api, log);
  await seedDunning(app, api, demo.tenant.id, demo.created, mailbox, log);
  if (demo.created) {
    const collector = await signIn(baseUrl, demo.password, 'collector@encours.test').catch(() => null);
    await seedScoring(api, collector, today('Europe/Paris'), log);
  }
  const lines = [
    '',
    `  Demo tenant "${demo.tenant.name}" ready. Sign in at http://localhost:${config.port}`,
    ...demo.users.map((u) => `    ${u.role.padEnd(15)} ${u.email}`),
    `  Password for every demo user: ${config.demoPassword ? '(from DEMO_PASSWORD)' : demo.password}`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

type Api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The demo admin's session on the running server: the demo goes through the public API, as a user would. */
async function signIn(baseUrl: string, password: string, email = 'demo@encours.test'): Promise<Api> {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!login.ok) throw new Error(`Demo sign-in failed: ${login.status}`);
  const { accessToken } = (await login.json()) as { accessToken: string };
  return async (method, path, body, headers = {}) => {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${accessToken}`, ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : null;
    if (!res.ok) throw new Error(`Demo ${method} ${path} failed (${res.status}): ${json?.detail ?? text.slice(0, 300)}`);
    return json;
  };
}

async function pushLedger(api: Api, log: Logger): Promise<void> {
  const file = join(process.cwd(), DATA_FILE);
  if (!existsSync(file)) {
    log.warn(`Demo data ${DATA_FILE} not found; the demo tenant has no ledger`);
    return;
  }
  const ledger = buildDemoLedger(readFileSync(file, 'utf8'), today('Europe/Paris'), {
    withholdLatePaymentsDays: DEMO_BACKLOG_DAYS,
  });
  for (const [entity, rows] of [
    ['customers', ledger.customers],
    ['invoices', ledger.invoices],
    ['payments', ledger.payments],
  ] as const) {
    const body = (await api('POST', `/imports/${entity}`, rows, { 'Idempotency-Key': `demo-${entity}` })) as {
      counts?: Record<string, number>;
    };
    log.info({ entity, counts: body.counts }, `Demo ${entity} imported`);
  }
}

/** Days of dunning history the demo simulates on its first start. */
const DEMO_DUNNING_DAYS = 60;

/**
 * The demo's dunning: settings pointing at the demo mailbox (real SMTP), a billing contact per
 * customer and the collector as owner, then (first start only) the daily run replayed over the
 * last 60 days, so reminders, calls, letters and formal notices exist, and the first formal
 * notices awaiting validation approved (PDFs emailed and queued for registered mail).
 */
async function seedDunning(
  app: INestApplication,
  api: Api,
  tenantId: string,
  created: boolean,
  mailbox: DemoMailbox | null,
  log: Logger,
): Promise<void> {
  await api('PUT', '/dunning/settings', {
    emailTransport: mailbox ? 'smtp' : 'sink',
    smtpHost: mailbox?.host ?? null,
    smtpPort: mailbox?.port ?? null,
    smtpSecure: false,
    fromName: 'Démo Industrie — Service clients',
    fromEmail: 'recouvrement@demo-industrie.test',
    replyTo: 'credit.manager@encours.test',
    companyName: 'Démo Industrie SAS',
    companyAddressLines: ['12 rue de la Convention', '69007 Lyon'],
    companySiren: '552100554',
    companyVatNumber: 'FR40552100554',
    companyEmail: 'compta@demo-industrie.test',
    companyPhone: '+33 4 72 00 00 00',
    signature: 'Camille Laurent\nCredit manager — Démo Industrie SAS',
    paymentDetails: 'Virement : IBAN FR76 3000 4000 0312 3456 7890 143 — BIC BNPAFRPPXXX, en rappelant le numéro de facture.',
    smsProvider: 'log',
  });
  if (!created) return;
  const users = (await api('GET', '/users?pageSize=200')) as { items: Array<{ id: string; email: string }> };
  const collector = users.items.find((u) => u.email === 'collector@encours.test');
  const customers = (await api('GET', '/customers?pageSize=200')) as {
    items: Array<{ id: string; name: string; externalRef: string }>;
  };
  for (const [i, c] of customers.items.entries()) {
    const slug = c.name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
    await api('PATCH', `/customers/${c.id}`, {
      contacts: [
        {
          name: 'Service comptabilité fournisseurs',
          role: 'accounting',
          email: `compta@${slug}.test`,
          phone: `+3361234${String(5000 + i)}`,
          primary: true,
        },
      ],
    });
    if (collector) await api('PUT', `/customers/${c.id}/dunning`, { collectorId: collector.id });
  }
  const clock = app.get(Clock);
  const runs = app.get(DunningRunService);
  const now = today('Europe/Paris');
  try {
    for (let d = DEMO_DUNNING_DAYS; d >= 0; d--) {
      clock.travelTo(d === 0 ? null : new Date(`${addDays(now, -d)}T07:00:00Z`));
      if (d === 40) await seedPromises(api, addDays(now, -d), log);
      await runs.execute(tenantId, 'schedule', null);
    }
  } finally {
    clock.travelTo(null);
  }
  const worklist = (await api('GET', '/dunning/worklist?assignee=all&kind=validation&pageSize=200')) as {
    items: Array<{ id: string; action: string | null }>;
  };
  const notices = worklist.items.filter((t) => t.action === 'formal_notice').slice(0, 3);
  for (const t of notices) await api('POST', `/dunning/tasks/${t.id}/approve`, { comment: 'Validé (démo)' });
  log.info({ days: DEMO_DUNNING_DAYS, formalNoticesApproved: notices.length }, 'Demo dunning history replayed');
}

/**
 * Promises to pay made 40 days ago, as collectors would have recorded them: two kept (the
 * customer paid the invoice before the promised date), two broken (dunning resumed, with a
 * task for the collector and the `promise.broken` event).
 */
async function seedPromises(api: Api, day: string, log: Logger): Promise<void> {
  const page = (await api(
    'GET',
    `/invoices?kind=invoice&status=open&dueBefore=${addDays(day, -10)}&sort=dueDate&pageSize=200`,
  )) as {
    items: Array<{ id: string; customerId: string; externalRef: string; openAmount: string; currency: string; number: string }>;
  };
  const seen = new Set<string>();
  const picks = page.items.filter((i) => !seen.has(i.customerId) && seen.add(i.customerId)).slice(0, 4);
  for (const [n, inv] of picks.entries()) {
    await api('POST', `/customers/${inv.customerId}/promises`, {
      amount: inv.openAmount,
      currency: inv.currency,
      promisedDate: addDays(day, 7),
      invoiceIds: [inv.id],
      channel: n % 2 ? 'email' : 'phone',
      note: n < 2 ? 'Virement annoncé par le service comptable' : 'Promesse obtenue par téléphone',
    });
    if (n < 2) {
      const customer = (await api('GET', `/customers/${inv.customerId}`)) as { externalRef: string };
      await api('POST', '/imports/payments', [
        {
          externalRef: `VIR-PROMESSE-${inv.number}`,
          customerRef: customer.externalRef,
          date: addDays(day, 5),
          amount: inv.openAmount,
          currency: inv.currency,
          method: 'transfer',
          allocations: [{ invoiceRef: inv.externalRef, amount: inv.openAmount }],
        },
      ]);
    }
  }
  log.info({ promises: picks.length }, 'Demo promises to pay recorded');
}
