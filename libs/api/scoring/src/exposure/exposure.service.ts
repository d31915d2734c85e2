import { Injectable } from '@nestjs/common';
import { daysBetween, fromMinor, type Minor } from '@encours/domain';
import { convertMinor, minorOf } from '@encours/receivables';
import type { EntityManager } from 'typeorm';

/** A customer's exposure (encours) in one currency: open receivables plus open orders not yet invoiced. */
export interface Exposure {
  customerId: string;
  /** Currency of every amount below (the limit's, else the customer's). */
  currency: string;
  /** Open invoices less open credit notes, disputed included. */
  receivables: string;
  /** Open orders not yet invoiced. */
  orders: string;
  /** receivables + orders. */
  total: string;
  /** Open invoices past their due date. */
  overdue: string;
  /** Days past due of the oldest overdue open invoice (0 when none). */
  maxDaysLate: number;
  /** Currencies of open items or orders without an exchange rate to `currency` (left out of the sums). */
  missingRates: string[];
}

/** The node-postgres client under a connected TypeORM query runner (named statements keep their plan per connection). */
export interface PgConnection {
  query<R>(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: R[] }>;
}

interface Row {
  customer_id: string;
  target: string;
  currency: string;
  receivables: string;
  orders: string;
  overdue: string;
  oldest_due: string | null;
}

/**
 * Computes exposures in one set-based query (a single customer for the credit check, every
 * customer of the tenant for alerts and scoring). Amounts are summed by PostgreSQL in numeric per
 * native currency, then converted exactly (bigint minor units) at the latest rate known on `today`.
 */
@Injectable()
export class ExposureService {
  /**
   * `customers`: ids with the currency to express their exposure in (null: the currency of the
   * customer's active limit, else the customer's currency). `null` instead of a list: every customer.
   */
  async compute(
    m: EntityManager,
    tenantId: string,
    today: string,
    customers: { id: string; currency?: string | null }[] | null,
  ): Promise<Map<string, Exposure>> {
    const ids = customers?.map((c) => c.id) ?? null;
    const wanted = customers?.map((c) => c.currency ?? null) ?? null;
    // Two statement shapes (some customers / every customer) rather than `$2 IS NULL OR ...`, which
    // keeps the planner from using the customer index for one customer and from hashing for all.
    const only = (col: string) => (ids ? ` AND ${col} = ANY ($3::uuid[])` : '');
    const sql = `WITH target AS (
         SELECT c.id AS customer_id, coalesce(${ids ? 'w.currency, ' : ''}l.currency, c.currency)::text AS target
           FROM customer c
           ${ids ? 'JOIN unnest($3::uuid[], $4::text[]) AS w(id, currency) ON w.id = c.id' : ''}
           LEFT JOIN credit_limit l ON l.tenant_id = c.tenant_id AND l.customer_id = c.id AND l.status = 'active'
          WHERE c.tenant_id = $1
       ), flows AS (
         SELECT i.customer_id, i.currency::text AS currency,
                sum(CASE WHEN i.kind = 'invoice' THEN i.open_amount ELSE -i.open_amount END) AS receivables,
                0::numeric AS orders,
                sum(CASE WHEN i.kind = 'invoice' AND i.due_date < $2::date THEN i.open_amount ELSE 0 END) AS overdue,
                min(CASE WHEN i.kind = 'invoice' AND i.due_date < $2::date THEN i.due_date END) AS oldest_due
           FROM receivable_item i
          WHERE i.tenant_id = $1 AND i.open_amount <> 0 AND i.status <> 'written_off'${only('i.customer_id')}
          GROUP BY 1, 2
         UNION ALL
         SELECT o.customer_id, o.currency::text, 0, sum(o.amount), 0, NULL
           FROM open_order o
          WHERE o.tenant_id = $1 AND o.closed_at IS NULL${only('o.customer_id')}
          GROUP BY 1, 2
       )
       SELECT t.customer_id, t.target, f.currency,
              coalesce(sum(f.receivables), 0)::text AS receivables, coalesce(sum(f.orders), 0)::text AS orders,
              coalesce(sum(f.overdue), 0)::text AS overdue, min(f.oldest_due)::text AS oldest_due
         FROM target t
         LEFT JOIN flows f ON f.customer_id = t.customer_id
        GROUP BY 1, 2, 3`;
    const params = ids ? [tenantId, today, ids, wanted] : [tenantId, today];
    // On a connected query runner (the credit check), a named statement: planned once per connection, not per call.
    const conn = (m.queryRunner as { databaseConnection?: PgConnection } | undefined)?.databaseConnection;
    const rows: Row[] =
      ids && conn && !m.queryRunner?.isReleased
        ? (await conn.query<Row>({ name: 'exposure.customers', text: sql, values: params })).rows
        : await m.query(sql, params);
    const rates = await this.rates(m, tenantId, today, rows);
    const out = new Map<string, Exposure>();
    const acc = new Map<
      string,
      { target: string; rec: Minor; ord: Minor; over: Minor; oldest: string | null; missing: Set<string> }
    >();
    for (const r of rows) {
      const target = r.target.trim();
      let a = acc.get(r.customer_id);
      if (!a) acc.set(r.customer_id, (a = { target, rec: 0n, ord: 0n, over: 0n, oldest: null, missing: new Set() }));
      if (r.currency === null) continue;
      const cur = r.currency.trim();
      const rate = cur === target ? '1' : (rates.get(`${cur}>${target}`) ?? null);
      if (rate === null) {
        a.missing.add(cur);
        continue;
      }
      const conv = (v: string) => convertMinor(minorOf(v, cur), cur, target, rate);
      a.rec += conv(r.receivables);
      a.ord += conv(r.orders);
      a.over += conv(r.overdue);
      if (r.oldest_due && (a.oldest === null || r.oldest_due < a.oldest)) a.oldest = r.oldest_due;
    }
    for (const [id, a] of acc) {
      out.set(id, {
        customerId: id,
        currency: a.target,
        receivables: fromMinor(a.rec, a.target),
        orders: fromMinor(a.ord, a.target),
        total: fromMinor(a.rec + a.ord, a.target),
        overdue: fromMinor(a.over, a.target),
        maxDaysLate: a.oldest ? Math.max(0, daysBetween(a.oldest, today)) : 0,
        missingRates: [...a.missing].sort(),
      });
    }
    return out;
  }

  /** One customer's exposure (in its limit's currency unless `currency` is given). */
  async of(m: EntityManager, tenantId: string, today: string, customerId: string, currency?: string | null): Promise<Exposure> {
    const map = await this.compute(m, tenantId, today, [{ id: customerId, currency }]);
    const e = map.get(customerId);
    if (!e) throw new Error(`Customer ${customerId} not found in tenant ${tenantId}`);
    return e;
  }

  /** Latest rate on or before `today` for each (native → target) pair the rows need. */
  private async rates(m: EntityManager, tenantId: string, today: string, rows: Row[]): Promise<Map<string, string>> {
    const pairs = new Set<string>();
    for (const r of rows)
      if (r.currency && r.currency.trim() !== r.target.trim()) pairs.add(`${r.currency.trim()}>${r.target.trim()}`);
    if (!pairs.size) return new Map();
    const from = [...pairs].map((p) => p.split('>')[0]);
    const to = [...pairs].map((p) => p.split('>')[1]);
    const found: { pair: string; rate: string }[] = await m.query(
      `SELECT p.f || '>' || p.t AS pair, r.rate::text AS rate
         FROM unnest($2::text[], $3::text[]) AS p(f, t)
         CROSS JOIN LATERAL (SELECT rate FROM exchange_rate
                              WHERE tenant_id = $1 AND from_currency = p.f AND to_currency = p.t AND date <= $4::date
                              ORDER BY date DESC LIMIT 1) r`,
      [tenantId, from, to, today],
    );
    return new Map(found.map((f) => [f.pair, f.rate]));
  }
}
