import type { TimelineItem } from '../../api/reporting';

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
  return item.title;
}

/**
 * Facts of the ledger happen on a calendar date, sent as midnight UTC: they are shown as a
 * date, not as "01:00" in Paris.
 */
export function isCalendarEvent(item: TimelineItem): boolean {
  return item.type !== 'note' && item.type !== 'call' && /T00:00:00(\.000)?Z$/.test(item.occurredAt);
}
