import { Injectable } from '@nestjs/common';
import { isUuid, TenantDb } from '@encours/api-core';
import type { EntityManager } from 'typeorm';
import { money } from '../shared/amounts.js';

/** What a module records on a customer's timeline (in its own transaction). */
export interface TimelineEntry {
  customerId: string;
  /** `note`, `call`, or `<module>.<what>`: `dunning.email_sent`, `promise.created`... */
  type: string;
  /** Defaults to now. */
  occurredAt?: Date;
  title: string;
  body?: string | null;
  /** Decimal string in `currency` (a promised amount, a reminded balance...). */
  amount?: string | null;
  currency?: string | null;
  data?: Record<string, unknown> | null;
  /** The recording module: `receivables`, `dunning`, `litigation`, `scoring`... */
  source: string;
  /** The user who did it, if a person did. */
  authorId?: string | null;
  related?: { kind: string; id: string; label?: string | null } | null;
  /** A second entry with the same type and key is dropped (at-most-once facts). */
  dedupeKey?: string | null;
}

/**
 * A read-side extension point: a module that keeps its own facts in its own tables (and does not
 * want to copy them into `customer_event`) registers a SELECT that the timeline query adds with
 * UNION ALL. `$1` is the tenant id and `$2` the customer id; the SELECT returns exactly the
 * columns of TIMELINE_COLUMNS, in that order and with those types.
 */
export interface TimelineSource {
  /** Unique name, e.g. `dunning.reminders`. */
  name: string;
  sql: string;
}

/** Columns of every timeline SELECT, in order. */
export const TIMELINE_COLUMNS = `id text, type text, occurred_at timestamptz, title text, body text, amount text, currency text,
  source text, author_id uuid, author_name text, related_kind text, related_id text, related_label text, data jsonb`;

export interface TimelineItem {
  id: string;
  type: string;
  occurredAt: string;
  title: string;
  body?: string;
  amount?: string;
  currency?: string;
  source: string;
  author?: { id: string; name: string };
  related?: { kind: string; id: string; label: string };
  data?: Record<string, unknown>;
}

export interface TimelinePage {
  items: TimelineItem[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export interface TimelineQueryOptions {
  /** An ISO timestamp (items strictly older) or a `nextCursor` (`<ISO timestamp>~<item id>`). */
  before?: string;
  limit: number;
  /** Exact types (`invoice.issued`) or families (`invoice` = every `invoice.*`). */
  types?: string[];
}

const COLUMN_NAMES =
  'id, type, occurred_at, title, body, amount, currency, source, author_id, author_name, related_kind, related_id, related_label, data';

interface Row {
  id: string;
  type: string;
  occurred_at: Date;
  title: string;
  body: string | null;
  amount: string | null;
  currency: string | null;
  source: string;
  author_id: string | null;
  author_name: string | null;
  related_kind: string | null;
  related_id: string | null;
  related_label: string | null;
  data: Record<string, unknown> | null;
}

const TYPE_RE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;
const MAX_TYPE = 60;

/** Entries recorded by any module. */
const RECORDED = `
  SELECT e.id::text, e.type::text, e.occurred_at, e.title::text, e.body, e.amount::text, e.currency::text, e.source::text,
         e.author_id, u.name::text, e.related_kind::text, e.related_id::text, e.related_label::text, e.data
    FROM customer_event e
    LEFT JOIN app_user u ON u.id = e.author_id AND u.tenant_id = e.tenant_id
   WHERE e.tenant_id = $1 AND e.customer_id = $2`;

/**
 * Facts of the ledger, derived from their tables (never copied). Calendar dates become
 * midnight UTC, so the ISO timestamp keeps the date the ERP sent.
 */
const LEDGER = [
  // invoice or credit note issued
  `SELECT 'issued:' || i.id, i.kind || '.issued', i.issue_date::timestamp AT TIME ZONE 'UTC',
          CASE i.kind WHEN 'invoice' THEN 'Invoice ' ELSE 'Credit note ' END || i.number || ' issued',
          NULL::text, i.amount::text, i.currency::text, 'receivables', NULL::uuid, NULL::text,
          i.kind::text, i.id::text, i.number::text,
          jsonb_build_object('externalRef', i.external_ref, 'dueDate', i.due_date, 'status', i.status)
     FROM receivable_item i WHERE i.tenant_id = $1 AND i.customer_id = $2`,
  // payment received, with the invoices it settled
  `SELECT 'payment:' || p.id, 'payment.received', p.date::timestamp AT TIME ZONE 'UTC',
          'Payment ' || p.external_ref || ' received', NULL::text, p.amount::text, p.currency::text, 'receivables',
          NULL::uuid, NULL::text, 'payment', p.id::text, p.external_ref::text,
          jsonb_build_object('method', p.method, 'bankReference', p.bank_reference,
                             'unallocatedAmount', p.unallocated_amount::text, 'allocations', coalesce(al.list, '[]'::jsonb))
     FROM payment p
     LEFT JOIN LATERAL (
       SELECT jsonb_agg(jsonb_build_object('invoiceId', inv.id, 'number', inv.number, 'amount', a.amount::text)
                        ORDER BY inv.number) AS list
         FROM allocation a JOIN receivable_item inv ON inv.id = a.invoice_id AND inv.tenant_id = a.tenant_id
        WHERE a.tenant_id = $1 AND a.payment_id = p.id) al ON true
    WHERE p.tenant_id = $1 AND p.customer_id = $2`,
  // invoice fully paid: the date of its last allocation
  `SELECT 'paid:' || i.id, 'invoice.paid', coalesce(la.last_date, i.closed_at)::timestamp AT TIME ZONE 'UTC',
          'Invoice ' || i.number || ' fully paid', NULL::text, i.amount::text, i.currency::text, 'receivables',
          NULL::uuid, NULL::text, 'invoice', i.id::text, i.number::text,
          jsonb_build_object('dueDate', i.due_date, 'daysLate', greatest(0, coalesce(la.last_date, i.closed_at) - i.due_date))
     FROM receivable_item i
     LEFT JOIN LATERAL (SELECT max(a.date) AS last_date FROM allocation a WHERE a.tenant_id = $1 AND a.invoice_id = i.id) la ON true
    WHERE i.tenant_id = $1 AND i.customer_id = $2 AND i.kind = 'invoice' AND i.status = 'paid' AND NOT i.settled_outside
      AND coalesce(la.last_date, i.closed_at) IS NOT NULL`,
  // closed by a snapshot import: the ERP no longer lists it as open
  `SELECT 'closed:' || i.id, i.kind || '.closed', i.closed_at::timestamp AT TIME ZONE 'UTC',
          CASE i.kind WHEN 'invoice' THEN 'Invoice ' ELSE 'Credit note ' END || i.number || ' closed by the ERP snapshot',
          NULL::text, i.amount::text, i.currency::text, 'receivables', NULL::uuid, NULL::text,
          i.kind::text, i.id::text, i.number::text, jsonb_build_object('dueDate', i.due_date)
     FROM receivable_item i
    WHERE i.tenant_id = $1 AND i.customer_id = $2 AND i.settled_outside AND i.closed_at IS NOT NULL`,
];

/**
 * A customer's timeline: what modules record (`customer_event`, through `record`/`recordMany`,
 * in their own transaction) merged with facts derived from the ledger and from registered
 * TimelineSources, newest first, with keyset pagination. See timeline/README.md.
 */
@Injectable()
export class TimelineService {
  private readonly sources = new Map<string, TimelineSource>();

  constructor(private readonly db: TenantDb) {}

  /** Records one entry in the caller's transaction; returns its id, or null when deduplicated. */
  async record(manager: EntityManager, tenantId: string, entry: TimelineEntry): Promise<string | null> {
    const [id] = await this.recordMany(manager, tenantId, [entry]);
    return id ?? null;
  }

  /**
   * Records many entries with one multi-row INSERT. Entries for a customer of another tenant
   * are dropped, as are duplicates of a `dedupeKey`. Returns the ids of the rows written
   * (not in input order).
   */
  async recordMany(manager: EntityManager, tenantId: string, entries: TimelineEntry[]): Promise<string[]> {
    if (!isUuid(tenantId)) throw new Error(`timeline: tenantId must be a uuid, got "${tenantId}"`);
    if (!entries.length) return [];
    const rows = entries.map((e) => {
      if (!TYPE_RE.test(e.type) || e.type.length > MAX_TYPE)
        throw new Error(`timeline: type "${e.type}" must look like "note" or "module.what" (lower case)`);
      if (!isUuid(e.customerId)) throw new Error(`timeline: customerId must be a uuid, got "${e.customerId}"`);
      return {
        customer_id: e.customerId,
        type: e.type,
        occurred_at: (e.occurredAt ?? new Date()).toISOString(),
        title: e.title.slice(0, 200),
        body: e.body ?? null,
        amount: e.amount ?? null,
        currency: e.currency ?? null,
        data: e.data ?? null,
        source: e.source,
        author_id: e.authorId ?? null,
        related_kind: e.related?.kind ?? null,
        related_id: e.related?.id ?? null,
        related_label: e.related?.label?.slice(0, 200) ?? null,
        dedupe_key: e.dedupeKey ?? null,
      };
    });
    const inserted: { id: string }[] = await manager.query(
      `INSERT INTO customer_event (tenant_id, customer_id, type, occurred_at, title, body, amount, currency, data, source,
                                   author_id, related_kind, related_id, related_label, dedupe_key)
       SELECT $1, r.customer_id, r.type, r.occurred_at, r.title, r.body, r.amount, r.currency, r.data, r.source,
              r.author_id, r.related_kind, r.related_id, r.related_label, r.dedupe_key
         FROM jsonb_to_recordset($2::jsonb) AS r(customer_id uuid, type text, occurred_at timestamptz, title text, body text,
              amount numeric, currency text, data jsonb, source text, author_id uuid, related_kind text, related_id uuid,
              related_label text, dedupe_key text)
         JOIN customer c ON c.id = r.customer_id AND c.tenant_id = $1
       ON CONFLICT (tenant_id, type, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
       RETURNING id`,
      [tenantId, JSON.stringify(rows)],
    );
    return inserted.map((r) => r.id);
  }

  /** Adds a derived source to every timeline query (call once, e.g. from a module's onModuleInit). */
  registerSource(source: TimelineSource): void {
    const known = this.sources.get(source.name);
    if (known && known.sql !== source.sql) throw new Error(`Timeline source "${source.name}" is already registered`);
    this.sources.set(source.name, source);
  }

  /** One page of the customer's timeline (the customer must exist in the tenant: checked by the caller). */
  async list(customerId: string, q: TimelineQueryOptions): Promise<TimelinePage> {
    const cursor = q.before ? parseCursor(q.before) : null;
    const selects = [RECORDED, ...LEDGER, ...[...this.sources.values()].map((s) => s.sql)];
    const sql = `SELECT * FROM (${selects.map((s) => `(${s})`).join('\n UNION ALL\n')}) AS t(${COLUMN_NAMES})
      WHERE ($3::text[] IS NULL OR t.type = ANY($3) OR split_part(t.type, '.', 1) = ANY($3))
        AND ($4::timestamptz IS NULL OR t.occurred_at < $4 OR (t.occurred_at = $4 AND t.id COLLATE "C" < $5))
      ORDER BY t.occurred_at DESC, t.id COLLATE "C" DESC
      LIMIT $6`;
    const rows: Row[] = await this.db.dataSource.query(sql, [
      this.db.tenantId,
      customerId,
      q.types?.length ? q.types : null,
      cursor?.at ?? null,
      cursor?.id ?? '',
      q.limit + 1,
    ]);
    const more = rows.length > q.limit;
    const items = rows.slice(0, q.limit).map(toItem);
    const last = items[items.length - 1];
    return { items, nextCursor: more && last ? `${last.occurredAt}~${last.id}` : null };
  }

  /** One recorded entry as a timeline item. */
  async recorded(id: string): Promise<TimelineItem> {
    const rows: Row[] = await this.db.dataSource.query(
      `SELECT * FROM (${RECORDED.replace('WHERE e.tenant_id = $1 AND e.customer_id = $2', 'WHERE e.tenant_id = $1 AND e.id = $2')})
         AS t(${COLUMN_NAMES})`,
      [this.db.tenantId, id],
    );
    return toItem(rows[0]);
  }
}

/** `before`: an ISO timestamp, or `<ISO timestamp>~<id>` as returned in `nextCursor`. */
export function parseCursor(before: string): { at: string; id: string } | null {
  const sep = before.indexOf('~');
  const at = sep < 0 ? before : before.slice(0, sep);
  const id = sep < 0 ? '' : before.slice(sep + 1);
  if (Number.isNaN(Date.parse(at))) return null;
  return { at: new Date(at).toISOString(), id };
}

export function isCursor(before: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}T[0-9:.]+(Z|[+-]\d{2}:?\d{2})(~[A-Za-z0-9:._-]{1,100})?$/.test(before) && parseCursor(before) !== null
  );
}

function toItem(r: Row): TimelineItem {
  const item: TimelineItem = {
    id: r.id,
    type: r.type,
    occurredAt: new Date(r.occurred_at).toISOString(),
    title: r.title,
    source: r.source,
  };
  if (r.body !== null) item.body = r.body;
  if (r.amount !== null && r.currency) {
    item.amount = money(r.amount, r.currency)!;
    item.currency = r.currency;
  }
  if (r.author_id) item.author = { id: r.author_id, name: r.author_name ?? '' };
  if (r.related_kind && r.related_id) item.related = { kind: r.related_kind, id: r.related_id, label: r.related_label ?? '' };
  if (r.data) item.data = formatData(r);
  return item;
}

/** Amounts inside derived data come from numeric(20,3): shown with the currency's digits. */
function formatData(r: Row): Record<string, unknown> {
  const data = { ...r.data };
  if (r.type === 'payment.received' && r.currency) {
    const cur = r.currency;
    if (typeof data.unallocatedAmount === 'string') data.unallocatedAmount = money(data.unallocatedAmount, cur);
    if (Array.isArray(data.allocations))
      data.allocations = (data.allocations as { amount: string }[]).map((a) => ({ ...a, amount: money(a.amount, cur) }));
  }
  return data;
}
