import { vi } from 'vitest';
import type { TokenResponse, User } from '../src/api/types';

export function makeUser(overrides: Partial<User> = {}): User {
  return {
    id: 'u-1',
    email: 'claire.martin@example.com',
    name: 'Claire Martin',
    role: 'admin',
    locale: 'fr',
    active: true,
    mustChangePassword: false,
    tenantId: 't-1',
    tenantName: 'Acme SAS',
    lastLoginAt: '2026-11-23T08:30:00Z',
    createdAt: '2026-01-05T10:00:00Z',
    ...overrides,
  };
}

export function tokens(n: number, user: User = makeUser()): TokenResponse {
  return { accessToken: `access-${n}`, refreshToken: `refresh-${n}`, expiresIn: 900, user };
}

export function json(status: number, body: unknown, type = 'application/json'): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });
}

export function problem(status: number, title: string, extra: Record<string, unknown> = {}): Response {
  return json(status, { type: 'about:blank', title, status, ...extra }, 'application/problem+json');
}

export interface Call {
  method: string;
  path: string;
  authorization: string | null;
  body: unknown;
}

/** Where the SPA must send every API call: its own origin, under /api/v1. */
const API_ROOT = `${window.location.origin}/api/v1/`;

/**
 * A fake `fetch` backed by a route handler; records every call (method, path below
 * /api/v1, Authorization header and JSON body) for assertions. A call outside
 * `<origin>/api/v1/` fails like an unreachable server, so a wrong base URL or path shows.
 */
export function fakeFetch(handler: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    if (!request.url.startsWith(API_ROOT)) {
      throw new TypeError(`fakeFetch: ${request.method} ${request.url} is not below ${API_ROOT}`);
    }
    const text = await request.text();
    const call: Call = {
      method: request.method,
      path: new URL(request.url).pathname.slice('/api/v1'.length),
      authorization: request.headers.get('Authorization'),
      body: text ? (JSON.parse(text) as unknown) : undefined,
    };
    calls.push(call);
    return handler(call);
  });
  vi.stubGlobal('fetch', fetch);
  return { fetch, calls };
}

/** Resolves after pending promise callbacks and timers of the current tick. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
