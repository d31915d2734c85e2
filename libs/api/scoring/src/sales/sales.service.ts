import { Injectable } from '@nestjs/common';
import { TenantDb, TenantToday, toPage, ValidationFailed, type Page } from '@encours/api-core';
import { addDays, daysBetween, fromMinor, monthOf, subtractMonths, type CalendarDate, type Minor } from '@encours/domain';
import { convertMinor, minorOf, portfolioOwner } from '@encours/receivables';
import { ExposureService } from '../exposure/exposure.service.js';
import type {
  CashCollectedDto,
  CashCollectedQuery,
  CashMonthDto,
  GoodPayerDto,
  GoodPayersQuery,
  RiskBadgeDto,
  RiskBadgesDto,
  SalespersonCashDto,
} from './sales.dto.js';

/** A good payer has nothing overdue for more than this many days. */
export const GOOD_PAYER_MAX_DAYS_OVERDUE = 15;
/** A legal event counts when the provider's latest rating within this many months carries it (as the credit check). */
const LEGAL_EVENT_MONTHS = 24;
/** Longest period of the cash-collected report. */
export const MAX_CASH_MONTHS = 36;

const OPEN_INVOICE = `i.kind = 'invoice' AND i.status IN ('open', 'partially_paid') AND i.open_amount > 0`;

/** `2026-03` + n months. */
function addMonths(month: string, n: number): string {
  return monthOf(subtractMonths(`${month}-01`, -n));
}

/**
 * Views for sales people: the good payers of a portfolio, risk badges for a customer list, and the cash
 * collected per salesperson per month (commissions on cash collected). The `sales` role sees its own
 * customers only. Grades and scores are read from customer_score (kept by ScoreService).
 */
@Injectable()
export class SalesService {
  constructor(
    private readonly db: TenantDb,
    private readonly today: TenantToday,
    private readonly exposures: ExposureService,
  ) {}

  private async context(): Promise<{ today: CalendarDate; currency: string }> {
    const m = this.db.dataSource.manager;
    const [t]: Array<{ currency: string }> = await m.query(
      `SELECT trim(default_currency) AS currency FROM tenant WHERE id = $1`,
      [this.db.tenantId],
    );
    return { today: await this.today.forTenant(m, this.db.tenantId), currency: t?.currency ?? 'EUR' };
  }

  async goodPayers(q: GoodPayersQuery): Promise<Page<GoodPayerDto>> {
    const t = this.db.tenantId;
    const { today, currency } = await this.context();
    const m = this.db.dataSource.manager;
    // $1 tenant, $2 the day before which an open invoice is too late, then the portfolio / salesperson filters.
    const params: unknown[] = [t, addDays(today, -GOOD_PAYER_MAX_DAYS_OVERDUE)];
    let filter = '';
    const owner = portfolioOwner();
    if (owner) {
      params.push(owner);
      filter += ` AND c.salesperson_id = $${params.length}`;
    }
    if (q.salespersonId) {
      params.push(q.salespersonId);
      filter += ` AND c.salesperson_id = $${params.length}`;
    }
    const candidates = `SELECT c.id, c.name, c.external_ref, c.salesperson_id, trim(c.currency) AS currency, trim(s.grade) AS grade, s.score
         FROM customer_score s
         JOIN customer c ON c.id = s.customer_id AND c.tenant_id = s.tenant_id
        WHERE s.tenant_id = $1 AND s.grade IN ('A', 'B') ${filter}
          AND NOT EXISTS (SELECT 1 FROM receivable_item i
                           WHERE i.tenant_id = $1 AND i.customer_id = c.id AND ${OPEN_INVOICE} AND i.due_date < $2::date)`;
    const [{ total }]: Array<{ total: number }> = await m.query(`SELECT count(*)::int AS total FROM (${candidates}) x`, params);
    const n = params.length;
    const rows: Array<{
      id: string;
      name: string;
      external_ref: string;
      salesperson_id: string | null;
      salesperson_name: string | null;
      grade: string;
      score: number;
      avg_days_late: string | null;
      oldest_due: string | null;
    }> = await m.query(
      `WITH page AS (${candidates} ORDER BY s.score DESC, c.name, c.id LIMIT $${n + 3} OFFSET $${n + 4})
       SELECT p.id::text AS id, p.name, p.external_ref, p.salesperson_id::text AS salesperson_id, u.name AS salesperson_name,
              p.grade, p.score, paid.avg_days_late::text AS avg_days_late, od.oldest_due::text AS oldest_due
         FROM page p
         LEFT JOIN app_user u ON u.id = p.salesperson_id
         LEFT JOIN LATERAL (
           SELECT round(sum(x.amount * greatest(0, x.paid - x.due_date)) / nullif(sum(x.amount), 0), 2) AS avg_days_late
             FROM (SELECT i.amount, i.due_date, max(a.date) AS paid
                     FROM receivable_item i JOIN allocation a ON a.tenant_id = i.tenant_id AND a.invoice_id = i.id
                    WHERE i.tenant_id = $1 AND i.customer_id = p.id AND i.kind = 'invoice' AND i.status = 'paid'
                      AND NOT i.settled_outside AND i.currency = p.currency
                    GROUP BY i.id) x
            WHERE x.paid > $${n + 2}::date AND x.paid <= $${n + 1}::date) paid ON true
         LEFT JOIN LATERAL (
           SELECT min(i.due_date) AS oldest_due FROM receivable_item i
            WHERE i.tenant_id = $1 AND i.customer_id = p.id AND ${OPEN_INVOICE} AND i.due_date < $${n + 1}::date) od ON true
        ORDER BY p.score DESC, p.name, p.id`,
      [...params, today, subtractMonths(today, 12), q.pageSize, (q.page - 1) * q.pageSize],
    );
    const exposures = await this.exposures.compute(
      m,
      t,
      today,
      rows.map((r) => ({ id: r.id, currency })),
    );
    return toPage(
      rows.map((r): GoodPayerDto => {
        const e = exposures.get(r.id);
        return {
          customerId: r.id,
          name: r.name,
          externalRef: r.external_ref,
          salespersonId: r.salesperson_id,
          salespersonName: r.salesperson_name,
          grade: r.grade,
          score: r.score,
          openAmount: e ? e.receivables : null,
          currency,
          missingRates: e?.missingRates ?? [],
          averageDaysLate: r.avg_days_late === null ? null : Number(r.avg_days_late),
          maxDaysOverdue: r.oldest_due ? Math.max(0, daysBetween(r.oldest_due, today)) : 0,
        };
      }),
      total,
      q,
    );
  }

  async riskBadges(q: { customerIds: string[] }): Promise<RiskBadgesDto> {
    const t = this.db.tenantId;
    const { today, currency } = await this.context();
    const params: unknown[] = [t, [...new Set(q.customerIds)], today, currency, subtractMonths(today, LEGAL_EVENT_MONTHS)];
    const owner = portfolioOwner();
    let filter = '';
    if (owner) {
      params.push(owner);
      filter = ` AND c.salesperson_id = $${params.length}`;
    }
    const rows: Array<{
      id: string;
      grade: string | null;
      score: number | null;
      usage_percent: string | null;
      has_limit: boolean;
      legal_event: string | null;
      legal_event_date: string | null;
      late_probability: string | null;
    }> = await this.db.dataSource.query(
      `WITH cust AS (
         SELECT c.id FROM customer c WHERE c.tenant_id = $1 AND c.id = ANY ($2::uuid[]) ${filter}
       ), fx AS (
         SELECT DISTINCT ON (r.from_currency) r.from_currency, r.rate
           FROM exchange_rate r
          WHERE r.tenant_id = $1 AND r.to_currency = $4 AND r.date <= $3::date
          ORDER BY r.from_currency, r.date DESC
       ), late AS (
         SELECT p.customer_id,
                sum(p.late_probability * w.weight) / nullif(sum(w.weight), 0) AS late_probability
           FROM invoice_prediction p
           JOIN receivable_item i ON i.id = p.item_id AND i.tenant_id = p.tenant_id
           LEFT JOIN fx ON fx.from_currency = i.currency
           CROSS JOIN LATERAL (SELECT i.open_amount * CASE WHEN trim(i.currency) = $4 THEN 1 ELSE fx.rate END AS weight) w
          WHERE p.tenant_id = $1 AND p.customer_id IN (SELECT id FROM cust) AND ${OPEN_INVOICE}
          GROUP BY p.customer_id
       )
       SELECT cust.id::text AS id, trim(s.grade) AS grade, s.score, u.usage_percent::text AS usage_percent,
              (l.id IS NOT NULL) AS has_limit, le.legal_event, le.event_date::text AS legal_event_date,
              round(late.late_probability, 4)::text AS late_probability
         FROM cust
         LEFT JOIN customer_score s ON s.tenant_id = $1 AND s.customer_id = cust.id
         LEFT JOIN credit_limit l ON l.tenant_id = $1 AND l.customer_id = cust.id AND l.status = 'active'
         LEFT JOIN credit_limit_usage u ON u.tenant_id = $1 AND u.customer_id = cust.id
         LEFT JOIN late ON late.customer_id = cust.id
         LEFT JOIN LATERAL (
           SELECT x.legal_event::text AS legal_event, coalesce(x.legal_event_date, x.rated_on) AS event_date
             FROM (SELECT DISTINCT ON (e.provider) e.provider, e.legal_event, e.legal_event_date, e.rated_on
                     FROM external_rating e
                    WHERE e.tenant_id = $1 AND e.customer_id = cust.id AND e.rated_on <= $3::date AND e.rated_on > $5::date
                    ORDER BY e.provider, e.rated_on DESC, e.created_at DESC) x
            WHERE x.legal_event IS NOT NULL
            ORDER BY 2 DESC, 1
            LIMIT 1) le ON true`,
      params,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const items: RiskBadgeDto[] = [];
    for (const id of new Set(q.customerIds.map((x) => x.toLowerCase()))) {
      const r = byId.get(id);
      if (!r) continue;
      items.push({
        customerId: r.id,
        grade: r.grade,
        score: r.score,
        overLimit: r.has_limit && r.usage_percent !== null && Number(r.usage_percent) >= 100,
        limitUsagePercent: r.has_limit ? r.usage_percent : null,
        legalEvent: r.legal_event,
        legalEventDate: r.legal_event_date,
        lateProbability: r.late_probability === null ? null : Number(r.late_probability),
      });
    }
    return { items };
  }

  async cashCollected(q: CashCollectedQuery): Promise<CashCollectedDto> {
    const t = this.db.tenantId;
    const { today, currency } = await this.context();
    const to = q.to ?? monthOf(today);
    const from = q.from ?? addMonths(to, -11);
    if (from > to) throw new ValidationFailed([{ field: 'from', message: `from (${from}) must not be after to (${to})` }]);
    const months: string[] = [];
    for (let mo = from; mo <= to; mo = addMonths(mo, 1)) months.push(mo);
    if (months.length > MAX_CASH_MONTHS)
      throw new ValidationFailed([
        {
          field: 'from',
          message: `the period must be at most ${MAX_CASH_MONTHS} months (from ${from} to ${to}: ${months.length})`,
        },
      ]);
    const start = `${from}-01`;
    const end = `${addMonths(to, 1)}-01`;
    const params: unknown[] = [t, start, end];
    let filter = '';
    const owner = portfolioOwner();
    if (owner) {
      params.push(owner);
      filter += ` AND c.salesperson_id = $${params.length}`;
    }
    if (q.salespersonId) {
      params.push(q.salespersonId);
      filter += ` AND c.salesperson_id = $${params.length}`;
    }
    const m = this.db.dataSource.manager;
    // Cash: what each payment brought to the salesperson's customers' invoices, converted at the payment's date.
    const cash: Array<{ salesperson_id: string | null; month: string; date: string; currency: string; amount: string }> =
      await m.query(
        `SELECT c.salesperson_id::text AS salesperson_id, to_char(p.date, 'YYYY-MM') AS month, p.date::text AS date,
                trim(p.currency) AS currency, sum(a.amount)::text AS amount
           FROM allocation a
           JOIN payment p ON p.id = a.payment_id AND p.tenant_id = a.tenant_id
           JOIN receivable_item i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id
           JOIN customer c ON c.id = i.customer_id
          WHERE a.tenant_id = $1 AND a.payment_id IS NOT NULL AND p.date >= $2::date AND p.date < $3::date ${filter}
          GROUP BY c.salesperson_id, p.id, p.date, p.currency`,
        params,
      );
    // Invoices fully paid in the month (their last allocation), with at least some cash.
    const settled: Array<{ salesperson_id: string | null; month: string; n: number }> = await m.query(
      `SELECT c.salesperson_id::text AS salesperson_id, to_char(x.settled, 'YYYY-MM') AS month, count(*)::int AS n
         FROM (SELECT a.invoice_id, max(a.date) AS settled, bool_or(a.payment_id IS NOT NULL) AS cash
                 FROM allocation a
                WHERE a.tenant_id = $1 AND a.invoice_id IN (
                        SELECT invoice_id FROM allocation WHERE tenant_id = $1 AND date >= $2::date AND date < $3::date)
                GROUP BY a.invoice_id) x
         JOIN receivable_item i ON i.id = x.invoice_id AND i.tenant_id = $1
         JOIN customer c ON c.id = i.customer_id
        WHERE x.cash AND x.settled >= $2::date AND x.settled < $3::date
          AND i.kind = 'invoice' AND i.status = 'paid' AND NOT i.settled_outside ${filter}
        GROUP BY 1, 2`,
      params,
    );

    // Rates: the latest on or before each payment date, to the tenant currency.
    const foreign = cash.filter((r) => r.currency !== currency);
    const rates = new Map<string, string>();
    if (foreign.length) {
      const pairs = [...new Set(foreign.map((r) => `${r.currency}|${r.date}`))].map((k) => k.split('|'));
      const found: Array<{ currency: string; date: string; rate: string }> = await m.query(
        `SELECT k.cur AS currency, k.d::text AS date, r.rate::text AS rate
           FROM unnest($2::text[], $3::date[]) AS k(cur, d)
           CROSS JOIN LATERAL (SELECT rate FROM exchange_rate
                                WHERE tenant_id = $1 AND from_currency = k.cur AND to_currency = $4 AND date <= k.d
                                ORDER BY date DESC LIMIT 1) r`,
        [t, pairs.map((p) => p[0]), pairs.map((p) => p[1]), currency],
      );
      for (const f of found) rates.set(`${f.currency}|${f.date}`, f.rate);
    }

    type Line = { cash: Map<string, Minor>; settled: Map<string, number> };
    const lines = new Map<string | null, Line>();
    const line = (id: string | null) => {
      let l = lines.get(id);
      if (!l) lines.set(id, (l = { cash: new Map(), settled: new Map() }));
      return l;
    };
    const missing = new Map<string, number>();
    for (const r of cash) {
      const rate = r.currency === currency ? '1' : (rates.get(`${r.currency}|${r.date}`) ?? null);
      if (rate === null) {
        missing.set(r.currency, (missing.get(r.currency) ?? 0) + 1);
        continue;
      }
      const l = line(r.salesperson_id);
      const v = convertMinor(minorOf(r.amount, r.currency), r.currency, currency, rate);
      l.cash.set(r.month, (l.cash.get(r.month) ?? 0n) + v);
    }
    for (const r of settled)
      line(r.salesperson_id).settled.set(r.month, (line(r.salesperson_id).settled.get(r.month) ?? 0) + r.n);

    const ids = [...lines.keys()].filter((id): id is string => id !== null);
    const names = new Map<string, string>();
    if (ids.length) {
      const users: Array<{ id: string; name: string }> = await m.query(
        `SELECT id::text AS id, name FROM app_user WHERE tenant_id = $1 AND id = ANY ($2::uuid[])`,
        [t, ids],
      );
      for (const u of users) names.set(u.id, u.name);
    }
    const monthly = (l: Line): CashMonthDto[] =>
      months.map((month) => ({
        month,
        cashCollected: fromMinor(l.cash.get(month) ?? 0n, currency),
        invoicesSettled: l.settled.get(month) ?? 0,
      }));
    const sum = (l: Line) => [...l.cash.values()].reduce((a, b) => a + b, 0n);
    const count = (l: Line) => [...l.settled.values()].reduce((a, b) => a + b, 0);
    const salespeople: SalespersonCashDto[] = [...lines.entries()]
      .map(([id, l]) => ({
        salespersonId: id,
        name: id === null ? null : (names.get(id) ?? null),
        months: monthly(l),
        cashCollected: fromMinor(sum(l), currency),
        invoicesSettled: count(l),
      }))
      .sort(
        (a, b) =>
          Number(a.salespersonId === null) - Number(b.salespersonId === null) ||
          (a.name ?? '').localeCompare(b.name ?? '') ||
          (a.salespersonId ?? '').localeCompare(b.salespersonId ?? ''),
      );
    const all: Line = { cash: new Map(), settled: new Map() };
    for (const l of lines.values()) {
      for (const [k, v] of l.cash) all.cash.set(k, (all.cash.get(k) ?? 0n) + v);
      for (const [k, v] of l.settled) all.settled.set(k, (all.settled.get(k) ?? 0) + v);
    }
    return {
      currency,
      from,
      to,
      months,
      salespeople,
      totals: monthly(all),
      cashCollected: fromMinor(sum(all), currency),
      invoicesSettled: count(all),
      missingRates: [...missing].sort(([a], [b]) => a.localeCompare(b)).map(([c, n]) => ({ currency: c, count: n })),
    };
  }
}
