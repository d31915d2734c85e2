import { Injectable } from '@nestjs/common';
import { NotFoundError, TenantDb, ValidationFailed } from '@encours/api-core';
import {
  averageDaysDelinquent,
  bestPossibleDso,
  bucketLabels,
  cei,
  dsoCountBack,
  dsoSimple,
  endOfMonth,
  fromMinor,
  isCalendarDate,
  monthEnds,
  overdueShare,
  parseBucketBounds,
  payerProfile,
  percentCurrent,
  receivablesTurnover,
  roundDiv,
  today,
  type AgeingBasis,
  type CalendarDate,
  type Minor,
} from '@encours/domain';
import { minorOf } from '../shared/amounts.js';
import { assertInPortfolio, portfolioOwner } from '../shared/portfolio.js';
import type {
  AgeingDto,
  AgeingGroupDto,
  AgeingQuery,
  AggregateCheckDto,
  GroupBy,
  KpiGroupDto,
  KpiHistoryPointDto,
  KpiQuery,
  KpisDto,
  KpiValuesDto,
  MissingRateDto,
  CustomerPayerProfileDto,
} from './reporting.dto.js';
import {
  addToBuckets,
  convertMinor,
  countBackMonths,
  emptyBucketed,
  periodMonths,
  previousMonthEnd,
  salesOver,
  turnoverPoints,
  type Bucketed,
} from './reporting-math.js';

const NIL = '00000000-0000-0000-0000-000000000000';
const COUNT_BACK_MONTHS = 24;

type Scope = GroupBy | 'none';

/** Group key over receivable_item `i` joined with customer `c`. */
const ITEM_KEY: Record<Scope, string> = {
  none: `''`,
  customer: 'i.customer_id::text',
  entity: 'i.legal_entity_id::text',
  businessUnit: 'c.business_unit_id::text',
  salesperson: 'c.salesperson_id::text',
  segment: 'c.segment',
  currency: 'i.currency::text',
};
/** Group key over the aggregate tables `b` (only the scopes they can answer). */
const AGG_KEY: Partial<Record<Scope, string>> = {
  none: `''`,
  entity: `NULLIF(b.legal_entity_key, '${NIL}'::uuid)::text`,
  currency: 'b.currency::text',
};
const SIGN = `(CASE WHEN i.kind = 'credit_note' THEN -1 ELSE 1 END)`;

interface LedgerRow {
  key: string | null;
  currency: string;
  due: string;
  issue: string;
  amount: string;
  disputed: string;
  count: number;
}
interface BalanceRow {
  at: string;
  key: string | null;
  currency: string;
  total: string;
  overdue: string;
}
interface SalesRow {
  key: string | null;
  currency: string;
  month: string;
  sales: string;
}

interface Ctx {
  asOf: CalendarDate;
  today: CalendarDate;
  currency: string;
}

/** Rates to the tenant currency, per date then per currency. */
type Rates = Map<string, Map<string, string>>;

class Converter {
  readonly missing = new Map<string, number>();
  constructor(
    private readonly rates: Rates,
    readonly target: string,
  ) {}

  /** Native minor units → target minor units at the rate of `date`; null when no rate (counted in `missing`). */
  convert(minor: Minor, currency: string, date: string, count = 0): Minor | null {
    if (currency === this.target) return minor;
    const rate = this.rates.get(date)?.get(currency) ?? null;
    if (rate === null) {
      if (count) this.missing.set(currency, (this.missing.get(currency) ?? 0) + count);
      return null;
    }
    return convertMinor(minor, currency, this.target, rate);
  }

  missingList(): MissingRateDto[] {
    return [...this.missing].sort(([a], [b]) => a.localeCompare(b)).map(([currency, count]) => ({ currency, count }));
  }
}

interface ScopeBalances {
  total: Minor;
  overdue: Minor;
  disputed: Minor;
}

@Injectable()
export class ReportingService {
  constructor(private readonly db: TenantDb) {}

  private query<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.db.dataSource.query(sql, params);
  }

  /**
   * The `sales` role sees its portfolio only (customers whose salesperson it is): their ids, or null for the whole
   * tenant. A restricted answer is computed from the items of those customers (the aggregates cover the whole tenant).
   */
  private async portfolio(): Promise<string[] | null> {
    const owner = portfolioOwner();
    if (!owner) return null;
    const rows = await this.query<{ id: string }>(
      `SELECT id::text AS id FROM customer WHERE tenant_id = $1 AND salesperson_id = $2`,
      [this.db.tenantId, owner],
    );
    return rows.map((r) => r.id);
  }

  private async context(asOf: string | undefined): Promise<Ctx> {
    const [tenant] = await this.query<{ currency: string; timezone: string }>(
      `SELECT default_currency AS currency, timezone FROM tenant WHERE id = $1`,
      [this.db.tenantId],
    );
    const now = today(tenant?.timezone ?? 'Europe/Paris');
    if (asOf !== undefined && !isCalendarDate(asOf))
      throw new ValidationFailed([{ field: 'asOf', message: `asOf must be a real calendar date as YYYY-MM-DD, got ${asOf}` }]);
    return { asOf: asOf ?? now, today: now, currency: (tenant?.currency ?? 'EUR').trim() };
  }

  private async ratesAt(dates: string[], target: string): Promise<Rates> {
    const rows = await this.query<{ at: string; currency: string; rate: string }>(
      `SELECT d::text AS at, r.from_currency AS currency, r.rate::text AS rate
         FROM unnest($3::date[]) d
         CROSS JOIN LATERAL (SELECT DISTINCT ON (from_currency) from_currency, rate FROM exchange_rate
                              WHERE tenant_id = $1 AND to_currency = $2 AND date <= d ORDER BY from_currency, date DESC) r`,
      [this.db.tenantId, target, [...new Set(dates)]],
    );
    const out: Rates = new Map();
    for (const r of rows) {
      if (!out.has(r.at)) out.set(r.at, new Map());
      out.get(r.at)!.set(r.currency.trim(), r.rate);
    }
    return out;
  }

  /** Whether the aggregate tables answer this question (asOf = today, no portfolio restriction). */
  private usesAggregates(ctx: Ctx, scope: Scope): boolean {
    return ctx.asOf === ctx.today && AGG_KEY[scope] !== undefined;
  }

  /**
   * Open items at asOf by (key, currency, due date, issue date). From the aggregates when possible, else rebuilt
   * per item: open at D = open now + allocations dated after D + (what was closed outside the ledger after D).
   */
  private async ledgerRows(ctx: Ctx, scope: Scope, customerIds: string[] | null): Promise<LedgerRow[]> {
    const t = this.db.tenantId;
    if (customerIds === null && this.usesAggregates(ctx, scope)) {
      return this.query<LedgerRow>(
        `SELECT ${AGG_KEY[scope]} AS key, b.currency::text AS currency, b.due_date::text AS due, b.issue_date::text AS issue,
                sum(b.open_amount)::text AS amount, sum(b.disputed_amount)::text AS disputed, sum(b.item_count)::int AS count
           FROM receivable_open_balance b WHERE b.tenant_id = $1 AND b.issue_date <= $2
          GROUP BY 1, 2, 3, 4`,
        [t, ctx.asOf],
      );
    }
    const filtered = customerIds !== null;
    if (filtered && ctx.asOf === ctx.today) {
      // Today, like the aggregates: the open amounts as they are (allocations dated after today are ignored).
      return this.query<LedgerRow>(
        `SELECT ${ITEM_KEY[scope]} AS key, i.currency::text AS currency, i.due_date::text AS due, i.issue_date::text AS issue,
                sum(${SIGN} * i.open_amount)::text AS amount,
                coalesce(sum(${SIGN} * i.open_amount) FILTER (WHERE i.disputed), 0)::text AS disputed, count(*)::int AS count
           FROM receivable_item i JOIN customer c ON c.id = i.customer_id
          WHERE i.tenant_id = $1 AND i.customer_id = ANY($3::uuid[]) AND i.open_amount <> 0 AND i.status <> 'written_off'
            AND i.issue_date <= $2
          GROUP BY 1, 2, 3, 4`,
        [t, ctx.asOf, customerIds],
      );
    }
    const alloc = filtered
      ? `LEFT JOIN LATERAL (SELECT coalesce(sum(a.amount), 0) AS total, coalesce(sum(a.amount) FILTER (WHERE a.date > $2), 0) AS after
                              FROM allocation a WHERE a.tenant_id = $1 AND a.invoice_id = i.id) ai ON true
         LEFT JOIN LATERAL (SELECT coalesce(sum(a.amount), 0) AS total, coalesce(sum(a.amount) FILTER (WHERE a.date > $2), 0) AS after
                              FROM allocation a WHERE a.tenant_id = $1 AND a.credit_note_id = i.id) ac ON true
         CROSS JOIN LATERAL (SELECT ai.total + ac.total AS total, ai.after + ac.after AS after) al`
      : `LEFT JOIN al ON al.item_id = i.id`;
    const cte = filtered
      ? ''
      : `WITH al AS (SELECT x.item_id, sum(x.amount) AS total, sum(x.amount) FILTER (WHERE x.date > $2) AS after
                       FROM (SELECT invoice_id AS item_id, amount, date FROM allocation WHERE tenant_id = $1
                             UNION ALL
                             SELECT credit_note_id, amount, date FROM allocation WHERE tenant_id = $1 AND credit_note_id IS NOT NULL) x
                      GROUP BY 1)`;
    return this.query<LedgerRow>(
      `${cte}
       SELECT ${ITEM_KEY[scope]} AS key, i.currency::text AS currency, i.due_date::text AS due, i.issue_date::text AS issue,
              sum(v.open)::text AS amount, coalesce(sum(v.open) FILTER (WHERE i.disputed), 0)::text AS disputed, count(*)::int AS count
         FROM receivable_item i
         JOIN customer c ON c.id = i.customer_id
         ${alloc}
         CROSS JOIN LATERAL (SELECT ${SIGN} * (i.open_amount + coalesce(al.after, 0)
                 + CASE WHEN i.closed_at > $2 THEN i.amount - coalesce(al.total, 0) - i.open_amount ELSE 0 END) AS open) v
        WHERE i.tenant_id = $1 AND i.status <> 'written_off' AND i.issue_date <= $2 AND v.open <> 0
          ${filtered ? 'AND i.customer_id = ANY($3::uuid[])' : ''}
        GROUP BY 1, 2, 3, 4`,
      filtered ? [t, ctx.asOf, customerIds] : [t, ctx.asOf],
    );
  }

  /**
   * Receivables and overdue at several dates (history, CEI opening, turnover), without item counts:
   * open now (issued on or before D) + allocations dated after D + closings outside the ledger after D.
   */
  private async balancesAt(dates: string[], scope: Scope, customerIds: string[] | null): Promise<BalanceRow[]> {
    if (!dates.length) return [];
    const t = this.db.tenantId;
    const filter = customerIds !== null ? 'AND i.customer_id = ANY($3::uuid[])' : '';
    const params = customerIds !== null ? [t, dates, customerIds] : [t, dates];
    const openNow =
      customerIds === null && AGG_KEY[scope] !== undefined
        ? `SELECT d::text AS at, ${AGG_KEY[scope]} AS key, b.currency::text AS currency, b.open_amount AS amount, b.due_date < d AS late
             FROM receivable_open_balance b CROSS JOIN unnest($2::date[]) d WHERE b.tenant_id = $1 AND b.issue_date <= d`
        : `SELECT d::text AS at, ${ITEM_KEY[scope]} AS key, i.currency::text AS currency, ${SIGN} * i.open_amount AS amount,
                  i.due_date < d AS late
             FROM receivable_item i JOIN customer c ON c.id = i.customer_id CROSS JOIN unnest($2::date[]) d
            WHERE i.tenant_id = $1 AND i.open_amount <> 0 AND i.status <> 'written_off' AND i.issue_date <= d ${filter}`;
    const allocatedAfter = (column: string, sign: number) =>
      `SELECT d::text, ${ITEM_KEY[scope]}, i.currency::text, ${sign} * a.amount, i.due_date < d
         FROM allocation a JOIN receivable_item i ON i.id = a.${column} JOIN customer c ON c.id = i.customer_id
         CROSS JOIN unnest($2::date[]) d
        WHERE a.tenant_id = $1 AND i.status <> 'written_off' AND a.date > d AND i.issue_date <= d ${filter}`;
    const closedAfter = `SELECT d::text, ${ITEM_KEY[scope]}, i.currency::text,
             ${SIGN} * (i.amount - i.open_amount
                 - coalesce((SELECT sum(a.amount) FROM allocation a WHERE a.tenant_id = $1 AND a.invoice_id = i.id), 0)
                 - coalesce((SELECT sum(a.amount) FROM allocation a WHERE a.tenant_id = $1 AND a.credit_note_id = i.id), 0)), i.due_date < d
         FROM receivable_item i JOIN customer c ON c.id = i.customer_id CROSS JOIN unnest($2::date[]) d
        WHERE i.tenant_id = $1 AND i.settled_outside AND i.status <> 'written_off' AND i.closed_at > d AND i.issue_date <= d ${filter}`;
    return this.query<BalanceRow>(
      `SELECT x.at, x.key, x.currency, sum(x.amount)::text AS total, coalesce(sum(x.amount) FILTER (WHERE x.late), 0)::text AS overdue
         FROM (${openNow} UNION ALL ${allocatedAfter('invoice_id', 1)} UNION ALL ${allocatedAfter('credit_note_id', -1)}
               UNION ALL ${closedAfter}) x
        GROUP BY 1, 2, 3`,
      params,
    );
  }

  /** Sales (invoices minus credit notes, by issue date) per calendar month in [from, asOf]. */
  private async salesByMonth(ctx: Ctx, from: CalendarDate, scope: Scope, customerIds: string[] | null): Promise<SalesRow[]> {
    const t = this.db.tenantId;
    const monthStart = `${ctx.asOf.slice(0, 8)}01`;
    // The aggregate holds whole months: the month of asOf comes from it only when asOf is its end or today.
    const wholeLastMonth = endOfMonth(ctx.asOf) === ctx.asOf || ctx.asOf >= ctx.today;
    const raw = (lo: string, hi: string) =>
      this.query<SalesRow>(
        `SELECT ${ITEM_KEY[scope]} AS key, i.currency::text AS currency, to_char(i.issue_date, 'YYYY-MM') AS month,
                sum(${SIGN} * i.amount)::text AS sales
           FROM receivable_item i JOIN customer c ON c.id = i.customer_id
          WHERE i.tenant_id = $1 AND i.issue_date >= $2 AND i.issue_date <= $3
                ${customerIds !== null ? 'AND i.customer_id = ANY($4::uuid[])' : ''}
          GROUP BY 1, 2, 3`,
        customerIds !== null ? [t, lo, hi, customerIds] : [t, lo, hi],
      );
    if (customerIds !== null || AGG_KEY[scope] === undefined) return raw(from, ctx.asOf);
    const aggUntil = wholeLastMonth ? monthStart : `${previousMonthEnd(ctx.asOf).slice(0, 8)}01`;
    const rows = await this.query<SalesRow>(
      `SELECT ${AGG_KEY[scope]} AS key, b.currency::text AS currency, to_char(b.month, 'YYYY-MM') AS month, sum(b.sales)::text AS sales
         FROM receivable_monthly_sales b WHERE b.tenant_id = $1 AND b.month >= $2 AND b.month <= $3
        GROUP BY 1, 2, 3`,
      [t, `${from.slice(0, 8)}01`, aggUntil],
    );
    return wholeLastMonth ? rows : [...rows, ...(await raw(monthStart, ctx.asOf))];
  }

  private async labels(scope: Scope, keys: (string | null)[]): Promise<Map<string | null, string>> {
    const out = new Map<string | null, string>([[null, '(none)']]);
    const ids = keys.filter((k): k is string => k !== null);
    const table = { customer: 'customer', entity: 'legal_entity', businessUnit: 'business_unit', salesperson: '"user"' }[
      scope as string
    ];
    if (!table || !ids.length) {
      for (const k of ids) out.set(k, k);
      return out;
    }
    const rows = await this.query<{ id: string; name: string }>(
      `SELECT id::text, name FROM ${table} WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
      [this.db.tenantId, ids],
    );
    for (const k of ids) out.set(k, k);
    for (const r of rows) out.set(r.id, r.name);
    return out;
  }

  private refreshOverdue(ctx: Ctx): Promise<unknown> {
    return this.query(`SELECT receivable_refresh_overdue($1, $2)`, [this.db.tenantId, ctx.today]);
  }

  /**
   * One page of customers ordered by total or overdue from receivable_customer_balance (asOf = today): an index
   * scan when every balance is in the tenant currency, a sort of the converted balances otherwise.
   */
  private async customerPage(
    ctx: Ctx,
    rates: Rates,
    field: 'total' | 'overdue',
    desc: boolean,
    page: number,
    pageSize: number,
  ): Promise<{ ids: string[]; total: number }> {
    const t = this.db.tenantId;
    await this.refreshOverdue(ctx);
    const [currencies, [{ count }]] = await Promise.all([
      this.query<{ currency: string }>(
        `SELECT DISTINCT currency::text AS currency FROM receivable_open_balance WHERE tenant_id = $1`,
        [t],
      ),
      this.query<{ count: number }>(
        `SELECT count(*)::int AS count FROM (SELECT customer_id FROM receivable_customer_balance WHERE tenant_id = $1 GROUP BY 1) x`,
        [t],
      ),
    ]);
    const column = field === 'total' ? 'open_amount' : 'overdue_amount';
    const dir = desc ? 'DESC' : 'ASC';
    const offset = (page - 1) * pageSize;
    if (currencies.every((c) => c.currency.trim() === ctx.currency)) {
      const rows = await this.query<{ id: string }>(
        `SELECT customer_id::text AS id FROM receivable_customer_balance WHERE tenant_id = $1
          ORDER BY ${column} ${dir}, customer_id LIMIT $2 OFFSET $3`,
        [t, pageSize, offset],
      );
      return { ids: rows.map((r) => r.id), total: count };
    }
    // Several currencies: the customers holding another currency, plus enough customers of the index order in the
    // tenant currency that every customer left out ranks after the page; then an exact sort of the converted sums.
    const others = await this.query<{ id: string }>(
      `SELECT DISTINCT customer_id::text AS id FROM receivable_customer_balance WHERE tenant_id = $1 AND currency <> $2`,
      [t, ctx.currency],
    );
    const head = await this.query<{ id: string }>(
      `SELECT customer_id::text AS id FROM receivable_customer_balance WHERE tenant_id = $1 AND currency = $2
        ORDER BY ${column} ${dir}, customer_id LIMIT $3`,
      [t, ctx.currency, offset + pageSize + others.length],
    );
    const candidates = [...new Set([...head.map((r) => r.id), ...others.map((r) => r.id)])];
    const rateMap: Record<string, string> = { [ctx.currency]: '1', ...Object.fromEntries(rates.get(ctx.asOf) ?? []) };
    const rows = await this.query<{ id: string }>(
      `SELECT b.customer_id::text AS id FROM receivable_customer_balance b
         JOIN jsonb_each_text($2::jsonb) r(currency, rate) ON r.currency = b.currency::text
        WHERE b.tenant_id = $1 AND b.customer_id = ANY($5::uuid[]) GROUP BY b.customer_id
        ORDER BY sum(b.${column} * r.rate::numeric) ${dir}, b.customer_id LIMIT $3 OFFSET $4`,
      [t, JSON.stringify(rateMap), pageSize, offset, candidates],
    );
    return { ids: rows.map((r) => r.id), total: count };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Ageing

  async ageing(q: AgeingQuery): Promise<AgeingDto> {
    const ctx = await this.context(q.asOf);
    let bounds: number[];
    try {
      bounds = parseBucketBounds(q.buckets ?? '30,60,90,120');
    } catch (err) {
      throw new ValidationFailed([{ field: 'buckets', message: (err as Error).message }]);
    }
    const basis: AgeingBasis = q.basis ?? 'due';
    const rates = await this.ratesAt([ctx.asOf], ctx.currency);
    const conv = new Converter(rates, ctx.currency);

    /** Buckets per key and currency (native units), converted and summed per key. */
    const bucketize = (rows: LedgerRow[], countMissing: boolean) => {
      const native = new Map<string | null, Map<string, Bucketed>>();
      for (const r of rows) {
        if (!native.has(r.key)) native.set(r.key, new Map());
        const byCur = native.get(r.key)!;
        if (!byCur.has(r.currency)) byCur.set(r.currency, emptyBucketed(bounds, basis));
        addToBuckets(
          byCur.get(r.currency)!,
          [{ dueDate: r.due, issueDate: r.issue, amount: minorOf(r.amount, r.currency), count: r.count }],
          ctx.asOf,
          basis,
          bounds,
        );
      }
      const out = new Map<string | null, Bucketed>();
      for (const [key, byCur] of native) {
        const acc = emptyBucketed(bounds, basis);
        for (const [cur, b] of byCur) {
          if (conv.convert(0n, cur, ctx.asOf, countMissing ? b.count : 0) === null) continue;
          b.amounts.forEach((a, i) => (acc.amounts[i] += conv.convert(a, cur, ctx.asOf)!));
          acc.overdue += conv.convert(b.overdue, cur, ctx.asOf)!;
          acc.count += b.count;
        }
        acc.total = acc.amounts.reduce((s, a) => s + a, 0n);
        if (acc.count > 0) out.set(key, acc); // a group whose items all lack a rate is left out
      }
      return out;
    };
    const fmt = (b: Bucketed) => ({
      amounts: b.amounts.map((a) => fromMinor(a, ctx.currency)),
      total: fromMinor(b.total, ctx.currency),
      overdue: fromMinor(b.overdue, ctx.currency),
      count: b.count,
    });

    const portfolio = await this.portfolio();
    const overall = bucketize(await this.ledgerRows(ctx, 'none', portfolio), true).get('') ?? emptyBucketed(bounds, basis);
    const labels = bucketLabels(bounds, basis);
    const buckets = labels.map((label, i) => {
      const dated = basis === 'due' ? i - 1 : i;
      if (basis === 'due' && i === 0) return { label, minDays: null, maxDays: 0 };
      const min = dated === 0 ? (basis === 'due' ? 1 : 0) : bounds[dated - 1] + 1;
      return { label, minDays: min, maxDays: dated < bounds.length ? bounds[dated] : null };
    });
    const answer: AgeingDto = {
      asOf: ctx.asOf,
      basis,
      currency: ctx.currency,
      buckets,
      totals: fmt(overall),
      missingRates: [],
    };
    if (q.groupBy) {
      const sort = q.sort ?? '-total';
      const desc = sort.startsWith('-');
      const field = (desc ? sort.slice(1) : sort) as 'total' | 'overdue' | 'count' | 'label';
      const scope = q.groupBy;
      let items: AgeingGroupDto[];
      let total: number;
      if (scope === 'customer' && ctx.asOf === ctx.today && (field === 'total' || field === 'overdue') && portfolio === null) {
        const pageIds = await this.customerPage(ctx, rates, field, desc, q.page, q.pageSize);
        const grouped = pageIds.ids.length ? bucketize(await this.ledgerRows(ctx, 'customer', pageIds.ids), false) : new Map();
        const names = await this.labels(scope, pageIds.ids);
        items = pageIds.ids.map((id) => ({
          key: id,
          label: names.get(id) ?? id,
          ...fmt(grouped.get(id) ?? emptyBucketed(bounds, basis)),
        }));
        total = pageIds.total;
      } else {
        const grouped = bucketize(await this.ledgerRows(ctx, scope, portfolio), false);
        const names = await this.labels(scope, [...grouped.keys()]);
        const all = [...grouped].map(([key, b]) => ({ key, label: names.get(key) ?? String(key), b }));
        const cmp = (x: (typeof all)[number], y: (typeof all)[number]): number => {
          const v =
            field === 'label'
              ? x.label.localeCompare(y.label)
              : field === 'count'
                ? x.b.count - y.b.count
                : Number((field === 'total' ? x.b.total : x.b.overdue) - (field === 'total' ? y.b.total : y.b.overdue));
          return Math.sign(v) * (desc ? -1 : 1) || String(x.key).localeCompare(String(y.key));
        };
        all.sort(cmp);
        total = all.length;
        items = all.slice((q.page - 1) * q.pageSize, q.page * q.pageSize).map(({ key, label, b }) => ({ key, label, ...fmt(b) }));
      }
      answer.groups = { items, total, page: q.page, pageSize: q.pageSize };
    }
    answer.missingRates = conv.missingList();
    return answer;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // KPIs

  async kpis(q: KpiQuery): Promise<KpisDto> {
    const ctx = await this.context(q.asOf);
    const periods = periodMonths(ctx.asOf, COUNT_BACK_MONTHS);
    const history = monthEnds(ctx.asOf, q.historyMonths);
    const points = turnoverPoints(ctx.asOf);
    const otherDates = [...new Set([previousMonthEnd(ctx.asOf), ...points.slice(1), ...history])].filter((d) => d !== ctx.asOf);
    const groupDates = [...new Set([previousMonthEnd(ctx.asOf), ...points.slice(1)])].filter((d) => d !== ctx.asOf);
    const oldest = [ctx.asOf, ...otherDates].sort()[0];
    const salesFrom = periodMonths(oldest, COUNT_BACK_MONTHS).at(-1)!.month + '-01';
    const rates = await this.ratesAt([ctx.asOf, ...otherDates], ctx.currency);
    const conv = new Converter(rates, ctx.currency);

    const compute = async (scope: Scope, customerIds: string[] | null, withHistory: boolean) => {
      const [now, past, sales] = await Promise.all([
        this.ledgerRows(ctx, scope, customerIds),
        this.balancesAt(withHistory ? otherDates : groupDates, scope, customerIds),
        this.salesByMonth(ctx, withHistory ? salesFrom : `${periods.at(-1)!.month}-01`, scope, customerIds),
      ]);
      return { now, past, sales };
    };

    /** KPI figures of one key from the rows (native currencies converted at the rate of each date). */
    const figures = (key: string | null, data: Awaited<ReturnType<typeof compute>>, countMissing: boolean) => {
      const at: ScopeBalances = { total: 0n, overdue: 0n, disputed: 0n };
      for (const r of data.now.filter((x) => x.key === key)) {
        const amount = conv.convert(minorOf(r.amount, r.currency), r.currency, ctx.asOf, countMissing ? r.count : 0);
        if (amount === null) continue;
        at.total += amount;
        if (r.due < ctx.asOf) at.overdue += amount;
        at.disputed += conv.convert(minorOf(r.disputed, r.currency), r.currency, ctx.asOf)!;
      }
      const balances = new Map<string, { total: Minor; overdue: Minor }>();
      for (const r of data.past.filter((x) => x.key === key)) {
        const b = balances.get(r.at) ?? { total: 0n, overdue: 0n };
        const total = conv.convert(minorOf(r.total, r.currency), r.currency, r.at);
        const overdue = conv.convert(minorOf(r.overdue, r.currency), r.currency, r.at);
        if (total !== null && overdue !== null) {
          b.total += total;
          b.overdue += overdue;
        }
        balances.set(r.at, b);
      }
      balances.set(ctx.asOf, { total: at.total, overdue: at.overdue });
      /** Sales per month converted at the rate of `date`. */
      const salesAt = (date: string) => {
        const m = new Map<string, Minor>();
        for (const r of data.sales.filter((x) => x.key === key)) {
          const v = conv.convert(minorOf(r.sales, r.currency), r.currency, date);
          if (v !== null) m.set(r.month, (m.get(r.month) ?? 0n) + v);
        }
        return m;
      };
      return { at, balances, salesAt };
    };

    const kpiValues = (f: ReturnType<typeof figures>): KpiValuesDto => {
      const { at, balances } = f;
      const sales = f.salesAt(ctx.asOf);
      const current = at.total - at.overdue;
      const three = salesOver(periods.slice(0, 3), sales);
      const month = salesOver(periods.slice(0, 1), sales);
      const year = salesOver(periods.slice(0, 12), sales);
      const simple = dsoSimple(at.total, three.sales, three.days);
      const best = bestPossibleDso(current, three.sales, three.days);
      const opening = balances.get(previousMonthEnd(ctx.asOf))?.total ?? 0n;
      const avg = roundDiv(
        points.reduce((s, d) => s + (balances.get(d)?.total ?? 0n), 0n),
        BigInt(points.length),
      );
      const money = (m: Minor) => fromMinor(m, ctx.currency);
      return {
        receivables: money(at.total),
        currentReceivables: money(current),
        overdueAmount: money(at.overdue),
        overdueShare: overdueShare(at.overdue, at.total),
        percentCurrent: percentCurrent(current, at.total),
        disputedAmount: money(at.disputed),
        sales3m: money(three.sales),
        dsoCountBack: dsoCountBack(at.total, countBackMonths(periods, sales)),
        dsoSimple: simple,
        bestPossibleDso: best,
        add: averageDaysDelinquent(simple, best),
        cei: cei({
          openingReceivables: opening,
          creditSales: month.sales,
          closingReceivables: at.total,
          closingCurrentReceivables: current,
        }),
        turnover: receivablesTurnover(year.sales, avg),
      };
    };

    const portfolio = await this.portfolio();
    const data = await compute('none', portfolio, true);
    const overall = figures('', data, true);
    const historyPoints: KpiHistoryPointDto[] = history.map((end) => {
      const b = overall.balances.get(end) ?? { total: 0n, overdue: 0n };
      const sales = overall.salesAt(end);
      const p = periodMonths(end, COUNT_BACK_MONTHS);
      const three = salesOver(p.slice(0, 3), sales);
      const current = b.total - b.overdue;
      return {
        month: end.slice(0, 7),
        asOf: end,
        dsoCountBack: dsoCountBack(b.total, countBackMonths(p, sales)),
        dsoSimple: dsoSimple(b.total, three.sales, three.days),
        bestPossibleDso: bestPossibleDso(current, three.sales, three.days),
        overdueShare: overdueShare(b.overdue, b.total),
        receivables: fromMinor(b.total, ctx.currency),
        overdueAmount: fromMinor(b.overdue, ctx.currency),
      };
    });
    const answer: KpisDto = {
      asOf: ctx.asOf,
      currency: ctx.currency,
      kpis: kpiValues(overall),
      history: historyPoints,
      missingRates: [],
    };

    if (q.groupBy) {
      const scope = q.groupBy;
      let keys: (string | null)[];
      let groupData: Awaited<ReturnType<typeof compute>>;
      if (scope === 'customer') {
        let ids: string[];
        if (ctx.asOf === ctx.today && portfolio === null) {
          const p = await this.customerPage(ctx, rates, 'total', true, q.page, q.pageSize);
          ids = p.ids;
          answer.groupCount = p.total;
        } else {
          const totals = await this.groupTotals(ctx, conv, portfolio);
          answer.groupCount = totals.length;
          ids = totals.slice((q.page - 1) * q.pageSize, q.page * q.pageSize).map((x) => x.key);
        }
        groupData = ids.length ? await compute('customer', ids, false) : { now: [], past: [], sales: [] };
        keys = ids;
      } else {
        groupData = await compute(scope, portfolio, false);
        const all = [...new Set([...groupData.now.map((r) => r.key)])];
        const ranked = all
          .map((k) => ({ k, total: figures(k, groupData, false).at.total }))
          .sort((a, b) => (a.total === b.total ? String(a.k).localeCompare(String(b.k)) : a.total > b.total ? -1 : 1));
        answer.groupCount = ranked.length;
        keys = ranked.slice((q.page - 1) * q.pageSize, q.page * q.pageSize).map((x) => x.k);
      }
      const names = await this.labels(scope, keys);
      answer.groups = keys.map((key): KpiGroupDto => ({
        key,
        label: names.get(key) ?? String(key),
        kpis: kpiValues(figures(key, groupData, false)),
      }));
    }
    answer.missingRates = conv.missingList();
    return answer;
  }

  /** Customers by converted receivables at asOf (exact path), largest first. */
  private async groupTotals(ctx: Ctx, conv: Converter, portfolio: string[] | null): Promise<{ key: string; total: Minor }[]> {
    const rows = await this.ledgerRows(ctx, 'customer', portfolio);
    const totals = new Map<string, Minor>();
    for (const r of rows) {
      const v = conv.convert(minorOf(r.amount, r.currency), r.currency, ctx.asOf);
      if (v !== null && r.key !== null) totals.set(r.key, (totals.get(r.key) ?? 0n) + v);
    }
    return [...totals]
      .map(([key, total]) => ({ key, total }))
      .sort((a, b) => (a.total === b.total ? a.key.localeCompare(b.key) : a.total > b.total ? -1 : 1));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Payer profile

  /**
   * Paid invoices of the customer: fully settled through allocations (not closed outside the ledger); paid date =
   * the latest allocation date (the one that brought the open amount to 0).
   */
  async payerProfile(customerId: string, asOfParam: string | undefined): Promise<CustomerPayerProfileDto> {
    const ctx = await this.context(asOfParam);
    const [customer] = await this.query<{ id: string; salespersonId: string | null }>(
      `SELECT id, salesperson_id AS "salespersonId" FROM customer WHERE tenant_id = $1 AND id::text = $2`,
      [this.db.tenantId, customerId],
    );
    if (!customer) throw new NotFoundError('Customer', customerId);
    assertInPortfolio(customer);
    const rows = await this.query<{ amount: string; currency: string; due: string; paid: string }>(
      `SELECT i.amount::text AS amount, i.currency::text AS currency, i.due_date::text AS due, max(a.date)::text AS paid
         FROM receivable_item i JOIN allocation a ON a.tenant_id = i.tenant_id AND a.invoice_id = i.id
        WHERE i.tenant_id = $1 AND i.customer_id = $2 AND i.kind = 'invoice' AND i.open_amount = 0
          AND NOT i.settled_outside AND i.status = 'paid'
        GROUP BY i.id`,
      [this.db.tenantId, customer.id],
    );
    // Lateness is weighted by amounts of one currency: other currencies are converted at the rate of asOf.
    const conv = new Converter(await this.ratesAt([ctx.asOf], ctx.currency), ctx.currency);
    const paid = rows.flatMap((r) => {
      const amount = conv.convert(minorOf(r.amount, r.currency), r.currency, ctx.asOf);
      return amount === null ? [] : [{ amount, dueDate: r.due, paidDate: r.paid }];
    });
    return { customerId: customer.id, asOf: ctx.asOf, ...payerProfile(paid, ctx.asOf) };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Consistency check

  /**
   * Compares the aggregate tables with a recomputation from receivable_item (one tenant, or all when omitted).
   * The customer overdue amounts are compared at each tenant's receivable_balance_state.overdue_as_of.
   */
  async verifyAggregates(tenantId?: string): Promise<AggregateCheckDto> {
    const where = tenantId ? 'WHERE i.tenant_id = $1' : '';
    const bWhere = tenantId ? 'WHERE b.tenant_id = $1' : '';
    const params = tenantId ? [tenantId] : [];
    const open = `CASE WHEN i.kind = 'credit_note' THEN -i.open_amount ELSE i.open_amount END`;
    const isOpen = `i.open_amount <> 0 AND i.status <> 'written_off'`;
    const differences = await this.db.dataSource.query(
      `WITH
       ob_exp AS (SELECT i.tenant_id, coalesce(i.legal_entity_id, '${NIL}'::uuid) AS le, i.currency, i.due_date, i.issue_date,
                         sum(${open}) AS amount, sum(CASE WHEN i.disputed THEN ${open} ELSE 0 END) AS disputed, count(*) AS n
                    FROM receivable_item i ${where ? `${where} AND ${isOpen}` : `WHERE ${isOpen}`} GROUP BY 1, 2, 3, 4, 5),
       ob_got AS (SELECT b.tenant_id, b.legal_entity_key AS le, b.currency, b.due_date, b.issue_date, b.open_amount AS amount,
                         b.disputed_amount AS disputed, b.item_count AS n FROM receivable_open_balance b ${bWhere}),
       cb_exp AS (SELECT i.tenant_id, i.customer_id, i.currency, sum(${open}) AS amount,
                         sum(CASE WHEN i.due_date < st.overdue_as_of THEN ${open} ELSE 0 END) AS overdue, count(*) AS n
                    FROM receivable_item i LEFT JOIN receivable_balance_state st ON st.tenant_id = i.tenant_id
                    ${where ? `${where} AND ${isOpen}` : `WHERE ${isOpen}`} GROUP BY 1, 2, 3),
       cb_got AS (SELECT b.tenant_id, b.customer_id, b.currency, b.open_amount AS amount, b.overdue_amount AS overdue, b.item_count AS n
                    FROM receivable_customer_balance b ${bWhere}),
       ms_exp AS (SELECT i.tenant_id, coalesce(i.legal_entity_id, '${NIL}'::uuid) AS le, i.currency,
                         date_trunc('month', i.issue_date)::date AS month,
                         sum(CASE WHEN i.kind = 'credit_note' THEN -i.amount ELSE i.amount END) AS sales, count(*) AS n
                    FROM receivable_item i ${where} GROUP BY 1, 2, 3, 4),
       ms_got AS (SELECT b.tenant_id, b.legal_entity_key AS le, b.currency, b.month, b.sales, b.item_count AS n
                    FROM receivable_monthly_sales b ${bWhere})
       SELECT 'open_balance' AS "table", concat_ws('/', coalesce(e.tenant_id, g.tenant_id), coalesce(e.le, g.le), coalesce(e.currency, g.currency),
                coalesce(e.due_date, g.due_date), coalesce(e.issue_date, g.issue_date)) AS key,
              concat_ws(' ', g.amount, g.disputed, g.n) AS stored, concat_ws(' ', e.amount, e.disputed, e.n) AS expected
         FROM ob_exp e FULL JOIN ob_got g USING (tenant_id, le, currency, due_date, issue_date)
        WHERE (e.amount, e.disputed, e.n) IS DISTINCT FROM (g.amount, g.disputed, g.n)
       UNION ALL
       SELECT 'customer_balance', concat_ws('/', tenant_id, customer_id, currency),
              concat_ws(' ', g.amount, g.overdue, g.n), concat_ws(' ', e.amount, e.overdue, e.n)
         FROM cb_exp e FULL JOIN cb_got g USING (tenant_id, customer_id, currency)
        WHERE (e.amount, e.overdue, e.n) IS DISTINCT FROM (g.amount, g.overdue, g.n)
       UNION ALL
       SELECT 'monthly_sales', concat_ws('/', tenant_id, le, currency, month),
              concat_ws(' ', g.sales, g.n), concat_ws(' ', e.sales, e.n)
         FROM ms_exp e FULL JOIN ms_got g USING (tenant_id, le, currency, month)
        WHERE (e.sales, e.n) IS DISTINCT FROM (g.sales, g.n)
       LIMIT 100`,
      params,
    );
    return {
      ok: differences.length === 0,
      differences: (differences as { table: string; key: string; stored: string; expected: string }[]).map((d) => ({
        table: d.table,
        key: d.key,
        stored: d.stored || null,
        expected: d.expected || null,
      })),
    };
  }
}
