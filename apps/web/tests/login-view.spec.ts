import { beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, type Router } from 'vue-router';
import LoginView from '../src/features/auth/views/LoginView.vue';
import { useAuthStore } from '../src/features/auth/store';
import { installPlugins } from '../src/plugins';
import { createAppRouter } from '../src/router';
import { fakeFetch, json, problem, tokens } from './helpers';

let pinia: Pinia;
let router: Router;

beforeEach(async () => {
  pinia = createPinia();
  setActivePinia(pinia);
  router = createAppRouter(createMemoryHistory(), pinia);
  await router.push('/login?redirect=/admin/api-keys');
});

function mountLogin() {
  return mount(LoginView, {
    attachTo: document.body,
    global: {
      plugins: [{ install: (app) => installPlugins(app, pinia, router) }],
    },
  });
}

async function fillAndSubmit(wrapper: ReturnType<typeof mountLogin>, email: string, password: string) {
  await wrapper.get('[data-testid="login-email"]').setValue(email);
  await wrapper.get('[data-testid="login-password"]').setValue(password);
  await wrapper.get('form').trigger('submit');
  await flushPromises();
}

describe('LoginView', () => {
  it('renders the form in French with the test selectors', () => {
    const wrapper = mountLogin();
    expect(wrapper.get('h1').text()).toBe('Connexion');
    expect(wrapper.get('[data-testid="login-email"]').element.tagName).toBe('INPUT');
    expect(wrapper.get('[data-testid="login-password"]').attributes('type')).toBe('password');
    expect(wrapper.get('[data-testid="login-submit"]').text()).toContain('Se connecter');
    expect(wrapper.get('[data-testid="lang-switch"]').text()).toContain('EN');
    wrapper.unmount();
  });

  it('shows a translated message for bad credentials and clears the password', async () => {
    fakeFetch(() => problem(401, 'Unauthorized', { detail: 'Invalid email or password' }));
    const wrapper = mountLogin();

    await fillAndSubmit(wrapper, 'claire.martin@example.com', 'wrong');

    expect(wrapper.get('[data-testid="login-error"]').text()).toContain('Email ou mot de passe incorrect.');
    expect((wrapper.get('[data-testid="login-password"]').element as HTMLInputElement).value).toBe('');

    await wrapper.get('[data-testid="lang-switch"]').trigger('click');
    expect(wrapper.get('[data-testid="login-error"]').text()).toContain('Incorrect email or password.');
    expect(wrapper.get('h1').text()).toBe('Sign in');
    wrapper.unmount();
  });

  it('says the server is unreachable when fetch fails', async () => {
    fakeFetch(() => {
      throw new TypeError('Failed to fetch');
    });
    const wrapper = mountLogin();
    await fillAndSubmit(wrapper, 'a@b.c', 'x');
    expect(wrapper.get('[data-testid="login-error"]').text()).toContain('Serveur injoignable');
    wrapper.unmount();
  });

  it('asks for both fields before calling the server', async () => {
    const { calls } = fakeFetch(() => json(200, tokens(1)));
    const wrapper = mountLogin();
    await wrapper.get('form').trigger('submit');
    expect(wrapper.get('[data-testid="login-missing"]').text()).toContain('Saisissez votre adresse e-mail');
    expect(calls).toHaveLength(0);
    wrapper.unmount();
  });

  it('signs in and goes to the page that was asked for', async () => {
    fakeFetch(() => json(200, tokens(1)));
    const wrapper = mountLogin();
    await fillAndSubmit(wrapper, 'claire.martin@example.com', 'right-pass');
    expect(useAuthStore().isAuthenticated).toBe(true);
    // The admin page is lazy-loaded: the navigation ends once its chunk is imported.
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/admin/api-keys'));
    wrapper.unmount();
  });
});
