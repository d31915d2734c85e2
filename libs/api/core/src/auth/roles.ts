export const ROLES = ['admin', 'credit_manager', 'collector', 'sales', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that may change data in finance modules (viewers and sales read). */
export const FINANCE_WRITERS: Role[] = ['admin', 'credit_manager', 'collector'];

/**
 * Scopes an API key may carry. A route that accepts API keys names the scopes it needs;
 * a key with none of them gets 403. Later modules add their routes under these scopes.
 */
export const API_SCOPES = {
  'tenant:read': 'Read legal entities and business units (to map ERP companies)',
  'imports:write': 'Push customers, invoices, credit notes, payments and allocations from the ERP',
  'receivables:read': 'Read customers, open items, ageing and KPIs',
  'receivables:write': 'Create and change customers and open items one by one',
  'credit-checks:write': 'Ask for a credit decision from order entry',
  'scoring:read': 'Read risk grades, credit limits and payment predictions',
  'scoring:write': 'Push external ratings, credit limits and open orders from a provider or the ERP',
  'dunning:read': 'Read dunning state, promises and payment plans',
  'dunning:write': 'Record promises to pay, payment plans and dunning holds from a CRM or ERP',
  'webhooks:manage': 'Manage webhook subscriptions',
} as const;
export type ApiScope = keyof typeof API_SCOPES;
export const SCOPE_NAMES = Object.keys(API_SCOPES) as ApiScope[];
