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

async function mountAs(role: Role, path = '/') {
  fakeFetch((call) => {
    if (call.path === '/me') return json(200, makeUser({ role }));
    if (call.path === '/invoices') return json(200, { items: [], total: 0, page: 1, pageSize: 1 });
    if (call.path === '/dunning/worklist') return json(200, { items: [], total: 0, page: 1, pageSize: 200 });
    return json(404, { title: 'Not found', status: 404 });
  });
  await router.push(path);
  const wrapper = mount(App, {
    attachTo: document.body,
    global: { plugins: [{ install: (app) => installPlugins(app, pinia, router) }] },
  });
  await flushPromises();
  return wrapper;
}

const DUNNING_LINKS = ['nav-worklist', 'nav-runs', 'nav-scenarios', 'nav-templates', 'nav-dunning-settings'];
const shown = (wrapper: Awaited<ReturnType<typeof mountAs>>) =>
  DUNNING_LINKS.filter((id) => wrapper.find(`[data-testid="${id}"]`).exists());

describe('the dunning section of the side nav', () => {
  it.each([
    ['admin', DUNNING_LINKS],
    ['credit_manager', ['nav-worklist', 'nav-runs', 'nav-scenarios', 'nav-templates']],
    ['collector', ['nav-worklist', 'nav-runs', 'nav-scenarios', 'nav-templates']],
    ['sales', ['nav-worklist']],
    ['viewer', []],
  ] as const)('%s sees %j', async (role, links) => {
    const wrapper = await mountAs(role);
    expect(shown(wrapper)).toEqual(links);
    expect(wrapper.find('[data-testid="nav-dunning"]').exists()).toBe(links.length > 0);
    wrapper.unmount();
  });

  it('sends sales away from the runs, and lets them open their worklist', async () => {
    const wrapper = await mountAs('sales', '/dunning/runs');
    expect(router.currentRoute.value.name).toBe('dashboard');
    await router.push('/dunning/worklist');
    await flushPromises();
    expect(router.currentRoute.value.name).toBe('dunning-worklist');
    expect(wrapper.get('[data-testid="worklist-empty"]').text()).toContain('Rien à traiter aujourd’hui');
    // Sales work their own tasks only: no "mine / everyone" switch.
    expect(wrapper.find('[data-testid="worklist-assignee"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('keeps the settings for admins', async () => {
    const wrapper = await mountAs('credit_manager', '/dunning/settings');
    expect(router.currentRoute.value.name).toBe('dashboard');
    wrapper.unmount();
  });
});
