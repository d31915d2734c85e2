#!/usr/bin/env node
/**
 * Ingest benchmark: the invoice import API against a raw COPY into the same table.
 *
 *   npm run bench:ingest                               # 50,000 customers, 1,000,000 invoices, embedded PostgreSQL
 *   npm run bench:ingest -- --invoices 50000           # a quick run
 *   npm run bench:ingest -- --verify                   # also check rows in the database after both phases
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:ingest
 *                                                      # a scratch database on that server, dropped at the end
 *   npm run bench:ingest -- --invoices 100000 --sweep 1000x1,2000x2,5000x2,10000x2
 *                                                      # batch size × concurrency sweep (a fresh tenant each)
 *   npm run bench:ingest -- --invoices 200000 --profile  # V8 CPU profile of the API during phase A
 *
 * Options: --invoices N (1000000) --customers N (50000) --batch N (5000) --concurrency N (2)
 *   --seed N (7) --as-of YYYY-MM-DD (today) --verify --sweep LIST --profile --skip-copy
 *   --build (rebuild dist first) --timeout SECONDS (3600) --json FILE (also write the result there)
 *
 * What it does: a scratch database (embedded PostgreSQL 18 in a temporary directory with its
 * default durability settings, or CREATE DATABASE encours_bench_<ts> on the server of
 * DATABASE_URL), the built API (apps/api/dist/main.js, NODE_ENV=development, LOG_LEVEL=warn,
 * JOBS_ENABLED=false) on a free loopback port, two tenants with an admin (ProvisioningService)
 * and an `imports:write` API key each, the customers of both pushed through the import API.
 *   Phase A: the invoices pushed through POST /api/v1/imports/invoices in JSON batches.
 *   Phase B: the same invoices, with the values the import writes and the customer ids resolved,
 *            into the same receivable_item table (same indexes, constraints, triggers) of the
 *            second tenant by one COPY ... FROM STDIN.
 * Prints both rates, their ratio (target: the API at least 50 % of COPY), CPU seconds of the
 * client, the API and PostgreSQL in each phase, the database settings, row counts, and a final
 * `BENCH_RESULT {json}` line. Everything it starts is stopped and removed at the end, also on
 * an error, Ctrl-C or the time-out.
 */
import { parseArgs } from 'node:util';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import {
  CpuMeter,
  ITEM_COPY_COLUMNS,
  chunked,
  copyFrom,
  createTenant,
  customerIdMap,
  customerRows,
  dbSettings,
  ensureBuilt,
  fmt,
  invoiceRows,
  itemCopyLines,
  latencyStats,
  log,
  machineLine,
  makeTempDir,
  postmasterPid,
  pushImport,
  runMain,
  startDatabase,
  startServer,
  summariseProfile,
  todayIso,
} from './lib.mjs';

const { values: o } = parseArgs({
  options: {
    invoices: { type: 'string', default: '1000000' },
    customers: { type: 'string', default: '50000' },
    batch: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '2' },
    seed: { type: 'string', default: '7' },
    'as-of': { type: 'string' },
    verify: { type: 'boolean', default: false },
    sweep: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'skip-copy': { type: 'boolean', default: false },
    build: { type: 'boolean', default: false },
    timeout: { type: 'string', default: '3600' },
    json: { type: 'string' },
  },
  strict: true,
});
const N = Number(o.invoices);
const C = Number(o.customers);
const BATCH = Number(o.batch);
const CONC = Number(o.concurrency);
const SEED = Number(o.seed);
const AS_OF = o['as-of'] ?? todayIso();
for (const [k, v] of Object.entries({ invoices: N, customers: C, batch: BATCH, concurrency: CONC, seed: SEED }))
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${k} must be a positive whole number`);

const CUSTOMER_BATCH = 5000;

await runMain(
  async (cleanup) => {
    ensureBuilt({ build: o.build });
    const tmp = makeTempDir(cleanup);
    const db = await startDatabase(cleanup, tmp);
    const server = await startServer(cleanup, {
      databaseUrl: db.url,
      tmp,
      nodeArgs: o.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(tmp, 'prof')}`] : [],
    });
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    cleanup.add('close bench connection', () => client.end());
    const settings = await dbSettings(client);
    const pids = { api: server.pid, postgres: await postmasterPid(client) };
    log(`Database: ${db.kind}`);
    log(
      `Settings: ${Object.entries(settings)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );
    log(`Data: ${fmt(C)} customers, ${fmt(N)} invoices, seed ${SEED}, as of ${AS_OF}`);

    const pushCustomers = async (key, label) => {
      const r = await pushImport(server.base, key, 'customers', customerRows(C), { batch: CUSTOMER_BATCH, concurrency: CONC });
      log(`Customers of ${label}: ${fmt(r.rows)} in ${r.seconds.toFixed(1)} s (${fmt(r.rate)} rows/s)`);
      return r;
    };

    if (o.sweep) {
      const configs = o.sweep.split(',').map((s) => {
        const [b, c] = s.split('x').map(Number);
        if (!(b > 0 && c > 0)) throw new Error(`--sweep items look like 5000x2 (batch x concurrency), got ${s}`);
        return { batch: b, concurrency: c };
      });
      const results = [];
      for (const cfg of configs) {
        const t = await createTenant(db.url, server.base, `Sweep ${cfg.batch}x${cfg.concurrency}`, ['imports:write']);
        await pushCustomers(t.apiKey, t.name);
        await client.query('CHECKPOINT');
        const meter = new CpuMeter(pids);
        const r = await pushImport(server.base, t.apiKey, 'invoices', invoiceRows(N, C, { seed: SEED, asOf: AS_OF }), cfg);
        const cpu = meter.stop();
        const lat = latencyStats(r.latencies);
        results.push({
          ...cfg,
          retries: r.retries,
          rows: r.rows,
          seconds: +r.seconds.toFixed(2),
          rowsPerSec: Math.round(r.rate),
          latencyMs: lat,
          cpu,
        });
        log(
          `SWEEP batch ${cfg.batch} x ${cfg.concurrency}: ${fmt(r.rate)} rows/s (${r.seconds.toFixed(1)} s; request p50 ${lat.p50} ms p95 ${lat.p95} ms; CPU s api ${cpu.api} pg ${cpu.postgres} client ${cpu.client})`,
        );
      }
      console.log('\nbatch  conc  rows/s   req p50 ms  req p95 ms  CPU s api/pg/client');
      for (const r of results)
        console.log(
          `${String(r.batch).padStart(5)}  ${String(r.concurrency).padStart(4)}  ${String(r.rowsPerSec).padStart(7)}  ${String(r.latencyMs.p50).padStart(10)}  ${String(r.latencyMs.p95).padStart(10)}  ${r.cpu.api}/${r.cpu.postgres}/${r.cpu.client}`,
        );
      const out = {
        bench: 'ingest-sweep',
        date: new Date().toISOString(),
        database: db.kind,
        settings,
        invoices: N,
        customers: C,
        results,
      };
      console.log(`BENCH_RESULT ${JSON.stringify(out)}`);
      if (o.json) writeFileSync(o.json, JSON.stringify(out, null, 2));
      return;
    }

    const a = await createTenant(db.url, server.base, 'Bench API', ['imports:write']);
    const b = await createTenant(db.url, server.base, 'Bench COPY', ['imports:write']);
    log(`Tenants: API ${a.tenantId}, COPY ${b.tenantId}`);
    const custA = await pushCustomers(a.apiKey, 'tenant API');
    await pushCustomers(b.apiKey, 'tenant COPY');

    // ---------------------------------------------------------------- phase A
    await client.query('CHECKPOINT');
    log(`Phase A: ${fmt(N)} invoices through POST /api/v1/imports/invoices, batches of ${BATCH}, concurrency ${CONC}`);
    const meterA = new CpuMeter(pids);
    const ra = await pushImport(server.base, a.apiKey, 'invoices', invoiceRows(N, C, { seed: SEED, asOf: AS_OF }), {
      batch: BATCH,
      concurrency: CONC,
    });
    const cpuA = meterA.stop();
    const latA = latencyStats(ra.latencies);
    log(
      `Phase A done: ${fmt(ra.rows)} rows in ${ra.seconds.toFixed(1)} s = ${fmt(ra.rate)} rows/s (${ra.requests} requests, ${fmt(ra.bytes / 1e6, 1)} MB JSON; request p50 ${latA.p50} ms, p95 ${latA.p95} ms)`,
    );
    log(
      `  CPU seconds: API ${cpuA.api}, PostgreSQL ${cpuA.postgres}, bench client ${cpuA.client} (wall ${cpuA.wall} s, 2 cores)`,
    );

    let profile = null;
    if (o.profile) {
      await server.stop();
      const dir = join(tmp, 'prof');
      const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
      if (files.length) {
        profile = summariseProfile(join(dir, files[0]));
        printProfile(profile);
      } else log('No CPU profile was written');
    }

    // ---------------------------------------------------------------- phase B
    let rb = null;
    let cpuB = null;
    if (!o['skip-copy']) {
      await client.query('CHECKPOINT');
      log(`Phase B: the same ${fmt(N)} invoices into receivable_item by COPY ... FROM STDIN (tenant COPY)`);
      const meterB = new CpuMeter(pids);
      const t0 = performance.now();
      const ids = await customerIdMap(client, b.tenantId);
      const copied = await copyFrom(
        client,
        `COPY receivable_item (${ITEM_COPY_COLUMNS.join(', ')}) FROM STDIN`,
        chunked(itemCopyLines(b.tenantId, invoiceRows(N, C, { seed: SEED, asOf: AS_OF }), ids)),
      );
      const seconds = (performance.now() - t0) / 1000;
      cpuB = meterB.stop();
      rb = { rows: copied, seconds, rate: copied / seconds };
      log(`Phase B done: ${fmt(copied)} rows in ${seconds.toFixed(1)} s = ${fmt(rb.rate)} rows/s`);
      log(`  CPU seconds: API ${cpuB.api}, PostgreSQL ${cpuB.postgres}, bench client ${cpuB.client} (wall ${cpuB.wall} s)`);
    }

    // ---------------------------------------------------------------- results
    const { rows: counts } = await client.query(
      `SELECT t.name, (SELECT count(*) FROM receivable_item i WHERE i.tenant_id = t.id)::int AS items,
              (SELECT count(*) FROM customer c WHERE c.tenant_id = t.id)::int AS customers
         FROM tenant t WHERE t.id = ANY($1) ORDER BY t.name`,
      [[a.tenantId, b.tenantId]],
    );
    const [{ size }] = (await client.query(`SELECT pg_size_pretty(pg_total_relation_size('receivable_item')) AS size`)).rows;
    const ratio = rb ? ra.rate / rb.rate : null;
    console.log('\n================ ingest benchmark ================');
    console.log(`date            ${new Date().toISOString()}  (machine: ${await machineLine()})`);
    console.log(`database        ${db.kind}`);
    console.log(
      `settings        ${Object.entries(settings)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );
    console.log(`data            ${fmt(C)} customers, ${fmt(N)} invoices (seed ${SEED}, as of ${AS_OF})`);
    console.log(`customers (API) ${fmt(custA.rate)} rows/s`);
    console.log(
      `A  import API   ${fmt(ra.rate).padStart(9)} rows/s  ${ra.seconds.toFixed(1)} s  (batch ${BATCH}, concurrency ${CONC}; ${ra.retries} request(s) retried after a 5xx)`,
    );
    if (rb) console.log(`B  COPY         ${fmt(rb.rate).padStart(9)} rows/s  ${rb.seconds.toFixed(1)} s`);
    if (ratio != null)
      console.log(`ratio A/B       ${(ratio * 100).toFixed(1)} %  (target >= 50 %: ${ratio >= 0.5 ? 'MET' : 'NOT MET'})`);
    for (const r of counts) console.log(`rows            ${r.name}: ${fmt(r.items)} items, ${fmt(r.customers)} customers`);
    console.log(`receivable_item ${size} (table + indexes)`);

    let verify = null;
    if (o.verify) verify = await verifyRows(client, a.tenantId, b.tenantId, rb ? N : 0);

    const result = {
      bench: 'ingest',
      date: new Date().toISOString(),
      database: db.kind,
      settings,
      customers: C,
      invoices: N,
      batch: BATCH,
      concurrency: CONC,
      api: {
        rowsPerSec: Math.round(ra.rate),
        seconds: +ra.seconds.toFixed(2),
        requests: ra.requests,
        retries: ra.retries,
        latencyMs: latA,
        cpu: cpuA,
      },
      copy: rb ? { rowsPerSec: Math.round(rb.rate), seconds: +rb.seconds.toFixed(2), cpu: cpuB } : null,
      ratio: ratio != null ? +ratio.toFixed(3) : null,
      counts,
      tableSize: size,
      verify,
      profile: profile ? { totalMs: profile.totalMs, byPackage: profile.byPackage.slice(0, 10) } : undefined,
    };
    console.log(`BENCH_RESULT ${JSON.stringify(result)}`);
    if (o.json) writeFileSync(o.json, JSON.stringify({ ...result, profile }, null, 2));
    if (verify && !verify.ok) throw new Error('verification failed');
  },
  { timeoutSeconds: Number(o.timeout) },
);

/** Row counts, overdue share and a checksum of the business columns: the two tenants must match. */
async function verifyRows(client, apiTenant, copyTenant, expectCopy) {
  log('Verifying rows in the database…');
  const q = `SELECT count(*)::int AS n,
                    count(*) FILTER (WHERE i.due_date < $2::date)::int AS overdue,
                    sum(i.amount)::text AS amount, sum(i.open_amount)::text AS open,
                    count(*) FILTER (WHERE i.status <> 'open' OR i.open_amount <> i.amount)::int AS not_open,
                    md5(string_agg(concat_ws('|', i.kind, i.external_ref, i.number, c.external_ref, i.issue_date, i.due_date,
                        i.currency, i.amount, i.open_amount, i.status, i.disputed, i.settled_outside, i.closed_at, i.legal_entity_id IS NULL),
                        ',' ORDER BY i.external_ref)) AS checksum
               FROM receivable_item i JOIN customer c ON c.id = i.customer_id WHERE i.tenant_id = $1`;
  const [x] = (await client.query(q, [apiTenant, AS_OF])).rows;
  const [y] = (await client.query(q, [copyTenant, AS_OF])).rows;
  const [runs] = (
    await client.query(
      `SELECT count(*)::int AS runs, count(*) FILTER (WHERE status <> 'succeeded')::int AS bad FROM import_run WHERE tenant_id = $1 AND entity = 'invoices'`,
      [apiTenant],
    )
  ).rows;
  const checks = [
    [`API tenant has ${fmt(N)} invoices`, x.n === N, x.n],
    [`COPY tenant has ${fmt(expectCopy)} invoices`, y.n === expectCopy, y.n],
    ['every API invoice open with open_amount = amount', x.not_open === 0, x.not_open],
    [`overdue share about 30 % (API)`, Math.abs(x.overdue / x.n - 0.3) < 0.02, `${((100 * x.overdue) / x.n).toFixed(1)} %`],
    [
      `import runs recorded, all succeeded`,
      runs.bad === 0 && runs.runs === Math.ceil(N / BATCH),
      `${runs.runs} runs, ${runs.bad} not succeeded`,
    ],
  ];
  if (expectCopy)
    checks.push(
      ['same amounts in both tenants', x.amount === y.amount && x.open === y.open, `${x.amount} / ${y.amount}`],
      ['same rows in both tenants (md5 of business columns)', x.checksum === y.checksum, `${x.checksum} / ${y.checksum}`],
    );
  for (const [label, ok, v] of checks) console.log(`verify  ${ok ? 'OK  ' : 'FAIL'}  ${label}  (${v})`);
  return { ok: checks.every((c) => c[1]), checks: checks.map(([label, ok, v]) => ({ label, ok, value: String(v) })) };
}

function printProfile(p) {
  console.log(`\nAPI CPU profile during phase A: ${fmt(p.totalMs)} ms of samples`);
  console.log('  self time by package / file:');
  for (const r of p.byPackage.slice(0, 15))
    console.log(`    ${String(r.pct).padStart(5)} %  ${fmt(r.selfMs).padStart(8)} ms  ${r.where}`);
  console.log('  self time by function:');
  for (const r of p.bySelf.slice(0, 20))
    console.log(`    ${String(r.pct).padStart(5)} %  ${fmt(r.selfMs).padStart(8)} ms  ${r.fn}`);
  console.log('  inclusive time (functions on the stack):');
  for (const r of p.inclusive.slice(0, 45))
    console.log(`    ${String(r.pct).padStart(5)} %  ${fmt(r.inclMs).padStart(8)} ms  ${r.fn}`);
}
