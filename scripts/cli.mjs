// npm run cli -- <command>: operator commands (tenant:create, migration:run, demo:seed).
import { ensureBuilt, run } from './lib.mjs';

ensureBuilt();
run(process.execPath, ['--enable-source-maps', 'apps/api/dist/cli.js', ...process.argv.slice(2)], { env: { LOG_LEVEL: 'warn' } });
