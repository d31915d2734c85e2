import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays, ECB_MRO_RATES, FR_LEGAL_INTEREST_RATES, today } from '@encours/domain';
import {
  DEFAULT_TEMPLATES,
  DunningSettingsService,
  DunningSetupService,
  MergeContextBuilder,
  scenarioAssignmentSql,
} from '@encours/dunning';
import request from 'supertest';
import { newTenant, startTestApp, type TestApp, type TestTenant } from './support/test-app.js';

/** Dates relative to today in the tenant's time zone (Europe/Paris). */
const T = today('Europe/Paris');
const d = (days: number) => addDays(T, days);

interface Problem {
  status: number;
  detail: string;
  errors: Array<{ field: string; message: string }>;
}
interface Scenario {
  id: string;
  name: string;
  isDefault: boolean;
  active: boolean;
  priority: number;
  match: Record<string, string[]>;
  steps: Array<{
    id: string;
    position: number;
    name: string;
    offsetDays: number;
    action: string;
    templateCode: string | null;
    automatic: boolean;
  }>;
  assignedCustomers: number;
}

describe('dunning configuration', () => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const admin = () => auth(a.adminToken);
  const get = (url: string, token = a.adminToken) => request(t.http).get(url).set(auth(token));
  const put = (url: string, body: object, token = a.adminToken) => request(t.http).put(url).set(auth(token)).send(body);
  const post = (url: string, body: object, token = a.adminToken) => request(t.http).post(url).set(auth(token)).send(body);
  const fields = (body: Problem) => body.errors.map((e) => e.field);
  const userId = async (tenant: TestTenant, role: string): Promise<string> => {
    await tenant.userToken(role as never);
    const [u] = await t.dataSource.query(
      `SELECT id FROM app_user WHERE tenant_id = $1 AND role = $2 ORDER BY created_at LIMIT 1`,
      [tenant.tenantId, role],
    );
    return u.id;
  };
  const newCustomer = async (body: Record<string, unknown>, tenant = a) =>
    (await request(t.http).post('/api/v1/customers').set(auth(tenant.adminToken)).send(body).expect(201)).body.id as string;

  beforeAll(async () => {
    t = await startTestApp();
    a = await newTenant(t, 'Dunning cfg A');
    b = await newTenant(t, 'Dunning cfg B');
  });
  afterAll(() => t.close());

  describe('defaults', () => {
    it('seeds settings, templates, the Standard scenario and the reference rates once, under concurrent calls', async () => {
      const c = await newTenant(t, 'Dunning cfg seed');
      const setup = t.app.get(DunningSetupService);
      const results = await Promise.all([
        ...Array.from({ length: 6 }, () => t.dataSource.transaction((m) => setup.ensure(m, c.tenantId))),
        setup.ensure(t.dataSource.manager, c.tenantId),
      ]);
      expect(new Set(results.map((s) => s.id)).size).toBe(1);
      const [counts] = await t.dataSource.query(
        `SELECT (SELECT count(*)::int FROM dunning_settings WHERE tenant_id = $1) AS settings,
                (SELECT count(*)::int FROM dunning_template WHERE tenant_id = $1) AS templates,
                (SELECT count(*)::int FROM dunning_scenario WHERE tenant_id = $1) AS scenarios,
                (SELECT count(*)::int FROM dunning_step WHERE tenant_id = $1) AS steps,
                (SELECT count(*)::int FROM reference_rate WHERE tenant_id = $1 AND kind = 'ecb_mro') AS ecb,
                (SELECT count(*)::int FROM reference_rate WHERE tenant_id = $1 AND kind = 'fr_legal_pro') AS legal`,
        [c.tenantId],
      );
      expect(counts).toEqual({
        settings: 1,
        templates: DEFAULT_TEMPLATES.length,
        scenarios: 1,
        steps: 8,
        ecb: ECB_MRO_RATES.length,
        legal: FR_LEGAL_INTEREST_RATES.length,
      });
      expect(new Set(DEFAULT_TEMPLATES.map((x) => x.language))).toEqual(new Set(['fr', 'en']));
      // A later call is a plain read.
      expect((await setup.ensure(t.dataSource.manager, c.tenantId)).id).toBe(results[0].id);
      expect(setup.isKnownSeeded(c.tenantId)).toBe(true);
    });

    it('ships the Standard scenario as the default, with validation before the formal notice and the legal escalation', async () => {
      const list: Scenario[] = (await get('/api/v1/dunning/scenarios').expect(200)).body;
      expect(list).toHaveLength(1);
      const [std] = list;
      expect(std).toMatchObject({ name: 'Standard', isDefault: true, active: true });
      expect(std.steps.map((s) => [s.position, s.offsetDays, s.action, s.templateCode, s.automatic])).toEqual([
        [1, -5, 'email', 'preventive_email', true],
        [2, 5, 'email', 'reminder_1_email', true],
        [3, 15, 'email', 'reminder_2_email', true],
        [4, 20, 'sms', 'reminder_sms', true],
        [5, 25, 'call', 'call_script', true],
        [6, 35, 'letter', 'reminder_3_letter', true],
        [7, 45, 'formal_notice', 'formal_notice', false],
        [8, 60, 'legal_escalation', null, false],
      ]);
    });
  });

  describe('settings', () => {
    it('never returns the SMTP password nor the SMS token, and does not audit their values', async () => {
      const before = (await get('/api/v1/dunning/settings').expect(200)).body;
      expect(before).toMatchObject({
        enabled: true,
        runTime: '07:00',
        smtpPasswordSet: false,
        smsHttpTokenSet: false,
        formalNoticeDays: 8,
      });
      expect(before.companyName).toContain('Dunning cfg A');
      const res = await put('/api/v1/dunning/settings', {
        runTime: '06:30',
        emailTransport: 'smtp',
        smtpHost: 'smtp.example.test',
        smtpPort: 587,
        smtpUser: 'relances',
        smtpPassword: 'Sup3r-secret-pw',
        fromName: 'Recouvrement',
        fromEmail: 'recouvrement@example.test',
        replyTo: 'compta@example.test',
        smsProvider: 'http',
        smsHttpUrl: 'https://sms.example.test/send',
        smsHttpToken: 'tok-very-secret',
        smsSender: 'ENCOURS',
        companyName: 'Encours Test SA',
        companyAddressLines: ['1 rue du Test', '75001 Paris'],
        companySiren: '912345675',
        signature: 'Le service recouvrement',
        formalNoticeDays: 10,
      }).expect(200);
      expect(res.body).toMatchObject({
        runTime: '06:30',
        smtpHost: 'smtp.example.test',
        smtpPasswordSet: true,
        smsHttpTokenSet: true,
        companyName: 'Encours Test SA',
        formalNoticeDays: 10,
      });
      const text = JSON.stringify((await get('/api/v1/dunning/settings').expect(200)).body);
      expect(text).not.toContain('Sup3r-secret-pw');
      expect(text).not.toContain('tok-very-secret');
      expect(text).not.toMatch(/"smtpPassword"|"smsHttpToken"/);
      // The run reads them.
      const full = await t.app.get(DunningSettingsService).get(a.tenantId);
      expect(full).toMatchObject({ smtpPassword: 'Sup3r-secret-pw', smsHttpToken: 'tok-very-secret' });
      const audit = JSON.stringify(await t.dataSource.query(`SELECT changes FROM audit_log WHERE tenant_id = $1`, [a.tenantId]));
      expect(audit).not.toContain('Sup3r-secret-pw');
      expect(audit).not.toContain('tok-very-secret');
      // null removes a secret; leaving it out keeps it.
      await put('/api/v1/dunning/settings', { smsHttpToken: null }).expect(200);
      const after = (await get('/api/v1/dunning/settings').expect(200)).body;
      expect(after).toMatchObject({ smtpPasswordSet: true, smsHttpTokenSet: false, runTime: '06:30' });
    });

    it('validates with field names', async () => {
      const res = await put('/api/v1/dunning/settings', {
        runTime: '25:00',
        fromEmail: 'not-an-email',
        smsHttpUrl: 'ftp://sms.example.test',
        formalNoticeDays: 0,
        smtpPort: 70000,
        enabled: null,
      }).expect(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(new Set(fields(res.body))).toEqual(
        new Set(['runTime', 'fromEmail', 'smsHttpUrl', 'formalNoticeDays', 'smtpPort', 'enabled']),
      );
      const sms = await put('/api/v1/dunning/settings', { smsHttpUrl: null, smsProvider: 'http' }).expect(400);
      expect(fields(sms.body)).toEqual(['smsHttpUrl']);
    });

    it('lets credit managers read and only admins write', async () => {
      const cm = await a.userToken('credit_manager');
      await get('/api/v1/dunning/settings', cm).expect(200);
      await put('/api/v1/dunning/settings', { runTime: '08:00' }, cm).expect(403);
      await get('/api/v1/dunning/settings', await a.userToken('collector')).expect(403);
      await request(t.http)
        .get('/api/v1/dunning/settings')
        .set('X-API-Key', await a.apiKey(['dunning:read']))
        .expect(403);
    });
  });

  describe('scenarios', () => {
    const step = (name: string, offsetDays: number, action = 'email', templateCode: string | null = 'reminder_1_email') => ({
      name,
      offsetDays,
      action,
      templateCode,
    });

    it('rejects offsets out of order, unknown templates, wrong channels and bad actions with the step path', async () => {
      const order = await post('/api/v1/dunning/scenarios', { name: 'Bad order', steps: [step('A', 10), step('B', 5)] }).expect(
        400,
      );
      expect(fields(order.body)).toEqual(['steps[1].offsetDays']);
      expect(order.body.errors[0].message).toContain('offsets out of order');
      const unknown = await post('/api/v1/dunning/scenarios', {
        name: 'Bad template',
        steps: [step('A', 10, 'email', 'nope')],
      }).expect(400);
      expect(fields(unknown.body)).toEqual(['steps[0].templateCode']);
      expect(unknown.body.errors[0].message).toContain('Unknown template "nope"');
      const channel = await post('/api/v1/dunning/scenarios', {
        name: 'Bad channel',
        steps: [step('A', 10, 'letter', 'reminder_sms')],
      }).expect(400);
      expect(fields(channel.body)).toEqual(['steps[0].templateCode']);
      const action = await post('/api/v1/dunning/scenarios', { name: 'Bad action', steps: [step('A', 10, 'fax')] }).expect(400);
      expect(fields(action.body)).toEqual(['steps[0].action']);
      const positions = await post('/api/v1/dunning/scenarios', {
        name: 'Bad positions',
        steps: [
          { ...step('A', 1), position: 1 },
          { ...step('B', 2), position: 1 },
        ],
      }).expect(400);
      expect(fields(positions.body)).toContain('steps[1].position');
      const match = await post('/api/v1/dunning/scenarios', {
        name: 'Bad match',
        match: { countries: ['XX'], riskGrades: ['F'], businessUnitIds: ['6f1c2b9e-0000-4000-8000-000000000000'] },
        steps: [step('A', 1), { ...step('B', 2), minOverdueAmount: '-5' }],
      }).expect(400);
      expect(new Set(fields(match.body))).toEqual(new Set(['match.countries', 'match.riskGrades', 'steps[1].minOverdueAmount']));
    });

    it('reports a business unit of another tenant on its path', async () => {
      const bu = (await post('/api/v1/business-units', { code: 'BU-B', name: 'B unit' }, b.adminToken).expect(201)).body.id;
      const res = await post('/api/v1/dunning/scenarios', {
        name: 'BU',
        match: { businessUnitIds: [bu] },
        steps: [step('A', 1)],
      }).expect(400);
      expect(fields(res.body)).toEqual(['match.businessUnitIds[0]']);
    });

    it('keeps exactly one default: a new default unsets the old one; the default cannot be deleted nor unset', async () => {
      const created: Scenario = (
        await post('/api/v1/dunning/scenarios', {
          name: 'Grands comptes',
          priority: 10,
          match: { segments: ['KEY'] },
          steps: [
            step('Relance 1', 10),
            step('Appel', 20, 'call', null),
            step('Mise en demeure', 40, 'formal_notice', 'formal_notice'),
          ],
        }).expect(201)
      ).body;
      expect(created).toMatchObject({ isDefault: false, priority: 10, match: { segments: ['KEY'] } });
      expect(created.steps.map((s) => s.position)).toEqual([1, 2, 3]);
      await post('/api/v1/dunning/scenarios', { name: 'Grands comptes', steps: [step('A', 1)] }).expect(400);

      const other: Scenario = (
        await post('/api/v1/dunning/scenarios', { name: 'Export', isDefault: true, steps: [step('Relance', 7)] }).expect(201)
      ).body;
      let list: Scenario[] = (await get('/api/v1/dunning/scenarios').expect(200)).body;
      expect(list.filter((s) => s.isDefault).map((s) => s.name)).toEqual(['Export']);
      await request(t.http).delete(`/api/v1/dunning/scenarios/${other.id}`).set(admin()).expect(409);
      const unset = await put(`/api/v1/dunning/scenarios/${other.id}`, {
        name: 'Export',
        isDefault: false,
        steps: [step('Relance', 7)],
      }).expect(400);
      expect(fields(unset.body)).toEqual(['isDefault']);
      const std = list.find((s) => s.name === 'Standard')!;
      const steps = std.steps.map(({ id: _id, ...rest }) => rest);
      await put(`/api/v1/dunning/scenarios/${std.id}`, { name: 'Standard', isDefault: true, steps }).expect(200);
      list = (await get('/api/v1/dunning/scenarios').expect(200)).body;
      expect(list.filter((s) => s.isDefault).map((s) => s.name)).toEqual(['Standard']);
      await request(t.http).delete(`/api/v1/dunning/scenarios/${other.id}`).set(admin()).expect(204);
    });

    it('replaces the steps in one go, keeping the id of each position', async () => {
      const list: Scenario[] = (await get('/api/v1/dunning/scenarios').expect(200)).body;
      const key = list.find((s) => s.name === 'Grands comptes')!;
      const res = await put(`/api/v1/dunning/scenarios/${key.id}`, {
        name: 'Grands comptes',
        steps: [step('Relance douce', 7), step('Relance ferme', 21, 'email', 'reminder_2_email')],
      }).expect(200);
      const updated: Scenario = res.body;
      expect(updated.steps.map((s) => [s.position, s.name, s.offsetDays])).toEqual([
        [1, 'Relance douce', 7],
        [2, 'Relance ferme', 21],
      ]);
      expect(updated.steps[0].id).toBe(key.steps[0].id);
      expect(updated).toMatchObject({ priority: 10, match: { segments: ['KEY'] } });
      // A failing change leaves the steps as they were.
      await put(`/api/v1/dunning/scenarios/${key.id}`, { name: 'Grands comptes', steps: [step('x', 9), step('y', 3)] }).expect(
        400,
      );
      expect((await get(`/api/v1/dunning/scenarios/${key.id}`).expect(200)).body.steps).toHaveLength(2);
    });

    it('resolves each customer set-based: explicit, else first matching rule by priority, else default', async () => {
      const list: Scenario[] = (await get('/api/v1/dunning/scenarios').expect(200)).body;
      const std = list.find((s) => s.name === 'Standard')!;
      const key = list.find((s) => s.name === 'Grands comptes')!;
      const foreign: Scenario = (
        await post('/api/v1/dunning/scenarios', {
          name: 'Étranger',
          priority: 20,
          match: { countries: ['de', 'BE'] },
          steps: [step('Reminder', 10)],
        }).expect(201)
      ).body;
      expect(foreign.match).toEqual({ countries: ['DE', 'BE'] });
      const keyDe = await newCustomer({ externalRef: 'R1', name: 'Key DE', segment: 'KEY', country: 'DE' });
      const de = await newCustomer({ externalRef: 'R2', name: 'Plain DE', country: 'DE' });
      const fr = await newCustomer({ externalRef: 'R3', name: 'Plain FR' });
      const pinned = await newCustomer({ externalRef: 'R4', name: 'Pinned', segment: 'KEY' });
      await put(`/api/v1/customers/${pinned}/dunning`, { scenarioId: foreign.id }).expect(200);
      const rows: Array<{ customer_id: string; scenario_id: string }> = await t.dataSource.query(
        `WITH ${scenarioAssignmentSql()} SELECT customer_id, scenario_id FROM customer_scenario`,
        [a.tenantId],
      );
      const of = new Map(rows.map((r) => [r.customer_id, r.scenario_id]));
      expect([of.get(keyDe), of.get(de), of.get(fr), of.get(pinned)]).toEqual([key.id, foreign.id, std.id, foreign.id]);
      expect(rows.every((r) => r.scenario_id)).toBe(true);
      expect((await get(`/api/v1/customers/${de}/dunning`).expect(200)).body.resolvedScenario).toEqual({
        id: foreign.id,
        name: 'Étranger',
        source: 'rule',
      });
      expect((await get(`/api/v1/customers/${pinned}/dunning`).expect(200)).body.resolvedScenario.source).toBe('explicit');
      expect((await get(`/api/v1/customers/${fr}/dunning`).expect(200)).body.resolvedScenario).toEqual({
        id: std.id,
        name: 'Standard',
        source: 'default',
      });
      // An inactive scenario is not used, even when assigned explicitly.
      await put(`/api/v1/dunning/scenarios/${foreign.id}`, {
        name: 'Étranger',
        active: false,
        steps: [step('Reminder', 10)],
      }).expect(200);
      expect((await get(`/api/v1/customers/${pinned}/dunning`).expect(200)).body.resolvedScenario.id).toBe(key.id);
      expect((await get(`/api/v1/customers/${de}/dunning`).expect(200)).body.resolvedScenario.id).toBe(std.id);

      // Deleting a scenario customers are assigned to needs ?reassign=default.
      const del = await request(t.http).delete(`/api/v1/dunning/scenarios/${foreign.id}`).set(admin()).expect(409);
      expect(del.body.detail).toContain('reassign=default');
      await request(t.http).delete(`/api/v1/dunning/scenarios/${foreign.id}?reassign=default`).set(admin()).expect(204);
      expect((await get(`/api/v1/customers/${pinned}/dunning`).expect(200)).body).toMatchObject({
        scenarioId: null,
        resolvedScenario: { id: key.id, source: 'rule' },
      });
    });

    it('resolves 50,000 customers in well under a second; builds 1,000 merge contexts in well under a second', async () => {
      const big = await newTenant(t, 'Dunning cfg bench');
      await t.dataSource.transaction((m) => t.app.get(DunningSetupService).ensure(m, big.tenantId));
      const token = big.adminToken;
      for (const [i, segment] of ['S1', 'S2', 'S3', 'S4'].entries())
        await post(
          '/api/v1/dunning/scenarios',
          {
            name: `Rule ${segment}`,
            priority: 10 + i,
            match: { segments: [segment], countries: ['FR', 'BE'] },
            steps: [step('A', 5)],
          },
          token,
        ).expect(201);
      await t.dataSource.query(
        `INSERT INTO customer (tenant_id, external_ref, name, segment, country)
         SELECT $1, 'B' || g, 'Customer ' || g, 'S' || (g % 6), CASE WHEN g % 5 = 0 THEN 'DE' ELSE 'FR' END
           FROM generate_series(1, 50000) g`,
        [big.tenantId],
      );
      await t.dataSource.query(
        `INSERT INTO customer_dunning (tenant_id, customer_id, scenario_id)
         SELECT $1, c.id, (SELECT id FROM dunning_scenario WHERE tenant_id = $1 AND is_default)
           FROM customer c WHERE c.tenant_id = $1 AND c.external_ref LIKE 'B%7'`,
        [big.tenantId],
      );
      await t.dataSource.query(`ANALYZE customer; ANALYZE customer_dunning; ANALYZE dunning_scenario`);
      const sql = `WITH ${scenarioAssignmentSql()} SELECT count(*)::int AS n, count(scenario_id)::int AS resolved,
                          count(DISTINCT scenario_id)::int AS scenarios FROM customer_scenario`;
      await t.dataSource.query(sql, [big.tenantId]);
      const started = performance.now();
      const [res] = await t.dataSource.query(sql, [big.tenantId]);
      const ms = performance.now() - started;
      expect(res).toEqual({ n: 50000, resolved: 50000, scenarios: 5 });
      console.info(`scenario assignment of 50,000 customers: ${ms.toFixed(0)} ms`);

      // Merge contexts of a batch of 1,000 customers with 3 overdue invoices and 2 contacts each.
      const batch: Array<{ id: string }> = await t.dataSource.query(
        `SELECT id FROM customer WHERE tenant_id = $1 ORDER BY external_ref LIMIT 1000`,
        [big.tenantId],
      );
      await t.dataSource.query(
        `INSERT INTO customer_contact (tenant_id, customer_id, name, role, email, phone, "primary")
         SELECT $1, c.id, 'Contact ' || k, CASE k WHEN 1 THEN 'billing' ELSE 'purchasing' END, 'c' || k || '@x.test', '+3360000000' || k, k = 1
           FROM unnest($2::uuid[]) AS c(id), generate_series(1, 2) k`,
        [big.tenantId, batch.map((c) => c.id)],
      );
      const inv: Array<{ id: string; customer_id: string }> = await t.dataSource.query(
        `INSERT INTO receivable_item (tenant_id, kind, external_ref, number, customer_id, issue_date, due_date, currency, amount, open_amount, status)
         SELECT $1, 'invoice', 'BI-' || c.ord || '-' || k, 'BI-' || c.ord || '-' || k, c.id, $3::date - 60 - k * 10, $3::date - 30 - k * 10,
                'EUR', 1000 + k, 1000 + k, 'open'
           FROM unnest($2::uuid[]) WITH ORDINALITY AS c(id, ord), generate_series(1, 3) k
         RETURNING id, customer_id`,
        [big.tenantId, batch.map((c) => c.id), T],
      );
      const byCustomer = new Map<string, string[]>();
      for (const r of inv) byCustomer.set(r.customer_id, [...(byCustomer.get(r.customer_id) ?? []), r.id]);
      const requests = batch.map((c) => ({
        customerId: c.id,
        invoiceIds: byCustomer.get(c.id)!,
        step: { name: 'Relance 2', position: 3, offsetDays: 15 },
        today: T,
        channel: 'email' as const,
      }));
      const builder = t.app.get(MergeContextBuilder);
      await builder.build(t.dataSource.manager, big.tenantId, requests.slice(0, 10));
      const t0 = performance.now();
      const contexts = await builder.build(t.dataSource.manager, big.tenantId, requests);
      const buildMs = performance.now() - t0;
      expect(contexts.size).toBe(1000);
      expect(contexts.get(batch[0].id)!.invoices).toHaveLength(3);
      console.info(`merge contexts of 1,000 customers (3,000 invoices): ${buildMs.toFixed(0)} ms`);
    });

    it('lets collectors and API keys read, not write', async () => {
      const collector = await a.userToken('collector');
      await get('/api/v1/dunning/scenarios', collector).expect(200);
      await post('/api/v1/dunning/scenarios', { name: 'X', steps: [step('A', 1)] }, collector).expect(403);
      await request(t.http)
        .get('/api/v1/dunning/scenarios')
        .set('X-API-Key', await a.apiKey(['dunning:read']))
        .expect(200);
      await get('/api/v1/dunning/scenarios', await a.userToken('sales')).expect(403);
      const std = (await get('/api/v1/dunning/scenarios').expect(200)).body.find((s: Scenario) => s.isDefault);
      await get(`/api/v1/dunning/scenarios/${std.id}`, b.adminToken).expect(404);
    });
  });

  describe('templates', () => {
    interface Template {
      id: string;
      code: string;
      language: string;
      channel: string;
      subject: string | null;
      body: string;
      shipped: boolean;
      modified: boolean;
      usedBy: Array<{ scenarioName: string }>;
    }
    const templates = async (query = ''): Promise<Template[]> =>
      (await get(`/api/v1/dunning/templates${query}`).expect(200)).body;

    it('lists and filters the shipped templates with their usage', async () => {
      const sms = await templates('?channel=sms&language=fr');
      expect(sms.map((x) => x.code)).toEqual(['reminder_sms']);
      const all = await templates();
      expect(all).toHaveLength(DEFAULT_TEMPLATES.length);
      const r1 = all.find((x) => x.code === 'reminder_1_email' && x.language === 'fr')!;
      expect(r1).toMatchObject({ channel: 'email', shipped: true, modified: false });
      expect(r1.usedBy.map((u) => u.scenarioName)).toContain('Standard');
    });

    it('refuses unknown merge fields, naming the part and the field', async () => {
      const res = await post('/api/v1/dunning/templates', {
        code: 'custom_reminder',
        language: 'fr',
        channel: 'email',
        name: 'Relance perso',
        subject: 'Relance {{ customer.name }}',
        body: 'Bonjour {{ contact.name }},\n\nVotre solde : {{ customer.balence }}.\n\n{{ company.signature }}',
      }).expect(400);
      expect(res.body.errors).toEqual([
        expect.objectContaining({ field: 'body', message: expect.stringContaining('customer.balence') }),
      ]);
      const subject = await post('/api/v1/dunning/templates', {
        code: 'custom_reminder',
        language: 'fr',
        channel: 'email',
        name: 'Relance perso',
        subject: 'Relance {{ client.nom }}',
        body: 'Bonjour,\n\n{{ invoices.table }}\n\nCordialement',
      }).expect(400);
      expect(subject.body.errors).toEqual([
        expect.objectContaining({ field: 'subject', message: expect.stringContaining('client.nom') }),
      ]);
    });

    it('creates, changes, resets and deletes templates; a template used by a step cannot be deleted', async () => {
      const created: Template = (
        await post('/api/v1/dunning/templates', {
          code: 'Custom_Reminder',
          language: 'fr',
          channel: 'email',
          name: 'Relance perso',
          subject: 'Relance {{ customer.name }}',
          body: 'Bonjour {{ contact.name }},\n\n{{ invoices.table }}\n\nTotal : **{{ total.overdue }}**\n\n{{ company.signature }}',
        }).expect(201)
      ).body;
      expect(created).toMatchObject({ code: 'custom_reminder', shipped: false, modified: false, usedBy: [] });
      const again = {
        code: 'custom_reminder',
        language: 'fr',
        channel: 'email',
        name: 'Again',
        subject: created.subject,
        body: created.body,
      };
      expect(fields((await post('/api/v1/dunning/templates', again).expect(409)).body)).toEqual(['code']);
      const en = await post('/api/v1/dunning/templates', {
        code: 'custom_reminder',
        language: 'en',
        channel: 'sms',
        name: 'x',
        body: 'Hello',
      }).expect(400);
      expect(fields(en.body)).toEqual(['channel']);
      await request(t.http).delete(`/api/v1/dunning/templates/${created.id}`).set(admin()).expect(204);

      const shipped = (await templates('?language=fr')).find((x) => x.code === 'reminder_1_email')!;
      const changed: Template = (
        await put(`/api/v1/dunning/templates/${shipped.id}`, {
          name: 'Relance 1',
          subject: shipped.subject,
          body: `${shipped.body}\n\nP.S.`,
        }).expect(200)
      ).body;
      expect(changed).toMatchObject({ shipped: true, modified: true });
      const reset: Template = (await post(`/api/v1/dunning/templates/${shipped.id}/reset`, {}).expect(200)).body;
      expect(reset).toMatchObject({ modified: false, body: shipped.body, subject: shipped.subject });
      const del = await request(t.http).delete(`/api/v1/dunning/templates/${shipped.id}`).set(admin()).expect(409);
      expect(del.body.detail).toContain('"Standard"');
      await post(`/api/v1/dunning/templates/${shipped.id}/reset`, {}, b.adminToken).expect(404);
      await put(`/api/v1/dunning/templates/${shipped.id}`, { name: 'x', body: 'y' }, await a.userToken('collector')).expect(403);
    });

    it('lists the merge fields', async () => {
      const res = await get('/api/v1/dunning/merge-fields', await a.userToken('collector')).expect(200);
      expect(res.body.fields.map((f: { name: string }) => f.name)).toEqual(
        expect.arrayContaining(['invoices.table', 'total.overdue']),
      );
      expect(res.body.conditions.map((c: { name: string }) => c.name)).toContain('penalties.applicable');
    });

    it("previews with a real customer's overdue invoices, or a sample; a letter as PDF", async () => {
      const customerId = await newCustomer({
        externalRef: 'PV1',
        name: 'Preview Industrie SAS',
        contacts: [
          { name: 'Other Contact', role: 'purchasing', email: 'achats@preview.test' },
          { name: 'Claire Billing', role: 'billing', email: 'compta@preview.test', primary: true },
        ],
      });
      await post('/api/v1/imports/invoices', [
        { externalRef: 'PV-F1', customerRef: 'PV1', issueDate: d(-60), dueDate: d(-30), currency: 'EUR', amount: '1200.00' },
        { externalRef: 'PV-F2', customerRef: 'PV1', issueDate: d(-40), dueDate: d(-10), currency: 'EUR', amount: '300.50' },
        { externalRef: 'PV-F3', customerRef: 'PV1', issueDate: d(-5), dueDate: d(25), currency: 'EUR', amount: '99.00' },
      ]).expect(200);
      const body = {
        channel: 'email',
        language: 'fr',
        subject: 'Relance {{ customer.name }} – {{ invoices.count }} factures',
        body: 'Bonjour {{ contact.name }},\n\n{{ invoices.table }}\n\nTotal échu : {{ total.overdue }} ; encours : {{ total.open }}.\n\n{{ company.signature }}',
        customerId,
      };
      const res = await post('/api/v1/dunning/templates/preview', body).expect(200);
      expect(res.body.context).toBe('customer');
      expect(res.body.subject).toBe('Relance Preview Industrie SAS – 2 factures');
      expect(res.body.text).toContain('Bonjour Claire Billing');
      expect(res.body.text).toContain('PV-F1');
      expect(res.body.text).toContain('PV-F2');
      expect(res.body.text).not.toContain('PV-F3');
      expect(res.body.text).toMatch(/Total échu\u00a0?: 1\s?500,50\s?€/);
      expect(res.body.text).toMatch(/encours\u00a0?: 1\s?599,50\s?€/);
      expect(res.body.text).toContain('Le service recouvrement');
      expect(res.body.html).toContain('<');
      expect(res.body.problems).toEqual([]);

      const sample = await post('/api/v1/dunning/templates/preview', { ...body, customerId: undefined }).expect(200);
      expect(sample.body.context).toBe('sample');
      expect(sample.body.text).toContain('F2026-0412');

      const unknown = await post('/api/v1/dunning/templates/preview', { ...body, body: 'Bonjour {{ contact.nom }}' }).expect(400);
      expect(unknown.body.errors).toEqual([
        expect.objectContaining({ field: 'body', message: expect.stringContaining('contact.nom') }),
      ]);

      const letter = defaultText('reminder_3_letter');
      const pdf = await request(t.http)
        .post('/api/v1/dunning/templates/preview?format=pdf')
        .set(admin())
        .send({ channel: 'letter', language: 'fr', body: letter, customerId })
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(pdf.headers['content-type']).toContain('application/pdf');
      expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
      const notPdf = await post('/api/v1/dunning/templates/preview?format=pdf', body).expect(400);
      expect(fields(notPdf.body)).toEqual(['format']);
      await post('/api/v1/dunning/templates/preview', body, b.adminToken).expect(404);
    });
  });

  describe('penalties', () => {
    let customerId: string;
    beforeAll(async () => {
      customerId = await newCustomer({ externalRef: 'PEN1', name: 'Retard SA', country: 'FR' });
      await post('/api/v1/imports/invoices', [
        {
          externalRef: 'PEN-F1',
          customerRef: 'PEN1',
          issueDate: '2024-05-15',
          dueDate: '2024-06-15',
          currency: 'EUR',
          amount: '10000.00',
        },
      ]).expect(200);
      await post('/api/v1/imports/payments', [
        {
          externalRef: 'PEN-P1',
          customerRef: 'PEN1',
          date: '2024-08-14',
          amount: '10000.00',
          currency: 'EUR',
          allocations: [{ invoiceRef: 'PEN-F1', amount: '10000.00' }],
        },
      ]).expect(200);
    });

    it('computes the DOMAIN.md worked example: 10,000.00 EUR due 2024-06-15 paid 2024-08-14 → 235.27 + 40', async () => {
      const res = await get(`/api/v1/customers/${customerId}/penalties?asOf=2024-12-31`).expect(200);
      expect(res.body).toMatchObject({ asOf: '2024-12-31', limitationFrom: '2019-12-31', regime: 'fr', regimeSource: 'country' });
      expect(res.body.lines).toEqual([
        expect.objectContaining({
          number: 'PEN-F1',
          kind: 'paid_late',
          dueDate: '2024-06-15',
          paidDate: '2024-08-14',
          amount: '10000.00',
          daysLate: 60,
          interest: '235.27',
          indemnity: '40.00',
          total: '275.27',
          rateSource: 'legal_default',
          segments: [
            expect.objectContaining({ from: '2024-06-16', to: '2024-06-30', days: 15, rate: '14.50' }),
            expect.objectContaining({ from: '2024-07-01', to: '2024-08-14', days: 45, rate: '14.25' }),
          ],
        }),
      ]);
      expect(res.body.totals).toEqual([{ currency: 'EUR', interest: '235.27', indemnity: '40.00', total: '275.27' }]);
      expect(res.body.indemnity).toEqual({ count: 1, amount: '40.00', currency: 'EUR' });
    });

    it('leaves out what is time-barred (5 years) and follows the customer setting', async () => {
      expect((await get(`/api/v1/customers/${customerId}/penalties?asOf=2029-08-15`).expect(200)).body.lines).toEqual([]);
      await put(`/api/v1/customers/${customerId}/dunning`, { penaltyRegime: 'eu' }).expect(200);
      const eu = await get(`/api/v1/customers/${customerId}/penalties?asOf=2024-12-31`).expect(200);
      expect(eu.body).toMatchObject({ regime: 'eu', regimeSource: 'customer' });
      expect(eu.body.lines[0].segments.map((s: { rate: string }) => s.rate)).toEqual(['12.50', '12.25']);
      await put(`/api/v1/customers/${customerId}/dunning`, { penaltyRegime: null }).expect(200);
      await get(`/api/v1/customers/${customerId}/penalties?asOf=2024-02-30`).expect(400);
    });

    it('lets finance roles, sales on their own customers and API keys read; not viewers', async () => {
      await get(`/api/v1/customers/${customerId}/penalties`, await a.userToken('collector')).expect(200);
      await get(`/api/v1/customers/${customerId}/penalties`, await a.userToken('viewer')).expect(403);
      await get(`/api/v1/customers/${customerId}/penalties`, await a.userToken('sales')).expect(404);
      await request(t.http)
        .get(`/api/v1/customers/${customerId}/penalties`)
        .set('X-API-Key', await a.apiKey(['receivables:read']))
        .expect(200);
      await get(`/api/v1/customers/${customerId}/penalties`, b.adminToken).expect(404);
    });

    it('reads and replaces the reference rates after validation', async () => {
      const tables = (await get('/api/v1/dunning/reference-rates').expect(200)).body;
      expect(tables.map((x: { kind: string }) => x.kind)).toEqual(['ecb_mro', 'fr_legal_pro']);
      expect(tables[0].rates.at(-1)).toEqual({ effectiveDate: '2025-06-11', rate: '2.15' });
      expect(tables[1].rates).toContainEqual({ effectiveDate: '2024-07-01', rate: '4.92' });
      const bad = await put('/api/v1/dunning/reference-rates', {
        kind: 'ecb_mro',
        rates: [
          { effectiveDate: '2025-06-11', rate: '2.15' },
          { effectiveDate: '2025-06-11', rate: '2.00' },
          { effectiveDate: '2025-02-30', rate: '150' },
        ],
      }).expect(400);
      expect(new Set(fields(bad.body))).toEqual(new Set(['rates[1].effectiveDate', 'rates[2].effectiveDate', 'rates[2].rate']));
      const half = await put('/api/v1/dunning/reference-rates', {
        kind: 'fr_legal_pro',
        rates: [{ effectiveDate: '2026-03-01', rate: '2.62' }],
      }).expect(400);
      expect(fields(half.body)).toEqual(['rates[0].effectiveDate']);
      // Tenant B: a table where the ECB rate never moved from 4.00 %.
      const replaced = await put(
        '/api/v1/dunning/reference-rates',
        { kind: 'ecb_mro', rates: [{ effectiveDate: '1999-01-01', rate: '4' }] },
        b.adminToken,
      ).expect(200);
      expect(replaced.body.rates).toEqual([{ effectiveDate: '1999-01-01', rate: '4.00' }]);
      await put(
        '/api/v1/dunning/reference-rates',
        { kind: 'ecb_mro', rates: [{ effectiveDate: '1999-01-01', rate: '4' }] },
        await a.userToken('collector'),
      ).expect(403);
    });
  });

  describe("customers' dunning settings", () => {
    it('changes hold, exclusion, collector and penalties, and logs hold and exclusion on the timeline', async () => {
      const customerId = await newCustomer({ externalRef: 'H1', name: 'Hold SARL' });
      const initial = (await get(`/api/v1/customers/${customerId}/dunning`).expect(200)).body;
      expect(initial).toMatchObject({
        scenarioId: null,
        holdUntil: null,
        excluded: false,
        level: 0,
        state: 'active',
        effectivePenaltyRegime: 'fr',
        resolvedScenario: { name: 'Standard', source: 'default' },
      });
      const collectorId = await userId(a, 'collector');
      const salesId = await userId(a, 'sales');
      const res = await put(`/api/v1/customers/${customerId}/dunning`, {
        holdUntil: d(20),
        holdReason: 'Accord de paiement en cours',
        excluded: true,
        collectorId,
        contractualPenaltyRate: '12.5',
      }).expect(200);
      expect(res.body).toMatchObject({
        holdUntil: d(20),
        holdReason: 'Accord de paiement en cours',
        excluded: true,
        collectorId,
        collectorName: 'collector user',
        contractualPenaltyRate: '12.5',
        state: 'excluded',
      });
      const bad = await put(`/api/v1/customers/${customerId}/dunning`, {
        collectorId: salesId,
        holdUntil: d(-1),
        scenarioId: '6f1c2b9e-0000-4000-8000-000000000000',
        penaltyRegime: 'us',
      }).expect(400);
      expect(new Set(fields(bad.body))).toEqual(new Set(['penaltyRegime']));
      const bad2 = await put(`/api/v1/customers/${customerId}/dunning`, {
        collectorId: salesId,
        holdUntil: d(-1),
        scenarioId: '6f1c2b9e-0000-4000-8000-000000000000',
      }).expect(400);
      expect(new Set(fields(bad2.body))).toEqual(new Set(['collectorId', 'holdUntil', 'scenarioId']));

      await put(
        `/api/v1/customers/${customerId}/dunning`,
        { excluded: false, holdUntil: null },
        await a.userToken('collector'),
      ).expect(200);
      const timeline = (await get(`/api/v1/customers/${customerId}/timeline?types=dunning`).expect(200)).body.items as Array<{
        type: string;
        title: string;
        body?: string;
        author?: { name: string };
      }>;
      expect(timeline.map((i) => [i.type, i.title])).toEqual(
        expect.arrayContaining([
          ['dunning.hold', `Dunning on hold until ${d(20)}`],
          ['dunning.excluded', 'Excluded from dunning'],
          ['dunning.hold', 'Dunning hold lifted'],
          ['dunning.excluded', 'Included in dunning again'],
        ]),
      );
      expect(timeline).toHaveLength(4);
      expect(timeline.find((i) => i.title.startsWith('Dunning on hold'))).toMatchObject({ body: 'Accord de paiement en cours' });
    });

    it('lets sales read their own customers only; viewers cannot; writers are finance roles and dunning:write keys', async () => {
      const salesId = await userId(a, 'sales');
      const mine = await newCustomer({ externalRef: 'S1', name: 'Mine', salespersonId: salesId });
      const other = await newCustomer({ externalRef: 'S2', name: 'Other' });
      const sales = await a.userToken('sales');
      await get(`/api/v1/customers/${mine}/dunning`, sales).expect(200);
      await get(`/api/v1/customers/${other}/dunning`, sales).expect(404);
      await put(`/api/v1/customers/${mine}/dunning`, { excluded: true }, sales).expect(403);
      await get(`/api/v1/customers/${mine}/dunning`, await a.userToken('viewer')).expect(403);
      await get(`/api/v1/customers/${mine}/dunning`, b.adminToken).expect(404);
      await request(t.http)
        .put(`/api/v1/customers/${mine}/dunning`)
        .set('X-API-Key', await a.apiKey(['dunning:write']))
        .send({ holdUntil: d(3), holdReason: 'CRM: litige' })
        .expect(200);
      await request(t.http)
        .get(`/api/v1/customers/${mine}/dunning`)
        .set('X-API-Key', await a.apiKey(['dunning:read']))
        .expect(200);
    });
  });

  describe('merge contexts', () => {
    it('builds a batch with a fixed number of queries', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++)
        ids.push(
          await newCustomer({
            externalRef: `MC${i}`,
            name: `Merge ${i}`,
            contacts: [{ name: `C${i}`, email: `c${i}@m.test`, phone: '+33600000000', primary: true }],
          }),
        );
      await post(
        '/api/v1/imports/invoices',
        ids.map((_, i) => ({
          externalRef: `MC-F${i}`,
          customerRef: `MC${i}`,
          issueDate: d(-50),
          dueDate: d(-20),
          currency: 'EUR',
          amount: '100.00',
        })),
      ).expect(200);
      const invoiceIds: Array<{ id: string; customer_id: string }> = await t.dataSource.query(
        `SELECT id, customer_id FROM receivable_item WHERE tenant_id = $1 AND external_ref LIKE 'MC-F%'`,
        [a.tenantId],
      );
      const builder = t.app.get(MergeContextBuilder);
      const requests = (n: number) =>
        ids.slice(0, n).map((customerId) => ({
          customerId,
          invoiceIds: invoiceIds.filter((x) => x.customer_id === customerId).map((x) => x.id),
          step: { name: 'Relance', position: 2, offsetDays: 5 },
          today: T,
          channel: 'sms' as const,
        }));
      const count = async (n: number) => {
        const runner = t.dataSource.createQueryRunner();
        let queries = 0;
        const original = runner.query.bind(runner);
        runner.query = ((...args: Parameters<typeof runner.query>) => {
          queries++;
          return original(...args);
        }) as typeof runner.query;
        try {
          const map = await builder.build(runner.manager, a.tenantId, requests(n));
          return { queries, map };
        } finally {
          await runner.release();
        }
      };
      const one = await count(1);
      const three = await count(3);
      expect(three.queries).toBe(one.queries);
      expect(three.map.size).toBe(3);
      const ctx = three.map.get(ids[2])!;
      expect(ctx.contact).toEqual({ name: 'C2', email: 'c2@m.test', phone: '+33600000000' });
      expect(ctx.invoices.map((i) => [i.number, i.daysLate, i.indemnity])).toEqual([['MC-F2', 20, '40.00']]);
      expect(ctx.company.name).toBe('Encours Test SA');
      expect(ctx.deadline).toBeNull();
    });
  });
});

function defaultText(code: string): string {
  return DEFAULT_TEMPLATES.find((x) => x.code === code && x.language === 'fr')!.body;
}
