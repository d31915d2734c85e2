import { AppConfig, dataSourceOptions, startEmbeddedPostgres } from '@encours/api-core';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';

export interface DatabaseHandle {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** `DATABASE_URL` when set; otherwise an embedded PostgreSQL whose data lives in DATA_DIR/pg. */
export async function resolveDatabase(config: AppConfig, log: (m: string) => void = () => undefined): Promise<DatabaseHandle> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: false, stop: async () => undefined };
  const db = await startEmbeddedPostgres({ dataDir: join(config.dataDir, 'pg'), port: config.embeddedPgPort, log });
  return { url: db.url, embedded: true, stop: db.stop };
}

export function createDataSource(url: string, config?: Pick<AppConfig, 'dbPoolSize' | 'dbLogQueries'>): DataSource {
  return new DataSource(
    dataSourceOptions({
      url,
      entities: ENTITIES,
      migrations: MIGRATIONS,
      poolSize: config?.dbPoolSize,
      logQueries: config?.dbLogQueries,
    }),
  );
}

/** Applies pending migrations, each in its own transaction; returns their names. */
export async function runMigrations(url: string): Promise<string[]> {
  const ds = createDataSource(url);
  await ds.initialize();
  try {
    const done = await ds.runMigrations({ transaction: 'each' });
    return done.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}
