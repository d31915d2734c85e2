// Browser journey through the receivables screens (dashboard, customers, customer 360,
// receivables, imports), against the BUILT server with its demo tenant and its ledger
// (100 customers, ~2,466 invoices imported by `--demo`).
// Run from apps/web: `npm run test:e2e` (node --test, playwright-core, Debian's Chromium).
// Screenshots land in <repo>/test-results/screenshots/.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { browserSuite } from './support/browser.mjs';
import { browserJourney } from './support/journey.mjs';
import { DEMO_ADMIN_EMAIL } from './support/server.mjs';

const SUITE = 'Receivables screens in Chromium (built server, demo ledger)';

const DEMO_PASSWORD = `e2e-${process.pid}-Demo-Pass`;
const STEP_TIMEOUT_MS = 60_000;

browserSuite(SUITE, journeySuite);

function journeySuite() {
  const { ctx, shot, waitForAttribute, step } = browserJourney({
    demoPassword: DEMO_PASSWORD,
    viewport: { width: 1366, height: 900 },
    defaultTimeout: 20_000,
    stepTimeout: STEP_TIMEOUT_MS,
  });
  /** @type {import('playwright-core').Page} */
  let page;
  before(() => {
    ({ page } = ctx);
  });
  const { pageErrors, apiFailures } = ctx;
  const tmp = mkdtempSync(join(tmpdir(), 'encours-e2e-import-'));
  /** Carried from one step to the next. */
  const journey = { customerName: '', note: `Relance téléphonique e2e ${Date.now()}` };

  /** Clicks the language toggle while signed in and waits for the PATCH /api/v1/me it sends. */
  async function switchLanguage(to) {
    const patched = page.waitForResponse((r) => r.request().method() === 'PATCH' && new URL(r.url()).pathname === '/api/v1/me');
    await page.getByTestId('lang-switch').click();
    await waitForAttribute(page.getByTestId('lang-switch'), 'data-lang', to);
    assert.equal((await patched).status(), 200);
  }

  /** Waits until Chart.js has drawn on the canvas inside the element (not a blank canvas). */
  async function waitForChart(testid) {
    const canvas = page.getByTestId(testid).locator('canvas');
    await canvas.waitFor();
    await page.waitForFunction(
      (el) => {
        const c = /** @type {HTMLCanvasElement} */ (el);
        if (c.width === 0 || c.height === 0) return false;
        const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
        return !!data && data.some((v, i) => i % 4 === 3 && v > 0);
      },
      await canvas.elementHandle(),
    );
  }

  const plain = (s) => s.replace(/[\u202f\u00a0]/g, ' ');

  after(() => rmSync(tmp, { recursive: true, force: true }));

  step('the demo admin signs in and the dashboard shows KPI tiles and charts', async () => {
    await page.goto('/login');
    await page.getByTestId('login-email').fill(DEMO_ADMIN_EMAIL);
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('dashboard').waitFor();
    await page
      .getByTestId('dashboard')
      .and(page.locator('[data-status="ready"], [data-status="unavailable"], [data-status="empty"]'))
      .waitFor();
    const status = await page.getByTestId('dashboard').getAttribute('data-status');
    assert.equal(status, 'ready', `the demo ledger should fill the dashboard (status ${status})`);
    assert.equal(await page.getByTestId('dashboard-empty').count(), 0, 'no welcome card once there are receivables');
    const receivables = plain(await page.getByTestId('kpi-receivables').getByTestId('kpi-value').innerText());
    assert.match(receivables, /^\d{1,3}( \d{3})*,\d{2} €$/, `French amount, got ${receivables}`);
    assert.match(plain(await page.getByTestId('kpi-overdue').innerText()), /% de l'encours/);
    assert.match(await page.getByTestId('kpi-dso').getByTestId('kpi-value').innerText(), /^\d+ j$/);
    await waitForChart('dso-trend-chart');
    await waitForChart('ageing-chart');
    await page.getByTestId('top-overdue-row').first().waitFor();
    assert.ok((await page.getByTestId('top-overdue-row').count()) <= 10);
    journey.customerName = (await page.getByTestId('top-overdue-link').first().innerText()).trim();
    await waitForChart('top-overdue-chart');
    await shot('dashboard-fr.png');
  });

  step('the dashboard reads in English', async () => {
    await switchLanguage('en');
    assert.equal(await page.locator('h1').innerText(), 'Dashboard');
    assert.match(await page.getByTestId('kpi-receivables').getByTestId('kpi-value').innerText(), /^€[\d,]+\.\d{2}$/);
    assert.match(await page.getByTestId('kpi-dso').getByTestId('kpi-value').innerText(), /^\d+ d$/);
    await waitForChart('dso-trend-chart');
    await shot('dashboard-en-data.png');
    await switchLanguage('fr');
  });

  step('the customers list is paged and searchable', async () => {
    await page.getByTestId('nav-customers').click();
    await page.getByTestId('customers-page').waitFor();
    await page.getByTestId('customer-row').first().waitFor();
    assert.equal(await page.getByTestId('customer-row').count(), 50, 'first page of 50 of the 100 demo customers');
    assert.match(await page.locator('.enc-page-header p').innerText(), /100 clients/);
    await shot('customers-fr.png');
    await page.getByTestId('customers-search').fill(journey.customerName);
    await page.getByTestId('customer-row').filter({ hasText: journey.customerName }).first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="customer-row"]').length < 50);
  });

  step('the customer 360 shows exposure, payer profile and open items', async () => {
    await page.getByTestId('customer-link').filter({ hasText: journey.customerName }).first().click();
    await page.getByTestId('customer-page').waitFor();
    assert.match(
      await page.getByTestId('customer-name').innerText(),
      new RegExp(journey.customerName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
    );
    await page.getByTestId('payer-profile').locator('dl').waitFor();
    const overdue = plain(await page.getByTestId('exposure-overdue').getByTestId('kpi-value').innerText());
    assert.match(overdue, /€$/, `overdue amount, got ${overdue}`);
    await page.getByTestId('open-item-row').first().waitFor();
    await shot('customer-360-fr.png');
  });

  step('a note added on the customer appears at the top of the timeline', async () => {
    await page.getByTestId('customer-add-note').click();
    await page.getByTestId('note-dialog').waitFor();
    await page.getByTestId('note-text').fill(journey.note);
    const posted = page.waitForResponse(
      (r) => r.request().method() === 'POST' && /\/api\/v1\/customers\/[^/]+\/notes$/.test(new URL(r.url()).pathname),
    );
    await page.getByTestId('note-submit').click();
    assert.equal((await posted).status(), 201);
    await page.getByTestId('note-dialog').waitFor({ state: 'detached' });
    const first = page.getByTestId('timeline-item').first();
    await first.waitFor();
    assert.equal(await first.getAttribute('data-type'), 'note');
    assert.match(await first.innerText(), new RegExp(journey.note));
    assert.ok((await page.getByTestId('timeline-item').count()) > 1, 'the ledger events are on the timeline too');
    assert.match(
      await page.getByTestId('timeline-item').nth(1).innerText(),
      /^(Facture|Avoir|Règlement) /,
      'ledger events worded in French',
    );
    await shot('customer-360-timeline-fr.png');
  });

  step('a call logged with its outcome is added to the timeline', async () => {
    await page.getByTestId('customer-log-call').click();
    await page.getByTestId('call-dialog').waitFor();
    await page.getByTestId('call-outcome').click();
    await page.locator('[role="option"]', { hasText: 'Promesse de paiement' }).click();
    await page.getByTestId('call-notes').fill('Paiement promis pour vendredi');
    const posted = page.waitForResponse(
      (r) => r.request().method() === 'POST' && /\/api\/v1\/customers\/[^/]+\/calls$/.test(new URL(r.url()).pathname),
    );
    await page.getByTestId('call-submit').click();
    assert.equal((await posted).status(), 201);
    await page.getByTestId('call-dialog').waitFor({ state: 'detached' });
    const first = page.getByTestId('timeline-item').first();
    await waitForAttribute(first, 'data-type', 'call');
    assert.match(await first.innerText(), /Appel.*Promesse de paiement/);
    await shot('customer-360-call-fr.png');
  });

  step('the receivables list filters overdue items and exports CSV', async () => {
    await page.getByTestId('nav-receivables').click();
    await page.getByTestId('receivables-page').waitFor();
    await page.getByTestId('receivable-row').first().waitFor();
    const loaded = page.waitForResponse(
      (r) => new URL(r.url()).pathname === '/api/v1/invoices' && new URL(r.url()).searchParams.get('overdue') === 'true',
    );
    await page.getByTestId('receivables-overdue').click();
    assert.equal((await loaded).status(), 200);
    await page.getByTestId('receivable-row').first().waitFor();
    assert.match(await page.getByTestId('receivable-row').first().innerText(), /\d+ j/);
    const download = page.waitForEvent('download');
    await page.getByTestId('receivables-export').click();
    assert.match((await download).suggestedFilename(), /^creances-\d{4}-\d{2}-\d{2}\.csv$/);
    await shot('receivables-fr.png');
  });

  step('a CSV of two customers is read in the browser, mapped and simulated', async () => {
    const file = join(tmp, 'clients-erp.csv');
    writeFileSync(
      file,
      [
        'Code client;Raison sociale;SIREN;Adresse;Code postal;Ville;Segment;Commentaire',
        'E2E-0001;Menuiserie Durand SARL;732829320;4 rue des Tanneurs;69002;Lyon;BTP;bon payeur',
        'E2E-0002;Transports Lefèvre SA;552100554;ZI du Port;13002;Marseille;Transport;',
        '',
      ].join('\r\n'),
    );
    await page.getByTestId('nav-imports').click();
    await page.getByTestId('imports-page').waitFor();
    await page.getByTestId('import-file').setInputFiles(file);
    await page.getByTestId('import-mapping').waitFor();
    assert.match(await page.getByTestId('import-row-count').innerText(), /^2 lignes$/);
    assert.match(await page.getByTestId('import-header').innerText(), /Code client[\s\S]*Raison sociale/);
    assert.equal(await page.getByTestId('import-missing').count(), 0, 'required fields mapped from the header names');
    const answered = page.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/imports/customers',
    );
    await page.getByTestId('import-dry-run').click();
    const response = await answered;
    assert.equal(response.status(), 200);
    assert.equal(new URL(response.url()).searchParams.get('dryRun'), 'true');
    await waitForAttribute(page.getByTestId('import-result'), 'data-dry-run', 'true');
    assert.match(await page.getByTestId('import-count-received').innerText(), /2$/);
    assert.match(await page.getByTestId('import-count-created').innerText(), /2$/);
    assert.match(await page.getByTestId('import-count-failed').innerText(), /0$/);
    await page.getByTestId('import-history-row').first().waitFor();
    await shot('import-dry-run.png');
  });

  step('no uncaught page error and no API failure', async () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(apiFailures, []);
  });
}
