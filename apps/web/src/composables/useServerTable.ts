import { computed, ref, type Ref } from 'vue';
import type { DataTablePageEvent, DataTableSortEvent } from 'primevue/datatable';

export interface PageQuery {
  page: number;
  pageSize: number;
  /** API sort syntax: field name, `-` prefix for descending (e.g. `-dueDate`). */
  sort: string;
}

export interface Page<T> {
  items: T[];
  total: number;
}

/**
 * State of a lazily loaded, server-side sorted and paged PrimeVue DataTable: the query
 * (with the screen's filters), the current page of rows and the bindings for the table.
 * Used inside Pinia setup stores, so filters survive a visit to another page.
 */
export function useServerTable<T, Q extends PageQuery>(initial: Q, fetchPage: (query: Q) => Promise<Page<T>>) {
  const items = ref([]) as Ref<T[]>;
  const total = ref(0);
  const loading = ref(false);
  const query = ref({ ...initial }) as Ref<Q>;
  let latest = 0;

  async function load(change: Partial<Q> = {}): Promise<void> {
    query.value = { ...query.value, ...change };
    const ticket = ++latest;
    loading.value = true;
    try {
      const page = await fetchPage(query.value);
      // A slower, older answer must not overwrite a newer one (typing in the search box).
      if (ticket !== latest) return;
      items.value = page.items;
      total.value = page.total;
    } finally {
      if (ticket === latest) loading.value = false;
    }
  }

  const first = computed(() => (query.value.page - 1) * query.value.pageSize);
  const sortField = computed(() => query.value.sort.replace(/^-/, ''));
  const sortOrder = computed(() => (query.value.sort.startsWith('-') ? -1 : 1));

  function pageChange(event: DataTablePageEvent): Partial<PageQuery> {
    return { page: event.page + 1, pageSize: event.rows };
  }

  function sortChange(event: DataTableSortEvent): Partial<PageQuery> {
    const field = typeof event.sortField === 'string' && event.sortField ? event.sortField : initial.sort.replace(/^-/, '');
    return { sort: `${event.sortOrder === -1 ? '-' : ''}${field}`, page: 1 };
  }

  return { items, total, loading, query, load, first, sortField, sortOrder, pageChange, sortChange };
}

/** Drops empty values so they are not sent as `?q=` or `?status=`. */
export function compact<T extends object>(query: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(query as Record<string, unknown>).filter(([, v]) => v !== '' && v !== null && v !== undefined && v !== false),
  ) as Partial<T>;
}

/** The query string of a list's CSV export (same filters and sort, no paging). */
export function csvExportUrl(path: string, query: object): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(compact(query))) {
    if (key === 'page' || key === 'pageSize') continue;
    params.set(key, String(value));
  }
  params.set('format', 'csv');
  return `${path}?${params.toString()}`;
}
