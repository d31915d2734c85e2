import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ImportsService } from '@encours/receivables';
import ExcelJS from 'exceljs';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { newTenant, startTestApp, type TestApp, type TestTenant } from './support/test-app.js';

type Cell = string | number | Date | null;

/** An XLSX workbook built the way Excel writes one: a header row, then typed cells. */
async function xlsx(sheets: Record<string, Cell[][]>): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(name);
    for (const r of rows) ws.addRow(r);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const invoice = (ref: string, amount: string, extra: Record<string, unknown> = {}) => ({
  externalRef: ref,
  customerRef: 'XL001',
  issueDate: '2026-01-10',
  dueDate: '2026-02-09',
  currency: 'EUR',
  amount,
  ...extra,
});

describe('receivables imports: file uploads and background runs', () => {
  let t: TestApp;
  let a: TestTenant;
  let subscriptionId = '';
  const auth = () => ({ Authorization: `Bearer ${a.adminToken}` });
  const post = (entity: string, query = '') => request(t.http).post(`/api/v1/imports/${entity}${query}`).set(auth());
  const run = (id: string) => request(t.http).get(`/api/v1/imports/${id}`).set(auth()).expect(200);
  const count = async (table: string) =>
    Number((await t.dataSource.query(`SELECT count(*) FROM ${table} WHERE tenant_id = $1`, [a.tenantId]))[0].count);
  const processQueued = () => t.app.get(ImportsService).processQueued();

  beforeAll(async () => {
    t = await startTestApp();
    a = await newTenant(t, 'Imports upload');
    // Events are only written for subscribed types: subscribe to see import.completed in the outbox.
    const sub = await request(t.http)
      .post('/api/v1/webhooks')
      .set(auth())
      .send({ url: 'http://127.0.0.1:9/imports-upload', eventTypes: ['import.completed'] })
      .expect(201);
    subscriptionId = sub.body.subscription.id;
  });
  afterAll(async () => {
    if (subscriptionId) await request(t.http).delete(`/api/v1/webhooks/${subscriptionId}`).set(auth()).expect(204);
    await t?.close();
  });

  it('imports customers then invoices from XLSX files with a column mapping (Excel dates, numbers, a named sheet)', async () => {
    const customers = await xlsx({
      Clients: [
        ['Code client', 'Raison sociale', 'Délai'],
        ['XL001', 'Société Générale de Façades', 45],
        ['XL002', 'Bâtiments Ève SARL', 30],
      ],
    });
    const mapping = { 'Code client': 'externalRef', 'Raison sociale': 'name', Délai: 'paymentTermsDays' };
    const c = await post('customers', `?async=false&mapping=${encodeURIComponent(JSON.stringify(mapping))}`)
      .attach('file', customers, 'clients.xlsx')
      .expect(200);
    expect(c.body).toMatchObject({ status: 'succeeded', counts: { received: 2, created: 2, failed: 0 } });
    const stored = await t.dataSource.query(
      `SELECT name, payment_terms_days FROM customer WHERE tenant_id = $1 AND external_ref = 'XL001'`,
      [a.tenantId],
    );
    expect(stored).toEqual([{ name: 'Société Générale de Façades', payment_terms_days: 45 }]);

    const invoices = await xlsx({
      Notes: [['not', 'this sheet']],
      Factures: [
        ['N° facture', 'Code client', 'Date facture', 'Echéance', 'Montant TTC', 'Devise'],
        ['FX1', 'XL001', new Date(Date.UTC(2026, 0, 15)), '15/02/2026', 1234.56, 'EUR'],
        // An unformatted serial day number in a date column is an Excel date too (46054 = 2026-02-01).
        ['FX2', 'XL002', new Date(Date.UTC(2026, 0, 16)), 46054, 99, 'EUR'],
      ],
    });
    const invMapping = {
      'N° facture': 'externalRef',
      'Code client': 'customerRef',
      'Date facture': 'issueDate',
      Echéance: 'dueDate',
      'Montant TTC': 'amount',
      Devise: 'currency',
    };
    const q = await post('invoices', `?sheet=Factures&mapping=${encodeURIComponent(JSON.stringify(invMapping))}`)
      .attach('file', invoices, 'factures.xlsx')
      .expect(202);
    expect(q.body).toEqual({ importId: expect.any(String), status: 'queued', statusUrl: `/api/v1/imports/${q.body.importId}` });
    expect(q.headers.location).toBe(q.body.statusUrl);
    expect((await run(q.body.importId)).body).toMatchObject({ status: 'queued', progress: 0, format: 'xlsx', source: 'file' });
    expect(await processQueued()).toMatchObject({ claimed: 1, succeeded: 1 });
    const done = await run(q.body.importId);
    expect(done.body).toMatchObject({
      status: 'succeeded',
      progress: 100,
      fileName: 'factures.xlsx',
      counts: { received: 2, created: 2, failed: 0 },
    });
    const rows = await t.dataSource.query(
      `SELECT external_ref, issue_date::text, due_date::text, amount::numeric(18, 2)::text AS amount FROM receivable_item
        WHERE tenant_id = $1 AND external_ref LIKE 'FX%' ORDER BY external_ref`,
      [a.tenantId],
    );
    expect(rows).toEqual([
      { external_ref: 'FX1', issue_date: '2026-01-15', due_date: '2026-02-15', amount: '1234.56' },
      { external_ref: 'FX2', issue_date: '2026-01-16', due_date: '2026-02-01', amount: '99.00' },
    ]);
    const missing = await post('invoices', '?sheet=Nope').attach('file', invoices, 'factures.xlsx').expect(422);
    expect(missing.body.detail).toMatch(/factures\.xlsx.*no sheet named "Nope".*"Notes", "Factures"/);
  });

  it('decodes a Windows-1252 CSV (é, è, ç) and a UTF-8 CSV with BOM the same way', async () => {
    const text = 'externalRef;name;segment\r\nW001;Crèmerie Française;Épicerie\r\nW002;Garçon & Fils;Bâtiment\r\n';
    const latin = Buffer.from(text, 'latin1');
    expect(latin.includes(Buffer.from('é', 'utf8'))).toBe(false);
    const r = await post('customers', '?async=false').attach('file', latin, 'clients-sage.csv').expect(200);
    expect(r.body.counts).toMatchObject({ received: 2, created: 2, failed: 0 });
    const names = await t.dataSource.query(
      `SELECT name, segment FROM customer WHERE tenant_id = $1 AND external_ref LIKE 'W00%' ORDER BY external_ref`,
      [a.tenantId],
    );
    expect(names).toEqual([
      { name: 'Crèmerie Française', segment: 'Épicerie' },
      { name: 'Garçon & Fils', segment: 'Bâtiment' },
    ]);
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    const again = await post('customers', '?dryRun=true').attach('file', utf8, 'clients-utf8.csv').expect(200);
    expect(again.body).toMatchObject({ dryRun: true, counts: { unchanged: 2, created: 0, updated: 0 } });
  });

  it('runs a 12,000-row JSON import in the background: 202, then succeeded with counts, progress and import.completed', async () => {
    const rows = Array.from({ length: 12_000 }, (_, i) => invoice(`BG${String(i).padStart(5, '0')}`, `${(i % 500) + 1}.25`));
    const before = await count('receivable_item');
    const q = await post('invoices').send(rows).expect(202);
    expect(q.body.status).toBe('queued');
    expect(await count('receivable_item')).toBe(before);
    expect(await count('import_payload')).toBe(1);
    expect(await processQueued()).toMatchObject({ claimed: 1, succeeded: 1 });
    const done = await run(q.body.importId);
    expect(done.body).toMatchObject({
      status: 'succeeded',
      progress: 100,
      format: 'json',
      counts: { received: 12_000, created: 12_000, updated: 0, unchanged: 0, failed: 0 },
      errorCount: 0,
    });
    expect(done.body.finishedAt).toEqual(expect.any(String));
    expect(await count('receivable_item')).toBe(before + 12_000);
    expect(await count('import_payload')).toBe(0);
    const events = await t.dataSource.query(
      `SELECT payload FROM webhook_delivery WHERE tenant_id = $1 AND event_type = 'import.completed' AND dedupe_key = $2`,
      [a.tenantId, q.body.importId],
    );
    expect(events).toHaveLength(1);
    expect(events[0].payload.data).toMatchObject({ importId: q.body.importId, entity: 'invoices', status: 'succeeded' });
    expect(await processQueued()).toMatchObject({ claimed: 0 });
  });

  it('rejects a queued non-partial import with row errors (even in a later chunk) and writes nothing', async () => {
    const rows = Array.from({ length: 10_500 }, (_, i) => invoice(`RJ${String(i).padStart(5, '0')}`, '10.00'));
    rows[10_400] = invoice('RJ10400', '10.00', { customerRef: 'NOPE' });
    // The same externalRef in another chunk of 2,000 rows is still a duplicate.
    rows[9_000] = invoice('RJ00001', '10.00');
    const before = await count('receivable_item');
    const q = await post('invoices').send(rows).expect(202);
    expect(await processQueued()).toMatchObject({ claimed: 1, rejected: 1 });
    const r = await run(q.body.importId);
    expect(r.body).toMatchObject({
      status: 'rejected',
      progress: 100,
      errorCount: 2,
      counts: { received: 10_500, failed: 2, created: 0 },
    });
    expect(r.body.errors).toEqual([
      { row: 9_001, field: 'externalRef', message: 'externalRef RJ00001 is already in row 2 of this batch' },
      { row: 10_401, field: 'customerRef', message: 'customerRef NOPE is not a known customer' },
    ]);
    expect(await count('receivable_item')).toBe(before);
    expect(await count('import_payload')).toBe(0);
  });

  it('answers 4xx naming the file for garbage uploads, and records nothing', async () => {
    const runs = await count('import_run');
    const fake = await post('invoices').attach('file', randomBytes(4096), 'factures.xlsx').expect(422);
    expect(fake.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(fake.body.detail).toMatch(/"factures\.xlsx" is not a readable XLSX workbook/);
    const big = await post('invoices')
      .attach('file', randomBytes(20 * 1024 * 1024), 'export.csv')
      .expect(422);
    expect(big.body.detail).toMatch(/"export\.csv" is not a CSV text file/);
    const zip = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes(2000)]);
    const bad = await post('invoices').attach('file', zip, 'export.bin').expect(422);
    expect(bad.body.detail).toMatch(/export\.bin/);
    const xls = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), randomBytes(512)]);
    const old = await post('invoices').attach('file', xls, 'old.xls').expect(415);
    expect(old.body.detail).toMatch(/old\.xls.*\.xlsx or CSV/);
    const empty = await post('invoices').attach('file', Buffer.from('externalRef;amount\r\n'), 'vide.csv').expect(422);
    expect(empty.body.detail).toMatch(/vide\.csv.*no rows/);
    const noFile = await post('invoices').field('other', 'x').expect(400);
    expect(noFile.body.errors[0]).toMatchObject({ field: 'file' });
    expect(await count('import_run')).toBe(runs);
    expect(await count('import_payload')).toBe(0);
  });

  it('replays an upload with the same Idempotency-Key without a second run: the 202, then the final result', async () => {
    const csv = Buffer.from(
      'externalRef,customerRef,issueDate,dueDate,currency,amount\nIK1,XL001,2026-03-01,2026-03-31,EUR,50\n',
    );
    const send = () => post('invoices').set('Idempotency-Key', 'upload-ik-1').attach('file', csv, 'ik.csv');
    const runs = await count('import_run');
    const first = await send().expect(202);
    const replay = await send().expect(202);
    expect(replay.body).toEqual(first.body);
    expect(await count('import_run')).toBe(runs + 1);
    expect(await processQueued()).toMatchObject({ claimed: 1, succeeded: 1 });
    const final = await send().expect(200);
    expect(final.body).toMatchObject({ id: first.body.importId, status: 'succeeded', counts: { created: 1 } });
    expect(await processQueued()).toMatchObject({ claimed: 0 });
    expect(await count('import_run')).toBe(runs + 1);
    const other = await post('invoices')
      .set('Idempotency-Key', 'upload-ik-1')
      .attach('file', Buffer.from(csv.toString().replace('50', '60')), 'ik.csv')
      .expect(422);
    expect(other.body.type).toMatch(/idempotency-key-reused/);
  });
});
