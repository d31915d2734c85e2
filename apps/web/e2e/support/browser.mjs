// What every browser suite shares: Debian's Chromium with the flags this machine needs, and the
// rule "skipped without a browser, failed when it is required (ENCOURS_REQUIRE_BROWSER=1) or
// when the build is missing".
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { assertBuilt } from './server.mjs';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

function preconditions() {
  if (!existsSync(CHROMIUM)) {
    const why = `${CHROMIUM} not found (apt-get install -y chromium)`;
    if (process.env.ENCOURS_REQUIRE_BROWSER === '1') return { fail: `ENCOURS_REQUIRE_BROWSER=1 but ${why}` };
    return { skip: `${why}: browser tests skipped; set ENCOURS_REQUIRE_BROWSER=1 to make this a failure` };
  }
  try {
    assertBuilt();
  } catch (error) {
    return { fail: error.message };
  }
  return {};
}

/** Declares the suite, or a skipped / failing placeholder saying why it cannot run here. */
export function browserSuite(name, body) {
  const blocked = preconditions();
  if (blocked.skip) {
    console.warn(blocked.skip);
    test(name, { skip: blocked.skip }, () => undefined);
  } else if (blocked.fail) {
    test(name, () => {
      throw new Error(blocked.fail);
    });
  } else {
    describe(name, body);
  }
}
