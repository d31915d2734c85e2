import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, unwrap } from '../../api/client';
import { ApiError } from '../../api/problem';
import type { ImportCounts, ImportEntity, ImportMapping, ImportRowError, ImportRun } from '../../api/types';
import { useServerTable, type PageQuery } from '../../composables/useServerTable';
import { previewCsv, type CsvPreview, type Delimiter } from './csv';
import { IMPORT_FIELDS } from './fields';
import {
  applySavedMapping,
  autoMap,
  duplicateFields,
  missingRequired,
  toApiMapping,
  toSavedColumns,
  type ColumnAssignment,
} from './mapping';

/** What a simulation or an import answered, rows rejected included (422 problem). */
export interface ImportOutcome {
  id: string | null;
  dryRun: boolean;
  /** True when rows were (or would be) written without error. */
  ok: boolean;
  status: string;
  counts: ImportCounts;
  errors: ImportRowError[];
  detail?: string;
}

const API_DELIMITER: Record<Delimiter, ',' | ';' | 'tab'> = { ',': ',', ';': ';', '\t': 'tab' };
const FROM_API_DELIMITER: Record<string, Delimiter> = { ',': ',', ';': ';', tab: '\t' };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The import screen: the file, its column mapping, the last outcome and the history. */
export const useImportsStore = defineStore('imports', () => {
  const entity = ref<ImportEntity>('customers');
  const fileName = ref('');
  const text = ref('');
  const preview = ref<CsvPreview | null>(null);
  const assignment = ref<ColumnAssignment>({});
  const mappings = ref<ImportMapping[]>([]);
  /** Name of the source system whose mapping is loaded or saved (e.g. "sage-x3"). */
  const source = ref('');
  const outcome = ref<ImportOutcome | null>(null);
  const running = ref<'dry' | 'real' | null>(null);

  const fields = computed(() => IMPORT_FIELDS[entity.value]);
  const missing = computed(() => missingRequired(assignment.value, fields.value));
  const duplicates = computed(() => duplicateFields(assignment.value));
  const entityMappings = computed(() => mappings.value.filter((m) => m.entity === entity.value));
  const ready = computed(
    () => preview.value !== null && preview.value.rowCount > 0 && missing.value.length === 0 && duplicates.value.length === 0,
  );

  function remap(): void {
    const header = preview.value?.header ?? [];
    const saved = entityMappings.value.find((m) => m.source === source.value);
    assignment.value = saved ? applySavedMapping(header, saved.columns, fields.value) : autoMap(header, fields.value);
  }

  function setFile(name: string, content: string): void {
    fileName.value = name;
    text.value = content;
    preview.value = previewCsv(content);
    outcome.value = null;
    remap();
  }

  function setDelimiter(delimiter: Delimiter): void {
    if (!text.value) return;
    preview.value = previewCsv(text.value, delimiter);
    outcome.value = null;
    remap();
  }

  function setEntity(next: ImportEntity): void {
    entity.value = next;
    outcome.value = null;
    if (!entityMappings.value.some((m) => m.source === source.value)) source.value = '';
    remap();
  }

  function clearFile(): void {
    fileName.value = '';
    text.value = '';
    preview.value = null;
    assignment.value = {};
    outcome.value = null;
  }

  async function loadMappings(): Promise<void> {
    mappings.value = unwrap(await api.GET('/api/v1/import-mappings'));
  }

  /** Applies the saved mapping of a source system (its delimiter too). */
  function useMapping(name: string): void {
    source.value = name;
    const saved = entityMappings.value.find((m) => m.source === name);
    const delimiter = saved?.delimiter ? FROM_API_DELIMITER[saved.delimiter] : undefined;
    if (delimiter && text.value && delimiter !== preview.value?.delimiter) preview.value = previewCsv(text.value, delimiter);
    remap();
  }

  async function saveMapping(name: string): Promise<ImportMapping> {
    const saved = unwrap(
      await api.POST('/api/v1/import-mappings', {
        body: {
          source: name,
          entity: entity.value,
          // The spec types `columns` as an empty object; it is { "CSV header": field }.
          columns: toSavedColumns(assignment.value) as Record<string, never>,
          ...(preview.value ? { delimiter: API_DELIMITER[preview.value.delimiter] } : {}),
        },
      }),
    );
    mappings.value = [...mappings.value.filter((m) => m.id !== saved.id), saved];
    source.value = name;
    return saved;
  }

  async function run(dryRun: boolean): Promise<ImportOutcome> {
    if (!preview.value) throw new Error('No file');
    running.value = dryRun ? 'dry' : 'real';
    try {
      // All five import routes take the same query and body.
      const path = `/api/v1/imports/${entity.value}` as '/api/v1/imports/customers';
      const result = await api.POST(path, {
        params: {
          query: {
            dryRun,
            source: 'file',
            delimiter: API_DELIMITER[preview.value.delimiter],
            mapping: JSON.stringify(toApiMapping(assignment.value, fields.value)),
          },
          // One key per click: a network retry of the same request cannot import twice.
          header: { 'idempotency-key': crypto.randomUUID() },
        },
        body: text.value,
        bodySerializer: (body: unknown) => body as string,
        headers: { 'Content-Type': 'text/csv; charset=utf-8' },
      });
      const data = result.data;
      if (data && 'importId' in data) {
        // Queued (large imports run in the background): follow the run until it is finished.
        const run = await waitForRun(data.importId);
        outcome.value = {
          id: run.id,
          dryRun: run.dryRun,
          ok: run.status === 'succeeded',
          status: run.status,
          counts: run.counts,
          errors: run.errors ?? [],
        };
      } else if (result.response.ok && data) {
        outcome.value = {
          id: data.id,
          dryRun: data.dryRun,
          ok: data.errors.length === 0,
          status: data.status,
          counts: data.counts,
          errors: data.errors,
        };
      } else {
        // 422 with the rejected rows (nothing written): the problem carries counts and errors.
        const body: unknown = result.error;
        if (result.response.status !== 422 || !isRecord(body) || !isRecord(body.counts)) {
          throw new ApiError(result.response.status, body);
        }
        const problem = new ApiError(422, body).problem;
        outcome.value = {
          id: typeof body.importId === 'string' ? body.importId : null,
          dryRun,
          ok: false,
          status: 'failed',
          counts: body.counts as unknown as ImportCounts,
          errors: (problem?.errors ?? []).map((e) => ({ row: e.row ?? 0, field: e.field, message: e.message })),
          detail: problem?.detail,
        };
      }
      return outcome.value;
    } finally {
      running.value = null;
    }
  }

  return {
    entity,
    fileName,
    text,
    preview,
    assignment,
    mappings,
    source,
    outcome,
    running,
    fields,
    missing,
    duplicates,
    entityMappings,
    ready,
    setFile,
    setDelimiter,
    setEntity,
    clearFile,
    loadMappings,
    useMapping,
    saveMapping,
    run,
  };
});

/** Polls an import queued by the API until it is no longer running. */
export async function waitForRun(id: string, intervalMs = 1000, timeoutMs = 30 * 60_000): Promise<ImportRun> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = unwrap(await api.GET('/api/v1/imports/{id}', { params: { path: { id } } }));
    if (run.status !== 'running' && run.status !== 'queued') return run;
    if (Date.now() > deadline) throw new Error(`Import ${id} still running`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Imports run so far (API and files), latest first. */
export const useImportHistoryStore = defineStore('importHistory', () =>
  useServerTable<ImportRun, PageQuery>({ page: 1, pageSize: 10, sort: '-createdAt' }, async ({ page, pageSize }) =>
    unwrap(await api.GET('/api/v1/imports', { params: { query: { page, pageSize } } })),
  ),
);
