import { computed, ref, watch } from 'vue';

export interface ColumnOption {
  field: string;
  label: string;
}

/**
 * Which optional columns of a table are shown, remembered in localStorage per table.
 * `columns` is a getter so labels follow the UI language.
 */
export function useColumnChoice(storageKey: string, columns: () => ColumnOption[], defaults: string[]) {
  const key = `encours.columns.${storageKey}`;
  const read = (): string[] => {
    try {
      const saved: unknown = JSON.parse(window.localStorage.getItem(key) ?? 'null');
      return Array.isArray(saved) ? saved.filter((f): f is string => typeof f === 'string') : defaults;
    } catch {
      return defaults;
    }
  };
  const selected = ref<string[]>(read());
  watch(selected, (value) => {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
    } catch {
      // private browsing: the choice lasts for this page only
    }
  });
  const options = computed(columns);
  const shown = computed(() => new Set(selected.value));
  return { options, selected, visible: (field: string) => shown.value.has(field) };
}
