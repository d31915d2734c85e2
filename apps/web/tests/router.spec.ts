import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory } from 'vue-router';
import { ACCESS_TOKEN_KEY, REFRESH_TOKEN_KEY, useAuthStore } from '../src/features/auth/store';
import { setNotifier } from '../src/notify';
import { safeRedirect } from '../src/redirect';
import { createAppRouter } from '../src/router';
import { fakeFetch, json, makeUser, problem } from './helpers';

let pinia: Pinia;

beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
});

function router() {
  return createAppRouter(createMemoryHistory(), pinia);
}

function storeSession() {
  window.localStorage.setItem(ACCESS_TOKEN_KEY, 'access-1');
  window.localStorage.setItem(REFRESH_TOKEN_KEY, 'refresh-1');
  pinia = createPinia();
  setActivePinia(pinia);
}

describe('route guards', () => {
  it('sends an anonymous visitor to /login with the page to come back to', async () => {
    const r = router();
    await r.push('/admin/api-keys?tab=1');
    expect(r.currentRoute.value.name).toBe('login');
    expect(r.currentRoute.value.query.redirect).toBe('/admin/api-keys?tab=1');
  });

  it('restores a stored session with /me before deciding', async () => {
    storeSession();
    fakeFetch(() => json(200, makeUser({ role: 'admin' })));
    const r = router();
    await r.push('/admin/users');
    expect(r.currentRoute.value.name).toBe('users');
  });

  it('sends a stored but rejected session to /login', async () => {
    storeSession();
    fakeFetch(() => problem(401, 'Expired'));
    const r = router();
    await r.push('/');
    expect(r.currentRoute.value.fullPath).toBe('/login?redirect=/');
  });

  it('keeps non-admins out of admin pages, with a toast', async () => {
    const toasts = vi.fn();
    setNotifier(toasts);
    storeSession();
    fakeFetch(() => json(200, makeUser({ role: 'credit_manager' })));
    const r = router();

    await r.push('/admin/api-keys');

    expect(r.currentRoute.value.name).toBe('dashboard');
    expect(toasts).toHaveBeenCalledWith(
      expect.objectContaining({ severity: 'warn', summary: 'Cette page est réservée aux administrateurs.' }),
    );
  });

  it('sends a signed-in user away from /login to the requested page', async () => {
    storeSession();
    fakeFetch(() => json(200, makeUser()));
    const r = router();
    await r.push('/login?redirect=/admin/users');
    expect(r.currentRoute.value.name).toBe('users');
    expect(useAuthStore().isAuthenticated).toBe(true);
  });

  it('shows the 404 page for unknown paths, signed in or not', async () => {
    const r = router();
    await r.push('/no/such/page');
    expect(r.currentRoute.value.name).toBe('not-found');
  });
});

describe('safeRedirect', () => {
  it('only accepts paths inside the app', () => {
    expect(safeRedirect('/admin/users')).toBe('/admin/users');
    expect(safeRedirect('//evil.example')).toBe('/');
    expect(safeRedirect('https://evil.example')).toBe('/');
    expect(safeRedirect('/login?redirect=/x')).toBe('/');
    expect(safeRedirect(undefined)).toBe('/');
    expect(safeRedirect(['/a', '/b'])).toBe('/a');
  });
});
