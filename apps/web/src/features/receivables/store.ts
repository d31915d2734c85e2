import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, unwrap } from '../../api/client';
import type { Customer, Invoice, InvoiceKind, InvoiceStatus } from '../../api/types';
import { compact, csvExportUrl, useServerTable, type PageQuery } from '../../composables/useServerTable';

export interface ReceivableQuery extends PageQuery {
  q: string;
  status: InvoiceStatus | '';
  kind: InvoiceKind | '';
  overdue: boolean;
  customerId: string;
  /** YYYY-MM-DD, inclusive. */
  dueAfter: string;
  dueBefore: string;
}

export const RECEIVABLES_PATH = '/api/v1/invoices';

/** Invoices and credit notes: filters, sort and paging are the API's. */
export const useReceivablesStore = defineStore('receivables', () => {
  const table = useServerTable<Invoice, ReceivableQuery>(
    {
      page: 1,
      pageSize: 50,
      sort: 'dueDate',
      q: '',
      status: '',
      kind: '',
      overdue: false,
      customerId: '',
      dueAfter: '',
      dueBefore: '',
    },
    async (query) => unwrap(await api.GET(RECEIVABLES_PATH, { params: { query: apiQuery(query) } })),
  );
  /** The customer picked in the filter, kept to show its name. */
  const customer = ref<Pick<Customer, 'id' | 'name'> | null>(null);

  function exportUrl(): string {
    return csvExportUrl(RECEIVABLES_PATH, table.query.value);
  }

  return { ...table, customer, exportUrl };
});

function apiQuery(query: ReceivableQuery) {
  const { status, kind, ...rest } = query;
  return { ...compact(rest), ...(status ? { status } : {}), ...(kind ? { kind } : {}) };
}

/** Whole days between a due date and today (calendar dates, no time zone shift); negative when not yet due. */
export function daysPastDue(dueDate: string, today: string): number {
  const toDays = (d: string) => {
    const [y, m, day] = d.split('-').map(Number);
    return Date.UTC(y ?? 1970, (m ?? 1) - 1, day ?? 1) / 86_400_000;
  };
  return Math.round(toDays(today) - toDays(dueDate));
}

export const STATUS_SEVERITY: Record<InvoiceStatus, 'info' | 'warn' | 'success' | 'secondary'> = {
  open: 'info',
  partially_paid: 'warn',
  paid: 'success',
  written_off: 'secondary',
};
