// Starts the BUILT Encours server (apps/api/dist/main.js --demo) for the browser tests.
//
// - With DATABASE_URL set: creates a scratch database on that PostgreSQL server
//   (encours_e2e_<pid>_<timestamp>), runs the server against it and drops it afterwards.
// - Without: gives the server a fresh temporary DATA_DIR, so it starts its own embedded
//   PostgreSQL there; the folder is removed afterwards.
//
// Every path is resolved from this file, so the suite runs from any working directory.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const API_MAIN = join(REPO_ROOT, 'apps/api/dist/main.js');
export const WEB_DIST = join(REPO_ROOT, 'apps/web/dist');
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results/screenshots');

export const DEMO_ADMIN_EMAIL = 'demo@encours.test';

const STARTUP_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;

/** Throws with the command to run when the API or the SPA has not been built. */
export function assertBuilt() {
  const missing = [API_MAIN, join(WEB_DIST, 'index.html')].filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(
      `The browser tests run against the built server, but ${missing.map((f) => f.slice(REPO_ROOT.length + 1)).join(' and ')} ` +
        `${missing.length > 1 ? 'are' : 'is'} missing. Build first, from the repository root:\n` +
        '  NX_NO_CLOUD=true NX_DAEMON=false npx nx run-many -t build --output-style=static',
    );
  }
}

/** A TCP port nobody listens on right now (the kernel picks it). */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolvePort(port));
    });
  });
}

/** Quotes an SQL identifier. */
function ident(name) {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Creates a fresh database next to the one DATABASE_URL names; returns its URL and a dropper. */
async function createScratchDatabase(baseUrl) {
  const name = `encours_e2e_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${ident(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

async function waitForHealth(baseUrl, child, output) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`The server exited during start-up (code ${child.exitCode ?? child.signalCode}):\n${output()}`);
    }
    try {
      const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`The server did not answer 200 on /api/health within ${STARTUP_TIMEOUT_MS / 1000} s:\n${output()}`);
}

function waitForExit(child, timeoutMs) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolveExit) => {
    const timer = setTimeout(() => resolveExit(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolveExit(true);
    });
  });
}

/**
 * Starts the built server with the demo tenant and waits until /api/health answers 200.
 * @param {{ demoPassword: string }} options
 * @returns {Promise<{ baseUrl: string, database: string, stop: () => Promise<void> }>}
 */
export async function startServer({ demoPassword }) {
  assertBuilt();
  const cleanups = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) {
      await fn().catch((error) => console.error(`e2e cleanup: ${error.message}`));
    }
    cleanups.length = 0;
  };

  try {
    const port = await freePort();
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO_PASSWORD: demoPassword,
      LOG_LEVEL: 'warn',
      WEB_DIST,
      JOBS_ENABLED: 'false',
      // waitForDemoLedger retries sign-in until the demo users exist: keep that from being rate-limited.
      LOGIN_MAX_ATTEMPTS: '100',
    };

    let database;
    if (process.env.DATABASE_URL) {
      const scratch = await createScratchDatabase(process.env.DATABASE_URL);
      cleanups.push(() => scratch.drop());
      env.DATABASE_URL = scratch.url;
      database = `scratch database ${scratch.name}`;
    } else {
      const dataDir = await mkdtemp(join(tmpdir(), 'encours-e2e-'));
      cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
      delete env.DATABASE_URL;
      env.DATA_DIR = dataDir;
      env.EMBEDDED_PG_PORT = String(await freePort());
      database = `embedded PostgreSQL in ${dataDir}`;
    }

    const child = spawn(process.execPath, [API_MAIN, '--demo'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const keep = (chunk) => {
      log = (log + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
          child.kill('SIGKILL');
          await waitForExit(child, 5_000);
          throw new Error(`the server did not stop within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM; killed`);
        }
      }
    });

    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHealth(baseUrl, child, () => log);
    return { baseUrl, database, stop: cleanup, log: () => log };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * `--demo` imports the demo ledger (customers, invoices, payments) after the server is up:
 * waits until the payments import has finished, so every screen sees the whole ledger.
 * @param {string} baseUrl
 * @param {string} demoPassword
 */
export async function waitForDemoLedger(baseUrl, demoPassword, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  // The demo users are created right after the server starts listening: retry until they exist.
  let accessToken;
  let lastStatus = 0;
  while (!accessToken && Date.now() < deadline) {
    const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: DEMO_ADMIN_EMAIL, password: demoPassword }),
    });
    lastStatus = login.status;
    if (login.status === 200) ({ accessToken } = await login.json());
    else {
      await login.body?.cancel();
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  if (!accessToken) throw new Error(`demo sign-in failed: ${lastStatus}`);
  while (Date.now() < deadline) {
    const res = await fetch(`${baseUrl}/api/v1/imports?entity=payments&pageSize=1`, {
      headers: { Authorization: `Bearer ${accessToken}` },
    });
    if (res.status === 200) {
      const { items } = await res.json();
      if (items.some((run) => run.status === 'succeeded')) return;
    } else {
      await res.body?.cancel();
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the demo ledger was not imported within ${timeoutMs / 1000} s`);
}
