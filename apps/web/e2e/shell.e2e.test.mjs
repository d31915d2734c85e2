// Browser journey through the SPA shell, against the BUILT server with its demo tenant.
// Run from apps/web: `npm run test:e2e` (node --test, playwright-core, Debian's Chromium).
// Screenshots land in <repo>/test-results/screenshots/.
import assert from 'node:assert/strict';
import { before } from 'node:test';
import { browserSuite } from './support/browser.mjs';
import { browserJourney } from './support/journey.mjs';
import { DEMO_ADMIN_EMAIL } from './support/server.mjs';

const SUITE = 'SPA shell in Chromium (built server, demo tenant)';

const DEMO_PASSWORD = `e2e-${process.pid}-Demo-Pass`;
const STEP_TIMEOUT_MS = 60_000;

browserSuite(SUITE, journeySuite);

function journeySuite() {
  const { ctx, shot, waitForAttribute, step } = browserJourney({
    demoPassword: DEMO_PASSWORD,
    viewport: { width: 1280, height: 800 },
    defaultTimeout: 15_000,
    stepTimeout: STEP_TIMEOUT_MS,
    // The wrong-password attempt is the one expected failure.
    expectedFailure: (_method, pathname) => pathname === '/api/v1/auth/login',
  });
  /** @type {import('playwright-core').Page} */
  let page;
  /** @type {Awaited<ReturnType<typeof import('./support/server.mjs').startServer>>} */
  let server;
  before(() => {
    ({ page, server } = ctx);
  });
  const { pageErrors, apiFailures } = ctx;
  /** Carried from one step to the next. */
  const journey = { keyName: `ERP e2e ${Date.now()}`, key: '' };

  async function apiKeyCall(key) {
    const res = await fetch(`${server.baseUrl}/api/v1/legal-entities`, { headers: { 'X-API-Key': key } });
    await res.body?.cancel();
    return res.status;
  }

  async function savedLocale() {
    const token = await page.evaluate(() => window.localStorage.getItem('encours.accessToken'));
    const res = await fetch(`${server.baseUrl}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    return (await res.json()).locale;
  }

  /** Clicks the language toggle while signed in and waits for the PATCH /api/v1/me it sends. */
  async function switchLanguageSignedIn(to) {
    const patched = page.waitForResponse((r) => r.request().method() === 'PATCH' && new URL(r.url()).pathname === '/api/v1/me');
    await page.getByTestId('lang-switch').click();
    await waitForAttribute(page.getByTestId('lang-switch'), 'data-lang', to);
    const response = await patched;
    assert.equal(response.status(), 200);
    assert.equal((await response.json()).locale, to);
  }

  step('an anonymous visit to / lands on the French sign-in page', async () => {
    await page.goto('/');
    await page.waitForURL(/\/login(\?|$)/);
    await page.getByTestId('login-submit').waitFor();
    await waitForAttribute(page.getByTestId('lang-switch'), 'data-lang', 'fr');
    assert.equal(await page.locator('h1').innerText(), 'Connexion');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
    await shot('login-fr.png');
  });

  step('a wrong password shows a French error', async () => {
    await page.getByTestId('login-email').fill(DEMO_ADMIN_EMAIL);
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    const error = page.getByTestId('login-error');
    await error.waitFor();
    assert.match(await error.innerText(), /Email ou mot de passe incorrect\./);
    assert.match(page.url(), /\/login/);
  });

  step('the sign-in page switches to English', async () => {
    await page.getByTestId('lang-switch').click();
    await waitForAttribute(page.getByTestId('lang-switch'), 'data-lang', 'en');
    assert.equal(await page.locator('h1').innerText(), 'Sign in');
    assert.equal(await page.getByTestId('lang-switch').innerText(), 'FR');
    assert.match(await page.getByTestId('login-error').innerText(), /Incorrect email or password\./);
    assert.equal(await page.evaluate(() => window.localStorage.getItem('encours.locale')), 'en');
    await shot('login-en.png');
  });

  step('the demo admin signs in and sees the dashboard in English', async () => {
    await page.getByTestId('login-email').fill(DEMO_ADMIN_EMAIL);
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('dashboard').waitFor();
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal(await page.getByTestId('nav-dashboard').innerText(), 'Dashboard');
    assert.match(await page.getByTestId('user-menu').innerText(), /Camille Admin/);
    // The demo tenant has a ledger: KPI tiles instead of the welcome card (see receivables.e2e.test.mjs).
    await page.getByTestId('dashboard-kpis').waitFor();
    assert.equal(await page.getByTestId('dashboard-empty').count(), 0);
    await shot('dashboard-en.png');
  });

  step('switching back to French relabels the shell and saves the choice on the profile', async () => {
    await switchLanguageSignedIn('fr');
    assert.equal(await page.getByTestId('nav-dashboard').innerText(), 'Tableau de bord');
    assert.equal(await page.getByTestId('nav-users').innerText(), 'Utilisateurs');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
    assert.equal(await savedLocale(), 'fr');
  });

  step('the users page lists the demo users', async () => {
    await page.getByTestId('nav-users').click();
    await page.getByTestId('users-page').waitFor();
    await page.getByTestId('user-row').first().waitFor();
    const rows = await page.getByTestId('user-row').allInnerTexts();
    assert.ok(rows.length >= 5, `expected the 5 demo users, got ${rows.length}`);
    assert.ok(
      rows.some((r) => r.includes(DEMO_ADMIN_EMAIL)),
      'the demo admin is listed',
    );
    assert.ok(
      rows.some((r) => r.includes('Administrateur')),
      'roles are in French',
    );
    await shot('users-fr.png');
  });

  step('an API key is created with the tenant:read scope and revealed once', async () => {
    await page.getByTestId('nav-api-keys').click();
    await page.getByTestId('api-keys-page').waitFor();
    await page.getByTestId('api-key-create').click();
    await page.getByTestId('api-key-create-dialog').waitFor();
    await page.getByTestId('api-key-name').fill(journey.keyName);
    await page.getByTestId('api-key-scopes').click();
    await page
      .locator('[role="option"]')
      .filter({ has: page.locator('[data-scope="tenant:read"]') })
      .click();
    await page.keyboard.press('Escape');
    await page.getByTestId('api-key-submit').click();

    const revealed = page.getByTestId('api-key-revealed');
    await revealed.waitFor();
    journey.key = (await revealed.innerText()).trim();
    assert.match(journey.key, /^enc_\S{16,}$/);
    await shot('api-key-revealed.png');
  });

  step('the key authenticates machine calls within its scope', async () => {
    assert.equal(await apiKeyCall(journey.key), 200);
  });

  step('closing the reveal dialog shows the key as active, never again in full', async () => {
    await page.getByTestId('api-key-reveal-close').click();
    await page.getByTestId('api-key-reveal-dialog').waitFor({ state: 'detached' });
    const row = page.getByTestId('api-key-row').filter({ hasText: journey.keyName });
    await waitForAttribute(row.getByTestId('api-key-status'), 'data-status', 'active');
    assert.equal(await row.getByTestId('api-key-status').innerText(), 'Active');
    assert.ok(!(await page.locator('body').innerText()).includes(journey.key), 'the full key is no longer on the page');
  });

  step('revoking through the confirm dialog marks the key revoked', async () => {
    const row = page.getByTestId('api-key-row').filter({ hasText: journey.keyName });
    await row.getByTestId('api-key-revoke').click();
    await page.getByTestId('confirm-accept').click();
    await waitForAttribute(row.getByTestId('api-key-status'), 'data-status', 'revoked');
    assert.equal(await row.getByTestId('api-key-status').innerText(), 'Révoquée');
    assert.equal(await row.getByTestId('api-key-revoke').count(), 0);
    await shot('api-keys-fr.png');
  });

  step('the revoked key is refused', async () => {
    assert.equal(await apiKeyCall(journey.key), 401);
  });

  step("the language toggle updates the user's saved locale", async () => {
    await switchLanguageSignedIn('en');
    assert.equal(await savedLocale(), 'en');
    await switchLanguageSignedIn('fr');
    assert.equal(await savedLocale(), 'fr');
  });

  step('signing out lands on the sign-in page', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login/);
    await page.getByTestId('login-submit').waitFor();
    assert.equal(await page.evaluate(() => window.localStorage.getItem('encours.accessToken')), null);
  });

  step('no uncaught page error and no unexpected API failure', async () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(apiFailures, []);
  });
}
