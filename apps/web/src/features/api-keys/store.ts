import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, unwrap } from '../../api/client';
import type { ApiKey, ApiKeyScope, ApiKeyScopeName, CreatedApiKey } from '../../api/types';

/** Keys are few per tenant: one page of this size is loaded and sorted/paged in the table. */
export const API_KEYS_PAGE_SIZE = 100;

export const useApiKeysStore = defineStore('apiKeys', () => {
  const items = ref<ApiKey[]>([]);
  const total = ref(0);
  const scopes = ref<ApiKeyScope[]>([]);
  const loading = ref(false);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      const page = unwrap(await api.GET('/api/v1/api-keys', { params: { query: { page: 1, pageSize: API_KEYS_PAGE_SIZE } } }));
      items.value = page.items;
      total.value = page.total;
    } finally {
      loading.value = false;
    }
  }

  async function loadScopes(): Promise<void> {
    if (scopes.value.length > 0) return;
    scopes.value = unwrap(await api.GET('/api/v1/api-keys/scopes')).scopes;
  }

  /** Returns the full key: the API shows it this one time only. */
  async function create(input: { name: string; scopes: string[]; expiresAt?: string }): Promise<CreatedApiKey> {
    // The scope names come from GET /api-keys/scopes: the server lists them and validates them.
    const body = { ...input, scopes: input.scopes as ApiKeyScopeName[] };
    const created = unwrap(await api.POST('/api/v1/api-keys', { body }));
    items.value = [created.apiKey, ...items.value.filter((k) => k.id !== created.apiKey.id)];
    total.value += 1;
    return created;
  }

  async function revoke(id: string): Promise<ApiKey> {
    const revoked = unwrap(await api.POST('/api/v1/api-keys/{id}/revoke', { params: { path: { id } } }));
    items.value = items.value.map((k) => (k.id === id ? revoked : k));
    return revoked;
  }

  return { items, total, scopes, loading, load, loadScopes, create, revoke };
});
