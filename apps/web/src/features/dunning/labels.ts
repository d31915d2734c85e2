/** Icons and tag colours of the dunning vocabulary (labels themselves are in the i18n files). */
import type { DocumentKind, PlanStatus, PromiseStatus, StepAction, TaskKind, TemplateChannel } from '../../api/dunning';

type Severity = 'success' | 'info' | 'warn' | 'danger' | 'secondary' | 'contrast';

export const ACTION_ICONS: Record<string, string> = {
  email: 'pi pi-envelope',
  sms: 'pi pi-mobile',
  letter: 'pi pi-file',
  call: 'pi pi-phone',
  formal_notice: 'pi pi-exclamation-triangle',
  legal_escalation: 'pi pi-briefcase',
  account_block: 'pi pi-lock',
} satisfies Record<StepAction, string>;

export const CHANNEL_ICONS: Record<TemplateChannel, string> = {
  email: 'pi pi-envelope',
  sms: 'pi pi-mobile',
  letter: 'pi pi-file',
  formal_notice: 'pi pi-exclamation-triangle',
  call: 'pi pi-phone',
};

export const TASK_KIND_ICONS: Record<TaskKind, string> = {
  call: 'pi pi-phone',
  validation: 'pi pi-check-square',
  letter: 'pi pi-print',
  formal_notice: 'pi pi-exclamation-triangle',
  legal_escalation: 'pi pi-briefcase',
  account_block: 'pi pi-lock',
  promise_broken: 'pi pi-calendar-times',
  plan_breached: 'pi pi-calendar-times',
  send_failed: 'pi pi-exclamation-circle',
};

export const TASK_KIND_SEVERITY: Record<TaskKind, Severity> = {
  call: 'info',
  validation: 'warn',
  letter: 'secondary',
  formal_notice: 'danger',
  legal_escalation: 'danger',
  account_block: 'danger',
  promise_broken: 'warn',
  plan_breached: 'warn',
  send_failed: 'danger',
};

export const RUN_STATUS_SEVERITY: Record<string, Severity> = {
  running: 'info',
  succeeded: 'success',
  failed: 'danger',
  skipped: 'secondary',
};

export const PROMISE_STATUS_SEVERITY: Record<PromiseStatus, Severity> = {
  pending: 'info',
  kept: 'success',
  broken: 'danger',
  cancelled: 'secondary',
};

export const PLAN_STATUS_SEVERITY: Record<PlanStatus, Severity> = {
  active: 'info',
  completed: 'success',
  breached: 'danger',
  cancelled: 'secondary',
};

export const INSTALMENT_STATUS_SEVERITY: Record<string, Severity> = {
  pending: 'secondary',
  paid: 'success',
  missed: 'danger',
};

export const DOCUMENT_ICONS: Record<DocumentKind, string> = {
  email: 'pi pi-envelope',
  sms: 'pi pi-mobile',
  letter: 'pi pi-file-pdf',
  formal_notice: 'pi pi-file-pdf',
  attachment: 'pi pi-paperclip',
};

/** "48 Ko" / "48 KB": a file size for people. */
export function fileSize(bytes: number, locale: string): string {
  const units = locale === 'fr' ? ['o', 'Ko', 'Mo'] : ['B', 'KB', 'MB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const n = new Intl.NumberFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(
    value,
  );
  return `${n} ${units[unit]}`;
}
