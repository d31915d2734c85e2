import createClient, { type Middleware } from 'openapi-fetch';
import { useAuthStore } from '../features/auth/store';
import { ApiError } from './problem';
import type { paths } from './types';

/** Prefix of every versioned endpoint; the generated `paths` already include it. */
export const API_BASE_PATH = '/api/v1';

/** Endpoints that must never trigger a token refresh (they are the refresh machinery). */
const NO_REFRESH: ReadonlySet<string> = new Set<keyof paths>([
  '/api/v1/auth/login',
  '/api/v1/auth/refresh',
  '/api/v1/auth/logout',
]);

/** Clones of in-flight requests, kept so a request that got a 401 can be replayed once. */
const replayable = new Map<string, Request>();

let onSessionExpired: () => void | Promise<void> = () => undefined;

/** Called once the refresh token is also rejected (the router sends the user to /login). */
export function setSessionExpiredHandler(handler: () => void | Promise<void>): void {
  onSessionExpired = handler;
}

function bearer(token: string): string {
  return `Bearer ${token}`;
}

export const authMiddleware: Middleware = {
  onRequest({ request, schemaPath, id }) {
    const auth = useAuthStore();
    if (auth.accessToken && !request.headers.has('Authorization')) {
      request.headers.set('Authorization', bearer(auth.accessToken));
    }
    if (!NO_REFRESH.has(schemaPath)) {
      replayable.set(id, request.clone());
    }
    return request;
  },

  async onResponse({ request, response, id, options }) {
    const replay = replayable.get(id);
    replayable.delete(id);
    if (response.status !== 401 || !replay) return undefined;

    const auth = useAuthStore();
    const sentWith = request.headers.get('Authorization');
    // Another request may already have rotated the tokens while this one was in flight:
    // then replay with the new access token instead of refreshing a second time.
    const alreadyRefreshed = auth.accessToken !== null && sentWith !== bearer(auth.accessToken);
    const ok = alreadyRefreshed || (await auth.refresh());
    if (!ok || !auth.accessToken) {
      auth.clearSession();
      await onSessionExpired();
      return undefined;
    }
    replay.headers.set('Authorization', bearer(auth.accessToken));
    return options.fetch(replay);
  },

  onError({ id }) {
    replayable.delete(id);
    return undefined;
  },
};

/**
 * The API is served from the SPA's origin and the generated paths are absolute
 * (`/api/v1/...`), so the base URL is the bare origin. It is spelled out rather than left
 * empty because `new Request()` rejects relative URLs outside a page (unit tests, Node).
 */
export const api = createClient<paths>({
  baseUrl: window.location.origin,
  // Looked up on every call so tests (and polyfills) can replace the global fetch.
  fetch: (request: Request) => globalThis.fetch(request),
});
api.use(authMiddleware);

/**
 * Unwraps an openapi-fetch result: returns `data` on success, throws an {@link ApiError}
 * carrying the status and the problem+json body otherwise.
 */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (!result.response.ok) {
    throw new ApiError(result.response.status, result.error);
  }
  return result.data as T;
}

/**
 * Fetches a file from the API with the session's credentials (a plain link would carry no
 * token) and hands it to the browser as a download.
 */
export async function downloadFile(path: string, filename: string): Promise<void> {
  const auth = useAuthStore();
  const send = (token: string | null) =>
    globalThis.fetch(
      new Request(new URL(path, window.location.origin), { headers: token ? { Authorization: bearer(token) } : {} }),
    );
  let response = await send(auth.accessToken);
  if (response.status === 401 && (await auth.refresh())) response = await send(auth.accessToken);
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null);
    throw new ApiError(response.status, body);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
