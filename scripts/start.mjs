// npm start [-- --demo]: builds what changed, then serves API + web app on one port.
import { spawn } from 'node:child_process';
import { ensureBuilt, root } from './lib.mjs';

ensureBuilt();
const args = process.argv.slice(2);
const env = { ...process.env };
if (args.includes('--demo')) env.DEMO = '1';
const child = spawn(process.execPath, ['--enable-source-maps', 'apps/api/dist/main.js', ...args], {
  cwd: root,
  env,
  stdio: 'inherit',
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
