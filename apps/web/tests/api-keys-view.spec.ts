import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { defineComponent, h } from 'vue';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, type Router } from 'vue-router';
import ConfirmDialog from 'primevue/confirmdialog';
import Toast from 'primevue/toast';
import ApiKeysView from '../src/features/api-keys/views/ApiKeysView.vue';
import { apiKeyStatus } from '../src/features/api-keys/status';
import { ACCESS_TOKEN_KEY, REFRESH_TOKEN_KEY } from '../src/features/auth/store';
import type { ApiKey } from '../src/api/types';
import { installPlugins } from '../src/plugins';
import { createAppRouter } from '../src/router';
import { fakeFetch, json, makeUser, type Call } from './helpers';

const existing: ApiKey = {
  id: 'k-1',
  name: 'ERP production',
  prefix: 'enc_a1b2',
  scopes: ['invoices:write', 'customers:write'],
  expiresAt: null,
  lastUsedAt: '2026-11-20T09:15:00Z',
  revokedAt: null,
  createdAt: '2026-10-01T08:00:00Z',
  createdBy: 'u-1',
};

let pinia: Pinia;
let router: Router;

beforeEach(async () => {
  window.localStorage.setItem(ACCESS_TOKEN_KEY, 'access-1');
  window.localStorage.setItem(REFRESH_TOKEN_KEY, 'refresh-1');
  pinia = createPinia();
  setActivePinia(pinia);
  router = createAppRouter(createMemoryHistory(), pinia);
});

function backend() {
  let keys: ApiKey[] = [existing];
  return fakeFetch((call: Call) => {
    if (call.path === '/me') return json(200, makeUser());
    if (call.method === 'GET' && call.path === '/api-keys') {
      return json(200, { items: keys, total: keys.length, page: 1, pageSize: 100 });
    }
    if (call.path === '/api-keys/scopes') {
      return json(200, {
        scopes: [
          { scope: 'invoices:write', description: 'Push invoices' },
          { scope: 'customers:write', description: 'Push customers' },
        ],
      });
    }
    if (call.method === 'POST' && call.path === '/api-keys') {
      const body = call.body as { name: string; scopes: string[] };
      const created: ApiKey = {
        ...existing,
        id: 'k-2',
        name: body.name,
        prefix: 'enc_z9y8',
        scopes: body.scopes,
        lastUsedAt: null,
      };
      keys = [created, ...keys];
      return json(201, { apiKey: created, key: 'enc_z9y8_secret-value' });
    }
    const revoke = /^\/api-keys\/([^/]+)\/revoke$/.exec(call.path);
    if (call.method === 'POST' && revoke) {
      const revoked = { ...existing, revokedAt: '2026-11-23T10:00:00Z' };
      keys = keys.map((k) => (k.id === revoke[1] ? revoked : k));
      return json(200, revoked);
    }
    return json(404, { title: 'Not found', status: 404 });
  });
}

async function mountPage() {
  await router.push('/admin/api-keys');
  const Host = defineComponent({ render: () => [h(Toast), h(ConfirmDialog), h(ApiKeysView)] });
  const wrapper = mount(Host, {
    attachTo: document.body,
    global: { plugins: [{ install: (app) => installPlugins(app, pinia, router) }] },
  });
  await flushPromises();
  return wrapper;
}

const inBody = (selector: string) => document.body.querySelector<HTMLElement>(selector);

describe('ApiKeysView', () => {
  it('lists keys with prefix, scopes, dates and status', async () => {
    backend();
    const wrapper = await mountPage();
    const page = wrapper.get('[data-testid="api-keys-page"]');
    const row = page.get('[data-testid="api-key-row"]');
    expect(row.text()).toContain('ERP production');
    expect(row.text()).toContain('enc_a1b2…');
    expect(row.text()).toContain('invoices:write');
    expect(row.text()).toContain('Aucune');
    expect(row.get('[data-testid="api-key-status"]').text()).toBe('Active');
    wrapper.unmount();
  });

  it('creates a key and reveals it once, then revokes a key after confirmation', async () => {
    const { calls } = backend();
    const wrapper = await mountPage();

    await wrapper.get('[data-testid="api-key-create"]').trigger('click');
    await flushPromises();
    const name = inBody('[data-testid="api-key-name"]') as HTMLInputElement;
    name.value = 'Sage X3';
    name.dispatchEvent(new Event('input'));
    // Open the scopes overlay and pick one option, as a user would.
    await flushPromises();
    inBody('[data-testid="api-key-scopes"]')?.click();
    await flushPromises();
    const option = [...document.body.querySelectorAll<HTMLElement>('[role="option"]')].find((o) =>
      o.textContent?.includes('invoices:write'),
    );
    expect(option).toBeDefined();
    option?.click();
    await flushPromises();
    inBody('[data-testid="api-key-submit"]')?.click();
    await flushPromises();

    expect(calls.find((c) => c.method === 'POST' && c.path === '/api-keys')?.body).toEqual({
      name: 'Sage X3',
      scopes: ['invoices:write'],
    });
    expect(inBody('[data-testid="api-key-revealed"]')?.textContent).toBe('enc_z9y8_secret-value');
    expect(inBody('[data-testid="api-key-reveal-dialog"]')?.textContent).toContain('ne sera plus jamais affichée');

    inBody('[data-testid="api-key-reveal-close"]')?.click();
    await flushPromises();
    await vi.waitFor(() => expect(inBody('[data-testid="api-key-revealed"]')).toBeNull());

    const rows = wrapper.findAll('[data-testid="api-key-row"]');
    const erpRow = rows.find((r) => r.find('[data-testid="api-key-row-name"]').text() === 'ERP production');
    await erpRow?.get('[data-testid="api-key-revoke"]').trigger('click');
    await flushPromises();
    const accept = inBody('[data-testid="confirm-accept"]');
    expect(accept?.classList.contains('confirm-accept')).toBe(true);
    accept?.click();
    await flushPromises();

    expect(calls.some((c) => c.method === 'POST' && c.path === '/api-keys/k-1/revoke')).toBe(true);
    const revokedRow = wrapper.findAll('[data-testid="api-key-row"]').find((r) => r.find('[data-key-id="k-1"]').exists());
    expect(revokedRow?.get('[data-testid="api-key-status"]').text()).toBe('Révoquée');
    expect(revokedRow?.find('[data-testid="api-key-revoke"]').exists()).toBe(false);
    wrapper.unmount();
  });
});

describe('apiKeyStatus', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  it('says revoked before expired, and a calendar expiry lasts through its day', () => {
    expect(apiKeyStatus({ revokedAt: '2026-01-01T00:00:00Z', expiresAt: '2020-01-01' }, now)).toBe('revoked');
    expect(apiKeyStatus({ revokedAt: null, expiresAt: null }, now)).toBe('active');
    expect(apiKeyStatus({ revokedAt: null, expiresAt: '2026-11-23' }, now)).toBe('active');
    expect(apiKeyStatus({ revokedAt: null, expiresAt: '2026-11-22' }, now)).toBe('expired');
    expect(apiKeyStatus({ revokedAt: null, expiresAt: '2026-11-23T11:00:00Z' }, now)).toBe('expired');
  });
});
