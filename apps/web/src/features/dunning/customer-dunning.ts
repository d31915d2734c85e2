import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, unwrap } from '../../api/client';
import type {
  CustomerDunning,
  CustomerDunningInput,
  CustomerPenalties,
  DunningDocument,
  PaymentPlan,
  PaymentPlanInput,
  PromiseInput,
  PromiseToPay,
} from '../../api/dunning';
import { ApiError } from '../../api/problem';
import { isUnavailable } from '../../api/reporting';
import type { Customer, Invoice } from '../../api/types';

/** The state of one part of the panel: loaded, not allowed for this role, or failed. */
export type PartStatus = 'idle' | 'loading' | 'ready' | 'forbidden' | 'unavailable' | 'error';

function statusOf(error: unknown): PartStatus {
  if (error instanceof ApiError && error.status === 403) return 'forbidden';
  if (isUnavailable(error)) return 'unavailable';
  return 'error';
}

/**
 * The dunning side of a customer's 360 page: its dunning state (scenario, level, hold,
 * collector), late-payment penalties, promises to pay, payment plans and the documents sent.
 * Each part loads on its own, so a role that may not read one still sees the others.
 */
export const useCustomerDunningStore = defineStore('customerDunning', () => {
  const customerId = ref('');
  const dunning = ref<CustomerDunning | null>(null);
  const penalties = ref<CustomerPenalties | null>(null);
  /** Detail of a 409 (a reference rate is missing for a period). */
  const penaltiesProblem = ref<string | null>(null);
  const promises = ref<PromiseToPay[]>([]);
  const plans = ref<PaymentPlan[]>([]);
  const documents = ref<DunningDocument[]>([]);
  const documentsTotal = ref(0);
  const status = ref<Record<'dunning' | 'penalties' | 'promises' | 'plans' | 'documents', PartStatus>>({
    dunning: 'idle',
    penalties: 'idle',
    promises: 'idle',
    plans: 'idle',
    documents: 'idle',
  });

  async function part<T>(name: keyof typeof status.value, id: string, read: () => Promise<T>, set: (value: T) => void) {
    status.value[name] = 'loading';
    try {
      const value = await read();
      if (id !== customerId.value) return;
      set(value);
      status.value[name] = 'ready';
    } catch (error) {
      if (id !== customerId.value) return;
      status.value[name] = statusOf(error);
      if (name === 'penalties' && error instanceof ApiError && error.status === 409) {
        penaltiesProblem.value = error.problem?.detail ?? null;
      }
    }
  }

  async function load(id: string): Promise<void> {
    if (id !== customerId.value) {
      dunning.value = null;
      penalties.value = null;
      promises.value = [];
      plans.value = [];
      documents.value = [];
      documentsTotal.value = 0;
    }
    customerId.value = id;
    penaltiesProblem.value = null;
    const path = { params: { path: { id } } };
    await Promise.all([
      part(
        'dunning',
        id,
        async () => unwrap(await api.GET('/api/v1/customers/{id}/dunning', path)),
        (v) => (dunning.value = v),
      ),
      loadPenalties(),
      loadPromises(),
      loadPlans(),
      part(
        'documents',
        id,
        async () =>
          unwrap(await api.GET('/api/v1/customers/{id}/documents', { params: { path: { id }, query: { pageSize: 100 } } })),
        (v) => {
          documents.value = v.items as DunningDocument[];
          documentsTotal.value = v.total;
        },
      ),
    ]);
  }

  function loadPenalties(): Promise<void> {
    const id = customerId.value;
    return part(
      'penalties',
      id,
      async () => unwrap(await api.GET('/api/v1/customers/{id}/penalties', { params: { path: { id } } })),
      (v) => (penalties.value = v),
    );
  }

  function loadPromises(): Promise<void> {
    const id = customerId.value;
    return part(
      'promises',
      id,
      async () =>
        unwrap(await api.GET('/api/v1/customers/{id}/promises', { params: { path: { id }, query: { pageSize: 100 } } })),
      (v) => (promises.value = v.items),
    );
  }

  function loadPlans(): Promise<void> {
    const id = customerId.value;
    return part(
      'plans',
      id,
      async () =>
        unwrap(await api.GET('/api/v1/customers/{id}/payment-plans', { params: { path: { id }, query: { pageSize: 100 } } })),
      (v) => (plans.value = v.items),
    );
  }

  async function update(patch: CustomerDunningInput): Promise<CustomerDunning> {
    const id = customerId.value;
    const next = unwrap(await api.PUT('/api/v1/customers/{id}/dunning', { params: { path: { id } }, body: patch }));
    if (id === customerId.value) dunning.value = next;
    return next;
  }

  /** A promise pauses the customer's dunning: the state is read again. */
  async function createPromise(input: PromiseInput): Promise<PromiseToPay> {
    const id = customerId.value;
    const created = unwrap(await api.POST('/api/v1/customers/{id}/promises', { params: { path: { id } }, body: input }));
    promises.value = [created, ...promises.value.filter((p) => p.id !== created.id)];
    void refreshDunning();
    return created;
  }

  async function cancelPromise(promiseId: string, reason?: string): Promise<void> {
    const updated = unwrap(
      await api.POST('/api/v1/promises/{id}/cancel', { params: { path: { id: promiseId } }, body: reason ? { reason } : {} }),
    );
    promises.value = promises.value.map((p) => (p.id === updated.id ? updated : p));
    void refreshDunning();
  }

  async function createPlan(input: PaymentPlanInput): Promise<PaymentPlan> {
    const id = customerId.value;
    const created = unwrap(await api.POST('/api/v1/customers/{id}/payment-plans', { params: { path: { id } }, body: input }));
    plans.value = [created, ...plans.value.filter((p) => p.id !== created.id)];
    void refreshDunning();
    return created;
  }

  async function cancelPlan(planId: string, reason?: string): Promise<void> {
    const updated = unwrap(
      await api.POST('/api/v1/payment-plans/{id}/cancel', { params: { path: { id: planId } }, body: reason ? { reason } : {} }),
    );
    plans.value = plans.value.map((p) => (p.id === updated.id ? updated : p));
    void refreshDunning();
  }

  async function setDisputed(invoiceId: string, disputed: boolean, reason?: string): Promise<Invoice> {
    const invoice = unwrap(
      await api.PUT('/api/v1/invoices/{id}/disputed', {
        params: { path: { id: invoiceId } },
        body: { disputed, ...(reason ? { reason } : {}) },
      }),
    );
    void loadPenalties();
    return invoice;
  }

  async function refreshDunning(): Promise<void> {
    const id = customerId.value;
    if (status.value.dunning !== 'ready') return;
    try {
      const next = unwrap(await api.GET('/api/v1/customers/{id}/dunning', { params: { path: { id } } }));
      if (id === customerId.value) dunning.value = next;
    } catch {
      // the panel keeps what it shows; the next visit reads it again
    }
  }

  return {
    customerId,
    dunning,
    penalties,
    penaltiesProblem,
    promises,
    plans,
    documents,
    documentsTotal,
    status,
    load,
    loadPenalties,
    update,
    createPromise,
    cancelPromise,
    createPlan,
    cancelPlan,
    setDisputed,
  };
});

/** What the promise and payment-plan forms need about a customer: its open invoices (oldest due first) and contacts. */
export interface CustomerContext {
  customer: Customer;
  invoices: Invoice[];
}

export async function loadCustomerContext(id: string): Promise<CustomerContext> {
  const [customer, ...pages] = await Promise.all([
    api.GET('/api/v1/customers/{id}', { params: { path: { id } } }).then(unwrap),
    ...(['open', 'partially_paid'] as const).map(async (status) =>
      unwrap(
        await api.GET('/api/v1/invoices', {
          params: { query: { customerId: id, status, kind: 'invoice', pageSize: 200, sort: 'dueDate' } },
        }),
      ),
    ),
  ]);
  const invoices = pages
    .flatMap((p) => p.items)
    .filter((i) => i.kind === 'invoice')
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.number.localeCompare(b.number));
  return { customer, invoices };
}
