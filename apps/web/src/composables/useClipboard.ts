import { useToast } from 'primevue/usetoast';
import { useI18n } from 'vue-i18n';

/** Copies text and says so in a toast; on failure asks the user to copy by hand. */
export function useClipboard() {
  const toast = useToast();
  const { t } = useI18n();

  return async (text: string): Promise<boolean> => {
    try {
      await navigator.clipboard.writeText(text);
      toast.add({ severity: 'success', summary: t('common.copied'), life: 2500 });
      return true;
    } catch {
      toast.add({ severity: 'warn', summary: t('common.copyFailed'), life: 6000 });
      return false;
    }
  };
}
