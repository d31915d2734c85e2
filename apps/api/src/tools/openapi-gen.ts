import 'reflect-metadata';
import { AppConfig } from '@encours/api-core';
import { readFileSync, writeFileSync } from 'node:fs';
import { createApp } from '../app.factory.js';
import { buildOpenApiDocument } from '../openapi.js';

/** Writes (or, with --check, compares) the committed OpenAPI spec. No database needed. */
async function main(): Promise<void> {
  const [target, mode] = process.argv.slice(2);
  const config = AppConfig.fromEnv({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const app = await createApp({ config, databaseUrl: 'postgres://unused@127.0.0.1:1/unused', manualDbInit: true });
  const json = JSON.stringify(buildOpenApiDocument(app), null, 2) + '\n';
  await app.close();
  if (mode === '--check') {
    const committed = readFileSync(target, 'utf8');
    if (committed !== json) {
      console.error(`${target} is out of date: run npm run openapi:generate and commit it.`);
      process.exit(1);
    }
    console.log(`${target} matches the code.`);
  } else {
    writeFileSync(target, json);
    console.log(`Wrote ${target}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
