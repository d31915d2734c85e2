#!/usr/bin/env node
/**
 * Dunning benchmark: the daily run (POST /api/v1/dunning/runs) over a large ledger, delivery to
 * the sink transport (every email rendered, composed as MIME, archived and logged, not sent).
 *
 *   npm run bench:dunning                                   # 1,000,000 open invoices, 50,000 customers
 *   npm run bench:dunning -- --invoices 20000 --customers 1000   # a quick run
 *   npm run bench:dunning -- --levels zero                  # first run ever: every late customer at level 0
 *   npm run bench:dunning -- --profile                      # + V8 CPU profiles of the API's threads during run 1
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:dunning
 *
 * Options: --invoices N (1000000) --customers N (50000) --overdue F (0.3) --seed N (7)
 *   --as-of YYYY-MM-DD (today in Europe/Paris: the run uses the server's today, so another date
 *   only shifts the data) --levels spread|zero (spread) --profile --build --timeout SECONDS (3600)
 *   --json FILE
 *
 * Set-up (scripts/bench/lib.mjs): scratch database, the built API, a tenant (Europe/Paris) and
 * its admin. Customers through the import API (with a billing address; 1 in 10 in English), one
 * primary contact per customer (email and mobile phone) by COPY into customer_contact (the
 * import takes no contacts), the open items by one COPY into receivable_item. Then the dunning
 * settings (PUT /api/v1/dunning/settings, emailTransport 'sink', SMS provider 'log'), the
 * default scenario (GET /api/v1/dunning/scenarios seeds it), and with --levels spread a
 * customer_dunning row per late customer: a level drawn uniformly in 0..6 (seeded), capped at
 * the last step its oldest late invoice has reached (a level the customer could really be at),
 * so that the day's run does every kind of step: emails, SMS, calls, letters (PDF), formal
 * notices awaiting validation; customers already at their reached level wait.
 * VACUUM (ANALYZE) of the loaded tables and a CHECKPOINT, then, timed:
 *   1. POST /api/v1/dunning/runs (admin token): wall clock, the run's own startedAt/finishedAt,
 *      its counts, rows written (actions by action and status, tasks, documents and bytes,
 *      timeline events), CPU seconds of the API and of PostgreSQL; meanwhile the bench samples
 *      pg_stat_activity every 200 ms (what the database is busy with) and the action counts
 *      every second (when the decision committed, delivery throughput);
 *   2. the same POST again (same day): must write no new action, document or event;
 *   3. GET /api/v1/dunning/runs/preview (tomorrow).
 * Target: run 1 in at most 60 s. Ends with a `BENCH_RESULT {json}` line. Everything it starts
 * is cleaned up, also on failure, Ctrl-C or the time-out.
 */
import { parseArgs } from 'node:util';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import {
  CpuMeter,
  ITEM_COPY_COLUMNS,
  ROOT,
  chunked,
  copyFrom,
  createTenant,
  customerIdMap,
  customerRef,
  customerRows,
  dbSettings,
  ensureBuilt,
  fmt,
  http,
  invoiceRows,
  itemCopyLines,
  log,
  machineLine,
  makeTempDir,
  postmasterPid,
  prng,
  pushImport,
  runMain,
  sleep,
  startDatabase,
  startServer,
  summariseProfile,
  tail,
} from './lib.mjs';

const { values: o } = parseArgs({
  options: {
    invoices: { type: 'string', default: '1000000' },
    customers: { type: 'string', default: '50000' },
    overdue: { type: 'string', default: '0.3' },
    seed: { type: 'string', default: '7' },
    'as-of': { type: 'string' },
    levels: { type: 'string', default: 'spread' },
    profile: { type: 'boolean', default: false },
    build: { type: 'boolean', default: false },
    timeout: { type: 'string', default: '3600' },
    json: { type: 'string' },
  },
  strict: true,
});
const N = Number(o.invoices);
const C = Number(o.customers);
const OVERDUE = Number(o.overdue);
const SEED = Number(o.seed);
const TZ = 'Europe/Paris';
const parisToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date());
const AS_OF = o['as-of'] ?? parisToday();
if (!['spread', 'zero'].includes(o.levels)) throw new Error('--levels must be spread or zero');
if (!(OVERDUE >= 0 && OVERDUE <= 1)) throw new Error('--overdue must be between 0 and 1');
const TARGET_SECONDS = 60;
const MAX_SPREAD_LEVEL = 6;

const SETTINGS_BODY = {
  emailTransport: 'sink',
  fromName: 'Service Recouvrement',
  fromEmail: 'recouvrement@fournisseur-bench.test',
  replyTo: 'compta-clients@fournisseur-bench.test',
  companyName: 'Fournisseur Bench SAS',
  companyAddressLines: ['5 avenue de la République', '75011 Paris'],
  signature: 'Julie Bernard, credit manager',
  paymentDetails: 'IBAN FR76 3000 6000 0112 3456 7890 189 — BIC AGRIFRPP',
  smsProvider: 'log',
};

const STREETS = ['rue des Lilas', 'avenue Jean Jaurès', 'boulevard Victor Hugo', 'rue de la Gare', 'place de la République'];
const POSTCODES = {
  Paris: '75011',
  Lyon: '69003',
  Marseille: '13006',
  Toulouse: '31000',
  Nantes: '44000',
  Lille: '59000',
  Bordeaux: '33000',
  Rennes: '35000',
  Grenoble: '38000',
  Strasbourg: '67000',
};

/** lib.mjs's customers, with what a reminder needs: a postal address (letters) and a language. */
function* dunningCustomers(n) {
  let i = 0;
  for (const c of customerRows(n)) {
    const city = Object.keys(POSTCODES).find((k) => c.name.includes(` ${k} `)) ?? 'Paris';
    yield {
      ...c,
      language: i % 10 === 9 ? 'en' : 'fr',
      billingAddress: {
        line1: `${1 + (i % 120)} ${STREETS[i % STREETS.length]}`,
        postalCode: POSTCODES[city],
        city,
        country: 'FR',
      },
    };
    i++;
  }
}

/** One primary contact per customer (email and phone), as COPY text lines for customer_contact. */
function* contactCopyLines(tenantId, ids, n) {
  for (let i = 0; i < n; i++) {
    const ref = customerRef(i);
    const cid = ids.get(ref);
    if (!cid) throw new Error(`unknown customer ${ref}`);
    const phone = `+336${String(10_000_000 + ((i * 7919) % 89_999_999)).padStart(8, '0')}`;
    yield `${tenantId}\t${cid}\tComptabilité ${ref}\tbilling\tcompta@${ref.toLowerCase()}.client-bench.test\t${phone}\tt\n`;
  }
}

await runMain(
  async (cleanup) => {
    const dunningBuilt = existsSync(join(ROOT, 'libs/api/dunning/dist/run/dunning-run.controller.js'));
    ensureBuilt({ build: o.build || !dunningBuilt });
    const tmp = makeTempDir(cleanup);
    const db = await startDatabase(cleanup, tmp);
    const profDir = join(tmp, 'prof');
    const server = await startServer(cleanup, {
      databaseUrl: db.url,
      tmp,
      // The set-up can take minutes at full size: the admin token must outlive it.
      env: { JWT_ACCESS_TTL_SECONDS: '14400' },
      nodeArgs: o.profile ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [],
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
    if (AS_OF !== parisToday())
      log(
        `WARNING: --as-of ${AS_OF} is not today in ${TZ} (${parisToday()}): the run uses today, the data is relative to ${AS_OF}`,
      );

    // ---------------------------------------------------------------- set-up
    const t = await createTenant(db.url, server.base, 'Bench dunning', ['imports:write', 'receivables:read']);
    const tz = await client.query('SELECT timezone, default_currency FROM tenant WHERE id = $1', [t.tenantId]);
    log(`Tenant ${t.tenantId}: time zone ${tz.rows[0].timezone}, currency ${tz.rows[0].default_currency}`);
    const setup = {};
    const rc = await pushImport(server.base, t.apiKey, 'customers', dunningCustomers(C), { batch: 5000, concurrency: 2 });
    setup.customersSeconds = +rc.seconds.toFixed(1);
    log(`Customers: ${fmt(rc.rows)} through the import API in ${rc.seconds.toFixed(1)} s`);
    const ids = await customerIdMap(client, t.tenantId);
    let s = performance.now();
    const nContacts = await copyFrom(
      client,
      'COPY customer_contact (tenant_id, customer_id, name, role, email, phone, "primary") FROM STDIN',
      chunked(contactCopyLines(t.tenantId, ids, C)),
    );
    log(`Contacts: ${fmt(nContacts)} by COPY in ${((performance.now() - s) / 1000).toFixed(1)} s`);
    s = performance.now();
    const nItems = await copyFrom(
      client,
      `COPY receivable_item (${ITEM_COPY_COLUMNS.join(', ')}) FROM STDIN`,
      chunked(itemCopyLines(t.tenantId, invoiceRows(N, C, { seed: SEED, asOf: AS_OF, overdue: OVERDUE }), ids)),
    );
    setup.itemsCopySeconds = +((performance.now() - s) / 1000).toFixed(1);
    log(`Open items: ${fmt(nItems)} by COPY in ${setup.itemsCopySeconds} s`);

    // Dunning settings (sink) and the default scenario.
    const put = await http(server.base, 'PUT', '/api/v1/dunning/settings', { token: t.adminToken, body: SETTINGS_BODY });
    if (put.status !== 200) throw new Error(`PUT /api/v1/dunning/settings answered ${put.status}: ${put.text.slice(0, 1500)}`);
    if (put.json?.emailTransport && put.json.emailTransport !== 'sink')
      throw new Error(`emailTransport is ${put.json.emailTransport}, not sink`);
    const sc = await http(server.base, 'GET', '/api/v1/dunning/scenarios', { token: t.adminToken });
    if (sc.status !== 200)
      log(`GET /api/v1/dunning/scenarios answered ${sc.status} (the default scenario is read from the database)`);
    const scenario = (
      await client.query('SELECT id, name FROM dunning_scenario WHERE tenant_id = $1 AND is_default', [t.tenantId])
    ).rows[0];
    if (!scenario) throw new Error('no default dunning scenario after PUT settings / GET scenarios');
    const steps = (
      await client.query(
        `SELECT position, offset_days, action, automatic, template_code FROM dunning_step WHERE scenario_id = $1 ORDER BY position`,
        [scenario.id],
      )
    ).rows;
    log(
      `Default scenario "${scenario.name}": ${steps.map((x) => `${x.position}:${x.action}@${x.offset_days >= 0 ? '+' : ''}${x.offset_days}${x.automatic ? '' : '(validation)'}`).join(' ')}`,
    );

    // Starting levels.
    let levelsBefore = {};
    if (o.levels === 'spread') {
      const r = prng(SEED * 7919 + 1);
      const refs = [];
      const draws = [];
      for (let i = 0; i < C; i++) {
        refs.push(customerRef(i));
        draws.push(Math.floor(r() * (MAX_SPREAD_LEVEL + 1)));
      }
      const ins = await client.query(
        `WITH draw AS (
           SELECT c.id AS customer_id, d.level FROM unnest($4::text[], $5::int[]) AS d(ref, level)
             JOIN customer c ON c.tenant_id = $1 AND c.external_ref = d.ref),
         late AS (
           SELECT customer_id, $3::date - min(due_date) AS days FROM receivable_item
            WHERE tenant_id = $1 AND kind = 'invoice' AND status IN ('open', 'partially_paid') AND open_amount > 0 AND NOT disputed
            GROUP BY customer_id),
         reached AS (
           SELECT l.customer_id,
                  coalesce((SELECT max(s.position) FROM dunning_step s
                             WHERE s.scenario_id = $2 AND s.offset_days >= 0 AND s.offset_days <= l.days), 0) AS reached
             FROM late l)
         INSERT INTO customer_dunning (tenant_id, customer_id, level, level_scenario_id, level_reached_on)
         SELECT $1, r.customer_id, least(r.reached, d.level), $2, $3::date - 7
           FROM reached r JOIN draw d USING (customer_id)
          WHERE least(r.reached, d.level) > 0`,
        [t.tenantId, scenario.id, AS_OF, refs, draws],
      );
      log(
        `Starting levels: ${fmt(ins.rowCount)} customer_dunning rows (level drawn in 0..${MAX_SPREAD_LEVEL}, capped at the step reached)`,
      );
    }
    levelsBefore = await levels(client, t.tenantId);
    log(`Levels before the run: ${JSON.stringify(levelsBefore)}`);

    s = performance.now();
    for (const tb of [
      'receivable_item',
      'customer',
      'customer_contact',
      'customer_dunning',
      'receivable_open_balance',
      'receivable_customer_balance',
      'receivable_monthly_flow',
      'receivable_customer_flow',
    ]) {
      const exists = await client.query('SELECT to_regclass($1) AS r', [tb]);
      if (exists.rows[0].r) await client.query(`VACUUM (ANALYZE) ${tb}`);
    }
    setup.vacuumSeconds = +((performance.now() - s) / 1000).toFixed(1);
    log(`VACUUM (ANALYZE) in ${setup.vacuumSeconds} s`);
    const [ledger] = (
      await client.query(
        `SELECT count(*)::int AS items, count(*) FILTER (WHERE due_date < $2::date)::int AS overdue,
                count(DISTINCT customer_id) FILTER (WHERE due_date < $2::date)::int AS late_customers,
                count(DISTINCT customer_id)::int AS customers_with_items
           FROM receivable_item WHERE tenant_id = $1`,
        [t.tenantId, AS_OF],
      )
    ).rows;
    log(
      `Ledger: ${fmt(ledger.items)} open items (${((100 * ledger.overdue) / ledger.items).toFixed(1)} % overdue), ${fmt(C)} customers, ${fmt(ledger.customers_with_items)} with open items, ${fmt(ledger.late_customers)} late`,
    );
    await client.query('CHECKPOINT');

    // ---------------------------------------------------------------- 1. the run
    log('Run 1: POST /api/v1/dunning/runs …');
    const watch = await startWatch(db.url, t.tenantId);
    cleanup.add('stop watcher', () => watch.stop());
    const cpu = new CpuMeter(pids);
    const hr0 = process.hrtime.bigint();
    const run1 = await http(server.base, 'POST', '/api/v1/dunning/runs', { token: t.adminToken, timeoutMs: 3_600_000 });
    const hr1 = process.hrtime.bigint();
    const cpu1 = cpu.stop();
    const watched = await watch.stop();
    if (run1.status !== 200) throw new Error(`POST /api/v1/dunning/runs answered ${run1.status}: ${run1.text.slice(0, 2000)}`);
    const r1 = run1.json;
    const wall1 = cpu1.wall;
    if (!r1.run) {
      // A run that throws is recorded (dunning_run.status = failed) but not returned: read it back.
      const [row] = (
        await client.query(`SELECT * FROM dunning_run WHERE tenant_id = $1 ORDER BY created_at DESC LIMIT 1`, [t.tenantId])
      ).rows;
      if (row)
        r1.run = {
          id: row.id,
          runDate: row.run_date,
          status: row.status,
          counts: row.counts,
          startedAt: row.created_at.toISOString(),
          finishedAt: row.finished_at?.toISOString() ?? null,
          error: row.error,
        };
    }
    const serverSeconds = r1.run?.finishedAt ? (Date.parse(r1.run.finishedAt) - Date.parse(r1.run.startedAt)) / 1000 : null;
    log(
      `Run 1: ${r1.status} in ${wall1} s (run ${r1.run?.id}: ${r1.run?.startedAt} → ${r1.run?.finishedAt}, ${serverSeconds} s); CPU s: API ${cpu1.api}, PostgreSQL ${cpu1.postgres}`,
    );
    if (r1.status !== 'succeeded') {
      log(`WARNING: run status ${r1.status} ${r1.error ?? ''}`);
      console.log(`--- last lines of the API log ${server.logFile}:\n${tail(server.logFile, 6000)}`);
    } else if (warnings(server.logFile))
      log(`  the API log holds ${warnings(server.logFile)} warning/error lines (${server.logFile})`);
    log(`  counts: ${JSON.stringify(r1.run?.counts)}`);
    const runId = r1.run?.id;
    const written = await rowsWritten(client, t.tenantId, runId);
    const phases = phasesOf(watched, wall1, (r1.run?.counts?.sent ?? 0) + (r1.run?.counts?.failed ?? 0));
    log(`  actions by action/status: ${JSON.stringify(written.actions)}`);
    log(`  tasks: ${JSON.stringify(written.tasks)}`);
    log(`  documents: ${JSON.stringify(written.documents)}`);
    log(`  timeline events: ${JSON.stringify(written.events)}`);
    log(
      `  phases (from the 1 s polls): decision committed after ~${phases.decideSeconds} s, delivery ~${phases.deliverySeconds} s (${phases.deliveredPerSecond} actions/s)`,
    );

    // ---------------------------------------------------------------- 2. the same run again
    log('Run 2 (same day): POST /api/v1/dunning/runs …');
    const cpu2m = new CpuMeter(pids);
    const run2 = await http(server.base, 'POST', '/api/v1/dunning/runs', { token: t.adminToken, timeoutMs: 3_600_000 });
    const cpu2 = cpu2m.stop();
    if (run2.status !== 200)
      throw new Error(`second POST /api/v1/dunning/runs answered ${run2.status}: ${run2.text.slice(0, 2000)}`);
    const after2 = await totals(client, t.tenantId);
    const second = {
      status: run2.json.status,
      wall: cpu2.wall,
      cpu: cpu2,
      counts: run2.json.run?.counts,
      newActions: after2.actions - written.totals.actions,
      newDocuments: after2.documents - written.totals.documents,
      newEvents: after2.events - written.totals.events,
      newTasks: after2.tasks - written.totals.tasks,
    };
    second.idempotent = second.newActions === 0 && second.newDocuments === 0 && second.newEvents === 0 && second.newTasks === 0;
    log(
      `Run 2: ${second.status} in ${second.wall} s; new rows: ${second.newActions} actions, ${second.newDocuments} documents, ${second.newEvents} events, ${second.newTasks} tasks (${second.idempotent ? 'idempotent' : 'NOT IDEMPOTENT'})`,
    );

    // ---------------------------------------------------------------- 3. preview of tomorrow
    const p0 = performance.now();
    const prev = await http(server.base, 'GET', '/api/v1/dunning/runs/preview', { token: t.adminToken, timeoutMs: 600_000 });
    const preview = { status: prev.status, wall: +((performance.now() - p0) / 1000).toFixed(2), bytes: prev.bytes };
    if (prev.status === 200)
      Object.assign(preview, {
        date: prev.json.date,
        items: prev.json.items?.length,
        byAction: prev.json.byAction,
        skipped: prev.json.skipped,
      });
    else preview.error = prev.text.slice(0, 500);
    log(
      `Preview (tomorrow): ${prev.status} in ${preview.wall} s, ${fmt(prev.bytes)} bytes, ${JSON.stringify(preview.byAction ?? preview.error)}`,
    );

    const levelsAfter = await levels(client, t.tenantId);
    const sizes = (
      await client.query(
        `SELECT c.relname AS table, pg_total_relation_size(c.oid) AS bytes FROM pg_class c
          WHERE c.relname IN ('dunning_action', 'dunning_task', 'dunning_document', 'customer_event', 'customer_dunning') ORDER BY 1`,
      )
    ).rows.map((x) => ({ table: x.table, mb: +(Number(x.bytes) / 1048576).toFixed(1) }));

    let profile = null;
    if (o.profile) {
      await server.stop();
      // One file per thread: CPU.<date>.<time>.<pid>.<threadId>.<seq>.cpuprofile (main thread: 0).
      const files = existsSync(profDir) ? readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')) : [];
      const tid = (f) => Number(f.split('.')[4]);
      const main = files.find((f) => tid(f) === 0) ?? files[0];
      if (main) {
        const trimmed = trimProfile(join(profDir, main), hr0, hr1, join(tmp, 'run1.cpuprofile'));
        profile = summariseProfile(trimmed.file, { top: 25 });
        profile.window = `main thread, ${trimmed.window}`;
        profile.workers = files
          .filter((f) => f !== main)
          .map((f) => {
            const w = trimProfile(join(profDir, f), hr0, hr1, join(tmp, `run1.worker${tid(f)}.cpuprofile`));
            const sum = summariseProfile(w.file, { top: 12 });
            return { thread: tid(f), window: w.window, totalMs: sum.totalMs, byPackage: sum.byPackage, bySelf: sum.bySelf };
          });
      } else log('No CPU profile was written');
    }

    // ---------------------------------------------------------------- report
    const dbTop = topSamples(watched.samples, watched.ticks, 15);
    const out = {
      bench: 'dunning',
      date: new Date().toISOString(),
      machine: await machineLine(),
      database: db.kind,
      settings,
      invoices: ledger.items,
      customers: C,
      overdueItems: ledger.overdue,
      lateCustomers: ledger.late_customers,
      asOf: AS_OF,
      seed: SEED,
      levels: o.levels,
      levelsBefore,
      setup,
      run: {
        status: r1.status,
        id: runId,
        runDate: r1.run?.runDate,
        wall: wall1,
        serverSeconds,
        startedAt: r1.run?.startedAt,
        finishedAt: r1.run?.finishedAt,
        counts: r1.run?.counts,
        cpu: cpu1,
        phases,
        rows: written,
        dbActivity: dbTop,
      },
      levelsAfter,
      tableSizes: sizes,
      secondRun: second,
      preview,
      target: { seconds: TARGET_SECONDS, met: r1.status === 'succeeded' && wall1 <= TARGET_SECONDS },
      profile: profile
        ? {
            totalMs: profile.totalMs,
            window: profile.window,
            byPackage: profile.byPackage.slice(0, 12),
            bySelf: profile.bySelf.slice(0, 15),
            workers: profile.workers?.map((w) => ({ thread: w.thread, totalMs: w.totalMs, byPackage: w.byPackage.slice(0, 8) })),
          }
        : undefined,
    };

    console.log('\n================ dunning daily run ================');
    console.log(`date      ${out.date}  (machine: ${out.machine})`);
    console.log(`database  ${db.kind}`);
    console.log(
      `settings  ${Object.entries(settings)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );
    console.log(
      `ledger    ${fmt(ledger.items)} open items (${fmt(ledger.overdue)} overdue), ${fmt(C)} customers (${fmt(ledger.late_customers)} late); levels ${o.levels}: ${JSON.stringify(levelsBefore)}`,
    );
    console.log(
      `run 1     ${r1.status}: ${wall1} s wall (server ${serverSeconds} s); target <= ${TARGET_SECONDS} s: ${out.target.met ? 'MET' : 'NOT MET'}`,
    );
    console.log(
      `          CPU s: API ${cpu1.api}, PostgreSQL ${cpu1.postgres} (2 cores: ${((((cpu1.api ?? 0) + (cpu1.postgres ?? 0)) / wall1 / 2) * 100).toFixed(0)} % busy)`,
    );
    console.log(
      `          phases: decision ~${phases.decideSeconds} s, delivery ~${phases.deliverySeconds} s (${phases.deliveredPerSecond} actions/s)`,
    );
    console.log(`          counts: ${JSON.stringify(r1.run?.counts)}`);
    console.log('          actions:');
    for (const a of written.actions)
      console.log(`            ${a.action.padEnd(18)} ${a.status.padEnd(20)} ${fmt(a.n).padStart(8)}`);
    console.log(`          tasks: ${written.tasks.map((x) => `${x.kind} ${fmt(x.n)}`).join(', ') || 'none'}`);
    console.log(
      `          documents: ${written.documents.map((x) => `${x.kind} ${fmt(x.n)} (${fmt(x.mb, 1)} MB, avg ${fmt(x.avgBytes)} B)`).join(', ') || 'none'}`,
    );
    console.log(`          timeline events: ${written.events.map((x) => `${x.type} ${fmt(x.n)}`).join(', ') || 'none'}`);
    console.log(`          levels after: ${JSON.stringify(levelsAfter)}`);
    console.log(`          table sizes (MB): ${sizes.map((x) => `${x.table} ${x.mb}`).join(', ')}`);
    console.log(
      `          PostgreSQL activity (${watched.ticks} samples of pg_stat_activity every 200 ms; % of the samples in which a backend ran it; a backend idle in transaction waits for the API):`,
    );
    for (const x of dbTop) console.log(`            ${String(x.pct).padStart(5)} %  ${String(x.n).padStart(5)}  ${x.what}`);
    console.log(
      `run 2     ${second.status}: ${second.wall} s; new actions ${second.newActions}, documents ${second.newDocuments}, events ${second.newEvents}, tasks ${second.newTasks}: ${second.idempotent ? 'idempotent' : 'NOT IDEMPOTENT'}`,
    );
    console.log(
      `preview   ${preview.status}: ${preview.wall} s, ${fmt(preview.bytes)} bytes, ${preview.items ?? '-'} items, ${JSON.stringify(preview.byAction ?? preview.error)}`,
    );
    if (profile) printProfile(profile);
    console.log(`BENCH_RESULT ${JSON.stringify(out)}`);
    if (o.json) writeFileSync(o.json, JSON.stringify({ ...out, profile: profile ?? undefined }, null, 2));
  },
  { timeoutSeconds: Number(o.timeout) },
);

/** Lines of the API log at level warn (40) or above. */
function warnings(file) {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => /^\{"level":(4|5|6)0/.test(l)).length;
  } catch {
    return 0;
  }
}

async function levels(client, tenantId) {
  const { rows } = await client.query(
    `SELECT level, count(*)::int AS n FROM customer_dunning WHERE tenant_id = $1 GROUP BY level ORDER BY level`,
    [tenantId],
  );
  return Object.fromEntries(rows.map((r) => [r.level, r.n]));
}

async function totals(client, tenantId) {
  const { rows } = await client.query(
    `SELECT (SELECT count(*)::int FROM dunning_action WHERE tenant_id = $1) AS actions,
            (SELECT count(*)::int FROM dunning_document WHERE tenant_id = $1) AS documents,
            (SELECT count(*)::int FROM customer_event WHERE tenant_id = $1 AND source = 'dunning') AS events,
            (SELECT count(*)::int FROM dunning_task WHERE tenant_id = $1) AS tasks`,
    [tenantId],
  );
  return rows[0];
}

async function rowsWritten(client, tenantId, runId) {
  const actions = (
    await client.query(
      `SELECT action, status, count(*)::int AS n FROM dunning_action WHERE tenant_id = $1 AND run_id = $2 GROUP BY 1, 2 ORDER BY 1, 2`,
      [tenantId, runId],
    )
  ).rows;
  const tasks = (
    await client.query(`SELECT kind, count(*)::int AS n FROM dunning_task WHERE tenant_id = $1 GROUP BY 1 ORDER BY 1`, [tenantId])
  ).rows;
  const documents = (
    await client.query(
      `SELECT kind, count(*)::int AS n, sum(size)::float8 AS bytes, round(sum(size) / 1048576.0, 1)::float8 AS mb,
              round(avg(size))::int AS "avgBytes"
         FROM dunning_document WHERE tenant_id = $1 GROUP BY 1 ORDER BY 1`,
      [tenantId],
    )
  ).rows;
  const events = (
    await client.query(
      `SELECT type, count(*)::int AS n FROM customer_event WHERE tenant_id = $1 AND source = 'dunning' GROUP BY 1 ORDER BY 1`,
      [tenantId],
    )
  ).rows;
  const t = await totals(client, tenantId);
  const sum = (l) => l.reduce((a, x) => a + x.n, 0);
  return {
    actions,
    byStatus: groupSum(actions, 'status'),
    byAction: groupSum(actions, 'action'),
    tasks,
    documents,
    documentBytes: documents.reduce((a, x) => a + x.bytes, 0),
    events,
    totals: { ...t, actionsOfRun: sum(actions) },
  };
}

function groupSum(rows, key) {
  const out = {};
  for (const r of rows) out[r[key]] = (out[r[key]] ?? 0) + r.n;
  return out;
}

/**
 * Watches the run from a second connection: every 200 ms the non-idle backends of this database
 * (query text and wait event), every second the tenant's action counts.
 */
async function startWatch(url, tenantId) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const t0 = performance.now();
  const samples = [];
  const progress = [];
  let ticks = 0;
  let stopped = false;
  let lastPoll = -1e9;
  let lastLog = 0;
  const loop = (async () => {
    while (!stopped) {
      const now = performance.now();
      try {
        const { rows } = await c.query(
          `SELECT state, wait_event_type, wait_event, query FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND state <> 'idle'`,
        );
        ticks++;
        for (const r of rows) samples.push(sampleKey(r));
        if (now - lastPoll >= 1000) {
          lastPoll = now;
          const p = (
            await c.query(
              `SELECT count(*)::int AS actions, count(*) FILTER (WHERE status IN ('sent', 'failed'))::int AS delivered,
                      count(*) FILTER (WHERE status IN ('queued', 'sending'))::int AS pending
                 FROM dunning_action WHERE tenant_id = $1`,
              [tenantId],
            )
          ).rows[0];
          const at = +((performance.now() - t0) / 1000).toFixed(1);
          progress.push({ t: at, ...p });
          if (at - lastLog >= 10) {
            lastLog = at;
            log(`  … ${at} s: ${fmt(p.actions)} actions visible, ${fmt(p.delivered)} delivered, ${fmt(p.pending)} to deliver`);
          }
        }
      } catch {
        /* a failed sample is skipped */
      }
      await sleep(Math.max(0, 200 - (performance.now() - now)));
    }
  })();
  let result = null;
  return {
    async stop() {
      if (result) return result;
      stopped = true;
      await loop;
      await c.end().catch(() => {});
      result = { samples, ticks, progress };
      return result;
    },
  };
}

function sampleKey(r) {
  const q = (r.query ?? '').replace(/\s+/g, ' ').trim().slice(0, 110);
  const wait = r.wait_event ? ` [${r.wait_event_type}:${r.wait_event}]` : '';
  if (r.state === 'idle in transaction') return `idle in transaction${wait} (last: ${q.slice(0, 70)})`;
  return `${r.state}${wait}: ${q}`;
}

/** The queries seen most often; pct: share of the sampling ticks in which a backend was running it. */
function topSamples(samples, ticks, top) {
  const m = new Map();
  for (const k of samples) m.set(k, (m.get(k) ?? 0) + 1);
  const total = ticks || 1;
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([what, n]) => ({ what, n, pct: +((100 * n) / total).toFixed(1) }));
}

/** When the decision committed (first poll seeing actions) and how fast the delivery went. */
function phasesOf(watched, wall, delivered) {
  const p = watched.progress;
  const first = p.find((x) => x.actions > 0);
  if (!first) return { decideSeconds: null, deliverySeconds: null, deliveredPerSecond: null, polls: p.length };
  const delivery = +(wall - first.t).toFixed(1);
  return {
    decideSeconds: first.t,
    deliverySeconds: delivery,
    delivered,
    deliveredPerSecond: delivery > 0 ? +(delivered / delivery).toFixed(0) : null,
    polls: p.length,
  };
}

/**
 * Keeps the samples of a V8 .cpuprofile taken between two process.hrtime readings of this
 * process (V8's profile timestamps and libuv's hrtime are both CLOCK_MONOTONIC microseconds /
 * nanoseconds on Linux), so that the summary covers the run only, not the set-up.
 */
function trimProfile(file, hrStart, hrEnd, outFile) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const from = Number(hrStart / 1000n);
  const to = Number(hrEnd / 1000n);
  let ts = prof.startTime;
  const samples = [];
  const deltas = [];
  for (let i = 0; i < prof.samples.length; i++) {
    ts += prof.timeDeltas[i] ?? 0;
    if (ts >= from && ts <= to) {
      samples.push(prof.samples[i]);
      deltas.push(prof.timeDeltas[i] ?? 0);
    }
  }
  const inside = prof.startTime <= to && prof.endTime >= from;
  if (!samples.length || !inside) {
    log(
      `CPU profile: no sample in the run's window (profile ${prof.startTime}–${prof.endTime} µs, run ${from}–${to} µs): whole profile kept`,
    );
    return { file, window: 'whole server lifetime' };
  }
  writeFileSync(outFile, JSON.stringify({ ...prof, startTime: from, endTime: to, samples, timeDeltas: deltas }));
  return { file: outFile, window: `run 1 only (${samples.length} samples)` };
}

function printProfile(p) {
  console.log(`\nAPI CPU profile, ${p.window}: ${fmt(p.totalMs)} ms of samples ((idle) = waiting, mostly on PostgreSQL)`);
  console.log('  self time by package / file:');
  for (const r of p.byPackage.slice(0, 15))
    console.log(`    ${String(r.pct).padStart(5)} %  ${fmt(r.selfMs).padStart(8)} ms  ${r.where}`);
  console.log('  self time by function:');
  for (const r of p.bySelf.slice(0, 25))
    console.log(`    ${String(r.pct).padStart(5)} %  ${fmt(r.selfMs).padStart(8)} ms  ${r.fn}`);
  console.log('  inclusive time (functions on the stack):');
  for (const r of p.inclusive.slice(0, 50))
    console.log(`    ${String(r.pct).padStart(5)} %  ${fmt(r.inclMs).padStart(8)} ms  ${r.fn}`);
  for (const w of p.workers ?? []) {
    console.log(`\nWorker thread ${w.thread}, ${w.window}: ${fmt(w.totalMs)} ms of samples`);
    console.log(
      `  by package: ${w.byPackage
        .slice(0, 8)
        .map((r) => `${r.where} ${r.pct} %`)
        .join(', ')}`,
    );
    console.log('  self time by function:');
    for (const r of w.bySelf.slice(0, 12))
      console.log(`    ${String(r.pct).padStart(5)} %  ${fmt(r.selfMs).padStart(8)} ms  ${r.fn}`);
  }
}
