import type { TimelineItem } from '../../api/reporting';
import { formatDate, formatMoney } from '../../format';

/** PrimeIcons per event type; `<module>.<what>` types fall back on their module. */
const ICONS: Record<string, string> = {
  note: 'pi pi-pencil',
  call: 'pi pi-phone',
  invoice: 'pi pi-file',
  credit_note: 'pi pi-file-minus',
  payment: 'pi pi-euro',
  allocation: 'pi pi-link',
  dunning: 'pi pi-envelope',
  email: 'pi pi-envelope',
  letter: 'pi pi-send',
  promise: 'pi pi-calendar',
  payment_plan: 'pi pi-calendar-plus',
  'dunning.sms_sent': 'pi pi-mobile',
  'dunning.sms': 'pi pi-mobile',
  'dunning.letter': 'pi pi-print',
  'dunning.formal_notice': 'pi pi-exclamation-triangle',
  'dunning.call': 'pi pi-phone',
  'dunning.hold': 'pi pi-pause-circle',
  'dunning.excluded': 'pi pi-ban',
  'dunning.account_block': 'pi pi-lock',
  'dunning.legal_escalation': 'pi pi-briefcase',
  'dunning.awaiting_validation': 'pi pi-check-square',
  'dunning.approved': 'pi pi-check-square',
  'dunning.rejected': 'pi pi-times-circle',
  'dunning.task_done': 'pi pi-check',
  'invoice.disputed': 'pi pi-flag',
  'invoice.dispute_cleared': 'pi pi-flag',
  dispute: 'pi pi-flag',
  litigation: 'pi pi-flag',
  credit_limit: 'pi pi-shield',
  insurance: 'pi pi-shield',
  import: 'pi pi-upload',
};

export function timelineIcon(type: string): string {
  return ICONS[type] ?? ICONS[type.split('.')[0] ?? ''] ?? 'pi pi-circle';
}

/** Colour family of an event, for the dot on the timeline. */
export function timelineTone(type: string): 'note' | 'call' | 'money' | 'alert' | 'other' {
  const root = type.split('.')[0] ?? '';
  if (root === 'note') return 'note';
  if (root === 'call') return 'call';
  if (root === 'payment' || root === 'allocation' || root === 'credit_note') return 'money';
  if (root === 'promise' || root === 'payment_plan')
    return type.endsWith('.broken') || type.endsWith('.breached') ? 'alert' : 'money';
  if (type === 'invoice.disputed') return 'alert';
  if (root === 'dispute' || root === 'litigation' || type.endsWith('.overdue') || root === 'dunning') return 'alert';
  return 'other';
}

/**
 * Adds events to a timeline (a page loaded with the cursor, or one just posted): no
 * duplicates by id, newest first (ties keep the id order the server uses).
 */
export function mergeTimeline(current: TimelineItem[], incoming: TimelineItem[]): TimelineItem[] {
  const byId = new Map<string, TimelineItem>();
  for (const item of [...current, ...incoming]) byId.set(item.id, item);
  return [...byId.values()].sort((a, b) => {
    const ta = Date.parse(a.occurredAt);
    const tb = Date.parse(b.occurredAt);
    if (ta !== tb) return tb - ta;
    return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
  });
}

/** Event types the UI words itself (the API's titles are in English); others keep the API title. */
const WORDED = new Set([
  'invoice.issued',
  'credit_note.issued',
  'payment.received',
  'invoice.paid',
  'invoice.closed',
  'credit_note.closed',
  'invoice.overdue',
]);

/**
 * The event's title in the UI language: "Facture FA-1 émise" for `invoice.issued` about
 * FA-1, "Appel : promesse de paiement" for a call… `translate` is vue-i18n's `t`.
 */
export function timelineTitle(item: TimelineItem, translate: (key: string, named?: Record<string, unknown>) => string): string {
  const ref = item.related?.label;
  if (WORDED.has(item.type) && ref) return translate(`timeline.${item.type.replace('.', '_')}`, { ref });
  if (item.type === 'note') return translate('timeline.note');
  if (item.type === 'call') {
    const outcome = typeof item.data?.outcome === 'string' ? item.data.outcome : null;
    if (!outcome) return item.title;
    const said = translate(`customer.outcomes.${outcome}`);
    return item.related?.kind === 'contact' && ref
      ? translate('timeline.callWith', { contact: ref, outcome: said })
      : translate('timeline.call', { outcome: said });
  }
  return dunningTitle(item, translate) ?? scoringTitle(item, translate) ?? item.title;
}

const LIMIT_EVENTS: Record<string, string> = {
  'scoring.limit_set': 'timeline.scoring_limit_set',
  'scoring.limit_requested': 'timeline.scoring_limit_requested',
  'scoring.limit_approved': 'timeline.scoring_limit_approved',
  'scoring.limit_rejected': 'timeline.scoring_limit_rejected',
};

/** Risk events (grades, limits, legal events, credit checks) the UI words itself; null for the others. */
function scoringTitle(item: TimelineItem, translate: (key: string, named?: Record<string, unknown>) => string): string | null {
  if (!item.type.startsWith('scoring.')) return null;
  const data = item.data ?? {};
  const amount = item.amount ? formatMoney(item.amount, item.currency ?? 'EUR') : null;
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);
  switch (item.type) {
    case 'scoring.grade_changed': {
      const [from, to, score] = [str(data.previousGrade), str(data.grade), str(data.score)];
      return from && to && score ? translate('timeline.scoring_grade_changed', { from, to, score }) : null;
    }
    case 'scoring.legal_event': {
      const event = str(data.legalEvent);
      if (!event) return null;
      return translate('timeline.scoring_legal_event', {
        event: translate(`risk.legalEvents.${event}`),
        provider: str(data.provider) ?? '',
      });
    }
    case 'scoring.limit_threshold': {
      const [usage, level] = [str(data.usagePercent), str(data.level)];
      return usage && level ? translate('timeline.scoring_limit_threshold', { usage: Number(usage).toFixed(0), level }) : null;
    }
    case 'scoring.credit_check':
    case 'scoring.credit_check_released': {
      if (!amount) return null;
      const order = str(data.orderRef);
      const decision = str(data.decision);
      const key =
        item.type === 'scoring.credit_check_released'
          ? 'timeline.scoring_credit_check_released'
          : decision === 'block'
            ? 'timeline.scoring_credit_check_block'
            : 'timeline.scoring_credit_check_review';
      return translate(key, { order: order ?? translate('timeline.scoring_order_unnamed'), amount });
    }
    default:
      return LIMIT_EVENTS[item.type] && amount ? translate(LIMIT_EVENTS[item.type], { amount }) : null;
  }
}

/** Dunning, promise and payment-plan events the UI words itself; null for the others. */
const DUNNING_STEP_EVENTS = new Set([
  'email_sent',
  'sms_sent',
  'letter',
  'formal_notice',
  'awaiting_validation',
  'approved',
  'rejected',
  'email',
  'sms',
  'call',
  'account_block',
  'legal_escalation',
]);
const PLANNED_TITLE = /^(.+): (?:awaiting validation|call to make|account blocked|handed to legal collection)$/;
const COMMITMENT_EVENTS = new Set([
  'promise.created',
  'promise.kept',
  'promise.broken',
  'promise.cancelled',
  'payment_plan.created',
  'payment_plan.completed',
  'payment_plan.breached',
  'payment_plan.cancelled',
]);

function dunningTitle(item: TimelineItem, translate: (key: string, named?: Record<string, unknown>) => string): string | null {
  const [root, what] = item.type.split('.');
  const data = item.data ?? {};
  if (root === 'dunning' && what && DUNNING_STEP_EVENTS.has(what)) {
    // The run puts the step's name in the event data; older entries name it in their title
    // ("Relance 2: awaiting validation") or, for deliveries, in their label.
    const step =
      (typeof data.stepName === 'string' ? data.stepName : null) ?? PLANNED_TITLE.exec(item.title)?.[1] ?? item.related?.label;
    return step ? translate(`timeline.dunning_${what}`, { step }) : null;
  }
  if (item.type === 'dunning.hold') {
    const until = typeof data.holdUntil === 'string' ? data.holdUntil : null;
    return until ? translate('timeline.dunning_hold', { date: formatDate(until) }) : translate('timeline.dunning_hold_lifted');
  }
  if (item.type === 'dunning.excluded') {
    return data.excluded === false ? translate('timeline.dunning_included') : translate('timeline.dunning_excluded');
  }
  if (item.type === 'dunning.task_done' && typeof data.kind === 'string') {
    return translate('timeline.dunning_task_done', { kind: translate(`worklist.kinds.${data.kind}`) });
  }
  if (COMMITMENT_EVENTS.has(item.type)) {
    const key = `timeline.${item.type.replace('.', '_')}`;
    const date = typeof data.promisedDate === 'string' ? data.promisedDate : null;
    return date && item.type === 'promise.created'
      ? translate('timeline.promise_created_for', { date: formatDate(date) })
      : translate(key);
  }
  if ((item.type === 'invoice.disputed' || item.type === 'invoice.dispute_cleared') && item.related?.label) {
    return translate(`timeline.${item.type.replace('.', '_')}`, { ref: item.related.label });
  }
  return null;
}

/**
 * The event's text in the UI language where the UI knows it: a reminder names the invoices it
 * claims ("Factures FA-1, FA-2") instead of the API's English summary; other events keep theirs.
 */
export function timelineBody(
  item: TimelineItem,
  translate: (key: string, named?: Record<string, unknown>, plural?: number) => string,
): string {
  const invoices = item.data?.invoices;
  if (item.type.startsWith('dunning.') && Array.isArray(invoices) && invoices.every((n) => typeof n === 'string')) {
    if (invoices.length === 0) return '';
    const shown = invoices.length > 6 ? [...invoices.slice(0, 6), '…'] : invoices;
    return translate('timeline.dunningInvoices', { list: shown.join(', '), n: invoices.length }, invoices.length);
  }
  return item.body ?? '';
}

export interface TimelineDocument {
  id: string;
  kind: string;
  filename: string;
}

/** The documents a dunning event carries (`data.documents`: the e-mail as sent, the PDF letter…). */
export function timelineDocuments(item: TimelineItem): TimelineDocument[] {
  const docs = item.data?.documents;
  if (!Array.isArray(docs)) return [];
  return docs.flatMap((d: unknown) => {
    if (typeof d !== 'object' || d === null) return [];
    const { id, kind, filename } = d as Record<string, unknown>;
    return typeof id === 'string' && typeof filename === 'string'
      ? [{ id, kind: typeof kind === 'string' ? kind : 'attachment', filename }]
      : [];
  });
}

/**
 * Facts of the ledger happen on a calendar date, sent as midnight UTC: they are shown as a
 * date, not as "01:00" in Paris.
 */
export function isCalendarEvent(item: TimelineItem): boolean {
  return item.type !== 'note' && item.type !== 'call' && /T00:00:00(\.000)?Z$/.test(item.occurredAt);
}
