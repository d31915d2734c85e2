import { useConfirm } from 'primevue/useconfirm';
import { useI18n } from 'vue-i18n';

export interface ConfirmActionOptions {
  header: string;
  message: string;
  acceptLabel: string;
  /** Red accept button for destructive actions (revoke, deactivate). */
  danger?: boolean;
}

/**
 * Promise-based wrapper around PrimeVue's ConfirmDialog (mounted once in App.vue).
 * The accept button carries `data-testid="confirm-accept"` and the reject button
 * `data-testid="confirm-reject"` for browser tests.
 */
export function useConfirmAction() {
  const confirm = useConfirm();
  const { t } = useI18n();

  return (options: ConfirmActionOptions): Promise<boolean> =>
    new Promise((resolve) => {
      confirm.require({
        header: options.header,
        message: options.message,
        icon: options.danger ? 'pi pi-exclamation-triangle' : 'pi pi-question-circle',
        acceptClass: 'confirm-accept',
        rejectClass: 'confirm-reject',
        acceptProps: {
          label: options.acceptLabel,
          severity: options.danger ? 'danger' : 'primary',
          'data-testid': 'confirm-accept',
        },
        rejectProps: {
          label: t('common.cancel'),
          severity: 'secondary',
          outlined: true,
          'data-testid': 'confirm-reject',
        },
        accept: () => resolve(true),
        reject: () => resolve(false),
        onHide: () => resolve(false),
      });
    });
}
