// Browser journey through the risk screens: the risk page (grades, limits near or over, alerts,
// legal events, pending limits), the risk panel of the customer 360 (grade and its factors in
// words, grade history chart, limit and exposure gauge, predicted payment dates), a limit raised
// by a collector that waits for a credit manager's approval, the credit-check log (a check run by
// hand, then released), the alerts bell, the scoring settings (a field error from the API), the
// sales page of a salesperson, and the English UI. Against the BUILT server with its demo tenant
// (limits, ratings with a collective proceeding, scores, predictions and credit checks); what the
// demo lacks for a screen (customers near their limit, a salesperson's portfolio) is created
// through the API first. Run from apps/web: `node --test e2e/scoring.e2e.test.mjs`.
// Screenshots land in <repo>/test-results/screenshots/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before } from 'node:test';
import { browserSuite } from './support/browser.mjs';
import { browserJourney, isApi } from './support/journey.mjs';
import { DEMO_ADMIN_EMAIL, SCREENSHOT_DIR } from './support/server.mjs';

const SUITE = 'Risk screens in Chromium (built server, demo tenant)';

const DEMO_PASSWORD = `e2e-${process.pid}-Demo-Pass`;
const STEP_TIMEOUT_MS = 90_000;
/** The demo seeds its dunning history and its risk data after the ledger import: wait for it. */
const DEMO_SEED_TIMEOUT_MS = 300_000;
const CREDIT_MANAGER = 'credit.manager@encours.test';
const COLLECTOR = 'collector@encours.test';
const SALES = 'sales@encours.test';

browserSuite(SUITE, journeySuite);

function journeySuite() {
  const { ctx, shotWithoutToasts, apiClient, waitForAttribute, step } = browserJourney({
    demoPassword: DEMO_PASSWORD,
    viewport: { width: 1440, height: 900 },
    defaultTimeout: 20_000,
    stepTimeout: STEP_TIMEOUT_MS,
    // The settings saved with an invalid threshold are refused on purpose (400).
    expectedFailure: (method, pathname) => method === 'PUT' && pathname === '/api/v1/scoring/settings',
  });
  /** @type {import('playwright-core').Page} */
  let page;
  before(() => {
    ({ page } = ctx);
  });
  const { pageErrors, apiFailures } = ctx;
  /** Carried from one step to the next. */
  const journey = {
    token: '',
    legalCustomerId: '',
    legalCustomerName: '',
    limitCustomerId: '',
    limitCustomerName: '',
    /** The limit the collector asks for, as the French UI writes it. */
    askedText: '',
  };
  /** "1 001 893,00 €" with plain spaces (Intl uses narrow no-break ones). */
  const plain = (text) => text.replace(/[\u202f\u00a0]/g, ' ').trim();

  const shot = shotWithoutToasts;
  /** The API as the demo admin (to prepare what the demo lacks). */
  const apiCall = apiClient(() => journey.token);

  async function signIn(email) {
    await page.goto('/login');
    await page.getByTestId('login-email').fill(email);
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('dashboard').waitFor();
    // Let the dashboard finish its requests: leaving it at once would abort them.
    await page.locator('[data-testid="dashboard"]:not([data-status="loading"])').waitFor();
    await page.waitForLoadState('networkidle');
  }

  async function signOut() {
    await page.getByTestId('user-menu').click();
    await page.getByTestId('logout').click();
    await page.getByTestId('login-email').waitFor();
  }

  /** Clicks the language toggle while signed in and waits for the PATCH /api/v1/me it sends. */
  async function switchLanguage(to) {
    const patched = page.waitForResponse(isApi('PATCH', /^\/api\/v1\/me$/));
    await page.getByTestId('lang-switch').click();
    await waitForAttribute(page.getByTestId('lang-switch'), 'data-lang', to);
    assert.equal((await patched).status(), 200);
  }

  /** Picks an option of the PrimeVue Select / AutoComplete overlay by its text. */
  async function pickOption(text) {
    await page.locator('[role="option"]', { hasText: text }).first().click();
  }

  step('the demo admin signs in once the demo risk data is seeded', async () => {
    const deadline = Date.now() + DEMO_SEED_TIMEOUT_MS;
    while (!/Demo tenant ".*" ready/.test(ctx.server.log()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 500));
    await signIn(DEMO_ADMIN_EMAIL);
    journey.token = await page.evaluate(() => window.localStorage.getItem('encours.accessToken'));

    // Customers near and over their limit: three limits set just around today's exposure.
    const near = await apiCall('GET', '/credit-limits/usage?minUsage=80&pageSize=5');
    if (near.items.filter((u) => Number(u.usagePercent) >= 100).length === 0) {
      const top = await apiCall('GET', '/credit-limits/usage?pageSize=3');
      for (const [i, u] of top.items.entries()) {
        const factor = [0.9, 1.05, 1.2][i];
        const amount = (Math.round(Number(u.exposure) * factor * 100) / 100).toFixed(2);
        const set = await apiCall('POST', `/customers/${u.customerId}/credit-limits`, {
          amount,
          currency: u.currency,
          source: 'internal',
          comment: 'Limite resserrée après revue',
        });
        assert.equal(set.status, 'active');
      }
    }
    // A salesperson's portfolio: every third customer.
    const customers = (await apiCall('GET', '/customers?pageSize=200&sort=name')).items;
    if (!customers.some((c) => c.salespersonId)) {
      const rows = customers
        .filter((_, i) => i % 3 === 0)
        .map((c) => ({ externalRef: c.externalRef, name: c.name, salespersonEmail: SALES }));
      const result = await apiCall('POST', '/imports/customers', rows);
      assert.equal(result.counts.failed, 0);
    }
    const legal = await apiCall('GET', '/external-ratings?legalEvent=true&pageSize=1');
    assert.ok(legal.items[0], 'the demo has a collective proceeding');
    journey.legalCustomerId = legal.items[0].customerId;
    journey.legalCustomerName = legal.items[0].customerName;

    await page.getByTestId('nav-risk-section').waitFor();
    for (const id of ['nav-risk', 'nav-credit-checks', 'nav-sales', 'nav-risk-settings'])
      assert.equal(await page.getByTestId(id).count(), 1, `${id} in the side nav`);
    await page.getByTestId('alerts-bell').waitFor();
  });

  step('the risk page shows the grades, the limits near or over, alerts, legal events and pending limits', async () => {
    await page.getByTestId('nav-risk').click();
    await page.getByTestId('risk-page').waitFor();
    assert.equal(await page.locator('h1').innerText(), 'Risque client');
    await page.getByTestId('grade-chart').locator('canvas').waitFor();
    assert.equal(await page.getByTestId('risk-grade-row').count(), 5);
    const counted = (await page.getByTestId('risk-grade-count').allInnerTexts()).map((s) => Number(s.replace(/\D/g, '')));
    assert.ok(counted.reduce((a, b) => a + b, 0) > 0, 'customers are graded');
    await page.getByTestId('risk-usage-row').first().waitFor();
    assert.ok(
      (await page.locator('[data-testid="risk-usage-row"] [data-tone="over"]').count()) >= 1,
      'a customer over its limit',
    );
    assert.ok(
      (await page.locator('[data-testid="risk-usage-row"] [data-tone="near"]').count()) >= 1,
      'a customer near its limit',
    );
    await page.getByTestId('risk-alert').first().waitFor();
    await page.getByTestId('risk-legal-row').first().waitFor();
    assert.match(await page.getByTestId('risk-legal').innerText(), /Redressement judiciaire|Liquidation judiciaire|sauvegarde/);
    await page.getByTestId('risk-approvals').waitFor();
    await shot('risk-fr.png');
  });

  step('the customer panel explains the grade by its factors, with the grade history and the limit', async () => {
    await page.getByTestId('risk-legal-customer').first().click();
    await page.getByTestId('customer-page').waitFor();
    const panel = page.getByTestId('customer-risk');
    await panel.getByTestId('risk-factor').first().waitFor();
    await waitForAttribute(panel.getByTestId('risk-grade'), 'data-grade', 'E');
    assert.match(await panel.getByTestId('risk-forced').innerText(), /la note est forcée à E/);
    const factors = await panel.getByTestId('risk-factor').count();
    assert.ok(factors >= 3, `${factors} factors`);
    const sentences = await panel.getByTestId('risk-factor-sentence').allInnerTexts();
    assert.ok(
      sentences.every((s) => s.trim().length > 10),
      JSON.stringify(sentences),
    );
    const impacts = await panel.getByTestId('risk-factor-impact').allInnerTexts();
    assert.match(impacts[0], /^−[\d,]+ pts$/);
    await panel.getByTestId('score-history-chart').locator('canvas').waitFor();
    await panel.getByTestId('exposure-gauge').waitFor();
    await panel.getByTestId('risk-tab-predictions').click();
    await panel.getByTestId('risk-prediction-row').first().waitFor();
    await shot('customer-risk-fr.png');
    await panel.getByTestId('risk-tab-limits').click();
  });

  step('a collector raises a limit: it waits for approval', async () => {
    const usage = await apiCall('GET', '/credit-limits/usage?minUsage=80&pageSize=5');
    const target = usage.items.find((u) => Number(u.usagePercent) < 100) ?? usage.items[0];
    journey.limitCustomerId = target.customerId;
    journey.limitCustomerName = target.customerName;
    await signOut();
    await signIn(COLLECTOR);
    assert.equal(await page.getByTestId('nav-risk-settings').count(), 0, 'no scoring settings for collectors');
    await page.goto(`/customers/${journey.limitCustomerId}`);
    const panel = page.getByTestId('customer-risk');
    await panel.getByTestId('risk-limit-amount').waitFor();
    await panel.getByTestId('risk-change-limit').click();
    const dialog = page.getByTestId('limit-dialog');
    await dialog.waitFor();
    const asked = String(Math.round(Number(target.limit)) + 1_000_000);
    journey.askedText = plain(
      new Intl.NumberFormat('fr-FR', { style: 'currency', currency: target.currency }).format(Number(asked)),
    );
    await page.getByTestId('limit-amount').fill(asked);
    await page.getByTestId('limit-comment').fill('Commande annuelle signée, client régulier');
    await shot('customer-limit-dialog-fr.png');
    const created = page.waitForResponse(isApi('POST', /^\/api\/v1\/customers\/[^/]+\/credit-limits$/));
    await page.getByTestId('limit-submit').click();
    const response = await created;
    assert.equal(response.status(), 201);
    assert.equal((await response.json()).status, 'pending');
    await page.getByTestId('limit-pending').waitFor();
    assert.match(await page.getByTestId('limit-pending').innerText(), /en attente d’approbation/);
    await shot('customer-limit-pending-fr.png');
    await page.getByTestId('limit-pending-close').click();
    await dialog.waitFor({ state: 'detached' });
    await panel.getByTestId('risk-pending-requests').waitFor();
    await panel.locator('[data-testid="risk-limit-status"][data-status="pending"]').first().waitFor();
  });

  step('a credit manager approves it from the risk page', async () => {
    await signOut();
    await signIn(CREDIT_MANAGER);
    await page.getByTestId('nav-risk').click();
    const rows = page.getByTestId('risk-approval-row').filter({ hasText: journey.limitCustomerName });
    await rows.first().waitFor();
    const texts = (await rows.allInnerTexts()).map(plain);
    const index = texts.findIndex((text) => text.includes(journey.askedText));
    assert.ok(index >= 0, `${journey.askedText} in ${JSON.stringify(texts)}`);
    const row = rows.nth(index);
    await row.getByTestId('risk-approval-approve').click();
    await page.getByTestId('limit-decision-dialog').waitFor();
    await page.getByTestId('limit-decision-comment').fill('Accord après revue du bilan');
    await shot('risk-approve-dialog-fr.png');
    const approved = page.waitForResponse(isApi('POST', /^\/api\/v1\/credit-limits\/[^/]+\/approve$/));
    await page.getByTestId('limit-decision-submit').click();
    const response = await approved;
    assert.equal(response.status(), 200);
    assert.equal((await response.json()).status, 'active');
    await page.getByTestId('limit-decision-dialog').waitFor({ state: 'detached' });
    await page.waitForFunction(
      (asked) =>
        ![...document.querySelectorAll('[data-testid="risk-approval-row"]')].some((row) =>
          row.textContent.replace(/[\u202f\u00a0]/g, ' ').includes(asked),
        ),
      journey.askedText,
    );
    await page.goto(`/customers/${journey.limitCustomerId}`);
    const panel = page.getByTestId('customer-risk');
    await panel.getByTestId('risk-limit-amount').waitFor();
    assert.equal(plain(await panel.getByTestId('risk-limit-amount').innerText()), journey.askedText);
    await waitForAttribute(panel.getByTestId('risk-limit-status').first(), 'data-status', 'active');
  });

  step('the credit-check log: a check run by hand, then a blocked order released', async () => {
    await page.getByTestId('nav-credit-checks').click();
    await page.getByTestId('credit-checks-page').waitFor();
    await page.getByTestId('credit-check-row').first().waitFor();
    // A check by hand for the customer in a collective proceeding: blocked.
    const search = page.getByTestId('credit-check-customer').locator('input');
    await search.fill(journey.legalCustomerName.slice(0, 12));
    await pickOption(journey.legalCustomerName);
    await page.getByTestId('credit-check-amount').fill('1500');
    await page.getByTestId('credit-check-order-ref').fill('CDE-E2E-001');
    const checked = page.waitForResponse(isApi('POST', /^\/api\/v1\/credit-checks$/));
    await page.getByTestId('credit-check-submit').click();
    assert.equal((await checked).status(), 201);
    await waitForAttribute(page.getByTestId('credit-check-outcome'), 'data-decision', 'block');
    assert.ok((await page.getByTestId('credit-check-reason').count()) >= 1);
    assert.match(
      await page.getByTestId('credit-check-outcome').innerText(),
      /Redressement judiciaire|Liquidation judiciaire|sauvegarde|note de risque est E/,
    );
    await shot('credit-check-run-fr.png');
    // The orders to release, and one released.
    const filtered = page.waitForResponse(
      (r) => new URL(r.url()).pathname === '/api/v1/credit-checks' && new URL(r.url()).searchParams.get('released') === 'false',
    );
    await page.getByTestId('credit-check-filter-to-release').click();
    assert.equal((await filtered).status(), 200);
    const row = page.getByTestId('credit-check-row').filter({ hasText: 'CDE-E2E-001' });
    await row.waitFor();
    await row.getByTestId('credit-check-release').click();
    await page.getByTestId('credit-check-release-dialog').waitFor();
    await page.getByTestId('credit-check-release-comment').fill('Acompte de 30 % reçu, commande libérée');
    const released = page.waitForResponse(isApi('POST', /^\/api\/v1\/credit-checks\/[^/]+\/release$/));
    await page.getByTestId('credit-check-release-submit').click();
    const response = await released;
    assert.equal(response.status(), 200);
    assert.equal((await response.json()).released, true);
    await page.getByTestId('credit-check-release-dialog').waitFor({ state: 'detached' });
    await row.getByTestId('credit-check-released').waitFor();
    await shot('credit-checks-fr.png');
  });

  step('the bell counts the unread alerts and the count goes down once one is read', async () => {
    const bell = page.getByTestId('alerts-bell');
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="alerts-bell"]')?.getAttribute('data-count')) > 0,
    );
    const before = Number(await bell.getAttribute('data-count'));
    await bell.click();
    const panel = page.getByTestId('alerts-panel');
    await panel.getByTestId('risk-alert').first().waitFor();
    const read = page.waitForResponse(isApi('POST', /^\/api\/v1\/risk-alerts\/[^/]+\/read$/));
    await panel.locator('[data-testid="risk-alert"][data-read="false"]').first().getByTestId('risk-alert-read').click();
    assert.equal((await read).status(), 200);
    await waitForAttribute(bell, 'data-count', String(before - 1));
    // Not `shot()`: scrolling the page closes the panel.
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'alerts-bell-fr.png'), animations: 'disabled' });
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'detached' });
  });

  step('the scoring settings show the API’s field error next to the field', async () => {
    await page.getByTestId('nav-risk-settings').click();
    await page.getByTestId('scoring-settings-page').waitFor();
    await page.getByTestId('settings-weight').first().waitFor();
    assert.equal(await page.getByTestId('settings-weight').count(), 8);
    assert.match(await page.getByTestId('settings-weight-share').first().innerText(), /%/);
    await page.getByTestId('settings-approval-threshold').fill('beaucoup');
    const saved = page.waitForResponse(isApi('PUT', /^\/api\/v1\/scoring\/settings$/));
    await page.getByTestId('scoring-settings-save').click();
    assert.equal((await saved).status(), 400);
    const error = page.getByTestId('settings-approval-threshold-error');
    await error.waitFor();
    assert.match(await error.innerText(), /montant positif/);
    await shot('scoring-settings-error-fr.png');
    await page.getByTestId('settings-approval-threshold').fill('50000');
    const again = page.waitForResponse(isApi('PUT', /^\/api\/v1\/scoring\/settings$/));
    await page.getByTestId('scoring-settings-save').click();
    const response = await again;
    assert.equal(response.status(), 200);
    assert.equal(Number((await response.json()).approvalThreshold), 50000);
  });

  step('the risk screens read in English', async () => {
    await switchLanguage('en');
    await page.getByTestId('nav-risk').click();
    await page.getByTestId('risk-usage-row').first().waitFor();
    assert.equal(await page.locator('h1').innerText(), 'Customer risk');
    await shot('risk-en.png');
    await page.goto(`/customers/${journey.legalCustomerId}`);
    const panel = page.getByTestId('customer-risk');
    await panel.getByTestId('risk-factor').first().waitFor();
    assert.match(await panel.innerText(), /Risk and credit limit[\s\S]+Why this grade/i);
    assert.match(await panel.getByTestId('risk-forced').innerText(), /the grade is forced to E/);
    await shot('customer-risk-en.png');
    await page.getByTestId('nav-credit-checks').click();
    await page.getByTestId('credit-check-row').first().waitFor();
    assert.match(await page.getByTestId('credit-checks-table').innerText(), /Blocked|Accepted|To review/);
    await shot('credit-checks-en.png');
    await page.getByTestId('nav-risk-settings').click();
    await page.getByTestId('settings-weight').first().waitFor();
    await shot('scoring-settings-en.png');
    await switchLanguage('fr');
  });

  step('a salesperson sees their good payers, their own cash collected and risk badges', async () => {
    await signOut();
    await signIn(SALES);
    assert.equal(await page.getByTestId('nav-risk').count(), 0, 'no risk page for sales');
    await page.getByTestId('nav-sales').click();
    await page.getByTestId('sales-page').waitFor();
    await page.getByTestId('sales-cash-row').first().waitFor();
    assert.equal(await page.getByTestId('sales-cash-row').count(), 1, 'their own line only');
    assert.match(await page.getByTestId('sales-cash-row').innerText(), /Sophie Vente/);
    await page.getByTestId('cash-chart').locator('canvas').waitFor();
    await page.getByTestId('good-payer-row').first().waitFor();
    const grades = await page
      .locator('[data-testid="good-payer-row"] [data-testid="grade-badge"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-grade')));
    assert.ok(
      grades.every((g) => g === 'A' || g === 'B'),
      grades.join(','),
    );
    await shot('sales-fr.png');
    await page.getByTestId('nav-customers').click();
    await page.getByTestId('customer-row').first().waitFor();
    await page.getByTestId('risk-badge').first().waitFor();
    await shot('customers-risk-badges-fr.png');
    await switchLanguage('en');
    await page.getByTestId('nav-sales').click();
    await page.getByTestId('sales-cash-row').first().waitFor();
    assert.equal(await page.locator('h1').innerText(), 'Sales');
    assert.match(await page.getByTestId('sales-cash').innerText(), /Your cash collected/);
    await shot('sales-en.png');
    await switchLanguage('fr');
  });

  step('no uncaught page error, no API failure and no Vue warning', async () => {
    assert.deepEqual(pageErrors, []);
    // The browser's own favicon request is cut short when a test navigates with page.goto.
    assert.deepEqual(
      apiFailures.filter((line) => !/\/favicon\.svg \(net::ERR_ABORTED\)$/.test(line)),
      [],
    );
    assert.deepEqual(
      ctx.consoleLines.filter((line) => line.includes('[Vue warn]') || line.includes('[intlify]')),
      [],
    );
  });
}
