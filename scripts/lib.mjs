// Shared helpers for the npm scripts: run a command, build what is missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const root = new URL('..', import.meta.url).pathname;

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts, env: { ...process.env, ...(opts.env ?? {}) } });
  if (r.status !== 0 && !opts.allowFail) process.exit(r.status ?? 1);
  return r.status ?? 1;
}

/** Builds every project through Nx (cached: a second run is instant). */
export function build() {
  run('npx', ['nx', 'run-many', '-t', 'build', '--output-style=static'], {
    env: { NX_NO_CLOUD: 'true', NX_DAEMON: 'false', NX_TUI: 'false' },
  });
}

export function ensureBuilt() {
  if (process.env.ENCOURS_SKIP_BUILD === '1' && existsSync(`${root}apps/api/dist/main.js`)) return;
  build();
}
