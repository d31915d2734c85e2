import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { api, setSessionExpiredHandler } from '../src/api/client';
import { ApiError } from '../src/api/problem';
import { ACCESS_TOKEN_KEY, REFRESH_TOKEN_KEY, useAuthStore } from '../src/features/auth/store';
import { currentLocale } from '../src/i18n';
import type { User } from '../src/api/types';
import { fakeFetch, json, makeUser, problem, tokens } from './helpers';

beforeEach(() => {
  setActivePinia(createPinia());
  setSessionExpiredHandler(() => undefined);
});

function signIn(n = 1) {
  window.localStorage.setItem(ACCESS_TOKEN_KEY, `access-${n}`);
  window.localStorage.setItem(REFRESH_TOKEN_KEY, `refresh-${n}`);
  setActivePinia(createPinia());
  return useAuthStore();
}

describe('auth store: login', () => {
  it('stores both tokens and the user', async () => {
    const { calls } = fakeFetch(() => json(200, tokens(1)));
    const auth = useAuthStore();

    const user = await auth.login('claire.martin@example.com', 'secret-pass');

    expect(calls).toEqual([
      {
        method: 'POST',
        path: '/auth/login',
        authorization: null,
        body: { email: 'claire.martin@example.com', password: 'secret-pass' },
      },
    ]);
    expect(user.name).toBe('Claire Martin');
    expect(auth.isAuthenticated).toBe(true);
    expect(auth.isAdmin).toBe(true);
    expect(window.localStorage.getItem(ACCESS_TOKEN_KEY)).toBe('access-1');
    expect(window.localStorage.getItem(REFRESH_TOKEN_KEY)).toBe('refresh-1');
  });

  it('throws an ApiError on bad credentials and stores nothing', async () => {
    fakeFetch(() => problem(401, 'Invalid credentials'));
    const auth = useAuthStore();

    await expect(auth.login('a@b.c', 'wrong')).rejects.toMatchObject({ name: 'ApiError', status: 401 });
    expect(auth.isAuthenticated).toBe(false);
    expect(window.localStorage.getItem(ACCESS_TOKEN_KEY)).toBeNull();
  });

  it("adopts the user's language unless this browser chose one", async () => {
    fakeFetch(() => json(200, tokens(1, makeUser({ locale: 'en' }))));
    await useAuthStore().login('a@b.c', 'x');
    expect(currentLocale()).toBe('en');
  });

  it('is not an admin with another role', async () => {
    fakeFetch(() => json(200, tokens(1, makeUser({ role: 'collector' }))));
    const auth = useAuthStore();
    await auth.login('a@b.c', 'x');
    expect(auth.isAdmin).toBe(false);
  });
});

describe('auth store: refresh', () => {
  it('shares one refresh request between concurrent callers and stores the rotated pair', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { calls } = fakeFetch(async (call) => {
      if (call.path === '/auth/refresh') {
        await gate;
        return json(200, tokens(2));
      }
      return problem(404, 'Not found');
    });
    const auth = signIn(1);

    const results = Promise.all([auth.refresh(), auth.refresh(), auth.refresh()]);
    release();

    expect(await results).toEqual([true, true, true]);
    expect(calls.filter((c) => c.path === '/auth/refresh')).toHaveLength(1);
    expect(calls[0]?.body).toEqual({ refreshToken: 'refresh-1' });
    expect(auth.accessToken).toBe('access-2');
    expect(window.localStorage.getItem(REFRESH_TOKEN_KEY)).toBe('refresh-2');
  });

  it('refreshes once for concurrent 401s, then replays each request with the new token', async () => {
    let refreshes = 0;
    const { calls } = fakeFetch(async (call) => {
      if (call.path === '/auth/refresh') {
        refreshes += 1;
        await new Promise((resolve) => setTimeout(resolve, 10));
        return json(200, tokens(2));
      }
      if (call.authorization !== 'Bearer access-2') return problem(401, 'Token expired');
      if (call.path === '/me') return json(200, makeUser());
      return json(200, { items: [], total: 0, page: 1, pageSize: 100 });
    });
    const auth = signIn(1);

    const [me, keys] = await Promise.all([api.GET('/api/v1/me'), api.GET('/api/v1/api-keys')]);

    expect(refreshes).toBe(1);
    expect(me.response.status).toBe(200);
    expect(me.data?.name).toBe('Claire Martin');
    expect(keys.data?.total).toBe(0);
    expect(auth.refreshToken).toBe('refresh-2');
    const replays = calls.filter((c) => c.authorization === 'Bearer access-2');
    expect(replays.map((c) => c.path).sort()).toEqual(['/api-keys', '/me']);
  });

  it('replays a POST with its body after the refresh', async () => {
    const { calls } = fakeFetch((call) => {
      if (call.path === '/auth/refresh') return json(200, tokens(2));
      if (call.authorization !== 'Bearer access-2') return problem(401, 'Token expired');
      return json(201, { apiKey: { id: 'k1' }, key: 'enc_x' });
    });
    signIn(1);

    const result = await api.POST('/api/v1/api-keys', { body: { name: 'ERP', scopes: ['imports:write'] } });

    expect(result.response.status).toBe(201);
    expect(calls.at(-1)?.body).toEqual({ name: 'ERP', scopes: ['imports:write'] });
  });

  it('logs out and calls the session-expired handler when the refresh token is refused', async () => {
    const expired = vi.fn();
    setSessionExpiredHandler(expired);
    const { calls } = fakeFetch((call) =>
      call.path === '/auth/refresh' ? problem(401, 'Refresh token revoked') : problem(401, 'Token expired'),
    );
    const auth = signIn(1);

    const result = await api.GET('/api/v1/me');

    expect(result.response.status).toBe(401);
    expect(expired).toHaveBeenCalledTimes(1);
    expect(auth.accessToken).toBeNull();
    expect(window.localStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
    // No replay and no refresh loop: /me, /auth/refresh, nothing else.
    expect(calls.map((c) => c.path)).toEqual(['/me', '/auth/refresh']);
  });

  it('never tries to refresh on a failed login', async () => {
    const { calls } = fakeFetch(() => problem(401, 'Invalid credentials'));
    signIn(1);
    await expect(useAuthStore().login('a@b.c', 'x')).rejects.toBeInstanceOf(ApiError);
    expect(calls.map((c) => c.path)).toEqual(['/auth/login']);
  });
});

describe('auth store: session', () => {
  it('restores the user on reload with GET /me', async () => {
    const { calls } = fakeFetch(() => json(200, makeUser({ name: 'Paul Durand' })));
    const auth = signIn(1);

    await auth.restore();

    expect(calls).toEqual([{ method: 'GET', path: '/me', authorization: 'Bearer access-1', body: undefined }]);
    expect(auth.user?.name).toBe('Paul Durand');
    expect(auth.isAuthenticated).toBe(true);
  });

  it('drops a stored session the server no longer accepts', async () => {
    fakeFetch(() => problem(401, 'Expired'));
    const auth = signIn(1);
    await auth.restore();
    expect(auth.isAuthenticated).toBe(false);
    expect(window.localStorage.getItem(ACCESS_TOKEN_KEY)).toBeNull();
  });

  it('logout revokes the refresh token on the server and clears everything', async () => {
    const { calls } = fakeFetch((call) =>
      call.path === '/auth/logout' ? new Response(null, { status: 204 }) : json(200, tokens(1)),
    );
    const auth = useAuthStore();
    await auth.login('a@b.c', 'x');

    await auth.logout();

    expect(calls.at(-1)).toMatchObject({ method: 'POST', path: '/auth/logout', body: { refreshToken: 'refresh-1' } });
    expect(auth.user).toBeNull();
    expect(auth.accessToken).toBeNull();
    expect(auth.refreshToken).toBeNull();
    expect(window.localStorage.getItem(ACCESS_TOKEN_KEY)).toBeNull();
    expect(window.localStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
  });

  it('logout still clears the session when the server is unreachable', async () => {
    fakeFetch(() => {
      throw new TypeError('Failed to fetch');
    });
    const auth = signIn(1);
    await auth.logout();
    expect(auth.accessToken).toBeNull();
  });

  it('saveLocale records the language on the profile with PATCH /me, in order', async () => {
    const { calls } = fakeFetch((call) => {
      // Like the API, the PATCH answer has no tenantName.
      if (call.method === 'PATCH' && call.path === '/me')
        return json(200, { ...makeUser(call.body as Partial<User>), tenantName: undefined });
      return json(200, tokens(1));
    });
    const auth = useAuthStore();
    await auth.login('a@b.c', 'x');

    await Promise.all([auth.saveLocale('en'), auth.saveLocale('fr'), auth.saveLocale('en')]);

    const patches = calls.filter((c) => c.method === 'PATCH');
    expect(patches.map((c) => c.body)).toEqual([{ locale: 'en' }, { locale: 'fr' }, { locale: 'en' }]);
    expect(patches.every((c) => c.path === '/me' && c.authorization === 'Bearer access-1')).toBe(true);
    expect(auth.user?.locale).toBe('en');
    expect(auth.user?.tenantName).toBe('Acme SAS');
  });

  it('saveLocale sends nothing when signed out', async () => {
    const { calls } = fakeFetch(() => json(200, tokens(1)));
    await useAuthStore().saveLocale('en');
    expect(calls).toEqual([]);
  });

  it('saveLocale keeps the local choice when the server is unreachable', async () => {
    fakeFetch((call) => {
      if (call.method === 'PATCH') throw new TypeError('Failed to fetch');
      return json(200, tokens(1));
    });
    const auth = useAuthStore();
    await auth.login('a@b.c', 'x');
    await expect(auth.saveLocale('en')).resolves.toBeUndefined();
    expect(auth.user?.locale).toBe('fr');
  });

  it('changePassword clears the must-change flag', async () => {
    const { calls } = fakeFetch((call) =>
      call.path === '/auth/password'
        ? new Response(null, { status: 204 })
        : json(200, tokens(1, makeUser({ mustChangePassword: true }))),
    );
    const auth = useAuthStore();
    await auth.login('a@b.c', 'x');
    expect(auth.mustChangePassword).toBe(true);

    await auth.changePassword('old-pass', 'new-pass-123');

    expect(calls.at(-1)).toMatchObject({
      path: '/auth/password',
      authorization: 'Bearer access-1',
      body: { currentPassword: 'old-pass', newPassword: 'new-pass-123' },
    });
    expect(auth.mustChangePassword).toBe(false);
  });
});
