// npm run migration:generate -- <Name> | npm run migration:check
import { ensureBuilt, run } from './lib.mjs';

ensureBuilt();
run(process.execPath, ['--enable-source-maps', 'apps/api/dist/tools/migrations.js', ...process.argv.slice(2)]);
