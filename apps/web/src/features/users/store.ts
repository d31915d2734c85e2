import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, unwrap } from '../../api/client';
import type { CreatedUser, CreateUserInput, UpdateUserInput, User } from '../../api/types';

export interface UserQuery {
  page: number;
  pageSize: number;
  q: string;
  /** API sort syntax: field name, `-` prefix for descending (e.g. `-createdAt`). */
  sort: string;
}

/** Users of the tenant (admin screen). The list is paged, searched and sorted by the API. */
export const useUsersStore = defineStore('users', () => {
  const items = ref<User[]>([]);
  const total = ref(0);
  const loading = ref(false);
  const query = ref<UserQuery>({ page: 1, pageSize: 50, q: '', sort: '-createdAt' });

  async function load(change: Partial<UserQuery> = {}): Promise<void> {
    query.value = { ...query.value, ...change };
    const { page, pageSize, q, sort } = query.value;
    loading.value = true;
    try {
      const result = unwrap(await api.GET('/api/v1/users', { params: { query: { page, pageSize, sort, ...(q ? { q } : {}) } } }));
      items.value = result.items;
      total.value = result.total;
    } finally {
      loading.value = false;
    }
  }

  async function create(input: CreateUserInput): Promise<CreatedUser> {
    const created = unwrap(await api.POST('/api/v1/users', { body: input }));
    await load();
    return created;
  }

  async function update(id: string, patch: UpdateUserInput): Promise<User> {
    const user = unwrap(await api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body: patch }));
    items.value = items.value.map((u) => (u.id === id ? user : u));
    return user;
  }

  return { items, total, loading, query, load, create, update };
});
