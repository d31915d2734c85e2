import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { mount, flushPromises } from '@vue/test-utils';
import { createMemoryHistory } from 'vue-router';
import type { Ageing, Kpis } from '../src/api/reporting';
import { useDashboardStore } from '../src/features/dashboard/store';
import DashboardView from '../src/features/dashboard/views/DashboardView.vue';
import { useAuthStore } from '../src/features/auth/store';
import { installPlugins } from '../src/plugins';
import { createAppRouter } from '../src/router';
import { fakeFetch, json, makeUser, problem } from './helpers';

const BUCKETS = [
  { label: 'not_due', minDays: null, maxDays: 0 },
  { label: '1-30', minDays: 1, maxDays: 30 },
  { label: '>30', minDays: 31, maxDays: null },
];

const AGEING: Ageing = {
  asOf: '2026-11-25',
  basis: 'due',
  currency: 'EUR',
  buckets: BUCKETS,
  totals: { amounts: ['1000.00', '200.00', '34.56'], total: '1234.56', overdue: '234.56', count: 7 },
  groups: {
    items: [
      { key: 'c-1', label: 'Dupont SAS', amounts: ['0.00', '200.00', '34.56'], total: '234.56', overdue: '234.56', count: 2 },
      { key: 'c-2', label: 'Martin SA', amounts: ['1000.00', '0.00', '0.00'], total: '1000.00', overdue: '0.00', count: 5 },
    ],
    total: 2,
    page: 1,
    pageSize: 10,
  },
  missingRates: [],
};

const KPIS: Kpis = {
  asOf: '2026-11-25',
  currency: 'EUR',
  kpis: {
    receivables: '1234.56',
    currentReceivables: '1000.00',
    overdueAmount: '234.56',
    overdueShare: 19,
    percentCurrent: 81,
    disputedAmount: '34.56',
    sales3m: '3000.00',
    dsoCountBack: 42.4,
    dsoSimple: 40,
    bestPossibleDso: 30.2,
    add: 9.8,
    cei: 85.2,
    turnover: 6,
  },
  history: [
    {
      month: '2026-10',
      asOf: '2026-10-31',
      dsoCountBack: 41,
      dsoSimple: 40,
      bestPossibleDso: 30,
      overdueShare: 18,
      receivables: '1200.00',
      overdueAmount: '200.00',
    },
  ],
  missingRates: [],
};

const plain = (s: string) => s.replace(/[\u202f\u00a0]/g, ' ');

beforeEach(() => {
  setActivePinia(createPinia());
});

describe('dashboard store', () => {
  it('loads KPIs and the ageing by customer sorted by overdue amount for the as-of date', async () => {
    const { calls } = fakeFetch((call) => (call.path === '/kpis' ? json(200, KPIS) : json(200, AGEING)));
    const store = useDashboardStore();
    await store.load('2026-11-25');
    expect(store.status).toBe('ready');
    expect(store.kpis?.kpis.dsoCountBack).toBe(42.4);
    expect(calls.map((c) => c.path).sort()).toEqual(['/dunning/promises/stats', '/kpis', '/receivables/ageing']);
  });

  it('is empty when the tenant has no receivable at all', async () => {
    fakeFetch((call) => {
      if (call.path === '/kpis') return json(200, { ...KPIS, kpis: { ...KPIS.kpis, receivables: '0.00' } });
      if (call.path === '/invoices') return json(200, { items: [], total: 0, page: 1, pageSize: 1 });
      return json(200, {
        ...AGEING,
        totals: { amounts: ['0.00', '0.00', '0.00'], total: '0.00', overdue: '0.00', count: 0 },
        groups: undefined,
      });
    });
    const store = useDashboardStore();
    await store.load();
    expect(store.status).toBe('empty');
  });

  it('says "unavailable" when the server has receivables but no KPI endpoints', async () => {
    fakeFetch((call) => {
      if (call.path === '/invoices') return json(200, { items: [], total: 12, page: 1, pageSize: 1 });
      return problem(404, 'Not Found', { detail: `No route matches GET /api/v1${call.path}` });
    });
    const store = useDashboardStore();
    await store.load();
    expect(store.status).toBe('unavailable');
    expect(store.error).toBeNull();
  });

  it('keeps a real server error for the toast', async () => {
    fakeFetch((call) => (call.path === '/kpis' ? problem(500, 'Internal Server Error') : json(200, AGEING)));
    const store = useDashboardStore();
    await store.load();
    expect(store.status).toBe('ready');
    expect(store.kpis).toBeNull();
    expect(store.error).not.toBeNull();
  });
});

describe('DashboardView', () => {
  it('shows the KPI tiles in French and the overdue customers linking to their page', async () => {
    fakeFetch((call) =>
      call.path === '/kpis'
        ? json(200, KPIS)
        : call.path === '/dunning/promises/stats'
          ? json(200, {
              from: '2026-08-28',
              to: '2026-11-25',
              made: 12,
              kept: 9,
              broken: 3,
              pending: 0,
              cancelled: 0,
              keptRate: 0.75,
              amounts: [],
              byCollector: [],
            })
          : json(200, AGEING),
    );
    const pinia = createPinia();
    setActivePinia(pinia);
    useAuthStore().user = makeUser();
    const router = createAppRouter(createMemoryHistory(), pinia);
    const wrapper = mount(DashboardView, {
      attachTo: document.body,
      global: {
        plugins: [{ install: (app) => installPlugins(app, pinia, router) }],
        stubs: { DsoTrendChart: true, AgeingChart: true },
      },
    });
    await flushPromises();
    expect(wrapper.get('[data-testid="dashboard"]').attributes('data-status')).toBe('ready');
    expect(plain(wrapper.get('[data-testid="kpi-receivables"]').text())).toContain('1 234,56 €');
    expect(wrapper.get('[data-testid="kpi-receivables"]').text()).toContain('7 pièces ouvertes');
    expect(plain(wrapper.get('[data-testid="kpi-overdue"]').text())).toContain("19 % de l'encours");
    expect(plain(wrapper.get('[data-testid="kpi-dso"]').text())).toContain('42 j');
    expect(plain(wrapper.get('[data-testid="kpi-dso"]').text())).toContain('BPDSO 30 j · ADD 10 j');
    expect(plain(wrapper.get('[data-testid="kpi-cei"]').text())).toContain('85 %');
    expect(plain(wrapper.get('[data-testid="kpi-promises"]').text())).toContain('75 %');
    expect(plain(wrapper.get('[data-testid="kpi-promises"]').text())).toContain('9 sur 12 échues (90 j)');
    const rows = wrapper.findAll('[data-testid="top-overdue-row"]');
    // Customers with nothing overdue are not "top overdue".
    expect(rows).toHaveLength(1);
    expect(rows[0]!.get('a').attributes('href')).toBe('/customers/c-1');
    wrapper.unmount();
  });
});
