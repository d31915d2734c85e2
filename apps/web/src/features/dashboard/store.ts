import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, unwrap } from '../../api/client';
import { isUnavailable, type Ageing, type Kpis } from '../../api/reporting';
import { todayCalendarDate } from '../../format';
import type { components } from '../../api/types';

type PromiseStats = components['schemas']['PromiseStatsDto'];

/**
 * - `ready`: KPIs and/or ageing loaded (a part that failed stays null);
 * - `empty`: the tenant has no receivables yet (the dashboard keeps its welcome card);
 * - `unavailable`: the server has receivables but no ageing/KPI endpoints.
 */
export type DashboardStatus = 'idle' | 'loading' | 'ready' | 'empty' | 'unavailable';

/** Number of top overdue customers shown. */
export const TOP_OVERDUE = 10;

export const useDashboardStore = defineStore('dashboard', () => {
  const asOf = ref(todayCalendarDate());
  const kpis = ref<Kpis | null>(null);
  /** Totals of the whole portfolio and the first page of customers by overdue amount. */
  const ageing = ref<Ageing | null>(null);
  /** Promises to pay of the last 90 days (dunning): the promises-kept rate. Null when not readable. */
  const promises = ref<PromiseStats | null>(null);
  const status = ref<DashboardStatus>('idle');
  const error = ref<unknown>(null);

  async function hasAnyReceivable(): Promise<boolean> {
    const page = unwrap(await api.GET('/api/v1/invoices', { params: { query: { page: 1, pageSize: 1 } } }));
    return page.total > 0;
  }

  async function load(date: string = asOf.value): Promise<void> {
    asOf.value = date;
    status.value = 'loading';
    error.value = null;
    void api
      .GET('/api/v1/dunning/promises/stats', { params: { query: { to: date } } })
      .then(unwrap)
      .then(
        (p) => (promises.value = p),
        () => (promises.value = null),
      );
    const [k, a] = await Promise.allSettled([
      api.GET('/api/v1/kpis', { params: { query: { asOf: date, historyMonths: 24 } } }).then(unwrap),
      api
        .GET('/api/v1/receivables/ageing', {
          params: { query: { asOf: date, basis: 'due', groupBy: 'customer', sort: '-overdue', page: 1, pageSize: TOP_OVERDUE } },
        })
        .then(unwrap),
    ]);
    kpis.value = k.status === 'fulfilled' ? k.value : null;
    ageing.value = a.status === 'fulfilled' ? a.value : null;
    const failures = [k, a].filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown);
    const realFailure = failures.find((reason) => !isUnavailable(reason));
    if (realFailure !== undefined) error.value = realFailure;

    if (kpis.value || ageing.value) {
      const count = ageing.value?.totals.count;
      const nothing = count === 0 && (kpis.value === null || /^0(\.0+)?$/.test(kpis.value.kpis.receivables));
      status.value = nothing && !(await hasAnyReceivable().catch(() => true)) ? 'empty' : 'ready';
      return;
    }
    try {
      status.value = (await hasAnyReceivable()) ? 'unavailable' : 'empty';
    } catch (e) {
      error.value ??= e;
      status.value = 'unavailable';
    }
  }

  return { asOf, kpis, ageing, promises, status, error, load };
});
