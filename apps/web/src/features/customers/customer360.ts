import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, unwrap } from '../../api/client';
import { isUnavailable, type CallInput, type CustomerSummary, type OpenItem, type TimelineItem } from '../../api/reporting';
import type { Customer } from '../../api/types';
import { todayCalendarDate } from '../../format';
import { daysPastDue } from '../receivables/store';
import { mergeTimeline } from './timeline';

export const TIMELINE_PAGE = 50;

/** One customer's 360 page: master data, exposure, payer profile, open items, timeline. */
export const useCustomer360Store = defineStore('customer360', () => {
  const customer = ref<Customer | null>(null);
  const summary = ref<CustomerSummary | null>(null);
  /** False when the server has no summary endpoint yet (tiles say "indisponible"). */
  const summaryAvailable = ref(true);
  /** From the summary, or else from the invoices list. */
  const openItems = ref<OpenItem[]>([]);
  const timeline = ref<TimelineItem[]>([]);
  const nextCursor = ref<string | null>(null);
  const timelineAvailable = ref(true);
  const timelineLoading = ref(false);
  const loading = ref(false);
  let currentId = '';

  async function openItemsFromInvoices(id: string): Promise<OpenItem[]> {
    const today = todayCalendarDate();
    const pages = await Promise.all(
      (['open', 'partially_paid'] as const).map(async (status) =>
        unwrap(
          await api.GET('/api/v1/invoices', { params: { query: { customerId: id, status, pageSize: 200, sort: 'dueDate' } } }),
        ),
      ),
    );
    return pages
      .flatMap((p) => p.items)
      .sort((a, b) => a.dueDate.localeCompare(b.dueDate))
      .map((i) => ({
        id: i.id,
        number: i.number,
        issueDate: i.issueDate,
        dueDate: i.dueDate,
        amount: i.amount,
        openAmount: i.openAmount,
        currency: i.currency,
        kind: i.kind,
        externalRef: i.externalRef,
        daysPastDue: Math.max(0, daysPastDue(i.dueDate, today)),
        status: i.status,
        disputed: i.disputed,
      }));
  }

  async function load(id: string): Promise<void> {
    currentId = id;
    loading.value = true;
    if (customer.value?.id !== id) {
      customer.value = null;
      summary.value = null;
      openItems.value = [];
      timeline.value = [];
      nextCursor.value = null;
    }
    try {
      const [c, s] = await Promise.allSettled([
        api.GET('/api/v1/customers/{id}', { params: { path: { id } } }).then(unwrap),
        api.GET('/api/v1/customers/{id}/summary', { params: { path: { id } } }).then(unwrap),
      ]);
      if (c.status === 'rejected') throw c.reason;
      if (id !== currentId) return;
      customer.value = c.value;
      if (s.status === 'fulfilled') {
        summary.value = s.value;
        summaryAvailable.value = true;
        openItems.value = s.value.openItems;
      } else {
        summary.value = null;
        summaryAvailable.value = !isUnavailable(s.reason);
        openItems.value = await openItemsFromInvoices(id);
        if (summaryAvailable.value) throw s.reason;
      }
    } finally {
      loading.value = false;
    }
  }

  async function loadTimeline(reset = false): Promise<void> {
    const id = currentId;
    timelineLoading.value = true;
    try {
      const before = reset ? undefined : (nextCursor.value ?? undefined);
      const page = unwrap(
        await api.GET('/api/v1/customers/{id}/timeline', {
          params: { path: { id }, query: { limit: TIMELINE_PAGE, ...(before ? { before } : {}) } },
        }),
      );
      if (id !== currentId) return;
      timelineAvailable.value = true;
      timeline.value = mergeTimeline(reset ? [] : timeline.value, page.items);
      nextCursor.value = page.nextCursor;
    } catch (error) {
      if (isUnavailable(error)) {
        timelineAvailable.value = false;
        return;
      }
      throw error;
    } finally {
      timelineLoading.value = false;
    }
  }

  async function addNote(text: string): Promise<TimelineItem> {
    const item = unwrap(await api.POST('/api/v1/customers/{id}/notes', { params: { path: { id: currentId } }, body: { text } }));
    timeline.value = mergeTimeline(timeline.value, [item]);
    return item;
  }

  async function logCall(input: CallInput): Promise<TimelineItem> {
    const item = unwrap(await api.POST('/api/v1/customers/{id}/calls', { params: { path: { id: currentId } }, body: input }));
    timeline.value = mergeTimeline(timeline.value, [item]);
    return item;
  }

  return {
    customer,
    summary,
    summaryAvailable,
    openItems,
    timeline,
    nextCursor,
    timelineAvailable,
    timelineLoading,
    loading,
    load,
    loadTimeline,
    addNote,
    logCall,
  };
});
