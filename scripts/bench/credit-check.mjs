#!/usr/bin/env node
/**
 * Latency benchmark of the credit check for order entry (POST /api/v1/credit-checks) at a fixed
 * request rate, over a tenant with 50,000 customers and 1,000,000 open items.
 *
 *   npm run bench:credit-check                              # 200 requests/s for 30 s, embedded PostgreSQL
 *   npm run bench:credit-check -- --rate 400                # headroom
 *   npm run bench:credit-check -- --invoices 50000 --customers 5000 --duration 10   # a quick run
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:credit-check
 *
 * Options: --rate N requests/s, or a list (200; `--rate 200,400` measures both on the same data)
 *   --repeat N (1: runs per rate) --duration S (30) --warmup S (10, not counted: the first half
 *   at half the rate) --wait-quiet L (before each run, wait until the 1-minute load average is
 *   below L, at most --wait-max S, 600) --invoices N (1000000) --customers N (50000) --usd F
 *   (share of orders in USD, 0.1) --seed N (7) --max-in-flight N (256: beyond it a request is
 *   not sent and counts as dropped) --profile (V8 CPU profile of the API during the first
 *   measured run) --trace-gc (the API's garbage-collection pauses during each measured run: count,
 *   total, longest, how many over 10 ms) --node-args "..." (more Node options for the API) --build --timeout SECONDS (3600) --json FILE
 *
 * Set-up (scripts/bench/lib.mjs, not timed): scratch database, the built API, a tenant and an
 * API key with credit-checks:write (+ imports:write for the customers), the customers through
 * the import API, the open items by one COPY into receivable_item (as bench:ageing), then with
 * SQL: an active credit limit for 90 % of the customers (2 % of them expired, so `no_limit`),
 * sized from each customer's open total times 1.1–2.1 plus 5,000 EUR; a score and grade for
 * every customer (A 20 %, B 35 %, C 30 %, D 10 %, E 5 %); an external rating for 30 %, a
 * receivership among 0.5 %; 1 % of the accounts blocked; USD→EUR rates for the last 30 days.
 * VACUUM (ANALYZE) of the loaded tables.
 *
 * Load: an open-loop client (node:http, keep-alive): request i is sent at t0 + i / rate whatever
 * the answers, so a slow answer cannot hide the ones behind it (no coordinated omission);
 * latency = answer time − scheduled send time (a timer firing late counts too). Each request names a random customer by its
 * externalRef (seeded), a log-normal amount (median about 2,000), EUR or USD, an order reference.
 * Prints per run p50/p90/p99/p99.9/max latency, the achieved rate, errors and non-2xx answers,
 * the mix of decisions and reasons, CPU seconds of the API, PostgreSQL and the bench client, and
 * the load average before and after; then a summary table.
 * Target: p99 <= 20 ms at 200 requests/s. Ends with a `BENCH_RESULT {json}` line.
 */
import http from 'node:http';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
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
  invoiceRows,
  itemCopyLines,
  log,
  machineLine,
  makeTempDir,
  percentile,
  postmasterPid,
  prng,
  pushImport,
  runMain,
  sleep,
  startDatabase,
  startServer,
  summariseProfile,
  todayIso,
  trimProfile,
} from './lib.mjs';

const { values: o } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    repeat: { type: 'string', default: '1' },
    'wait-quiet': { type: 'string' },
    'wait-max': { type: 'string', default: '600' },
    duration: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '10' },
    invoices: { type: 'string', default: '1000000' },
    customers: { type: 'string', default: '50000' },
    usd: { type: 'string', default: '0.1' },
    seed: { type: 'string', default: '7' },
    'max-in-flight': { type: 'string', default: '256' },
    profile: { type: 'boolean', default: false },
    'trace-gc': { type: 'boolean', default: false },
    'node-args': { type: 'string', default: '' },
    build: { type: 'boolean', default: false },
    timeout: { type: 'string', default: '3600' },
    json: { type: 'string' },
  },
  strict: true,
});
const RATES = o.rate.split(',').map(Number);
const REPEAT = Number(o.repeat);
const QUIET = o['wait-quiet'] === undefined ? null : Number(o['wait-quiet']);
const QUIET_MAX = Number(o['wait-max']);
const DURATION = Number(o.duration);
const WARMUP = Number(o.warmup);
const N = Number(o.invoices);
const C = Number(o.customers);
const USD = Number(o.usd);
const SEED = Number(o.seed);
const MAX_IN_FLIGHT = Number(o['max-in-flight']);
const AS_OF = todayIso();
const TARGET_P99_MS = 20;
if (!(RATES.every((r) => r > 0) && DURATION > 0 && WARMUP >= 0 && REPEAT >= 1))
  throw new Error('--rate (a list) and --duration must be > 0, --warmup >= 0, --repeat >= 1');

const loadOnly = (line) => /load average (.*)$/.exec(line)?.[1] ?? line;

/** With --wait-quiet L: waits (up to --wait-max s) until the 1-minute load average is below L; returns the seconds waited. */
async function waitQuiet() {
  if (QUIET === null) return 0;
  const os = await import('node:os');
  const t0 = performance.now();
  while (os.loadavg()[0] >= QUIET && performance.now() - t0 < QUIET_MAX * 1000) await sleep(5000);
  const waited = Math.round((performance.now() - t0) / 1000);
  if (os.loadavg()[0] >= QUIET)
    log(`Load average still ${os.loadavg()[0].toFixed(2)} after ${waited} s (--wait-max): measuring anyway`);
  else if (waited) log(`Waited ${waited} s for the load average to fall below ${QUIET}`);
  return waited;
}

function printRun(r) {
  const L = r.latencyMs;
  console.log(`\n---------------- ${r.rate} requests/s for ${DURATION} s ----------------`);
  console.log(`machine    before: ${r.machine.before}`);
  console.log(`           after:  ${r.machine.after}`);
  console.log(
    `load       ${r.requests} requests; achieved ${r.achievedRate}/s sent, ${r.answeredRate}/s answered 201; max in flight ${r.maxInFlight}; max send lag ${r.maxSendLagMs} ms`,
  );
  console.log(
    `latency    p50 ${L.p50} ms | p90 ${L.p90} | p99 ${L.p99} | p99.9 ${L.p999} | max ${L.max} | mean ${L.mean}${r.rate >= 200 ? `   (target p99 <= ${TARGET_P99_MS} ms: ${r.meetsTarget ? 'MET' : 'NOT MET'})` : ''}`,
  );
  const worst = r.perSecond
    .map((x, i) => ({ ...x, i }))
    .sort((a, b) => b.p99 - a.p99)
    .slice(0, 5);
  console.log(
    `seconds    ${r.secondsOverTarget} of ${r.perSecond.length} with p99 > ${TARGET_P99_MS} ms; worst: ${worst.map((x) => `s${x.i} p50 ${x.p50}/p99 ${x.p99}/max ${x.max}`).join(', ')}`,
  );
  console.log(`answers    ${JSON.stringify(r.statuses)}${r.errors.length ? ` first errors: ${r.errors.join(' | ')}` : ''}`);
  console.log(`decisions  ${JSON.stringify(r.decisions)}  reasons ${JSON.stringify(r.reasons)}`);
  console.log(`CPU s      API ${r.cpu.api} / PostgreSQL ${r.cpu.postgres} / bench client ${r.cpu.client} over ${r.cpu.wall} s`);
}

/** Everything but the customers and items, by SQL (the APIs for limits, scores and ratings are not what is measured). */
async function seedScoring(client, tenantId) {
  const t0 = performance.now();
  // Limits: 90 % of the customers (hash of the reference), from their open total; 2 % of those expired.
  const limits = await client.query(
    `INSERT INTO credit_limit (tenant_id, customer_id, amount, currency, source, valid_from, valid_to, status)
     SELECT c.tenant_id, c.id,
            ceil(coalesce(b.open_total, 0) * (1.1 + (abs(hashtext(c.external_ref || 'f')) % 100) / 100.0) / 1000) * 1000 + 5000,
            'EUR', 'internal', $2::date - 400,
            CASE WHEN abs(hashtext(c.external_ref || 'x')) % 50 = 0 THEN $2::date - 1 END, 'active'
       FROM customer c
       LEFT JOIN (SELECT customer_id, sum(open_amount) AS open_total FROM receivable_item
                   WHERE tenant_id = $1 AND status IN ('open', 'partially_paid') GROUP BY 1) b ON b.customer_id = c.id
      WHERE c.tenant_id = $1 AND abs(hashtext(c.external_ref)) % 10 <> 0`,
    [tenantId, AS_OF],
  );
  // Scores for everyone: grade by a hash bucket, a score inside the grade's band.
  const scores = await client.query(
    `INSERT INTO customer_score (tenant_id, customer_id, score, grade, factors, computed_at)
     SELECT c.tenant_id, c.id, band.lo + h % (band.hi - band.lo + 1), band.grade, '[]', now()
       FROM (SELECT tenant_id, id, abs(hashtext(external_ref || 'g')) AS h FROM customer WHERE tenant_id = $1) c
       CROSS JOIN LATERAL (SELECT * FROM (VALUES ('A', 80, 100, 0, 20), ('B', 65, 79, 20, 55), ('C', 45, 64, 55, 85),
                                                 ('D', 25, 44, 85, 95), ('E', 0, 24, 95, 100)) v(grade, lo, hi, p0, p1)
                            WHERE c.h % 100 >= v.p0 AND c.h % 100 < v.p1) band`,
    [tenantId],
  );
  // External ratings for 30 %, a receivership for 0.5 %.
  const ratings = await client.query(
    `INSERT INTO external_rating (tenant_id, customer_id, provider, rated_on, score, scale_max, legal_event, legal_event_date, source)
     SELECT tenant_id, id, 'altares', $2::date - (h % 300)::int, (h % 21), 20,
            CASE WHEN h % 200 = 0 THEN 'receivership' END, CASE WHEN h % 200 = 0 THEN $2::date - (h % 300)::int END, 'provider'
       FROM (SELECT tenant_id, id, abs(hashtext(external_ref || 'r')) AS h FROM customer WHERE tenant_id = $1) c
      WHERE h % 10 < 3`,
    [tenantId, AS_OF],
  );
  const blocked = await client.query(
    `UPDATE customer SET blocked = true WHERE tenant_id = $1 AND abs(hashtext(external_ref || 'b')) % 100 = 0`,
    [tenantId],
  );
  await client.query(
    `INSERT INTO exchange_rate (tenant_id, date, from_currency, to_currency, rate, source)
     SELECT $1, $2::date - d, 'USD', 'EUR', 0.92 + d / 10000.0, 'import' FROM generate_series(0, 29) d`,
    [tenantId, AS_OF],
  );
  return {
    limits: limits.rowCount,
    scores: scores.rowCount,
    ratings: ratings.rowCount,
    blocked: blocked.rowCount,
    seconds: +((performance.now() - t0) / 1000).toFixed(1),
  };
}

/** The request bodies, seeded: a random customer, a log-normal amount, EUR or USD. */
function* bodies(seed) {
  const r = prng(seed);
  for (let i = 1; ; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    const cents = Math.round(Math.min(1_000_000, Math.max(1, Math.exp(Math.log(2000) + 1.3 * z))) * 100);
    yield JSON.stringify({
      customerRef: customerRef(Math.floor(r() * C)),
      amount: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
      currency: r() < USD ? 'USD' : 'EUR',
      orderRef: `SO-${seed}-${String(i).padStart(7, '0')}`,
    });
  }
}

const DECISION_RE = /"decision":"(\w+)"/;
const CODE_RE = /"code":"(\w+)"/g;

/**
 * Open-loop load at `rate` requests/s for `seconds`: request i leaves at t0 + i/rate. Latency is
 * measured from that scheduled instant to the end of the answer.
 */
async function fixedRate(base, key, { rate, seconds, seed }) {
  const url = new URL('/api/v1/credit-checks', base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
  const gen = bodies(seed);
  const total = Math.round(rate * seconds);
  const lat = [];
  /** Latencies by second of the scheduled send time: is the tail spread out or in bursts? */
  const bySecond = Array.from({ length: Math.ceil(seconds) }, () => []);
  const statuses = new Map();
  const decisions = new Map();
  const reasons = new Map();
  const errors = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let dropped = 0;
  let maxLag = 0;
  let done = 0;
  let resolveAll;
  const all = new Promise((r) => (resolveAll = r));
  const finish = () => {
    if (++done === total) resolveAll();
  };
  const send = (body, scheduled) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'X-API-Key': key },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const ms = performance.now() - scheduled;
          lat.push(ms);
          bySecond[Math.min(bySecond.length - 1, Math.floor((scheduled - t0) / 1000))].push(ms);
          inFlight--;
          statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
          if (res.statusCode === 201) {
            const text = Buffer.concat(chunks).toString('utf8');
            const decision = DECISION_RE.exec(text)?.[1] ?? '?';
            decisions.set(decision, (decisions.get(decision) ?? 0) + 1);
            for (const m of text.matchAll(CODE_RE)) reasons.set(m[1], (reasons.get(m[1]) ?? 0) + 1);
          } else if (errors.length < 5) errors.push(`${res.statusCode} ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`);
          finish();
        });
      },
    );
    req.on('error', (e) => {
      inFlight--;
      statuses.set('error', (statuses.get('error') ?? 0) + 1);
      if (errors.length < 5) errors.push(String(e.message ?? e));
      finish();
    });
    req.setTimeout(30_000, () => req.destroy(new Error('time-out after 30 s')));
    req.end(body);
  };
  // No busy-wait (the client shares the 2 cores with the API and PostgreSQL): sleep until the next
  // scheduled instant, then send every request whose instant has come (timers fire up to ~1 ms late;
  // that lateness counts in the latency, since it is measured from the scheduled instant).
  const t0 = performance.now();
  for (let i = 0; i < total;) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    const now = performance.now();
    for (; i < total && t0 + (i * 1000) / rate <= now; i++) {
      const scheduled = t0 + (i * 1000) / rate;
      maxLag = Math.max(maxLag, now - scheduled);
      if (inFlight >= MAX_IN_FLIGHT) {
        dropped++;
        statuses.set('dropped', (statuses.get('dropped') ?? 0) + 1);
        finish();
        continue;
      }
      send(gen.next().value, scheduled);
    }
  }
  const sentSeconds = (performance.now() - t0) / 1000;
  await all;
  const wall = (performance.now() - t0) / 1000;
  agent.destroy();
  const s = lat.sort((a, b) => a - b);
  const perSecond = bySecond.map((l) => {
    const x = l.sort((a, b) => a - b);
    return { p50: +percentile(x, 50).toFixed(1), p99: +percentile(x, 99).toFixed(1), max: +(x[x.length - 1] ?? NaN).toFixed(1) };
  });
  const r1 = (x) => +x.toFixed(1);
  const ok = statuses.get(201) ?? 0;
  return {
    requests: total,
    ok,
    nonOk: total - ok,
    statuses: Object.fromEntries(statuses),
    dropped,
    errors,
    secondsOverTarget: perSecond.filter((x) => x.p99 > TARGET_P99_MS).length,
    perSecond,
    latencyMs: {
      p50: r1(percentile(s, 50)),
      p90: r1(percentile(s, 90)),
      p99: r1(percentile(s, 99)),
      p999: r1(percentile(s, 99.9)),
      max: r1(s[s.length - 1] ?? NaN),
      mean: r1(s.reduce((a, b) => a + b, 0) / (s.length || 1)),
    },
    targetRate: rate,
    achievedRate: +(total / sentSeconds).toFixed(1),
    answeredRate: +(ok / wall).toFixed(1),
    maxInFlight,
    maxSendLagMs: r1(maxLag),
    decisions: Object.fromEntries([...decisions].sort()),
    reasons: Object.fromEntries([...reasons].sort((a, b) => b[1] - a[1])),
  };
}

await runMain(
  async (cleanup) => {
    const built = existsSync(join(ROOT, 'libs/api/scoring/dist/checks/credit-check.controller.js'));
    ensureBuilt({ build: o.build || !built });
    const tmp = makeTempDir(cleanup);
    const db = await startDatabase(cleanup, tmp);
    const profDir = join(tmp, 'prof');
    const server = await startServer(cleanup, {
      databaseUrl: db.url,
      tmp,
      nodeArgs: [
        ...(o.profile ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []),
        ...(o['trace-gc'] ? ['--trace-gc'] : []),
        ...o['node-args'].split(' ').filter(Boolean),
      ],
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

    // ---------------------------------------------------------------- set-up
    const t = await createTenant(db.url, server.base, 'Bench credit check', ['imports:write', 'credit-checks:write']);
    const rc = await pushImport(server.base, t.apiKey, 'customers', customerRows(C), { batch: 5000, concurrency: 2 });
    log(`Customers: ${fmt(rc.rows)} through the import API in ${rc.seconds.toFixed(1)} s`);
    let s = performance.now();
    const ids = await customerIdMap(client, t.tenantId);
    const nItems = await copyFrom(
      client,
      `COPY receivable_item (${ITEM_COPY_COLUMNS.join(', ')}) FROM STDIN`,
      chunked(itemCopyLines(t.tenantId, invoiceRows(N, C, { seed: SEED, asOf: AS_OF }), ids)),
    );
    log(`Open items: ${fmt(nItems)} by COPY in ${((performance.now() - s) / 1000).toFixed(1)} s`);
    const seeded = await seedScoring(client, t.tenantId);
    log(
      `Limits ${fmt(seeded.limits)}, scores ${fmt(seeded.scores)}, ratings ${fmt(seeded.ratings)}, blocked accounts ${fmt(seeded.blocked)} in ${seeded.seconds} s`,
    );
    s = performance.now();
    for (const tb of ['receivable_item', 'customer', 'credit_limit', 'customer_score', 'external_rating', 'exchange_rate'])
      await client.query(`VACUUM (ANALYZE) ${tb}`);
    await client.query('CHECKPOINT');
    log(`VACUUM (ANALYZE) + CHECKPOINT in ${((performance.now() - s) / 1000).toFixed(1)} s`);

    // One request by hand: the contract, and a failure early rather than after the warm-up.
    const probe = await fetch(`${server.base}/api/v1/credit-checks`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': t.apiKey },
      body: JSON.stringify({ customerRef: customerRef(0), amount: '1500.00', currency: 'EUR', orderRef: 'SO-PROBE' }),
    });
    const probeBody = await probe.text();
    if (probe.status !== 201) throw new Error(`POST /api/v1/credit-checks answered ${probe.status}: ${probeBody.slice(0, 500)}`);
    log(`Probe: ${probeBody.slice(0, 400)}`);

    // ---------------------------------------------------------------- load
    const runs = [];
    let profile = null;
    let seedOffset = 0;
    for (const rate of RATES)
      for (let rep = 0; rep < REPEAT; rep++) {
        const waited = await waitQuiet();
        if (WARMUP > 0) {
          // Ramp up (half the warm-up at half the rate): a cold API and cache at full rate starts behind.
          for (const [share, part] of [
            [0.5, 'first half'],
            [1, 'second half'],
          ]) {
            const w = await fixedRate(server.base, t.apiKey, {
              rate: rate * share,
              seconds: WARMUP / 2,
              seed: SEED + 1000 + 10 * seedOffset + share * 2,
            });
            log(
              `Warm-up (${part}): ${w.requests} requests at ${rate * share}/s, p50 ${w.latencyMs.p50} p99 ${w.latencyMs.p99} ms, ${w.nonOk} non-2xx`,
            );
          }
        }
        const loadBefore = await machineLine();
        const profiled = o.profile && !runs.length;
        const profStart = process.hrtime.bigint();
        const meter = new CpuMeter(pids);
        const gcFrom = o['trace-gc'] ? statSync(server.logFile).size : 0;
        await eventLoopLag(server.base); // prom-client resets its event-loop histogram on each scrape
        log(`Load: ${rate} requests/s for ${DURATION} s (${loadBefore})`);
        const r = await fixedRate(server.base, t.apiKey, { rate, seconds: DURATION, seed: SEED + seedOffset++ });
        const cpu = meter.stop();
        if (o['trace-gc']) r.gc = gcPauses(server.logFile, gcFrom);
        r.eventLoopLagMs = await eventLoopLag(server.base);
        const profEnd = process.hrtime.bigint();
        const loadAfter = await machineLine();
        const run = { rate, ...r, cpu, machine: { before: loadBefore, after: loadAfter, waitedForQuietSeconds: waited } };
        run.meetsTarget = rate >= 200 && r.nonOk === 0 && r.latencyMs.p99 <= TARGET_P99_MS;
        runs.push(run);
        printRun(run);
        if (run.gc) log(`GC pauses of the API in the run: ${JSON.stringify(run.gc)}`);
        if (run.eventLoopLagMs) log(`API event-loop delay in the run (ms): ${JSON.stringify(run.eventLoopLagMs)}`);
        if (profiled) profile = { start: profStart, end: profEnd };
      }
    const [{ logged }] = (
      await client.query(`SELECT count(*)::int AS logged FROM credit_check WHERE tenant_id = $1`, [t.tenantId])
    ).rows;

    if (profile) {
      await server.stop();
      const files = existsSync(profDir) ? readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')) : [];
      const main = files.find((f) => Number(f.split('.')[4]) === 0) ?? files[0];
      if (main) {
        const trimmed = trimProfile(join(profDir, main), profile.start, profile.end, join(tmp, 'load.cpuprofile'));
        profile = { window: `first measured run, ${trimmed.window}`, ...summariseProfile(trimmed.file, { top: 25 }) };
        console.log(`\nAPI CPU profile, ${profile.window}: ${fmt(profile.totalMs)} ms of samples ((idle) = waiting)`);
        console.log('  self time by package / file:');
        for (const x of profile.byPackage.slice(0, 15)) console.log(`    ${String(x.pct).padStart(5)} %  ${x.where}`);
        console.log('  self time by function:');
        for (const x of profile.bySelf.slice(0, 25)) console.log(`    ${String(x.pct).padStart(5)} %  ${x.fn}`);
        console.log('  inclusive time:');
        for (const x of profile.inclusive.slice(0, 40)) console.log(`    ${String(x.pct).padStart(5)} %  ${x.fn}`);
      } else log('No CPU profile was written');
    }

    console.log('\n================ credit check at a fixed rate: summary ================');
    console.log(`date       ${new Date().toISOString()}`);
    console.log(`database   ${db.kind}`);
    console.log(
      `data       ${fmt(nItems)} open items, ${fmt(C)} customers; ${fmt(seeded.limits)} limits, ${fmt(seeded.scores)} scores, ${fmt(seeded.ratings)} ratings, ${fmt(seeded.blocked)} blocked; ${fmt(logged)} checks logged`,
    );
    console.log(
      `runs       ${DURATION} s each after ${WARMUP} s of warm-up; target p99 <= ${TARGET_P99_MS} ms at 200 requests/s`,
    );
    console.log('rate/s  achieved   p50    p90    p99  p99.9    max  non-2xx  CPU s API/PG   load average before → after');
    for (const r of runs) {
      const L = r.latencyMs;
      console.log(
        `${String(r.rate).padStart(6)} ${String(r.achievedRate).padStart(9)} ${[L.p50, L.p90, L.p99, L.p999, L.max].map((x) => String(x).padStart(6)).join(' ')} ${String(r.nonOk).padStart(8)}  ${`${r.cpu.api}/${r.cpu.postgres}`.padStart(12)}   ${loadOnly(r.machine.before)} → ${loadOnly(r.machine.after)}${r.rate >= 200 ? (r.meetsTarget ? '  MET' : '  NOT MET') : ''}`,
      );
    }
    const out = {
      bench: 'credit-check',
      date: new Date().toISOString(),
      database: db.kind,
      settings,
      items: nItems,
      customers: C,
      seeded,
      duration: DURATION,
      warmup: WARMUP,
      runs,
      logged,
      profile: profile?.byPackage
        ? { window: profile.window, totalMs: profile.totalMs, byPackage: profile.byPackage, bySelf: profile.bySelf }
        : null,
    };
    console.log(`BENCH_RESULT ${JSON.stringify(out)}`);
    if (o.json) writeFileSync(o.json, JSON.stringify(out, null, 2));
  },
  { timeoutSeconds: Number(o.timeout) },
);

/**
 * Pauses printed by --trace-gc in the API log after byte `from`: lines such as
 * `[1234:0x...]  5678 ms: Scavenge 40.1 (42.0) -> 39.5 (43.0) MB, 1.23 / 0.00 ms  (average mu = ...) allocation failure;`
 * (the first figure after the sizes is the pause on the main thread).
 */
function gcPauses(file, from) {
  const text = readFileSync(file, 'utf8').slice(from);
  const byKind = {};
  for (const m of text.matchAll(/ms: ([A-Za-z-]+(?: \(reduce\))?)[^\n]*?MB, ([0-9.]+) \/ [0-9.]+ ms/g)) {
    const kind = m[1];
    const ms = Number(m[2]);
    const k = (byKind[kind] ??= { count: 0, totalMs: 0, maxMs: 0, over10ms: 0 });
    k.count++;
    k.totalMs = +(k.totalMs + ms).toFixed(1);
    k.maxMs = Math.max(k.maxMs, ms);
    if (ms > 10) k.over10ms++;
  }
  return byKind;
}

/** The API's event-loop delay since the previous scrape (prom-client's default metrics, in ms), or null. */
async function eventLoopLag(base) {
  try {
    const res = await fetch(`${base}/api/metrics`);
    if (!res.ok) return null;
    const text = await res.text();
    const out = {};
    for (const k of ['p50', 'p90', 'p99', 'max'])
      out[k] = +(Number(new RegExp(`^encours_nodejs_eventloop_lag_${k}_seconds (\\S+)$`, 'm').exec(text)?.[1]) * 1000).toFixed(1);
    return out;
  } catch {
    return null;
  }
}
