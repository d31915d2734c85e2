import { AsyncLocalStorage } from 'node:async_hooks';
import type { Role } from '../auth/roles.js';

export type Principal =
  | { kind: 'user'; tenantId: string; userId: string; role: Role; email: string }
  | { kind: 'apiKey'; tenantId: string; apiKeyId: string; scopes: string[]; name: string }
  | { kind: 'system'; tenantId?: string; name: string };

export interface RequestContextStore {
  requestId?: string;
  tenantId?: string;
  principal?: Principal;
}

const storage = new AsyncLocalStorage<RequestContextStore>();

/**
 * The request (or job) context: which tenant and which principal the current code runs for.
 * A middleware opens one store per HTTP request; the auth guard fills it in; jobs and the CLI
 * use `runWithContext`.
 */
export const RequestContext = {
  run<T>(store: RequestContextStore, fn: () => T): T {
    return storage.run(store, fn);
  },
  get(): RequestContextStore | undefined {
    return storage.getStore();
  },
  tenantId(): string {
    const tenantId = storage.getStore()?.tenantId;
    if (!tenantId) throw new Error('No tenant in the current context');
    return tenantId;
  },
  principal(): Principal | undefined {
    return storage.getStore()?.principal;
  },
  requestId(): string | undefined {
    return storage.getStore()?.requestId;
  },
};

/** Runs `fn` as a system actor inside one tenant (jobs, CLI, demo seeding). */
export function runAsSystem<T>(name: string, tenantId: string | undefined, fn: () => T): T {
  return storage.run({ tenantId, principal: { kind: 'system', tenantId, name } }, fn);
}
