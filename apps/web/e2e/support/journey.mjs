// The harness of a browser journey: the built server with its demo tenant, one Chromium page
// that records page errors, console lines and failed requests, screenshots, and steps that
// depend on each other (after one fails, the next ones are skipped).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { launchChromium } from './browser.mjs';
import { SCREENSHOT_DIR, startServer, waitForDemoLedger } from './server.mjs';

/**
 * Registers the before/after hooks and returns the journey's handles; `ctx.page` and
 * `ctx.server` are set once the `before` hook has run.
 * @param {{ demoPassword: string, viewport: { width: number, height: number }, defaultTimeout: number,
 *   stepTimeout: number, expectedFailure?: (method: string, pathname: string) => boolean }} options
 */
export function browserJourney({ demoPassword, viewport, defaultTimeout, stepTimeout, expectedFailure = () => false }) {
  const ctx = {
    /** @type {Awaited<ReturnType<typeof startServer>>} */
    server: undefined,
    /** @type {import('playwright-core').Page} */
    page: undefined,
    /** @type {import('playwright-core').Browser} */
    browser: undefined,
    pageErrors: [],
    /** Browser console errors and warnings, quoted when a step fails. */
    consoleLines: [],
    /** HTTP errors and failed requests seen by the page (API calls and SPA assets). */
    apiFailures: [],
    broken: false,
  };

  before(async () => {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    ctx.server = await startServer({ demoPassword });
    console.log(`server ${ctx.server.baseUrl} on ${ctx.server.database}`);
    await waitForDemoLedger(ctx.server.baseUrl, demoPassword);
    ctx.browser = await launchChromium();
    const context = await ctx.browser.newContext({
      baseURL: ctx.server.baseUrl,
      viewport,
      locale: 'fr-FR',
      timezoneId: 'Europe/Paris',
    });
    context.setDefaultTimeout(defaultTimeout);
    const page = await context.newPage();
    ctx.page = page;
    page.on('pageerror', (error) => ctx.pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        ctx.consoleLines.push(`${message.type()}: ${message.text()}`);
    });
    page.on('response', (response) => {
      const method = response.request().method();
      const { pathname } = new URL(response.url());
      if (response.status() >= 400 && !expectedFailure(method, pathname)) {
        ctx.apiFailures.push(`${method} ${pathname} → ${response.status()}`);
      }
    });
    page.on('requestfailed', (request) => {
      const line = `request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText})`;
      ctx.apiFailures.push(line);
      ctx.consoleLines.push(line);
    });
  });

  after(async () => {
    await ctx.browser?.close().catch(() => undefined);
    await ctx.server?.stop();
  });

  async function shot(name) {
    // Scrolled pages put the sticky top bar in the middle of a full-page capture.
    await ctx.page.evaluate(() => window.scrollTo(0, 0));
    await ctx.page.screenshot({ path: join(SCREENSHOT_DIR, name), fullPage: true, animations: 'disabled' });
  }

  /** Waits until a `data-*` attribute of the element has the value (CSS attribute selector). */
  async function waitForAttribute(locator, attribute, value) {
    await locator.and(ctx.page.locator(`[${attribute}="${value}"]`)).waitFor();
  }

  function step(name, fn) {
    test(name, { timeout: stepTimeout }, async (t) => {
      if (ctx.broken) return t.skip('an earlier step failed');
      try {
        await fn();
      } catch (error) {
        ctx.broken = true;
        await shot(`failed-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`).catch(() => undefined);
        if (error instanceof Error && ctx.consoleLines.length > 0) {
          error.message += `\nat ${ctx.page.url()}; browser console:\n  ${ctx.consoleLines.slice(-20).join('\n  ')}`;
        }
        throw error;
      }
    });
  }

  /** Screenshots without the toasts of the previous action over the page header. */
  async function shotWithoutToasts(name) {
    for (const close of await ctx.page.locator('.p-toast-close-button').all()) await close.click().catch(() => undefined);
    await ctx.page
      .locator('.p-toast-message')
      .first()
      .waitFor({ state: 'detached', timeout: 5_000 })
      .catch(() => undefined);
    await shot(name);
  }

  /** The API as a signed-in user (`token()` gives the bearer token): to prepare what the demo lacks. */
  function apiClient(token) {
    return async function apiCall(method, path, body) {
      const res = await fetch(`${ctx.server.baseUrl}/api/v1${path}`, {
        method,
        headers: { Authorization: `Bearer ${token()}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      assert.ok(res.ok, `${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
      return text ? JSON.parse(text) : null;
    };
  }

  return { ctx, shot, shotWithoutToasts, apiClient, waitForAttribute, step };
}

/** A page.waitForResponse predicate: this method on an API path matching the pattern. */
export const isApi = (method, pattern) => (r) => r.request().method() === method && pattern.test(new URL(r.url()).pathname);
