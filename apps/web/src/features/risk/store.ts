import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, unwrap } from '../../api/client';
import type {
  CashCollected,
  CreditCheck,
  CreditCheckInput,
  CreditCheckResult,
  CreditLimit,
  CreditLimitInput,
  CreditLimitRequest,
  CreditLimitUsage,
  CurrentCreditLimit,
  CustomerScore,
  Decision,
  ExternalRating,
  GoodPayer,
  GradeDistribution,
  OpenInvoicePrediction,
  RiskAlert,
  ScoreHistoryPoint,
} from '../../api/scoring';
import { compact, useServerTable, type PageQuery } from '../../composables/useServerTable';

/** Usage (percent of the limit) from which a customer counts as "near" its limit. */
export const NEAR_LIMIT = 80;
/** Rows each section of the risk page shows. */
const SECTION_ROWS = 10;

export async function approveLimit(id: string, comment: string): Promise<CreditLimit> {
  return unwrap(
    await api.POST('/api/v1/credit-limits/{id}/approve', { params: { path: { id } }, body: comment ? { comment } : {} }),
  );
}

export async function rejectLimit(id: string, comment: string): Promise<CreditLimit> {
  return unwrap(
    await api.POST('/api/v1/credit-limits/{id}/reject', { params: { path: { id } }, body: comment ? { comment } : {} }),
  );
}

/**
 * The alerts of the top-bar bell and of the risk page: the unread count (refreshed now and
 * then), the latest alerts, and marking them read (for the whole team, as the API does).
 */
export const useRiskAlertsStore = defineStore('riskAlerts', () => {
  const unread = ref(0);
  const critical = ref(0);
  /** The risk page's list (unread only or all). */
  const latest = ref<RiskAlert[]>([]);
  const total = ref(0);
  /** The bell's panel: the newest few. */
  const recent = ref<RiskAlert[]>([]);
  const loading = ref(false);
  /** The count could not be read (another server version, no rights): the bell stays quiet. */
  const available = ref(true);

  async function refreshCount(): Promise<void> {
    try {
      const count = unwrap(await api.GET('/api/v1/risk-alerts/unread-count'));
      unread.value = count.count;
      critical.value = count.critical;
      available.value = true;
    } catch {
      available.value = false;
    }
  }

  async function fetchAlerts(pageSize: number, unreadOnly: boolean) {
    return unwrap(
      await api.GET('/api/v1/risk-alerts', { params: { query: { pageSize, ...(unreadOnly ? { unread: true } : {}) } } }),
    );
  }

  async function loadLatest(options: { unreadOnly?: boolean; pageSize?: number } = {}): Promise<void> {
    loading.value = true;
    try {
      const page = await fetchAlerts(options.pageSize ?? SECTION_ROWS, !!options.unreadOnly);
      latest.value = page.items as RiskAlert[];
      total.value = page.total;
    } finally {
      loading.value = false;
    }
  }

  async function loadRecent(pageSize: number): Promise<void> {
    loading.value = true;
    try {
      recent.value = (await fetchAlerts(pageSize, false)).items as RiskAlert[];
    } finally {
      loading.value = false;
    }
  }

  function replace(alert: RiskAlert): void {
    latest.value = latest.value.map((a) => (a.id === alert.id ? alert : a));
    recent.value = recent.value.map((a) => (a.id === alert.id ? alert : a));
  }

  async function markRead(id: string): Promise<void> {
    const alert = unwrap(await api.POST('/api/v1/risk-alerts/{id}/read', { params: { path: { id } } })) as RiskAlert;
    replace(alert);
    await refreshCount();
  }

  async function markAllRead(): Promise<number> {
    const result = unwrap(await api.POST('/api/v1/risk-alerts/read-all'));
    const now = new Date().toISOString();
    latest.value = latest.value.map((a) => (a.readAt ? a : { ...a, readAt: now }));
    recent.value = recent.value.map((a) => (a.readAt ? a : { ...a, readAt: now }));
    await refreshCount();
    return result.updated;
  }

  return {
    unread,
    critical,
    latest,
    total,
    recent,
    loading,
    available,
    refreshCount,
    loadLatest,
    loadRecent,
    markRead,
    markAllRead,
  };
});

/** The risk page: grades, customers near or over their limit, pending limits, legal events. */
export const useRiskOverviewStore = defineStore('riskOverview', () => {
  const grades = ref<GradeDistribution | null>(null);
  const usage = ref<CreditLimitUsage[]>([]);
  const usageTotal = ref(0);
  const pending = ref<CreditLimit[]>([]);
  const pendingTotal = ref(0);
  const legal = ref<ExternalRating[]>([]);
  const legalTotal = ref(0);

  async function loadGrades(): Promise<void> {
    grades.value = unwrap(await api.GET('/api/v1/scoring/grades'));
  }

  async function loadUsage(): Promise<void> {
    const page = unwrap(
      await api.GET('/api/v1/credit-limits/usage', { params: { query: { minUsage: NEAR_LIMIT, pageSize: 25 } } }),
    );
    usage.value = page.items as CreditLimitUsage[];
    usageTotal.value = page.total;
  }

  async function loadPending(): Promise<void> {
    const page = unwrap(await api.GET('/api/v1/credit-limits', { params: { query: { status: 'pending', pageSize: 25 } } }));
    pending.value = page.items as CreditLimit[];
    pendingTotal.value = page.total;
  }

  async function loadLegal(): Promise<void> {
    const page = unwrap(
      await api.GET('/api/v1/external-ratings', { params: { query: { legalEvent: true, pageSize: SECTION_ROWS } } }),
    );
    legal.value = page.items as ExternalRating[];
    legalTotal.value = page.total;
  }

  async function recompute() {
    const result = unwrap(await api.POST('/api/v1/scoring/recompute'));
    await loadGrades();
    return result;
  }

  return {
    grades,
    usage,
    usageTotal,
    pending,
    pendingTotal,
    legal,
    legalTotal,
    loadGrades,
    loadUsage,
    loadPending,
    loadLegal,
    recompute,
  };
});

type Part = 'score' | 'history' | 'limit' | 'limits' | 'ratings' | 'predictions';
type PartStatus = 'idle' | 'loading' | 'ready' | 'error';

/**
 * The risk side of the customer 360: score and factors, score history, current limit and
 * exposure, limit history (pending requests included), external ratings, predicted payment dates.
 * Each part loads on its own: one that fails leaves the others on screen.
 */
export const useCustomerRiskStore = defineStore('customerRisk', () => {
  const customerId = ref<string | null>(null);
  const score = ref<CustomerScore | null>(null);
  const history = ref<ScoreHistoryPoint[]>([]);
  const current = ref<CurrentCreditLimit | null>(null);
  const limits = ref<CreditLimit[]>([]);
  const limitsTotal = ref(0);
  const ratings = ref<ExternalRating[]>([]);
  const ratingsTotal = ref(0);
  const predictions = ref<OpenInvoicePrediction[]>([]);
  const predictionsTotal = ref(0);
  const status = ref<Record<Part, PartStatus>>({
    score: 'idle',
    history: 'idle',
    limit: 'idle',
    limits: 'idle',
    ratings: 'idle',
    predictions: 'idle',
  });
  const errors = ref<unknown[]>([]);

  async function part(id: string, name: Part, fn: () => Promise<void>): Promise<void> {
    status.value[name] = 'loading';
    try {
      await fn();
      if (customerId.value === id) status.value[name] = 'ready';
    } catch (error) {
      if (customerId.value !== id) return;
      status.value[name] = 'error';
      errors.value.push(error);
    }
  }

  const path = (id: string) => ({ params: { path: { id } } });

  function loadScore(id: string) {
    return part(id, 'score', async () => {
      const s = unwrap(await api.GET('/api/v1/customers/{id}/score', path(id)));
      if (customerId.value === id) score.value = s;
    });
  }
  function loadHistory(id: string) {
    return part(id, 'history', async () => {
      const h = unwrap(await api.GET('/api/v1/customers/{id}/score/history', path(id)));
      if (customerId.value === id) history.value = h;
    });
  }
  function loadLimit(id: string) {
    return part(id, 'limit', async () => {
      const c = unwrap(await api.GET('/api/v1/customers/{id}/credit-limit', path(id))) as unknown as CurrentCreditLimit;
      if (customerId.value === id) current.value = c;
    });
  }
  function loadLimits(id: string) {
    return part(id, 'limits', async () => {
      const page = unwrap(
        await api.GET('/api/v1/customers/{id}/credit-limits', { params: { path: { id }, query: { pageSize: 50 } } }),
      );
      if (customerId.value !== id) return;
      limits.value = page.items as CreditLimit[];
      limitsTotal.value = page.total;
    });
  }
  function loadRatings(id: string) {
    return part(id, 'ratings', async () => {
      const page = unwrap(
        await api.GET('/api/v1/customers/{id}/external-ratings', { params: { path: { id }, query: { pageSize: 20 } } }),
      );
      if (customerId.value !== id) return;
      ratings.value = page.items as ExternalRating[];
      ratingsTotal.value = page.total;
    });
  }
  function loadPredictions(id: string) {
    return part(id, 'predictions', async () => {
      const page = unwrap(
        await api.GET('/api/v1/customers/{id}/predictions', { params: { path: { id }, query: { pageSize: 100 } } }),
      );
      if (customerId.value !== id) return;
      predictions.value = page.items as OpenInvoicePrediction[];
      predictionsTotal.value = page.total;
    });
  }

  async function load(id: string): Promise<void> {
    if (customerId.value !== id) {
      score.value = null;
      history.value = [];
      current.value = null;
      limits.value = [];
      ratings.value = [];
      predictions.value = [];
      limitsTotal.value = ratingsTotal.value = predictionsTotal.value = 0;
    }
    customerId.value = id;
    errors.value = [];
    await Promise.all([loadScore(id), loadHistory(id), loadLimit(id), loadLimits(id), loadRatings(id), loadPredictions(id)]);
  }

  /** A limit changed (set, approved, rejected): the limit, its history and the score move with it. */
  async function reloadLimits(): Promise<void> {
    const id = customerId.value;
    if (!id) return;
    await Promise.all([loadLimit(id), loadLimits(id), loadScore(id)]);
  }

  async function requestLimit(input: CreditLimitInput): Promise<CreditLimitRequest> {
    const id = customerId.value;
    if (!id) throw new Error('no customer');
    const result = unwrap(await api.POST('/api/v1/customers/{id}/credit-limits', { params: { path: { id } }, body: input }));
    await reloadLimits();
    return result;
  }

  async function decide(limitId: string, approve: boolean, comment: string): Promise<CreditLimit> {
    const result = approve ? await approveLimit(limitId, comment) : await rejectLimit(limitId, comment);
    await reloadLimits();
    return result;
  }

  const pending = computed(() => limits.value.filter((l) => l.status === 'pending'));

  return {
    customerId,
    score,
    history,
    current,
    limits,
    limitsTotal,
    ratings,
    ratingsTotal,
    predictions,
    predictionsTotal,
    status,
    errors,
    pending,
    load,
    reloadLimits,
    requestLimit,
    decide,
  };
});

export interface CreditCheckQuery extends PageQuery {
  /** Decisions shown; empty: all. */
  decisions: Decision[];
  /** Only the reviewed or blocked checks not released yet. */
  toRelease: boolean;
  customerId: string;
  from: string;
  to: string;
}

/** The credit-check log: filters, server-side paging, release, and a check run by hand. */
export const useCreditChecksStore = defineStore('creditChecks', () => {
  const table = useServerTable<CreditCheck, CreditCheckQuery>(
    { page: 1, pageSize: 25, sort: '-checkedAt', decisions: [], toRelease: false, customerId: '', from: '', to: '' },
    async ({ decisions, toRelease, ...rest }) => {
      const chosen = toRelease ? decisions.filter((d) => d !== 'accept') : decisions;
      const decision = (toRelease && chosen.length === 0 ? ['review', 'block'] : chosen).join(',');
      const result = unwrap(
        await api.GET('/api/v1/credit-checks', {
          params: { query: { ...compact(rest), ...(decision ? { decision } : {}), ...(toRelease ? { released: false } : {}) } },
        }),
      );
      return { items: result.items as CreditCheck[], total: result.total };
    },
  );

  async function release(id: string, comment: string): Promise<CreditCheck> {
    const check = unwrap(
      await api.POST('/api/v1/credit-checks/{id}/release', { params: { path: { id } }, body: comment ? { comment } : {} }),
    );
    table.items.value = table.items.value.map((c) => (c.id === id ? check : c));
    return check;
  }

  async function run(input: CreditCheckInput): Promise<CreditCheckResult> {
    const result = unwrap(await api.POST('/api/v1/credit-checks', { body: input }));
    await table.load({ page: 1 });
    return result;
  }

  return { ...table, release, run };
});

/** The sales page: good payers (server-side paging) and cash collected per salesperson. */
export const useSalesStore = defineStore('sales', () => {
  const goodPayers = useServerTable<GoodPayer, PageQuery>(
    { page: 1, pageSize: 25, sort: '-score' },
    async ({ page, pageSize }) => {
      const result = unwrap(await api.GET('/api/v1/sales/good-payers', { params: { query: { page, pageSize } } }));
      return { items: result.items as GoodPayer[], total: result.total };
    },
  );
  const cash = ref<CashCollected | null>(null);
  const cashLoading = ref(false);

  async function loadCash(range: { from?: string; to?: string } = {}): Promise<void> {
    cashLoading.value = true;
    try {
      cash.value = unwrap(await api.GET('/api/v1/sales/cash-collected', { params: { query: compact(range) } }));
    } finally {
      cashLoading.value = false;
    }
  }

  return { goodPayers, cash, cashLoading, loadCash };
});
