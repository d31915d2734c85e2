import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, unwrap } from '../../api/client';
import type { Locale, TokenResponse, User } from '../../api/types';
import { setLocale, storedLocale } from '../../i18n';

export const ACCESS_TOKEN_KEY = 'encours.accessToken';
export const REFRESH_TOKEN_KEY = 'encours.refreshToken';

function readStorage(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeStorage(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // storage unavailable (private mode): the session lasts for this page only
  }
}

/**
 * The signed-in user and their tokens. Tokens live in localStorage so a reload keeps the
 * session; `restore()` then reloads the user with GET /me. The refresh token rotates: every
 * refresh stores the new pair, and concurrent callers share a single refresh request.
 */
export const useAuthStore = defineStore('auth', () => {
  const accessToken = ref<string | null>(readStorage(ACCESS_TOKEN_KEY));
  const refreshToken = ref<string | null>(readStorage(REFRESH_TOKEN_KEY));
  const user = ref<User | null>(null);
  /** Absolute time (ms) when the access token expires, as announced by the server. */
  const expiresAt = ref<number | null>(null);

  const isAuthenticated = computed(() => user.value !== null && accessToken.value !== null);
  const isAdmin = computed(() => user.value?.role === 'admin');
  const mustChangePassword = computed(() => user.value?.mustChangePassword === true);

  let refreshing: Promise<boolean> | null = null;
  let restoring: Promise<void> | null = null;
  /** Locale updates are sent one after the other so the last choice is the one saved. */
  let savingLocale: Promise<void> = Promise.resolve();

  function setTokens(access: string | null, refresh: string | null): void {
    accessToken.value = access;
    refreshToken.value = refresh;
    writeStorage(ACCESS_TOKEN_KEY, access);
    writeStorage(REFRESH_TOKEN_KEY, refresh);
  }

  function setSession(session: TokenResponse): void {
    setTokens(session.accessToken, session.refreshToken);
    expiresAt.value = Date.now() + session.expiresIn * 1000;
    user.value = session.user;
  }

  /** Forgets the session locally, without calling the server. */
  function clearSession(): void {
    setTokens(null, null);
    expiresAt.value = null;
    user.value = null;
  }

  /** Follows the user's saved language unless this browser has an explicit choice. */
  function adoptUserLocale(u: User): void {
    if (storedLocale() === null) setLocale(u.locale, false);
  }

  async function login(email: string, password: string): Promise<User> {
    const session = unwrap(await api.POST('/api/v1/auth/login', { body: { email, password } }));
    setSession(session);
    adoptUserLocale(session.user);
    return session.user;
  }

  async function runRefresh(): Promise<boolean> {
    const token = refreshToken.value;
    if (!token) return false;
    try {
      const result = await api.POST('/api/v1/auth/refresh', { body: { refreshToken: token } });
      if (!result.response.ok || !result.data) return false;
      setSession(result.data);
      return true;
    } catch {
      return false;
    }
  }

  /** Exchanges the refresh token for a new pair. Concurrent calls share one request. */
  function refresh(): Promise<boolean> {
    if (!refreshing) {
      refreshing = runRefresh().finally(() => {
        refreshing = null;
      });
    }
    return refreshing;
  }

  async function fetchMe(): Promise<User> {
    const me = unwrap(await api.GET('/api/v1/me'));
    user.value = me;
    return me;
  }

  /**
   * Called by the router before the first navigation: with stored tokens, reloads the user.
   * A stale access token is refreshed by the API middleware; if that fails too, the stored
   * session is dropped and the guard sends the user to /login.
   */
  function restore(): Promise<void> {
    if (user.value || (!accessToken.value && !refreshToken.value)) return Promise.resolve();
    if (!restoring) {
      restoring = (async () => {
        try {
          if (!accessToken.value && !(await refresh())) {
            clearSession();
            return;
          }
          adoptUserLocale(await fetchMe());
        } catch {
          clearSession();
        }
      })().finally(() => {
        restoring = null;
      });
    }
    return restoring;
  }

  /** Revokes the refresh token on the server (best effort) and forgets the session. */
  async function logout(): Promise<void> {
    const token = refreshToken.value;
    try {
      if (token) await api.POST('/api/v1/auth/logout', { body: { refreshToken: token } });
    } catch {
      // offline: the refresh token will expire on its own
    } finally {
      clearSession();
    }
  }

  async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
    unwrap(await api.POST('/api/v1/auth/password', { body: { currentPassword, newPassword } }));
    if (user.value) user.value = { ...user.value, mustChangePassword: false };
  }

  /**
   * Records the UI language on the user's profile (PATCH /me) so it follows them to other
   * browsers. Best effort: the local choice already applies, a failure only loses the sync.
   */
  function saveLocale(locale: Locale): Promise<void> {
    savingLocale = savingLocale.then(async () => {
      if (!user.value || !accessToken.value) return;
      try {
        const result = await api.PATCH('/api/v1/me', { body: { locale } });
        // Merged, not replaced: the PATCH answer may leave out optional fields such as tenantName.
        if (result.data && user.value?.id === result.data.id) user.value = { ...user.value, ...result.data };
      } catch {
        // offline: the browser keeps the choice in localStorage
      }
    });
    return savingLocale;
  }

  return {
    accessToken,
    refreshToken,
    user,
    expiresAt,
    isAuthenticated,
    isAdmin,
    mustChangePassword,
    login,
    logout,
    refresh,
    restore,
    fetchMe,
    changePassword,
    saveLocale,
    clearSession,
  };
});
