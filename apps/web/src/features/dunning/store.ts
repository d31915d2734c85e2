import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, unwrap } from '../../api/client';
import {
  TASK_KINDS,
  type ApprovalResult,
  type CompleteTaskInput,
  type DunningRun,
  type MergeFields,
  type RunPreview,
  type TaskKind,
  type Template,
  type WorklistItem,
} from '../../api/dunning';
import type { Role } from '../../api/types';
import { useServerTable, type PageQuery } from '../../composables/useServerTable';
import { useAuthStore } from '../auth/store';

/** Tasks read per request; the worklist reads at most MAX_PAGES of them (a collector's day). */
const WORKLIST_PAGE = 200;
const MAX_PAGES = 5;

export type Assignee = 'me' | 'all';

/**
 * The collector's worklist: every open task due today or earlier for "me" or "all", most
 * important first (the API's order). The kind filter and the counters per kind work on the
 * loaded tasks, so switching kind is instant and the counters are exact.
 */
export const useWorklistStore = defineStore('worklist', () => {
  const all = ref<WorklistItem[]>([]);
  const total = ref(0);
  const assignee = ref<Assignee>('me');
  const kind = ref<TaskKind | ''>('');
  const loading = ref(false);
  const loaded = ref(false);
  let latest = 0;

  const items = computed(() => (kind.value ? all.value.filter((t) => t.kind === kind.value) : all.value));
  const counts = computed(() => {
    const byKind = Object.fromEntries(TASK_KINDS.map((k) => [k, 0])) as Record<TaskKind, number>;
    for (const t of all.value) byKind[t.kind] += 1;
    return byKind;
  });
  /** More tasks than were read: the counters cover the first ones. */
  const truncated = computed(() => total.value > all.value.length);

  async function load(change: { assignee?: Assignee } = {}): Promise<void> {
    if (change.assignee) assignee.value = change.assignee;
    const ticket = ++latest;
    loading.value = true;
    try {
      const read: WorklistItem[] = [];
      let count = 0;
      for (let page = 1; page <= MAX_PAGES; page++) {
        const result = unwrap(
          await api.GET('/api/v1/dunning/worklist', {
            params: { query: { assignee: assignee.value, page, pageSize: WORKLIST_PAGE } },
          }),
        );
        read.push(...(result.items as WorklistItem[]));
        count = result.total;
        if (read.length >= count || result.items.length < WORKLIST_PAGE) break;
      }
      if (ticket !== latest) return;
      all.value = read;
      total.value = count;
      loaded.value = true;
    } finally {
      if (ticket === latest) loading.value = false;
    }
  }

  /** A task done, postponed, reassigned away or decided leaves today's list. */
  function drop(id: string): void {
    const before = all.value.length;
    all.value = all.value.filter((t) => t.id !== id);
    total.value -= before - all.value.length;
  }

  async function complete(id: string, input: CompleteTaskInput): Promise<void> {
    unwrap(await api.POST('/api/v1/dunning/tasks/{id}/complete', { params: { path: { id } }, body: input }));
    drop(id);
  }

  async function postpone(id: string, until: string, comment?: string): Promise<void> {
    unwrap(
      await api.POST('/api/v1/dunning/tasks/{id}/postpone', {
        params: { path: { id } },
        body: { until, ...(comment ? { comment } : {}) },
      }),
    );
    drop(id);
  }

  async function reassign(id: string, assigneeId: string, assigneeName: string): Promise<void> {
    unwrap(await api.POST('/api/v1/dunning/tasks/{id}/reassign', { params: { path: { id } }, body: { assigneeId } }));
    const auth = useAuthStore();
    if (assignee.value === 'me' && assigneeId !== auth.user?.id) drop(id);
    else all.value = all.value.map((t) => (t.id === id ? { ...t, assigneeId, assigneeName } : t));
  }

  async function approve(id: string, comment?: string): Promise<ApprovalResult> {
    const result = unwrap(
      await api.POST('/api/v1/dunning/tasks/{id}/approve', { params: { path: { id } }, body: comment ? { comment } : {} }),
    ) as ApprovalResult;
    drop(id);
    return result;
  }

  async function reject(id: string, comment?: string): Promise<void> {
    unwrap(await api.POST('/api/v1/dunning/tasks/{id}/reject', { params: { path: { id } }, body: comment ? { comment } : {} }));
    drop(id);
  }

  /** Sends a failed reminder again; its send_failed task is closed by the API. */
  async function retry(task: WorklistItem): Promise<string> {
    if (!task.actionId) throw new Error('send_failed task without an action');
    const action = unwrap(await api.POST('/api/v1/dunning/actions/{id}/retry', { params: { path: { id: task.actionId } } }));
    drop(task.id);
    return action.status;
  }

  return {
    all,
    items,
    total,
    assignee,
    kind,
    loading,
    loaded,
    counts,
    truncated,
    load,
    complete,
    postpone,
    reassign,
    approve,
    reject,
    retry,
  };
});

/** Run history (server-side paging) and the preview of a day's run. */
export const useRunsStore = defineStore('dunningRuns', () => {
  const table = useServerTable<DunningRun, PageQuery>(
    { page: 1, pageSize: 25, sort: '-startedAt' },
    async ({ page, pageSize }) => {
      const result = unwrap(await api.GET('/api/v1/dunning/runs', { params: { query: { page, pageSize } } }));
      return { items: result.items as DunningRun[], total: result.total };
    },
  );
  const preview = ref<RunPreview | null>(null);
  const previewLoading = ref(false);

  async function loadPreview(date?: string): Promise<void> {
    previewLoading.value = true;
    try {
      preview.value = unwrap(await api.GET('/api/v1/dunning/runs/preview', { params: { query: date ? { date } : {} } }));
    } finally {
      previewLoading.value = false;
    }
  }

  async function runNow() {
    const outcome = unwrap(await api.POST('/api/v1/dunning/runs'));
    await table.load({ page: 1 });
    return outcome;
  }

  return { ...table, preview, previewLoading, loadPreview, runNow };
});

/** Templates and merge fields, read once per visit of the dunning screens. */
export const useTemplatesStore = defineStore('dunningTemplates', () => {
  const templates = ref<Template[]>([]);
  const mergeFields = ref<MergeFields | null>(null);
  const loading = ref(false);

  async function load(): Promise<Template[]> {
    loading.value = true;
    try {
      templates.value = unwrap(await api.GET('/api/v1/dunning/templates'));
      return templates.value;
    } finally {
      loading.value = false;
    }
  }

  async function loadMergeFields(): Promise<MergeFields> {
    if (!mergeFields.value) mergeFields.value = unwrap(await api.GET('/api/v1/dunning/merge-fields')) as MergeFields;
    return mergeFields.value;
  }

  function replace(template: Template): void {
    const i = templates.value.findIndex((t) => t.id === template.id);
    templates.value =
      i === -1 ? [...templates.value, template] : templates.value.map((t) => (t.id === template.id ? template : t));
  }

  return { templates, mergeFields, loading, load, loadMergeFields, replace };
});

export interface AssignableUser {
  id: string;
  name: string;
  role?: Role;
}

/**
 * Who a task (or a customer) can be given to: the tenant's active users with a role that works
 * tasks (GET /dunning/assignees). Sales, who may not list them, can only keep a task themselves.
 */
export async function assignableUsers(): Promise<AssignableUser[]> {
  const auth = useAuthStore();
  const role = auth.user?.role;
  if (role === 'admin' || role === 'credit_manager' || role === 'collector') {
    const users = unwrap(await api.GET('/api/v1/dunning/assignees'));
    return users.map((u) => ({ id: u.id, name: u.name, role: u.role as Role }));
  }
  return auth.user ? [{ id: auth.user.id, name: auth.user.name, role: auth.user.role }] : [];
}

/** True when the signed-in user has one of the roles. */
export function useRoles() {
  const auth = useAuthStore();
  return (roles: readonly Role[]): boolean => !!auth.user && roles.includes(auth.user.role);
}
