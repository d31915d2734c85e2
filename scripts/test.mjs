// npm test: builds, then runs every suite: server unit tests (in two time zones), API tests on a
// real PostgreSQL (embedded, or DATABASE_URL's server), web component tests, and the browser
// tests in Chromium when /usr/bin/chromium exists (ENCOURS_REQUIRE_BROWSER=1 makes it required).
// Ends with one line "N passed, N failed".
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build, root, run } from './lib.mjs';

const out = join(root, 'test-results');
rmSync(join(out, 'json'), { recursive: true, force: true });
mkdirSync(join(out, 'json'), { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
const failedSuites = [];

function jestRun(name, args, env) {
  const file = join(out, 'json', `${name}.json`);
  const status = run('npx', ['jest', ...args, '--json', `--outputFile=${file}`], {
    allowFail: true,
    env: { NODE_OPTIONS: '--experimental-vm-modules --no-warnings', ...env },
  });
  if (existsSync(file)) {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + r.numTodoTests;
  }
  if (status !== 0) failedSuites.push(name);
}

console.log('\n== build');
build();

console.log('\n== server unit tests (TZ=UTC, then TZ=America/Los_Angeles)');
jestRun('unit-utc', ['--selectProjects', 'unit'], { TZ: 'UTC' });
jestRun('unit-la', ['--selectProjects', 'unit'], { TZ: 'America/Los_Angeles' });

console.log(`\n== API tests on ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'an embedded PostgreSQL'}`);
jestRun('api', ['--selectProjects', 'api', '--maxWorkers=2'], { TZ: 'Europe/Paris' });

console.log('\n== web component tests');
{
  const file = join(out, 'json', 'web.json');
  const status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${file}`], {
    cwd: join(root, 'apps/web'),
    allowFail: true,
    env: { TZ: 'UTC' },
  });
  if (existsSync(file)) {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  }
  if (status !== 0) failedSuites.push('web');
}

console.log('\n== browser tests (Chromium)');
if (!existsSync('/usr/bin/chromium') && process.env.ENCOURS_REQUIRE_BROWSER !== '1') {
  console.log('Skipped: /usr/bin/chromium is not installed (apt-get install -y chromium). CI requires it.');
} else {
  const tap = join(out, 'json', 'browser.tap');
  const status = run(
    process.execPath,
    [
      '--test',
      '--test-concurrency=1',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      'e2e/',
    ],
    { cwd: join(root, 'apps/web'), allowFail: true },
  );
  if (existsSync(tap)) {
    const text = readFileSync(tap, 'utf8');
    const count = (k) => Number(new RegExp(`^# ${k} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    totals.passed += count('pass');
    totals.failed += count('fail') + count('cancelled');
    totals.skipped += count('skipped');
  }
  if (status !== 0) failedSuites.push('browser');
}

console.log('');
if (failedSuites.length) console.log(`Failing suites: ${failedSuites.join(', ')}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedSuites.length ? 1 : 0);
