#!/usr/bin/env node
/**
 * Read benchmark: latency of the ageing and KPI endpoints over a large ledger.
 *
 *   npm run bench:ageing                                  # 50,000 customers, 1,000,000 open items, embedded PostgreSQL
 *   npm run bench:ageing -- --invoices 50000              # a quick run
 *   npm run bench:ageing -- --load api                    # load the items through the import API instead of COPY
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:ageing
 *
 * Options: --invoices N (1000000) --customers N (50000) --requests N (200 per endpoint and mode)
 *   --paid N (0: paid invoices of the 24 months before, with their payments and allocations)
 *   --concurrency N (4) --warmup N (10) --load copy|api (copy) --no-analyze --seed N (7)
 *   --only kpis,ageing?groupBy (endpoints whose path contains one of these)
 *   --as-of YYYY-MM-DD (today) --build --timeout SECONDS (3600) --json FILE
 *
 * Set-up as bench:ingest (scripts/bench/lib.mjs): scratch database, the built API, a tenant,
 * an API key with receivables:read + imports:write, customers through the import API. The open
 * items go in by one COPY into receivable_item (the reporting aggregates are kept by
 * statement-level triggers on that table, which fire on COPY too), or with --load api through
 * POST /api/v1/imports/invoices. With --paid N, a paid history by COPY too (N invoices issued in the
 * 24 months before as-of, each settled by one or two payments and their allocations, some late, some
 * early; the allocation triggers keep the flows of the KPIs). GET /api/v1/receivables/aggregates/check (admin) then tells
 * whether the aggregates match the items; unless --no-analyze, VACUUM (ANALYZE) runs on the
 * loaded tables, as autovacuum would shortly after a bulk load.
 * Then, for each endpoint: --warmup requests, --requests sequential requests, and --requests
 * requests with --concurrency in flight; p50/p95/p99/mean/max in ms (target p95 <= 100 ms).
 * An endpoint that answers 404 (not built yet) or another error is reported and skipped.
 * Ends with a `BENCH_RESULT {json}` line. Everything it starts is cleaned up, also on failure,
 * Ctrl-C or the time-out.
 */
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import pg from 'pg';
import {
  ITEM_COPY_COLUMNS,
  chunked,
  copyFrom,
  createTenant,
  customerIdMap,
  customerRows,
  dbSettings,
  ensureBuilt,
  fmt,
  http,
  invoiceRows,
  itemCopyLines,
  latencyStats,
  log,
  machineLine,
  makeTempDir,
  prng,
  pushImport,
  runMain,
  startDatabase,
  startServer,
  customerRef,
  todayIso,
} from './lib.mjs';

const { values: o } = parseArgs({
  options: {
    invoices: { type: 'string', default: '1000000' },
    paid: { type: 'string', default: '0' },
    customers: { type: 'string', default: '50000' },
    requests: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '10' },
    load: { type: 'string', default: 'copy' },
    only: { type: 'string' },
    'no-analyze': { type: 'boolean', default: false },
    seed: { type: 'string', default: '7' },
    'as-of': { type: 'string' },
    build: { type: 'boolean', default: false },
    timeout: { type: 'string', default: '3600' },
    json: { type: 'string' },
  },
  strict: true,
});
const N = Number(o.invoices);
const PAID = Number(o.paid);
const C = Number(o.customers);
const REQ = Number(o.requests);
const CONC = Number(o.concurrency);
const WARM = Number(o.warmup);
const SEED = Number(o.seed);
const AS_OF = o['as-of'] ?? todayIso();
if (!['copy', 'api'].includes(o.load)) throw new Error('--load must be copy or api');

const ENDPOINTS = [
  { path: '/api/v1/receivables/ageing', keys: ['asOf', 'basis', 'currency', 'buckets', 'totals'] },
  { path: '/api/v1/receivables/ageing?groupBy=customer', keys: ['asOf', 'basis', 'currency', 'buckets', 'totals', 'groups'] },
  { path: '/api/v1/kpis', keys: ['asOf', 'currency', 'kpis', 'history'] },
  { path: '/api/v1/kpis?groupBy=customer', keys: ['asOf', 'currency', 'kpis', 'groups', 'history'] },
];
const TARGET_P95 = 100;

await runMain(
  async (cleanup) => {
    ensureBuilt({ build: o.build });
    const tmp = makeTempDir(cleanup);
    const db = await startDatabase(cleanup, tmp);
    const server = await startServer(cleanup, { databaseUrl: db.url, tmp });
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    cleanup.add('close bench connection', () => client.end());
    const settings = await dbSettings(client);
    log(`Database: ${db.kind}`);
    log(
      `Settings: ${Object.entries(settings)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );

    const t = await createTenant(db.url, server.base, 'Bench ageing', ['imports:write', 'receivables:read']);
    const rc = await pushImport(server.base, t.apiKey, 'customers', customerRows(C), { batch: 5000, concurrency: 2 });
    log(`Customers: ${fmt(rc.rows)} in ${rc.seconds.toFixed(1)} s`);
    const t0 = performance.now();
    if (o.load === 'copy') {
      const ids = await customerIdMap(client, t.tenantId);
      const n = await copyFrom(
        client,
        `COPY receivable_item (${ITEM_COPY_COLUMNS.join(', ')}) FROM STDIN`,
        chunked(itemCopyLines(t.tenantId, invoiceRows(N, C, { seed: SEED, asOf: AS_OF }), ids)),
      );
      log(`Open items: ${fmt(n)} by COPY in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } else {
      const r = await pushImport(server.base, t.apiKey, 'invoices', invoiceRows(N, C, { seed: SEED, asOf: AS_OF }), {
        batch: 5000,
        concurrency: 1,
      });
      log(`Open items: ${fmt(r.rows)} through the import API in ${r.seconds.toFixed(1)} s`);
    }
    const loadSeconds = +((performance.now() - t0) / 1000).toFixed(1);
    let paidSeconds = null;
    if (PAID > 0) {
      const p0 = performance.now();
      const n = await loadPaid(client, t.tenantId, await customerIdMap(client, t.tenantId), PAID);
      paidSeconds = +((performance.now() - p0) / 1000).toFixed(1);
      log(`Paid history: ${fmt(PAID)} paid invoices, ${fmt(n)} payments and allocations by COPY in ${paidSeconds} s`);
    }

    const check = await http(server.base, 'GET', '/api/v1/receivables/aggregates/check', { token: t.adminToken });
    let aggregates;
    if (check.status === 404) aggregates = { status: 404, note: 'no aggregates/check endpoint in this build' };
    else aggregates = { status: check.status, body: check.json ?? check.text.slice(0, 500) };
    log(
      `GET /api/v1/receivables/aggregates/check -> ${check.status} ${JSON.stringify(aggregates.body ?? aggregates.note).slice(0, 400)}`,
    );
    if (check.status === 200 && check.json?.ok === false) log('WARNING: the reporting aggregates do NOT match the items');

    if (!o['no-analyze']) {
      const s = performance.now();
      await client.query('VACUUM (ANALYZE) receivable_item');
      await client.query('VACUUM (ANALYZE) customer');
      await client.query('VACUUM (ANALYZE) payment');
      await client.query('VACUUM (ANALYZE) allocation');
      for (const tb of [
        'receivable_open_balance',
        'receivable_customer_balance',
        'receivable_monthly_sales',
        'receivable_monthly_flow',
        'receivable_customer_flow',
      ]) {
        const exists = await client.query('SELECT to_regclass($1) AS r', [tb]);
        if (exists.rows[0].r) await client.query(`VACUUM (ANALYZE) ${tb}`);
      }
      log(`VACUUM (ANALYZE) in ${((performance.now() - s) / 1000).toFixed(1)} s`);
    }
    const [{ items, overdue, paid }] = (
      await client.query(
        `SELECT count(*) FILTER (WHERE open_amount > 0)::int AS items, count(*) FILTER (WHERE open_amount = 0)::int AS paid,
                count(*) FILTER (WHERE open_amount > 0 AND due_date < $2::date)::int AS overdue
           FROM receivable_item WHERE tenant_id = $1`,
        [t.tenantId, AS_OF],
      )
    ).rows;
    log(
      `Ledger: ${fmt(items)} open items (${((100 * overdue) / items).toFixed(1)} % overdue), ${fmt(paid)} paid, ${fmt(C)} customers`,
    );

    const results = [];
    const only = o.only?.split(',');
    for (const ep of ENDPOINTS.filter((e) => !only || only.some((x) => e.path.includes(x)))) {
      const first = await http(server.base, 'GET', ep.path, { token: t.apiKey, timeoutMs: 60_000 });
      if (first.status !== 200) {
        const why = first.status === 404 ? 'NOT BUILT YET (404): skipped' : `answered ${first.status}: skipped`;
        log(`${ep.path}: ${why} ${first.text.slice(0, 300)}`);
        results.push({
          endpoint: ep.path,
          status: first.status,
          skipped: true,
          detail: first.json?.detail ?? first.text.slice(0, 300),
        });
        continue;
      }
      const missing = ep.keys.filter((k) => !(k in (first.json ?? {})));
      if (missing.length) log(`${ep.path}: answer lacks ${missing.join(', ')} (contract)`);
      for (let i = 0; i < WARM; i++) await http(server.base, 'GET', ep.path, { token: t.apiKey });
      const seq = await measure(server.base, ep.path, t.apiKey, REQ, 1);
      const par = await measure(server.base, ep.path, t.apiKey, REQ, CONC);
      const r = {
        endpoint: ep.path,
        status: 200,
        bytes: first.bytes,
        missingKeys: missing,
        sequential: seq,
        concurrent: { concurrency: CONC, ...par },
        meetsTarget: seq.p95 <= TARGET_P95 && par.p95 <= TARGET_P95,
      };
      results.push(r);
      log(
        `${ep.path}: sequential p50 ${seq.p50} p95 ${seq.p95} p99 ${seq.p99} ms | x${CONC} p50 ${par.p50} p95 ${par.p95} p99 ${par.p99} ms (${fmt(par.rps, 1)} req/s)${seq.errors + par.errors ? ` | ${seq.errors + par.errors} errors` : ''}`,
      );
    }

    console.log('\n================ ageing / KPI latency ================');
    console.log(`date      ${new Date().toISOString()}  (machine: ${await machineLine()})`);
    console.log(`database  ${db.kind}`);
    console.log(
      `settings  ${Object.entries(settings)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );
    console.log(
      `ledger    ${fmt(items)} open items, ${fmt(paid)} paid invoices, ${fmt(C)} customers, loaded by ${o.load} in ${loadSeconds} s${paidSeconds === null ? '' : ` (+ paid history ${paidSeconds} s)`}; ${o['no-analyze'] ? 'no VACUUM ANALYZE' : 'VACUUM (ANALYZE) after load'}`,
    );
    console.log(`aggregates/check: ${check.status} ${check.status === 200 ? JSON.stringify({ ok: check.json?.ok }) : ''}`);
    console.log(
      `requests  ${REQ} sequential + ${REQ} at concurrency ${CONC} per endpoint after ${WARM} warm-up; target p95 <= ${TARGET_P95} ms`,
    );
    console.log('endpoint                                        seq p50   p95   p99 | conc p50   p95   p99 | target');
    for (const r of results) {
      if (r.skipped) {
        console.log(`${r.endpoint.padEnd(46)}  skipped (${r.status})`);
        continue;
      }
      const s = r.sequential;
      const c = r.concurrent;
      console.log(
        `${r.endpoint.padEnd(46)} ${[s.p50, s.p95, s.p99].map((x) => String(x).padStart(8)).join('')} | ${[c.p50, c.p95, c.p99].map((x) => String(x).padStart(8)).join('')}     | ${r.meetsTarget ? 'MET' : 'NOT MET'}`,
      );
    }
    const out = {
      bench: 'ageing',
      date: new Date().toISOString(),
      database: db.kind,
      settings,
      items,
      paid,
      customers: C,
      load: o.load,
      loadSeconds,
      paidSeconds,
      analyzed: !o['no-analyze'],
      aggregatesCheck: aggregates,
      results,
    };
    console.log(`BENCH_RESULT ${JSON.stringify(out)}`);
    if (o.json) writeFileSync(o.json, JSON.stringify(out, null, 2));
  },
  { timeoutSeconds: Number(o.timeout) },
);

/**
 * `n` paid invoices issued in the 24 months before as-of (customers skewed as the open items), each settled by one
 * payment, or by two (one part 15 days earlier) for one in five; payment 5 days before to about 3 months after the due
 * date (exponential lateness, mean 20 days), never after as-of. Items, payments and allocations by COPY (the allocation
 * triggers keep the KPI flows). Returns the number of allocations.
 */
async function loadPaid(client, tenantId, ids, n) {
  const r = prng(SEED + 1000);
  const DAY = 86_400_000;
  const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
  const money = (c) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;
  const asOfMs = Date.parse(`${AS_OF}T00:00:00Z`);
  const items = [];
  const payments = [];
  const allocations = [];
  for (let i = 0; i < n; i++) {
    const cid = ids.get(customerRef(Math.floor(C * Math.pow(r(), 1.6))));
    const terms = [30, 45, 60, 90][Math.floor(r() * 4)];
    const issue = asOfMs - (30 + Math.floor(r() * 700)) * DAY;
    const due = issue + terms * DAY;
    const z = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    const cents = Math.round(Math.min(500_000, Math.max(10, Math.exp(Math.log(1500) + 1.2 * z))) * 100);
    const paidOn = Math.max(issue, Math.min(asOfMs - DAY, due + (Math.floor(-Math.log(1 - r()) * 20) - 5) * DAY));
    const id = randomUUID();
    const parts = r() < 0.2 && cents >= 200 ? [Math.floor(cents / 2), cents - Math.floor(cents / 2)] : [cents];
    parts.forEach((c, k) => {
      const date = iso(k === 0 && parts.length === 2 ? Math.max(issue, paidOn - 15 * DAY) : paidOn);
      const pid = randomUUID();
      payments.push(`${pid}	${tenantId}	PAY${String(i + 1).padStart(8, '0')}-${k}	${cid}	${date}	${money(c)}	EUR	0
`);
      allocations.push(`${tenantId}	${id}	${pid}	${money(c)}	${date}
`);
    });
    const seq = String(i + 1).padStart(8, '0');
    items.push(
      `${id}	${tenantId}	invoice	PAID${seq}	FP-${seq}	${cid}	${iso(issue)}	${iso(due)}	EUR	${money(cents)}	0	paid	${iso(paidOn)}
`,
    );
  }
  await copyFrom(
    client,
    `COPY receivable_item (id, tenant_id, kind, external_ref, number, customer_id, issue_date, due_date, currency, amount, open_amount, status, closed_at) FROM STDIN`,
    chunked(items),
  );
  await copyFrom(
    client,
    `COPY payment (id, tenant_id, external_ref, customer_id, date, amount, currency, unallocated_amount) FROM STDIN`,
    chunked(payments),
  );
  return copyFrom(client, `COPY allocation (tenant_id, invoice_id, payment_id, amount, date) FROM STDIN`, chunked(allocations));
}

/** `n` GET requests with `concurrency` in flight; latency stats in ms, errors counted. */
async function measure(base, path, key, n, concurrency) {
  const lat = [];
  let errors = 0;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next++;
        const s = performance.now();
        const r = await http(base, 'GET', path, { token: key, timeoutMs: 60_000 });
        lat.push(performance.now() - s);
        if (r.status !== 200) errors++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { ...latencyStats(lat), errors, rps: +(n / seconds).toFixed(1) };
}
