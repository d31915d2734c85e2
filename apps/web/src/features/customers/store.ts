import { defineStore } from 'pinia';
import { api, unwrap } from '../../api/client';
import type { Customer } from '../../api/types';
import { compact, csvExportUrl, useServerTable, type PageQuery } from '../../composables/useServerTable';

export interface CustomerQuery extends PageQuery {
  q: string;
  segment: string;
  /** '' for all. */
  blocked: '' | 'true' | 'false';
}

export const CUSTOMERS_PATH = '/api/v1/customers';

/** The customers list: search, filters, sort and paging are the API's. */
export const useCustomersStore = defineStore('customers', () => {
  const table = useServerTable<Customer, CustomerQuery>(
    { page: 1, pageSize: 50, sort: 'name', q: '', segment: '', blocked: '' },
    async ({ blocked, ...rest }) =>
      unwrap(
        await api.GET(CUSTOMERS_PATH, {
          params: { query: { ...compact(rest), ...(blocked ? { blocked: blocked === 'true' } : {}) } },
        }),
      ),
  );

  function exportUrl(): string {
    return csvExportUrl(CUSTOMERS_PATH, table.query.value);
  }

  return { ...table, exportUrl };
});
