// Browser journey through the dunning screens (worklist, runs and preview, scenario editor,
// template editor, settings) and the dunning side of the customer 360 page (promise to pay,
// payment plan, penalties, documents), against the BUILT server with its demo tenant: the demo
// replays 60 days of dunning runs, so the worklist has calls, letters and reminders to approve.
// Run from apps/web: `node --test e2e/dunning.e2e.test.mjs` (node --test, playwright-core,
// Debian's Chromium). Screenshots land in <repo>/test-results/screenshots/.
import assert from 'node:assert/strict';
import { before } from 'node:test';
import { browserSuite } from './support/browser.mjs';
import { browserJourney, isApi } from './support/journey.mjs';
import { DEMO_ADMIN_EMAIL } from './support/server.mjs';

const SUITE = 'Dunning screens in Chromium (built server, demo tenant)';

const DEMO_PASSWORD = `e2e-${process.pid}-Demo-Pass`;
const STEP_TIMEOUT_MS = 90_000;
/** The demo replays its dunning history after the ledger import: wait for it to finish. */
const DEMO_SEED_TIMEOUT_MS = 240_000;

browserSuite(SUITE, journeySuite);

function journeySuite() {
  const { ctx, shotWithoutToasts, apiClient, waitForAttribute, step } = browserJourney({
    demoPassword: DEMO_PASSWORD,
    viewport: { width: 1440, height: 900 },
    defaultTimeout: 20_000,
    stepTimeout: STEP_TIMEOUT_MS,
    // The scenario step saved with out-of-order offsets is refused on purpose (400).
    expectedFailure: (method, pathname) => method === 'PUT' && /^\/api\/v1\/dunning\/scenarios\/[^/]+$/.test(pathname),
  });
  /** @type {import('playwright-core').Page} */
  let page;
  before(() => {
    ({ page } = ctx);
  });
  const { pageErrors, apiFailures } = ctx;
  /** Carried from one step to the next. */
  const journey = { token: '', customerId: '', customerName: '' };

  const shot = shotWithoutToasts;
  /** The API as the demo admin (to find the customer to work on, or create what the demo lacks). */
  const apiCall = apiClient(() => journey.token);

  /** Clicks the language toggle while signed in and waits for the PATCH /api/v1/me it sends. */
  async function switchLanguage(to) {
    const patched = page.waitForResponse(isApi('PATCH', /^\/api\/v1\/me$/));
    await page.getByTestId('lang-switch').click();
    await waitForAttribute(page.getByTestId('lang-switch'), 'data-lang', to);
    assert.equal((await patched).status(), 200);
  }

  /** Picks an option of the PrimeVue Select / MultiSelect overlay by its text. */
  async function pickOption(text) {
    await page.locator('[role="option"]', { hasText: text }).first().click();
  }

  /** dd/mm/yyyy of a day `days` from today (the DatePickers take French dates in both languages). */
  function frenchDate(days) {
    const d = new Date();
    d.setDate(d.getDate() + days);
    return `${String(d.getDate()).padStart(2, '0')}/${String(d.getMonth() + 1).padStart(2, '0')}/${d.getFullYear()}`;
  }

  step('the demo admin signs in once the demo dunning history is replayed', async () => {
    const deadline = Date.now() + DEMO_SEED_TIMEOUT_MS;
    while (!/Demo tenant ".*" ready/.test(ctx.server.log()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 500));
    await page.goto('/login');
    await page.getByTestId('login-email').fill(DEMO_ADMIN_EMAIL);
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('dashboard').waitFor();
    journey.token = await page.evaluate(() => window.localStorage.getItem('encours.accessToken'));
    const tasks = await apiCall('GET', '/dunning/worklist?assignee=all&pageSize=1');
    if (tasks.total === 0) {
      // A tenant without history: today's run gives the worklist its tasks.
      const outcome = await apiCall('POST', '/dunning/runs');
      assert.notEqual(outcome.status, 'failed', outcome.error);
    }
    await page.getByTestId('nav-dunning').waitFor();
    for (const id of ['nav-worklist', 'nav-runs', 'nav-scenarios', 'nav-templates', 'nav-dunning-settings']) {
      assert.equal(await page.getByTestId(id).count(), 1, `${id} in the side nav`);
    }
  });

  step('the worklist lists the tasks by priority with counters per kind', async () => {
    await page.getByTestId('nav-worklist').click();
    await page.getByTestId('worklist-page').waitFor();
    await page.getByTestId('worklist-row').first().waitFor();
    assert.equal(await page.locator('h1').innerText(), 'Tâches du jour');
    const all = Number((await page.getByTestId('worklist-counter-all').locator('.count').innerText()).trim());
    assert.ok(all > 0, 'tasks in the demo');
    const scores = await page.getByTestId('priority-badge').locator('.score').allInnerTexts();
    const numbers = scores.map(Number);
    assert.deepEqual(
      numbers,
      [...numbers].sort((a, b) => b - a),
      'most urgent first',
    );
    assert.match(await page.getByTestId('worklist-row').first().innerText(), /€/);
    await shot('dunning-worklist-fr.png');
    // A letter to post: its PDF is one click away.
    if (await page.getByTestId('task-print').count()) {
      const download = page.waitForEvent('download');
      await page.getByTestId('task-print').first().click();
      assert.match((await download).suggestedFilename(), /\.pdf$/);
    }
  });

  step('a call is worked: outcome and comment, and it leaves the list', async () => {
    await page.getByTestId('worklist-counter-call').click();
    const row = page
      .getByTestId('worklist-row')
      .filter({ has: page.locator('[data-kind="call"]') })
      .first();
    await row.waitFor();
    const customer = (await row.getByTestId('worklist-customer-link').innerText()).trim();
    const before = Number((await page.getByTestId('worklist-counter-call').locator('.count').innerText()).trim());
    await row.getByTestId('task-call').click();
    await page.getByTestId('task-complete-dialog').waitFor();
    await page.getByTestId('task-outcome').click();
    await pickOption('Interlocuteur joint');
    await page.getByTestId('task-comment').fill('Le comptable confirme un virement vendredi.');
    await shot('dunning-call-dialog-fr.png');
    const done = page.waitForResponse(isApi('POST', /^\/api\/v1\/dunning\/tasks\/[^/]+\/complete$/));
    await page.getByTestId('task-complete-submit').click();
    assert.equal((await done).status(), 204);
    await page.getByTestId('task-complete-dialog').waitFor({ state: 'detached' });
    const after = Number((await page.getByTestId('worklist-counter-call').locator('.count').innerText()).trim());
    assert.equal(after, before - 1, `the call to ${customer} is done`);
  });

  step('a reminder waiting for validation shows what will be sent, and is approved', async () => {
    await page.getByTestId('worklist-counter-all').click();
    if ((await page.getByTestId('worklist-counter-validation').count()) === 0) {
      console.log('no reminder to approve in the demo today: step skipped');
      return;
    }
    await page.getByTestId('worklist-counter-validation').click();
    const row = page
      .getByTestId('worklist-row')
      .filter({ has: page.locator('[data-kind="validation"]') })
      .first();
    await row.getByTestId('task-decide').click();
    const dialog = page.getByTestId('task-decision-dialog');
    await dialog.waitFor();
    assert.match(await page.getByTestId('task-decision-summary').innerText(), /Étape[\s\S]+Action/);
    if (await page.getByTestId('task-decision-preview').count()) {
      await page.getByTestId('task-decision-preview').click();
      await dialog
        .getByTestId('message-preview-text')
        .or(dialog.getByTestId('message-preview-html'))
        .or(dialog.locator('.p-message'))
        .first()
        .waitFor();
    }
    await shot('dunning-approve-dialog-fr.png');
    const approved = page.waitForResponse(isApi('POST', /^\/api\/v1\/dunning\/tasks\/[^/]+\/approve$/));
    await page.getByTestId('task-approve').click();
    const response = await approved;
    assert.equal(response.status(), 200);
    assert.ok(['sent', 'queued', 'task', 'done', 'failed'].includes((await response.json()).status));
    await dialog.waitFor({ state: 'detached' });
    await page.getByTestId('worklist-counter-all').click();
  });

  step('the runs page shows the history, the preview of tomorrow and runs today again', async () => {
    await page.getByTestId('nav-runs').click();
    await page.getByTestId('runs-page').waitFor();
    await page.getByTestId('run-row').first().waitFor();
    await page.getByTestId('run-preview-summary').waitFor();
    assert.match(await page.getByTestId('run-row').first().innerText(), /Planifiée|Manuelle/);
    await shot('dunning-runs-fr.png');
    // Another day: type it in the date picker.
    const previewed = page.waitForResponse(
      (r) => new URL(r.url()).pathname === '/api/v1/dunning/runs/preview' && new URL(r.url()).searchParams.has('date'),
    );
    const input = page.getByTestId('run-preview-date').locator('input');
    await input.fill(frenchDate(15));
    await input.press('Enter');
    await page.keyboard.press('Escape');
    assert.equal((await previewed).status(), 200);
    const ran = page.waitForResponse(isApi('POST', /^\/api\/v1\/dunning\/runs$/));
    await page.getByTestId('runs-run-now').click();
    await page.getByTestId('confirm-accept').click();
    assert.equal((await ran).status(), 200);
    await page.getByTestId('run-row').filter({ hasText: 'Manuelle' }).first().waitFor();
    await shot('dunning-runs-after-fr.png');
  });

  step('the scenario editor shows the steps on a timeline and the offsets error on the right field', async () => {
    await page.getByTestId('nav-scenarios').click();
    await page.getByTestId('scenarios-page').waitFor();
    await page.getByTestId('scenario-row').first().waitFor();
    await shot('dunning-scenarios-fr.png');
    await page.getByTestId('scenario-link').first().click();
    await page.getByTestId('scenario-editor').waitFor();
    await page.getByTestId('scenario-timeline-step').first().waitFor();
    const steps = await page.getByTestId('scenario-step').count();
    assert.ok(steps >= 3, `${steps} steps`);
    assert.equal(await page.getByTestId('scenario-timeline-step').count(), steps);
    await page.getByTestId('scenario-timeline-due').waitFor();
    await shot('dunning-scenario-editor-fr.png');
    // The third step before the second one: the API refuses, the message lands under its offset.
    const third = page.locator('[data-testid="scenario-step"][data-index="2"]');
    const offset = third.getByTestId('scenario-step-offset').locator('input');
    const previous = Number(
      (await page
        .locator('[data-testid="scenario-step"][data-index="1"]')
        .getByTestId('scenario-step-offset')
        .locator('input')
        .inputValue()) || '0',
    );
    await offset.fill(String(previous - 1));
    await offset.press('Tab');
    const saved = page.waitForResponse(isApi('PUT', /^\/api\/v1\/dunning\/scenarios\/[^/]+$/));
    await page.getByTestId('scenario-save').click();
    const response = await saved;
    assert.equal(response.status(), 400);
    const problem = await response.json();
    assert.ok(
      problem.errors.some((e) => e.field === 'steps[2].offsetDays'),
      JSON.stringify(problem.errors),
    );
    const error = third.getByTestId('scenario-step-offset-error');
    await error.waitFor();
    assert.match(await error.innerText(), /doit venir strictement après l’étape précédente \(J\+\d+\)/);
    await shot('dunning-scenario-error-fr.png');
  });

  step('the template editor inserts a merge field and previews the message live', async () => {
    await page.getByTestId('nav-templates').click();
    await page.getByTestId('templates-page').waitFor();
    await page.getByTestId('template-row').first().waitFor();
    await shot('dunning-templates-fr.png');
    await page.getByTestId('templates-language').click();
    await pickOption('Français');
    await page.getByTestId('template-link').filter({ hasText: 'Relance 1' }).first().click();
    await page.getByTestId('template-editor').waitFor();
    const frame = page.getByTestId('message-preview-html');
    await frame.waitFor();
    const body = page.getByTestId('template-body');
    await body.click();
    await body.press('Control+End');
    const marker = `Merci de votre confiance ${Date.now()}`;
    await body.pressSequentially(`\n\n${marker}, `);
    await page.getByTestId('merge-field-picker').click();
    await page.getByTestId('merge-field-search').fill('customer.name');
    const previewed = page.waitForResponse(isApi('POST', /^\/api\/v1\/dunning\/templates\/preview$/));
    await page.locator('[data-testid="merge-field"][data-field="customer.name"]').click();
    assert.match(await body.inputValue(), new RegExp(`${marker}, \\{\\{ customer\\.name \\}\\}`));
    assert.equal((await previewed).status(), 200);
    await page.waitForFunction(
      (text) => document.querySelector('[data-testid="message-preview-html"]')?.getAttribute('srcdoc')?.includes(text),
      marker,
    );
    await page.getByTestId('message-preview-mode').getByText('Texte brut').click();
    assert.match(await page.getByTestId('message-preview-text').innerText(), new RegExp(marker));
    await page.getByTestId('message-preview-mode').getByText('Aperçu').click();
    await shot('dunning-template-editor-fr.png');
  });

  step('the settings page shows the run, sending and company identity', async () => {
    await page.getByTestId('nav-dunning-settings').click();
    await page.getByTestId('dunning-settings-page').waitFor();
    await page.getByTestId('settings-company-name').waitFor();
    assert.notEqual(await page.getByTestId('settings-company-name').inputValue(), '');
    await shot('dunning-settings-fr.png');
  });

  step('the customer 360 shows the dunning panel, penalties and documents with their links', async () => {
    // A customer who was sent letters: it has overdue invoices and documents.
    const letters = await apiCall('GET', '/dunning/worklist?assignee=all&kind=letter&pageSize=1');
    const task = letters.items[0] ?? (await apiCall('GET', '/dunning/worklist?assignee=all&pageSize=1')).items[0];
    assert.ok(task, 'a task with a customer');
    journey.customerId = task.customer.id;
    journey.customerName = task.customer.name;
    await page.goto(`/customers/${journey.customerId}`);
    await page.getByTestId('customer-page').waitFor();
    await page.getByTestId('customer-dunning-state').waitFor();
    await page.getByTestId('customer-penalties').locator('[data-testid="penalty-total"], p').first().waitFor();
    await shot('customer-360-dunning-fr.png');
    await page.getByTestId('tab-documents').click();
    await page.getByTestId('document-row').first().waitFor();
    await shot('customer-360-documents-fr.png');
    await page.getByTestId('tab-timeline').click();
    await page.getByTestId('timeline-item').first().waitFor();
    await page.getByTestId('timeline-document').first().waitFor();
    const download = page.waitForEvent('download');
    await page.getByTestId('timeline-document').first().click();
    assert.match((await download).suggestedFilename(), /\.(pdf|eml|txt)$/);
    await shot('customer-360-timeline-documents-fr.png');
  });

  step('a promise to pay is recorded from the customer 360', async () => {
    await page.getByTestId('customer-add-promise').click();
    await page.getByTestId('promise-dialog').waitFor();
    await page.getByTestId('promise-invoices').click();
    await page.locator('.p-multiselect-overlay [role="option"]').first().click();
    await page.keyboard.press('Escape');
    assert.notEqual(await page.getByTestId('promise-amount').locator('input').inputValue(), '');
    const date = page.getByTestId('promise-date').locator('input');
    await date.fill(frenchDate(10));
    await date.press('Escape');
    await page.getByTestId('promise-channel').click();
    await pickOption('Téléphone');
    await page.getByTestId('promise-note').fill('Virement annoncé par le comptable.');
    await shot('customer-360-promise-dialog-fr.png');
    const created = page.waitForResponse(isApi('POST', /^\/api\/v1\/customers\/[^/]+\/promises$/));
    await page.getByTestId('promise-submit').click();
    assert.equal((await created).status(), 201);
    await page.getByTestId('promise-dialog').waitFor({ state: 'detached' });
    await waitForAttribute(page.getByTestId('promise-status').first(), 'data-status', 'pending');
    await page.getByTestId('customer-dunning-paused').waitFor();
    await shot('customer-360-promises-fr.png');
  });

  step('a payment plan is generated, checked against the total and recorded', async () => {
    await page.getByTestId('customer-add-plan').click();
    const dialog = page.getByTestId('plan-dialog');
    await dialog.waitFor();
    await page.getByTestId('plan-invoices').click();
    const options = page.locator('.p-multiselect-overlay [role="option"]');
    await options.first().click();
    if ((await options.count()) > 1) await options.nth(1).click();
    await page.keyboard.press('Escape');
    await waitForAttribute(page.getByTestId('plan-sum-check'), 'data-ok', 'true');
    assert.equal(await page.getByTestId('plan-instalment-row').count(), 3, 'three monthly instalments by default');
    // Edit a row: the check says what is missing, then the row is put back.
    const amount = page.getByTestId('plan-instalment-amount').first().locator('input');
    const original = await amount.inputValue();
    await amount.fill('1');
    await amount.press('Tab');
    await waitForAttribute(page.getByTestId('plan-sum-check'), 'data-ok', 'false');
    assert.match(await page.getByTestId('plan-sum-check').innerText(), /Il manque/);
    await shot('customer-360-plan-mismatch-fr.png');
    await page.getByTestId('plan-generate').click();
    await waitForAttribute(page.getByTestId('plan-sum-check'), 'data-ok', 'true');
    assert.equal(await amount.inputValue(), original);
    await shot('customer-360-plan-dialog-fr.png');
    const created = page.waitForResponse(isApi('POST', /^\/api\/v1\/customers\/[^/]+\/payment-plans$/));
    await page.getByTestId('plan-submit').click();
    const response = await created;
    assert.equal(response.status(), 201, await response.text());
    await dialog.waitFor({ state: 'detached' });
    await waitForAttribute(page.getByTestId('plan-status').first(), 'data-status', 'active');
    await shot('customer-360-plans-fr.png');
  });

  step('an open invoice is put in dispute from the customer 360, then the dispute is cleared', async () => {
    await page.getByTestId('tab-items').click();
    const row = page.getByTestId('open-item-row').last();
    const toggle = row.getByTestId('open-item-disputed');
    await toggle.click();
    await page.getByTestId('dispute-dialog').waitFor();
    await page.getByTestId('dispute-reason').fill('Quantité livrée inférieure à la quantité facturée');
    const flagged = page.waitForResponse(isApi('PUT', /^\/api\/v1\/invoices\/[^/]+\/disputed$/));
    await page.getByTestId('dispute-submit').click();
    const response = await flagged;
    assert.equal(response.status(), 200);
    assert.equal((await response.json()).disputed, true);
    await page.getByTestId('dispute-dialog').waitFor({ state: 'detached' });
    await row.locator('.pi-flag').waitFor();
    await shot('customer-360-dispute-fr.png');
    const cleared = page.waitForResponse(isApi('PUT', /^\/api\/v1\/invoices\/[^/]+\/disputed$/));
    await toggle.click();
    assert.equal((await (await cleared).json()).disputed, false);
  });

  step('the worklist and the customer 360 read in English', async () => {
    await switchLanguage('en');
    await page.getByTestId('nav-worklist').click();
    await page.getByTestId('worklist-row').first().waitFor();
    assert.equal(await page.locator('h1').innerText(), "Today's tasks");
    await shot('dunning-worklist-en.png');
    await page.goto(`/customers/${journey.customerId}`);
    await page.getByTestId('customer-dunning-state').waitFor();
    assert.match(await page.getByTestId('customer-dunning').innerText(), /Dunning/);
    await shot('customer-360-dunning-en.png');
    await page.getByTestId('nav-runs').click();
    await page.getByTestId('run-row').first().waitFor();
    await shot('dunning-runs-en.png');
    await page.getByTestId('nav-scenarios').click();
    await page.getByTestId('scenario-link').first().click();
    await page.getByTestId('scenario-timeline-step').first().waitFor();
    await shot('dunning-scenario-editor-en.png');
    await switchLanguage('fr');
  });

  step('no uncaught page error, no API failure and no Vue warning', async () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(apiFailures, []);
    assert.deepEqual(
      ctx.consoleLines.filter((line) => line.includes('[Vue warn]') || line.includes('[intlify]')),
      [],
    );
  });
}
