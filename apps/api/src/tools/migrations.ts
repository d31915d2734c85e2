import 'reflect-metadata';
import { startEmbeddedPostgres } from '@encours/api-core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDataSource } from '../database.js';

/**
 * `generate <Name>`: writes a migration with what the entities need beyond the existing
 * migrations. `check`: fails when the entities need a migration that does not exist yet.
 * Works on a throwaway database: a new one on DATABASE_URL's server, or an embedded one.
 */
async function withScratchDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const base = process.env.DATABASE_URL;
  if (base) {
    const name = `encours_migcheck_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const u = new URL(base);
      u.pathname = `/${name}`;
      return await fn(u.toString());
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'encours-migcheck-'));
  const db = await startEmbeddedPostgres({ dataDir: join(dir, 'pg'), port: 55432, persistent: false, fast: true });
  try {
    return await fn(db.url);
  } finally {
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function escape(q: string): string {
  return q.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
}

async function main(): Promise<void> {
  const [command, name] = process.argv.slice(2);
  if (command !== 'generate' && command !== 'check') {
    console.error('Usage: migrations (generate <Name> | check)');
    process.exit(2);
  }
  const sql = await withScratchDatabase(async (url) => {
    const ds = createDataSource(url);
    await ds.initialize();
    try {
      await ds.runMigrations({ transaction: 'each' });
      return await ds.driver.createSchemaBuilder().log();
    } finally {
      await ds.destroy();
    }
  });
  if (command === 'check') {
    if (sql.upQueries.length) {
      console.error('The entities need a migration that does not exist yet:');
      for (const q of sql.upQueries) console.error(`  ${q.query}`);
      console.error('Run: npm run migration:generate -- <Name>');
      process.exit(1);
    }
    console.log('Entities and migrations agree.');
    return;
  }
  if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
    console.error('Give the migration a PascalCase name, e.g. npm run migration:generate -- AddInvoices');
    process.exit(2);
  }
  if (!sql.upQueries.length) {
    console.log('Nothing to migrate.');
    return;
  }
  const ts = Date.now();
  const className = `${name}${ts}`;
  const file = join(process.cwd(), 'apps/api/src/migrations', `${ts}-${name}.ts`);
  const up = sql.upQueries.map((q) => `    await q.query(\`${escape(q.query)}\`);`).join('\n');
  const down = sql.downQueries
    .reverse()
    .map((q) => `    await q.query(\`${escape(q.query)}\`);`)
    .join('\n');
  writeFileSync(
    file,
    `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(q: QueryRunner): Promise<void> {
${up}
  }

  async down(q: QueryRunner): Promise<void> {
${down}
  }
}
`,
  );
  console.log(`Wrote ${file}; add ${className} to apps/api/src/migrations/index.ts`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
