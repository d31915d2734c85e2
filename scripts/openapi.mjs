// Generates the OpenAPI spec from the code into libs/shared/api-client, and the typed client
// types from it; with --check, fails when the committed spec differs from the code.
import { ensureBuilt, run } from './lib.mjs';

const check = process.argv.includes('--check');
ensureBuilt();
const spec = 'libs/shared/api-client/openapi.json';
run(process.execPath, ['apps/api/dist/tools/openapi-gen.js', spec, ...(check ? ['--check'] : [])]);
if (!check) {
  run('npx', [
    'openapi-typescript',
    spec,
    '-o',
    'libs/shared/api-client/src/schema.d.ts',
    '--redocly',
    'libs/shared/api-client/redocly.typegen.yaml',
  ]);
  run('npx', ['prettier', '--write', 'libs/shared/api-client/src/schema.d.ts'], { stdio: 'ignore' });
}
