import { beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, type Router } from 'vue-router';
import App from '../src/App.vue';
import type { Role } from '../src/api/types';
import { ACCESS_TOKEN_KEY, REFRESH_TOKEN_KEY } from '../src/features/auth/store';
import { installPlugins } from '../src/plugins';
import { createAppRouter } from '../src/router';
import { fakeFetch, json, makeUser } from './helpers';

let pinia: Pinia;
let router: Router;

beforeEach(() => {
  window.localStorage.setItem(ACCESS_TOKEN_KEY, 'access-1');
  window.localStorage.setItem(REFRESH_TOKEN_KEY, 'refresh-1');
  pinia = createPinia();
  setActivePinia(pinia);
  router = createAppRouter(createMemoryHistory(), pinia);
});

async function mountAs(role: Role, unread = 3) {
  const backend = fakeFetch((call) => {
    if (call.path === '/me') return json(200, makeUser({ role }));
    if (call.path === '/invoices') return json(200, { items: [], total: 0, page: 1, pageSize: 1 });
    if (call.path === '/risk-alerts/unread-count') return json(200, { count: unread, critical: 1 });
    return json(404, { title: 'Not found', status: 404 });
  });
  await router.push('/');
  const wrapper = mount(App, {
    attachTo: document.body,
    global: { plugins: [{ install: (app) => installPlugins(app, pinia, router) }] },
  });
  await flushPromises();
  return { wrapper, ...backend };
}

const RISK_LINKS = ['nav-risk', 'nav-credit-checks', 'nav-sales', 'nav-risk-settings'];

describe('the risk section of the side nav', () => {
  it.each([
    ['admin', RISK_LINKS],
    ['credit_manager', RISK_LINKS],
    ['collector', ['nav-risk', 'nav-credit-checks']],
    ['sales', ['nav-credit-checks', 'nav-sales']],
    ['viewer', ['nav-risk', 'nav-credit-checks', 'nav-sales']],
  ] as const)('%s sees %j', async (role, links) => {
    const { wrapper } = await mountAs(role);
    expect(RISK_LINKS.filter((id) => wrapper.find(`[data-testid="${id}"]`).exists())).toEqual(links);
    wrapper.unmount();
  });

  it('sends a salesperson away from the risk page and a collector away from the scoring settings', async () => {
    const { wrapper } = await mountAs('sales');
    await router.push('/risk');
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('dashboard');
    wrapper.unmount();
    const collector = await mountAs('collector');
    await router.push('/risk/settings');
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('dashboard');
    collector.wrapper.unmount();
  });
});

describe('the alerts bell', () => {
  it('shows the unread count from the API', async () => {
    const { wrapper, calls } = await mountAs('collector', 7);
    const bell = wrapper.get('[data-testid="alerts-bell"]');
    expect(bell.attributes('data-count')).toBe('7');
    expect(wrapper.get('[data-testid="alerts-bell-count"]').text()).toBe('7');
    expect(bell.attributes('aria-label')).toBe('7 alertes non lues');
    expect(calls.some((c) => c.path === '/risk-alerts/unread-count')).toBe(true);
    wrapper.unmount();
  });

  it('stays quiet when the count cannot be read', async () => {
    fakeFetch((call) => {
      if (call.path === '/me') return json(200, makeUser({ role: 'viewer' }));
      if (call.path === '/invoices') return json(200, { items: [], total: 0, page: 1, pageSize: 1 });
      return json(404, { title: 'Not found', status: 404 });
    });
    await router.push('/');
    const wrapper = mount(App, {
      attachTo: document.body,
      global: { plugins: [{ install: (app) => installPlugins(app, pinia, router) }] },
    });
    await flushPromises();
    expect(wrapper.find('[data-testid="alerts-bell"]').exists()).toBe(false);
    wrapper.unmount();
  });
});
