/**
 * The catalogue of events the platform publishes to webhooks. Core declares the events every
 * module will need; a module that adds its own calls `registerEventType` when it loads.
 * Subscriptions may only name events from this catalogue (or `*`, every event).
 */
export const EVENT_TYPES: Record<string, string> = {
  'customer.created': 'A customer was created (by hand or by an ERP import)',
  'invoice.created': 'An invoice was created (by hand or by an ERP import)',
  'invoice.overdue': 'An invoice passed its due date unpaid (published once per invoice)',
  'payment.received': 'A payment was recorded',
  'import.completed': 'An ERP import finished, with its counts of created, updated and rejected rows',
  'credit_limit.threshold_crossed': "A customer's exposure crossed an alert threshold of its credit limit",
  'promise.broken': 'A promise to pay was not kept by its date',
  'payment_plan.breached': 'An instalment of a payment plan was missed',
};

/** Sent only by `POST /webhooks/{id}/ping`, to the one subscription; not subscribable. */
export const PING_EVENT = 'ping';

/** Subscribing to `*` means every event of the catalogue, present and future. */
export const ALL_EVENTS = '*';

const EVENT_TYPE_RE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** Adds an event to the catalogue; registering the same type twice with the same description is harmless. */
export function registerEventType(type: string, description: string): void {
  if (!EVENT_TYPE_RE.test(type)) throw new Error(`Event type "${type}" must look like "resource.happened" (lower case, dotted)`);
  const known = EVENT_TYPES[type];
  if (known !== undefined && known !== description) throw new Error(`Event type "${type}" is already registered`);
  EVENT_TYPES[type] = description;
}

export function isKnownEventType(type: string): boolean {
  return Object.hasOwn(EVENT_TYPES, type);
}
