import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, type Router } from 'vue-router';
import App from '../src/App.vue';
import { ACCESS_TOKEN_KEY, REFRESH_TOKEN_KEY, useAuthStore } from '../src/features/auth/store';
import { currentLocale } from '../src/i18n';
import { installPlugins } from '../src/plugins';
import { createAppRouter } from '../src/router';
import type { User } from '../src/api/types';
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

async function mountApp(user: User) {
  const backend = fakeFetch((call) => {
    if (call.path === '/me' && call.method === 'PATCH') return json(200, { ...user, ...(call.body as object) });
    if (call.path === '/me') return json(200, user);
    if (call.path === '/auth/logout') return new Response(null, { status: 204 });
    // A tenant without any receivable: the dashboard keeps its welcome card.
    if (call.path === '/invoices') return json(200, { items: [], total: 0, page: 1, pageSize: 1 });
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

describe('authenticated shell', () => {
  it('shows the dashboard empty state and admin navigation to admins', async () => {
    const { wrapper } = await mountApp(makeUser({ role: 'admin' }));
    expect(wrapper.get('[data-testid="dashboard"]').text()).toContain('Aucune créance pour le moment');
    expect(wrapper.get('[data-testid="dashboard-api-docs"]').attributes('href')).toBe('/api/docs');
    expect(wrapper.find('[data-testid="nav-dashboard"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="nav-users"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="nav-api-keys"]').exists()).toBe(true);
    wrapper.unmount();
  });

  it('hides administration from other roles', async () => {
    const { wrapper } = await mountApp(makeUser({ role: 'collector' }));
    expect(wrapper.find('[data-testid="nav-dashboard"]').exists()).toBe(true);
    expect(wrapper.find('[data-testid="nav-users"]').exists()).toBe(false);
    expect(wrapper.find('[data-testid="nav-api-keys"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('switches language, remembers the choice and saves it on the profile', async () => {
    const { wrapper, calls } = await mountApp(makeUser());
    await wrapper.get('[data-testid="lang-switch"]').trigger('click');
    expect(currentLocale()).toBe('en');
    expect(window.localStorage.getItem('encours.locale')).toBe('en');
    expect(wrapper.get('[data-testid="nav-dashboard"]').text()).toBe('Dashboard');
    expect(document.documentElement.lang).toBe('en');
    await flushPromises();
    expect(calls.filter((c) => c.method === 'PATCH')).toEqual([
      { method: 'PATCH', path: '/me', authorization: 'Bearer access-1', body: { locale: 'en' } },
    ]);
    expect(useAuthStore().user?.locale).toBe('en');
    wrapper.unmount();
  });

  it('opens the forced password dialog when the user must change it', async () => {
    const { wrapper } = await mountApp(makeUser({ mustChangePassword: true }));
    expect(document.body.querySelector('[data-testid="change-password-dialog"]')?.textContent).toContain(
      'choisissez un nouveau mot de passe',
    );
    wrapper.unmount();
  });

  it('signs out from the user menu', async () => {
    const { wrapper, calls } = await mountApp(makeUser());
    await wrapper.get('[data-testid="user-menu"]').trigger('click');
    await flushPromises();
    const logout = document.body.querySelector<HTMLElement>('[data-testid="logout"]');
    expect(logout).not.toBeNull();
    logout?.click();
    await flushPromises();
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('login'));
    expect(calls.at(-1)).toMatchObject({ path: '/auth/logout', body: { refreshToken: 'refresh-1' } });
    expect(window.localStorage.getItem(ACCESS_TOKEN_KEY)).toBeNull();
    wrapper.unmount();
  });
});
