import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Clock } from '@encours/api-core';
import { DunningRunService } from '@encours/dunning';
import { addDays } from '@encours/domain';
import { PDFParse } from 'pdf-parse';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { newTenant, startTestApp, type TestApp, type TestTenant } from './support/test-app.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

/**
 * The whole dunning story over simulated days: a customer goes through the default scenario
 * (preventive email, gentle and firm emails, SMS, call, letter, formal notice with a validation,
 * legal escalation), with the emails received by a real SMTP server process; then idempotency,
 * pauses (dispute, hold, promise, exclusion) and an SMTP server that refuses.
 */
describe('dunning: the daily run over a whole scenario', () => {
  let t: TestApp;
  let a: TestTenant;
  let smtp: SmtpSink;
  let clock: Clock;
  const DUE = '2026-03-02';
  const auth = (tok?: string) => ({ Authorization: `Bearer ${tok ?? a.adminToken}` });
  const at = (day: string) => clock.travelTo(new Date(`${day}T09:00:00+01:00`));
  const run = async () => (await request(t.http).post('/api/v1/dunning/runs').set(auth()).expect(200)).body;

  async function customer(ref: string, email: string | null, extra: Record<string, unknown> = {}) {
    const res = await request(t.http)
      .post('/api/v1/customers')
      .set(auth())
      .send({
        externalRef: ref,
        name: `Client ${ref}`,
        billingAddress: { line1: '12 rue des Lilas', postalCode: '69003', city: 'Lyon', country: 'FR' },
        contacts: email ? [{ name: 'Claire Martin', role: 'accounting', email, phone: '+33612345678', primary: true }] : [],
        ...extra,
      })
      .expect(201);
    return res.body.id as string;
  }
  async function invoice(customerId: string, ref: string, amount: string, dueDate = DUE) {
    const res = await request(t.http)
      .post('/api/v1/invoices')
      .set(auth())
      .send({ externalRef: ref, customerId, issueDate: addDays(dueDate, -30), dueDate, currency: 'EUR', amount })
      .expect(201);
    return res.body.id as string;
  }

  /** A fresh tenant whose dunning sends to the test SMTP server (each story has its own). */
  async function tenant(label: string): Promise<void> {
    a = await newTenant(t, label);
    await request(t.http)
      .put('/api/v1/dunning/settings')
      .set(auth())
      .send({
        emailTransport: 'smtp',
        smtpHost: '127.0.0.1',
        smtpPort: smtp.port,
        smtpSecure: false,
        fromName: 'Service Recouvrement',
        fromEmail: 'recouvrement@fournisseur.test',
        replyTo: 'compta-clients@fournisseur.test',
        companyName: 'Fournisseur Démo SAS',
        companyAddressLines: ['5 avenue de la République', '75011 Paris'],
        signature: 'Julie Bernard, credit manager',
        paymentDetails: 'IBAN FR76 3000 6000 0112 3456 7890 189 — BIC AGRIFRPP',
        maxSendAttempts: 3,
      })
      .expect(200);
  }

  beforeAll(async () => {
    smtp = await startSmtpSink();
    t = await startTestApp();
    clock = t.app.get(Clock);
  });
  afterAll(async () => {
    clock?.travelTo(null);
    await t?.close();
    await smtp?.close();
  });

  it('walks a customer through the default scenario, one step per due day', async () => {
    await tenant('Dunning story');
    const c = await customer('STORY-1', 'compta@client-story.test');
    await invoice(c, 'F-1001', '1200.00');
    await invoice(c, 'F-1002', '800.50');
    const log: Array<{ day: number; actions: number }> = [];
    for (let d = -7; d <= 61; d++) {
      at(addDays(DUE, d));
      const body = await run();
      expect({ status: body.status, error: body.error }).toEqual({ status: 'succeeded', error: undefined });
      if (body.run.counts.actions) log.push({ day: d, actions: body.run.counts.actions });
      if (d === 45) {
        // The formal notice waits for a validation: approve it from the worklist.
        const wl = await request(t.http).get('/api/v1/dunning/worklist?assignee=all').set(auth()).expect(200);
        const v = wl.body.items.find((i: { kind: string }) => i.kind === 'validation');
        expect(v).toMatchObject({ customer: { externalRef: 'STORY-1' }, action: 'formal_notice' });
        const approved = await request(t.http).post(`/api/v1/dunning/tasks/${v.id}/approve`).set(auth()).send({}).expect(200);
        expect(approved.body.status).toBe('sent');
      }
      if (d === 25) {
        const wl = await request(t.http).get('/api/v1/dunning/worklist?assignee=all').set(auth()).expect(200);
        const call = wl.body.items.find((i: { kind: string }) => i.kind === 'call');
        const searched = await request(t.http).get('/api/v1/dunning/worklist?assignee=all&q=story-1').set(auth()).expect(200);
        expect(searched.body.items.map((i: { id: string }) => i.id)).toContain(call.id);
        const none = await request(t.http).get('/api/v1/dunning/worklist?assignee=all&q=nobody').set(auth()).expect(200);
        expect(none.body.total).toBe(0);
        expect(call.customer.externalRef).toBe('STORY-1');
        expect(call.overdue).toBe('2000.50');
        expect(call.daysLate).toBe(25);
        await request(t.http).post(`/api/v1/dunning/tasks/${call.id}/complete`).set(auth()).send({}).expect(400);
        await request(t.http)
          .post(`/api/v1/dunning/tasks/${call.id}/complete`)
          .set(auth())
          .send({ outcome: 'no_answer', comment: 'Messagerie pleine' })
          .expect(204);
      }
    }
    expect(log.map((l) => l.day)).toEqual([-5, 5, 15, 20, 25, 35, 45, 60]);

    const mails = await smtp.waitFor(4);
    expect(mails).toHaveLength(4); // preventive, gentle, firm, formal notice (SMS and letter are not emails)
    for (const m of mails) {
      expect(m.envelopeTo).toEqual(['compta@client-story.test']);
      expect(m.envelopeFrom).toBe('recouvrement@fournisseur.test');
      expect(m.parsed.replyTo?.text).toContain('compta-clients@fournisseur.test');
      expect(m.parsed.html).toBeTruthy();
      expect(m.parsed.text).toBeTruthy();
    }
    // One statement per step, listing both invoices once overdue.
    for (const m of mails.slice(1)) {
      expect(m.parsed.text).toContain('F-1001');
      expect(m.parsed.text).toContain('F-1002');
      expect(m.parsed.html).toContain('F-1001');
    }
    expect(mails[0].parsed.attachments).toHaveLength(0);
    const notice = mails[3];
    expect(notice.parsed.attachments).toHaveLength(1);
    const pdf = notice.parsed.attachments[0];
    expect(pdf.contentType).toBe('application/pdf');
    const text = (await new PDFParse({ data: pdf.content }).getText()).text;
    expect(text).toMatch(/MISE EN DEMEURE/i);
    expect(text).toContain('F-1001');
    expect(text).toContain('F-1002');
    expect(text).toMatch(/40,00/);
    expect(text).toMatch(/recommandée/i);

    // Everything is archived and on the timeline.
    const docs = await request(t.http).get(`/api/v1/customers/${c}/documents?pageSize=50`).set(auth()).expect(200);
    const kinds = docs.body.items.map((d: { kind: string }) => d.kind).sort();
    expect(kinds).toEqual(['email', 'email', 'email', 'email', 'formal_notice', 'letter', 'sms']);
    const eml = docs.body.items.find((d: { kind: string }) => d.kind === 'email');
    const raw = await request(t.http).get(`/api/v1/dunning/documents/${eml.id}/content`).set(auth()).expect(200);
    expect(raw.headers['content-type']).toMatch(/message\/rfc822/);
    const letter = docs.body.items.find((d: { kind: string }) => d.kind === 'letter');
    expect(letter.printStatus).toBe('to_print');
    const timeline = await request(t.http).get(`/api/v1/customers/${c}/timeline?limit=100`).set(auth()).expect(200);
    const types = timeline.body.items.map((i: { type: string }) => i.type);
    expect(types).toEqual(
      expect.arrayContaining(['dunning.email_sent', 'dunning.sms_sent', 'dunning.letter', 'dunning.formal_notice', 'call']),
    );
    // The legal escalation at +60 waits for a validation too.
    const actions = await request(t.http).get(`/api/v1/dunning/actions?customerId=${c}`).set(auth()).expect(200);
    expect(actions.body.items[0]).toMatchObject({ action: 'legal_escalation', status: 'pending_validation' });
  });

  it('is idempotent: running twice the same day sends nothing more', async () => {
    await tenant('Dunning idempotency');
    const c = await customer('IDEM-1', 'idem@client.test');
    await invoice(c, 'F-2001', '500.00', '2026-06-01');
    at('2026-06-06');
    smtp.clear();
    const first = await run();
    expect(first.run.counts.actions).toBe(1);
    const second = await run();
    expect(second.run.counts.actions).toBe(0);
    expect(second.run.counts.sent).toBe(0);
    await smtp.waitFor(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(smtp.messages.filter((m) => m.envelopeTo.includes('idem@client.test'))).toHaveLength(1);
  });

  it('pauses: a disputed invoice, a manual hold, a pending promise, an excluded customer', async () => {
    await tenant('Dunning pauses');
    const due = '2026-07-01';
    const disputed = await customer('PAUSE-DISPUTE', 'p1@client.test');
    const inv = await invoice(disputed, 'F-3001', '900.00', due);
    await request(t.http)
      .put(`/api/v1/invoices/${inv}/disputed`)
      .set(auth())
      .send({ disputed: true, reason: 'Prix contesté' })
      .expect(200);
    const held = await customer('PAUSE-HOLD', 'p2@client.test');
    await invoice(held, 'F-3002', '900.00', due);
    const promised = await customer('PAUSE-PROMISE', 'p3@client.test');
    await invoice(promised, 'F-3003', '900.00', due);
    const excluded = await customer('PAUSE-EXCL', 'p4@client.test');
    await invoice(excluded, 'F-3004', '900.00', due);
    const control = await customer('PAUSE-NONE', 'p5@client.test');
    await invoice(control, 'F-3005', '900.00', due);
    at('2026-07-04');
    await request(t.http)
      .put(`/api/v1/customers/${held}/dunning`)
      .set(auth())
      .send({ holdUntil: '2026-07-20', holdReason: 'Litige commercial en discussion' })
      .expect(200);
    await request(t.http).put(`/api/v1/customers/${excluded}/dunning`).set(auth()).send({ excluded: true }).expect(200);
    await request(t.http)
      .post(`/api/v1/customers/${promised}/promises`)
      .set(auth())
      .send({ amount: '900.00', currency: 'EUR', promisedDate: '2026-07-15', channel: 'phone' })
      .expect(201);
    at('2026-07-06');
    const preview = await request(t.http).get('/api/v1/dunning/runs/preview?date=2026-07-06').set(auth()).expect(200);
    const previewed = preview.body.items.map((i: { customerRef: string }) => i.customerRef);
    expect(previewed).toContain('PAUSE-NONE');
    for (const ref of ['PAUSE-DISPUTE', 'PAUSE-HOLD', 'PAUSE-PROMISE', 'PAUSE-EXCL']) expect(previewed).not.toContain(ref);
    const body = await run();
    expect(body.run.counts).toMatchObject({
      skipped_paused_dispute: 1,
      skipped_paused_hold: 1,
      skipped_paused_promise: 1,
      skipped_paused_excluded: 1,
    });
    const actions = await request(t.http).get(`/api/v1/dunning/actions?runId=${body.run.id}`).set(auth()).expect(200);
    expect(actions.body.items.map((x: { customerName: string }) => x.customerName)).toEqual(['Client PAUSE-NONE']);
    // The promise is broken after its date + grace: dunning resumes.
    at('2026-07-20');
    const later = await run();
    expect(later.run.counts.promisesBroken).toBe(1);
    const resumed = await request(t.http).get(`/api/v1/dunning/actions?customerId=${promised}`).set(auth()).expect(200);
    expect(resumed.body.items).toHaveLength(1);
  });

  it('an SMTP server that refuses: retried and reported, never marked sent', async () => {
    await tenant('Dunning refused');
    const c = await customer('REFUSED-1', 'refused@client.test');
    await invoice(c, 'F-4001', '300.00', '2026-09-01');
    at('2026-09-06');
    smtp.refuse(true);
    const first = await run();
    expect(first.run.counts).toMatchObject({ actions: 1, sent: 0, retrying: 1 });
    let actions = await request(t.http).get(`/api/v1/dunning/actions?customerId=${c}`).set(auth()).expect(200);
    expect(actions.body.items[0]).toMatchObject({ status: 'queued', attempts: 1, sentAt: null });
    expect(actions.body.items[0].lastError).toMatch(/550|refus/i);
    // Still refusing at the next attempts: after 3 attempts it is failed, with a task.
    for (const hour of ['11:00', '14:00']) {
      clock.travelTo(new Date(`2026-09-06T${hour}:00+02:00`));
      await t.app.get(DunningRunService).execute(a.tenantId, 'manual', null);
    }
    actions = await request(t.http).get(`/api/v1/dunning/actions?customerId=${c}`).set(auth()).expect(200);
    expect(actions.body.items[0]).toMatchObject({ status: 'failed', attempts: 3, sentAt: null });
    const wl = await request(t.http).get('/api/v1/dunning/worklist?assignee=all&kind=send_failed').set(auth()).expect(200);
    expect(wl.body.items.map((i: { customer: { externalRef: string } }) => i.customer.externalRef)).toContain('REFUSED-1');
    // Fixed: retried by hand, received.
    smtp.refuse(false);
    smtp.clear();
    const retried = await request(t.http)
      .post(`/api/v1/dunning/actions/${actions.body.items[0].id}/retry`)
      .set(auth())
      .expect(200);
    expect(retried.body.status).toBe('sent');
    const got = await smtp.waitFor(1);
    expect(got[0].envelopeTo).toEqual(['refused@client.test']);
  });

  it("starts the run once a day at the tenant's chosen local time", async () => {
    await tenant('Dunning schedule');
    await request(t.http).put('/api/v1/dunning/settings').set(auth()).send({ runTime: '06:30' }).expect(200);
    const c = await customer('SCHED-1', 'sched@client.test');
    await invoice(c, 'F-5001', '700.00', '2026-10-01');
    const runs = t.app.get(DunningRunService);
    clock.travelTo(new Date('2026-10-06T06:29:00+02:00'));
    expect(await runs.runScheduled({ tenantIds: [a.tenantId] })).toEqual([]);
    clock.travelTo(new Date('2026-10-06T06:31:00+02:00'));
    expect(await runs.runScheduled({ tenantIds: [a.tenantId] })).toEqual([a.tenantId]);
    clock.travelTo(new Date('2026-10-06T18:00:00+02:00'));
    expect(await runs.runScheduled({ tenantIds: [a.tenantId] })).toEqual([]);
    const history = await request(t.http).get('/api/v1/dunning/runs').set(auth()).expect(200);
    expect(history.body.items).toHaveLength(1);
    expect(history.body.items[0]).toMatchObject({ runDate: '2026-10-06', trigger: 'schedule', status: 'succeeded' });
    const jobs = await request(t.http).get('/api/v1/job-runs?name=dunning.daily-run').set(auth()).expect(200);
    expect(JSON.stringify(jobs.body)).toContain('dunning.daily-run');
  });

  it('sends SMS through a configured HTTP gateway, and retries when it fails', async () => {
    await tenant('Dunning SMS gateway');
    const received: Array<{ auth: string | undefined; body: { to: string; from: string | null; text: string } }> = [];
    let failing = true;
    const gateway = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        if (failing) {
          res.writeHead(503).end('maintenance');
          return;
        }
        received.push({ auth: req.headers.authorization, body: JSON.parse(raw) });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `sms-${received.length}` }));
      });
    });
    await new Promise<void>((r) => gateway.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (gateway.address() as AddressInfo).port;
      await request(t.http)
        .put('/api/v1/dunning/settings')
        .set(auth())
        .send({
          smsProvider: 'http',
          smsHttpUrl: `http://127.0.0.1:${port}/send`,
          smsHttpToken: 'tok-test',
          smsSender: 'FOURNISSEUR',
        })
        .expect(200);
      await request(t.http)
        .post('/api/v1/dunning/scenarios')
        .set(auth())
        .send({
          name: 'SMS seulement',
          isDefault: true,
          steps: [{ name: 'SMS J+1', offsetDays: 1, action: 'sms', templateCode: 'reminder_sms', automatic: true }],
        })
        .expect(201);
      const c = await customer('SMS-1', 'sms@client.test');
      await invoice(c, 'F-6001', '450.00', '2026-10-01');
      at('2026-10-02');
      const first = await run();
      expect(first.run.counts).toMatchObject({ actions: 1, sent: 0, retrying: 1 });
      failing = false;
      clock.travelTo(new Date('2026-10-02T18:00:00+02:00'));
      await t.app.get(DunningRunService).execute(a.tenantId, 'manual', null);
      expect(received).toHaveLength(1);
      expect(received[0].auth).toBe('Bearer tok-test');
      expect(received[0].body).toMatchObject({ to: '+33612345678', from: 'FOURNISSEUR' });
      expect(received[0].body.text).toMatch(/450/);
      const actions = await request(t.http).get(`/api/v1/dunning/actions?customerId=${c}`).set(auth()).expect(200);
      expect(actions.body.items[0]).toMatchObject({ action: 'sms', status: 'sent', attempts: 2, recipient: '+33612345678' });
    } finally {
      await new Promise((r) => gateway.close(r));
    }
  });

  it('checks roles and input', async () => {
    await tenant('Dunning roles');
    const viewer = await a.userToken('viewer');
    await request(t.http).post('/api/v1/dunning/runs').set(auth(viewer)).expect(403);
    await request(t.http).get('/api/v1/dunning/worklist').set(auth(viewer)).expect(403);
    const bad = await request(t.http).get('/api/v1/dunning/runs/preview?date=2026-02-30').set(auth()).expect(400);
    expect(bad.body.errors[0].field).toBe('date');
  });
});
