import { Injectable } from '@nestjs/common';
import { NotFoundError, TenantDb, ValidationFailed } from '@encours/api-core';
import {
  addDays,
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
  balancesAtMonthEnds,
  convertMinor,
  countBackMonths,
  emptyBucketed,
  periodMonths,
  previousMonthEnd,
  salesOver,
  turnoverPoints,
  type Bucketed,
  type DatedBalance,
  type MonthFlow,
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
/** What ITEM_KEY groups by, uncast (grouping by the columns themselves is cheaper than by their text). */
const ITEM_GROUP: Record<Scope, string | null> = {
  none: null,
  customer: 'i.customer_id',
  entity: 'i.legal_entity_id',
  businessUnit: 'c.business_unit_id',
  salesperson: 'c.salesperson_id',
  segment: 'c.segment',
  currency: null,
};
/** Joins the customer when the key is one of its attributes (every item has its customer: the join removes none). */
const customerJoin = (scope: Scope) => (ITEM_KEY[scope].startsWith('c.') ? 'JOIN customer c ON c.id = i.customer_id' : '');
const ITEM_GROUP_BY = (scope: Scope) =>
  `GROUP BY ${ITEM_GROUP[scope] ? `${ITEM_GROUP[scope]}, ` : ''}i.currency, i.due_date, i.issue_date`;
/** Group key over the aggregate tables `b` (only the scopes they can answer). */
const AGG_KEY: Partial<Record<Scope, string>> = {
  none: `''`,
  entity: `NULLIF(b.legal_entity_key, '${NIL}'::uuid)::text`,
  currency: 'b.currency::text',
};
/** Group key over receivable_customer_flow `f` joined with customer `c`. */
const FLOW_KEY: Record<Scope, string> = {
  none: `''`,
  customer: 'f.customer_id::text',
  entity: `NULLIF(f.legal_entity_key, '${NIL}'::uuid)::text`,
  businessUnit: 'c.business_unit_id::text',
  salesperson: 'c.salesperson_id::text',
  segment: 'c.segment',
  currency: 'f.currency::text',
};
const SIGN = `(CASE WHEN i.kind = 'credit_note' THEN -1 ELSE 1 END)`;

/**
 * The overdue buckets kept in receivable_customer_balance (AgeingBuckets migration): days past due at overdue_as_of.
 * They are the default ageing buckets of the due basis (DEFAULT_BUCKETS), not due being open_amount - overdue_amount.
 */
const OVERDUE_BUCKETS: { column: string; from: number; to: number | null }[] = [
  { column: 'overdue_1_30', from: 1, to: 30 },
  { column: 'overdue_31_60', from: 31, to: 60 },
  { column: 'overdue_61_90', from: 61, to: 90 },
  { column: 'overdue_91_120', from: 91, to: 120 },
  { column: 'overdue_over_120', from: 121, to: null },
];
const inBucket = (days: string, b: (typeof OVERDUE_BUCKETS)[number]) =>
  b.to === null ? `${days} >= ${b.from}` : `${days} BETWEEN ${b.from} AND ${b.to}`;
/** The bounds of the buckets kept per customer. */
const KEPT_BOUNDS = '30,60,90,120';

interface LedgerRow {
  key: string | null;
  currency: string;
  due: string;
  issue: string;
  amount: string;
  disputed: string;
  count: number;
}
/** Receivables at asOf of one key and currency: overdue = due strictly before asOf; amounts signed, native currency. */
interface NowRow {
  key: string | null;
  currency: string;
  total: string;
  overdue: string;
  disputed: string;
  count: number;
}
interface SalesRow {
  key: string | null;
  currency: string;
  /** YYYY-MM */
  month: string;
  sales: Minor;
}
/** One month of the flow aggregates: sales by month of issue, receivables and overdue changes (see balancesAtMonthEnds). */
type FlowRow = MonthFlow & { sales: Minor };

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
           FROM receivable_item i ${customerJoin(scope)}
          WHERE i.tenant_id = $1 AND i.customer_id = ANY($3::uuid[]) AND i.open_amount <> 0 AND i.status <> 'written_off'
            AND i.issue_date <= $2
          ${ITEM_GROUP_BY(scope)}`,
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
         ${customerJoin(scope)}
         ${alloc}
         CROSS JOIN LATERAL (SELECT ${SIGN} * (i.open_amount + coalesce(al.after, 0)
                 + CASE WHEN i.closed_at > $2 THEN i.amount - coalesce(al.total, 0) - i.open_amount ELSE 0 END) AS open) v
        WHERE i.tenant_id = $1 AND i.status <> 'written_off' AND i.issue_date <= $2 AND v.open <> 0
          ${filtered ? 'AND i.customer_id = ANY($3::uuid[])' : ''}
        ${ITEM_GROUP_BY(scope)}`,
      filtered ? [t, ctx.asOf, customerIds] : [t, ctx.asOf],
    );
  }

  /**
   * The balances of some customers today (receivable_customer_balance, per customer and currency, with the overdue
   * buckets), or null when they cannot answer for today: a balance of another day (customerPage brought them to
   * today; a concurrent move of the date) or items issued after today (the balances count them, the ledger at today
   * not).
   */
  private async balancesToday(ctx: Ctx, ids: string[]): Promise<(NowRow & { buckets: string[] })[] | null> {
    const [later, rows] = await Promise.all([
      this.issuedAfter(ctx.today, false),
      this.query<NowRow & { asOf: string; buckets: string[] }>(
        `SELECT b.customer_id::text AS key, b.currency::text AS currency, b.open_amount::text AS total,
                b.overdue_amount::text AS overdue, b.disputed_amount::text AS disputed, b.item_count AS count,
                st.overdue_as_of::text AS "asOf", ARRAY[${OVERDUE_BUCKETS.map((x) => `b.${x.column}`).join(', ')}]::text[] AS buckets
           FROM receivable_customer_balance b JOIN receivable_balance_state st ON st.tenant_id = b.tenant_id
          WHERE b.tenant_id = $1 AND b.customer_id = ANY($2::uuid[])`,
        [this.db.tenantId, ids],
      ),
    ]);
    return later || rows.some((r) => r.asOf !== ctx.today) ? null : rows;
  }

  /**
   * The ageing rows of a page of customers today with the default due-basis buckets, from receivable_customer_balance
   * (its overdue part is kept per bucket): per customer and currency, one row per bucket dated at the first day of
   * the bucket, the item count on the first. Null when the balances cannot answer for today (see balancesToday).
   */
  private async customerBucketRows(ctx: Ctx, ids: string[]): Promise<LedgerRow[] | null> {
    const rows = await this.balancesToday(ctx, ids);
    if (rows === null) return null;
    const out: LedgerRow[] = [];
    for (const r of rows) {
      const row = (due: CalendarDate, amount: string, count: number): LedgerRow => ({
        key: r.key,
        currency: r.currency,
        due,
        issue: due,
        amount,
        disputed: '0',
        count,
      });
      const notDue = minorOf(r.total, r.currency) - minorOf(r.overdue, r.currency);
      out.push(row(ctx.asOf, fromMinor(notDue, r.currency.trim()), r.count));
      OVERDUE_BUCKETS.forEach((b, i) => out.push(row(addDays(ctx.asOf, -b.from), r.buckets[i], 0)));
    }
    return out;
  }

  /**
   * Ledger rows for the ageing, already summed per ageing bucket in PostgreSQL where it can: today, from the aggregates
   * (tenant-wide scopes), or from the open items of some customers (a partial covering index serves them without
   * reading the table). One row per key, currency, bucket and overdue flag, its due and issue dates being the earliest
   * of the group: every date of a group falls in the same bucket and on the same side of asOf, so bucketize places the
   * group where it would place each item, and it converts the native sum of each bucket and currency once either way:
   * the answer is the one of the item-by-item rows. Other cases (a past asOf, other scopes): the ledger rows.
   */
  private ageingRows(
    ctx: Ctx,
    scope: Scope,
    customerIds: string[] | null,
    basis: AgeingBasis,
    bounds: number[],
  ): Promise<LedgerRow[]> {
    // width_bucket(d - 1, t) counts the thresholds t below d: with [0, ...bounds] the due-basis index (not due: 0),
    // with bounds alone the age index (see bucketIndex and ageBucketIndex of @encours/domain).
    const [date, thresholds] = basis === 'due' ? ['due_date', [0, ...bounds]] : ['issue_date', bounds];
    const bucketOf = (alias: string) => `width_bucket($2::date - ${alias}.${date} - 1, $3::int[]), ${alias}.due_date < $2::date`;
    if (customerIds === null && this.usesAggregates(ctx, scope))
      return this.query<LedgerRow>(
        `SELECT ${AGG_KEY[scope]} AS key, b.currency::text AS currency, min(b.due_date)::text AS due,
                min(b.issue_date)::text AS issue, sum(b.open_amount)::text AS amount,
                sum(b.disputed_amount)::text AS disputed, sum(b.item_count)::int AS count
           FROM receivable_open_balance b WHERE b.tenant_id = $1 AND b.issue_date <= $2
          GROUP BY 1, 2, ${bucketOf('b')}`,
        [this.db.tenantId, ctx.asOf, thresholds],
      );
    if (customerIds !== null && scope === 'customer' && ctx.asOf === ctx.today)
      return this.query<LedgerRow>(
        `SELECT i.customer_id::text AS key, i.currency::text AS currency, min(i.due_date)::text AS due,
                min(i.issue_date)::text AS issue, sum(${SIGN} * i.open_amount)::text AS amount,
                coalesce(sum(${SIGN} * i.open_amount) FILTER (WHERE i.disputed), 0)::text AS disputed, count(*)::int AS count
           FROM receivable_item i
          WHERE i.tenant_id = $1 AND i.customer_id = ANY($4::uuid[]) AND i.open_amount <> 0 AND i.status <> 'written_off'
            AND i.issue_date <= $2
          GROUP BY i.customer_id, i.currency, ${bucketOf('i')}`,
        [this.db.tenantId, ctx.asOf, thresholds, customerIds],
      );
    return this.ledgerRows(ctx, scope, customerIds);
  }

  /**
   * The monthly flows up to the month of `until`, per key and currency: the tenant's (receivable_monthly_flow) when no
   * customer selection or customer attribute is involved, else the customers' (receivable_customer_flow, joined with
   * the customer for its attributes), which hold no overdue part. Kept by triggers so that the receivables at a month
   * end are the sum of the flows of the months up to it (the ledger as it stood, see the KpiAggregates migration).
   */
  private async flowRows(scope: Scope, customerIds: string[] | null, until: CalendarDate): Promise<FlowRow[]> {
    const t = this.db.tenantId;
    const byCustomer = scope === 'customer';
    // Per customer, the rows as stored (one per legal entity), summed below: cheaper than a GROUP BY on text keys.
    const sql =
      customerIds === null && AGG_KEY[scope] !== undefined
        ? `SELECT ${AGG_KEY[scope]} AS key, b.currency::text AS currency, to_char(b.month, 'YYYY-MM') AS month, sum(b.sales)::text AS sales,
                  sum(b.receivables)::text AS receivables, sum(b.overdue)::text AS overdue
             FROM receivable_monthly_flow b WHERE b.tenant_id = $1 AND b.month <= $2
            GROUP BY 1, 2, 3`
        : `SELECT ${FLOW_KEY[scope]} AS key, f.currency::text AS currency, to_char(f.month, 'YYYY-MM') AS month,
                  ${byCustomer ? 'f.sales::text' : 'sum(f.sales)::text'} AS sales,
                  ${byCustomer ? 'f.receivables::text' : 'sum(f.receivables)::text'} AS receivables, '0' AS overdue
             FROM receivable_customer_flow f ${FLOW_KEY[scope].startsWith('c.') ? 'JOIN customer c ON c.id = f.customer_id' : ''}
            WHERE f.tenant_id = $1 AND f.month <= $2 ${customerIds !== null ? 'AND f.customer_id = ANY($3::uuid[])' : ''}
            ${byCustomer ? '' : 'GROUP BY 1, 2, 3'}`;
    const rows = await this.query<{
      key: string | null;
      currency: string;
      month: string;
      sales: string;
      receivables: string;
      overdue: string;
    }>(sql, customerIds !== null ? [t, `${until.slice(0, 8)}01`, customerIds] : [t, `${until.slice(0, 8)}01`]);
    const out = new Map<string, FlowRow>();
    for (const r of rows) {
      const k = `${r.key}\u0000${r.currency}\u0000${r.month}`;
      const f = out.get(k);
      const sales = minorOf(r.sales, r.currency);
      const receivables = minorOf(r.receivables, r.currency);
      const overdue = minorOf(r.overdue, r.currency);
      if (f) {
        f.sales += sales;
        f.receivables += receivables;
        f.overdue += overdue;
      } else out.set(k, { key: r.key, currency: r.currency, month: r.month, sales, receivables, overdue });
    }
    return [...out.values()];
  }

  /**
   * The ledger as it stood at several dates, rebuilt from the items: open now (issued on or before D) + allocations
   * dated after D + closings outside the ledger after D. Only for the overdue history of a customer selection (the
   * customers' flows hold no overdue part); the flows give the same amounts at month ends.
   */
  private async balancesFromItems(dates: string[], scope: Scope, customerIds: string[] | null): Promise<DatedBalance[]> {
    if (!dates.length) return [];
    const t = this.db.tenantId;
    const filter = customerIds !== null ? 'AND i.customer_id = ANY($3::uuid[])' : '';
    const params = customerIds !== null ? [t, dates, customerIds] : [t, dates];
    const openNow = `SELECT d::text AS at, ${ITEM_KEY[scope]} AS key, i.currency::text AS currency, ${SIGN} * i.open_amount AS amount,
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
    const rows = await this.query<{ at: string; key: string | null; currency: string; total: string; overdue: string }>(
      `SELECT x.at, x.key, x.currency, sum(x.amount)::text AS total, coalesce(sum(x.amount) FILTER (WHERE x.late), 0)::text AS overdue
         FROM (${openNow} UNION ALL ${allocatedAfter('invoice_id', 1)} UNION ALL ${allocatedAfter('credit_note_id', -1)}
               UNION ALL ${closedAfter}) x
        GROUP BY 1, 2, 3`,
      params,
    );
    return rows.map((r) => ({ ...r, total: minorOf(r.total, r.currency), overdue: minorOf(r.overdue, r.currency) }));
  }

  /**
   * Whether items were issued after `date`: in its month only (`sameMonth`), or at any later date. From the tenant's
   * monthly flows (latest issue date of each month, never lowered: a yes may be stale, a no is certain).
   */
  private async issuedAfter(date: CalendarDate, sameMonth: boolean): Promise<boolean> {
    const [row] = await this.query<{ found: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM receivable_monthly_flow
                       WHERE tenant_id = $1 AND month ${sameMonth ? '=' : '>='} $2 AND item_count <> 0 AND last_issue_date > $3) AS found`,
      [this.db.tenantId, `${date.slice(0, 8)}01`, date],
    );
    return row.found;
  }

  /**
   * Sales (invoices minus credit notes, by issue date) per calendar month in [from, asOf], from the flows. The month of
   * asOf counts items issued up to asOf: the flows hold whole months, so that month comes from the items when some were
   * issued after asOf in it; except for the tenant-wide figures at today or later, which count the whole month (as they
   * always did).
   */
  private async salesByMonth(
    ctx: Ctx,
    flows: FlowRow[],
    from: CalendarDate,
    scope: Scope,
    customerIds: string[] | null,
    issuedLaterInMonth: Promise<boolean>,
  ): Promise<SalesRow[]> {
    const tenantWide = customerIds === null && AGG_KEY[scope] !== undefined;
    const month = ctx.asOf.slice(0, 7);
    const wholeLastMonth =
      endOfMonth(ctx.asOf) === ctx.asOf || (tenantWide && ctx.asOf >= ctx.today) || !(await issuedLaterInMonth);
    const rows = flows
      .filter((f) => f.month >= from.slice(0, 7) && (wholeLastMonth ? f.month <= month : f.month < month))
      .map(({ key, currency, month, sales }) => ({ key, currency, month, sales }));
    if (wholeLastMonth) return rows;
    const t = this.db.tenantId;
    const monthStart = `${month}-01`;
    const partial = await this.query<{ key: string | null; currency: string; month: string; sales: string }>(
      `SELECT ${ITEM_KEY[scope]} AS key, i.currency::text AS currency, to_char(i.issue_date, 'YYYY-MM') AS month,
              sum(${SIGN} * i.amount)::text AS sales
         FROM receivable_item i ${customerJoin(scope)}
        WHERE i.tenant_id = $1 AND i.issue_date >= $2 AND i.issue_date <= $3
              ${customerIds !== null ? 'AND i.customer_id = ANY($4::uuid[])' : ''}
        GROUP BY 1, 2, 3`,
      customerIds !== null ? [t, monthStart, ctx.asOf, customerIds] : [t, monthStart, ctx.asOf],
    );
    return [...rows, ...partial.map((r) => ({ ...r, sales: minorOf(r.sales, r.currency) }))];
  }

  /**
   * Receivables today of a page of customers, from receivable_customer_balance (open amount, overdue at
   * overdue_as_of = today, disputed part), for the amounts in the tenant currency. Rebuilt from the items for the
   * amounts in other currencies (converted per due and issue date, as the ledger path does: the rounding stays the
   * same), and entirely when items were issued after today (the balances count them; the ledger at today does not).
   */
  private async customersNow(ctx: Ctx, ids: string[]): Promise<NowRow[]> {
    const rows = await this.balancesToday(ctx, ids);
    if (rows === null) return this.nowRows(ctx, await this.ledgerRows(ctx, 'customer', ids));
    const foreign = [...new Set(rows.filter((r) => r.currency.trim() !== ctx.currency).map((r) => r.key!))];
    const out: NowRow[] = rows
      .filter((r) => r.currency.trim() === ctx.currency)
      .map(({ key, currency, total, overdue, disputed, count }) => ({ key, currency, total, overdue, disputed, count }));
    if (foreign.length) {
      const items = await this.ledgerRows(ctx, 'customer', foreign);
      const other = items.filter((r) => r.currency.trim() !== ctx.currency);
      out.push(...this.nowRows(ctx, other));
    }
    return out;
  }

  /**
   * Receivables at asOf = today from receivable_open_balance (tenant-wide scopes), as NowRows: one row per key for the
   * tenant currency, one per due and issue date for the others (converted per row, as the ledger path does).
   */
  private nowFromAggregates(ctx: Ctx, scope: Scope): Promise<NowRow[]> {
    const perDate = (column: string) => `CASE WHEN b.currency::text = $3 THEN NULL ELSE b.${column} END`;
    return this.query<NowRow>(
      `SELECT ${AGG_KEY[scope]} AS key, b.currency::text AS currency, sum(b.open_amount)::text AS total,
              coalesce(sum(b.open_amount) FILTER (WHERE b.due_date < $2), 0)::text AS overdue,
              sum(b.disputed_amount)::text AS disputed, sum(b.item_count)::int AS count
         FROM receivable_open_balance b WHERE b.tenant_id = $1 AND b.issue_date <= $2
        GROUP BY 1, 2, ${perDate('due_date')}, ${perDate('issue_date')}`,
      [this.db.tenantId, ctx.asOf, ctx.currency],
    );
  }

  /** Ledger rows (per due and issue date) as NowRows: overdue = the amount of the rows due strictly before asOf. */
  private nowRows(ctx: Ctx, rows: LedgerRow[]): NowRow[] {
    return rows.map((r) => ({
      key: r.key,
      currency: r.currency,
      total: r.amount,
      overdue: r.due < ctx.asOf ? r.amount : '0',
      disputed: r.disputed,
      count: r.count,
    }));
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
    const [, currencies] = await Promise.all([
      this.refreshOverdue(ctx),
      this.query<{ currency: string }>(
        `SELECT DISTINCT currency::text AS currency FROM receivable_open_balance WHERE tenant_id = $1`,
        [t],
      ),
    ]);
    const column = field === 'total' ? 'open_amount' : 'overdue_amount';
    const dir = desc ? 'DESC' : 'ASC';
    const offset = (page - 1) * pageSize;
    // One balance per customer and currency: with one currency, the rows are the customers.
    const countSql =
      currencies.length <= 1
        ? `SELECT count(*)::int AS count FROM receivable_customer_balance WHERE tenant_id = $1`
        : `SELECT count(DISTINCT customer_id)::int AS count FROM receivable_customer_balance WHERE tenant_id = $1`;
    if (currencies.every((c) => c.currency.trim() === ctx.currency)) {
      const [rows, [{ count }]] = await Promise.all([
        this.query<{ id: string }>(
          `SELECT customer_id::text AS id FROM receivable_customer_balance WHERE tenant_id = $1
            ORDER BY ${column} ${dir}, customer_id LIMIT $2 OFFSET $3`,
          [t, pageSize, offset],
        ),
        this.query<{ count: number }>(countSql, [t]),
      ]);
      return { ids: rows.map((r) => r.id), total: count };
    }
    const [{ count }] = await this.query<{ count: number }>(countSql, [t]);
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
    const sort = q.sort ?? '-total';
    const desc = sort.startsWith('-');
    const field = (desc ? sort.slice(1) : sort) as 'total' | 'overdue' | 'count' | 'label';
    const scope = q.groupBy;
    // A page of customers by total or overdue today: its ids from receivable_customer_balance, with the totals.
    const paged =
      scope === 'customer' && ctx.asOf === ctx.today && (field === 'total' || field === 'overdue') && portfolio === null;
    const [overallRows, pageIds] = await Promise.all([
      this.ageingRows(ctx, 'none', portfolio, basis, bounds),
      paged ? this.customerPage(ctx, rates, field, desc, q.page, q.pageSize) : null,
    ]);
    const overall = bucketize(overallRows, true).get('') ?? emptyBucketed(bounds, basis);
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
    if (scope) {
      let items: AgeingGroupDto[];
      let total: number;
      if (pageIds) {
        const kept = basis === 'due' && bounds.join(',') === KEPT_BOUNDS;
        const [rows, names] = await Promise.all([
          (async () => {
            if (!pageIds.ids.length) return [];
            const fromBalances = kept ? await this.customerBucketRows(ctx, pageIds.ids) : null;
            return fromBalances ?? this.ageingRows(ctx, 'customer', pageIds.ids, basis, bounds);
          })(),
          this.labels(scope, pageIds.ids),
        ]);
        const grouped = bucketize(rows, false);
        items = pageIds.ids.map((id) => ({
          key: id,
          label: names.get(id) ?? id,
          ...fmt(grouped.get(id) ?? emptyBucketed(bounds, basis)),
        }));
        total = pageIds.total;
      } else {
        const grouped = bucketize(await this.ageingRows(ctx, scope, portfolio, basis, bounds), false);
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

    /**
     * Receivables at asOf (`now`), at the other dates (`past`: month ends, from the flows) and sales by month. `page`:
     * customerIds is a page of customers at today (their receivables come from receivable_customer_balance). The past
     * overdue amounts (history only) of a customer selection are rebuilt from the items: the customers' flows hold none.
     */
    const compute = async (scope: Scope, customerIds: string[] | null, withHistory: boolean, page = false) => {
      const dates = withHistory ? otherDates : groupDates;
      const fromItems = withHistory && (customerIds !== null || AGG_KEY[scope] === undefined);
      const tenantWide = customerIds === null && AGG_KEY[scope] !== undefined;
      // Whether items were issued after asOf in its month (see salesByMonth), asked only when it matters.
      const laterInMonth =
        endOfMonth(ctx.asOf) === ctx.asOf || (tenantWide && ctx.asOf >= ctx.today)
          ? Promise.resolve(false)
          : this.issuedAfter(ctx.asOf, true);
      laterInMonth.catch(() => undefined); // awaited below, after the others
      const [now, flows, pastFromItems] = await Promise.all([
        page
          ? this.customersNow(ctx, customerIds!)
          : customerIds === null && this.usesAggregates(ctx, scope)
            ? this.nowFromAggregates(ctx, scope)
            : this.ledgerRows(ctx, scope, customerIds).then((r) => this.nowRows(ctx, r)),
        this.flowRows(scope, customerIds, ctx.asOf),
        fromItems ? this.balancesFromItems(dates, scope, customerIds) : null,
      ]);
      const past = pastFromItems ?? balancesAtMonthEnds(flows, dates);
      const from = withHistory ? salesFrom : `${periods.at(-1)!.month}-01`;
      const sales = await this.salesByMonth(ctx, flows, from, scope, customerIds, laterInMonth);
      return { now, past, sales };
    };

    /** KPI figures of one key from the rows (native currencies converted at the rate of each date). */
    type Data = Awaited<ReturnType<typeof compute>>;
    /** The rows of each key (a page of groups reads them 50 times). */
    const byKey = new WeakMap<
      Data,
      { now: Map<string | null, NowRow[]>; past: Map<string | null, DatedBalance[]>; sales: Map<string | null, SalesRow[]> }
    >();
    const group = <T extends { key: string | null }>(rows: T[]) => {
      const m = new Map<string | null, T[]>();
      for (const r of rows) {
        if (!m.has(r.key)) m.set(r.key, []);
        m.get(r.key)!.push(r);
      }
      return m;
    };
    const rowsOf = (data: Data, key: string | null) => {
      if (!byKey.has(data)) byKey.set(data, { now: group(data.now), past: group(data.past), sales: group(data.sales) });
      const g = byKey.get(data)!;
      return { now: g.now.get(key) ?? [], past: g.past.get(key) ?? [], sales: g.sales.get(key) ?? [] };
    };

    const figures = (key: string | null, data: Data, countMissing: boolean) => {
      const rows = rowsOf(data, key);
      const at: ScopeBalances = { total: 0n, overdue: 0n, disputed: 0n };
      for (const r of rows.now) {
        const amount = conv.convert(minorOf(r.total, r.currency), r.currency, ctx.asOf, countMissing ? r.count : 0);
        if (amount === null) continue;
        at.total += amount;
        at.overdue += conv.convert(minorOf(r.overdue, r.currency), r.currency, ctx.asOf)!;
        at.disputed += conv.convert(minorOf(r.disputed, r.currency), r.currency, ctx.asOf)!;
      }
      const balances = new Map<string, { total: Minor; overdue: Minor }>();
      for (const r of rows.past) {
        const b = balances.get(r.at) ?? { total: 0n, overdue: 0n };
        const total = conv.convert(r.total, r.currency, r.at);
        const overdue = conv.convert(r.overdue, r.currency, r.at);
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
        for (const r of rows.sales) {
          const v = conv.convert(r.sales, r.currency, date);
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

    /** The groups of one page (their data, keys in order, labels), computed while the overall figures are. */
    const groupPart = async (scope: GroupBy) => {
      if (scope !== 'customer') {
        const data = await compute(scope, portfolio, false);
        const ranked = [...new Set(data.now.map((r) => r.key))]
          .map((k) => ({ k, total: figures(k, data, false).at.total }))
          .sort((a, b) => (a.total === b.total ? String(a.k).localeCompare(String(b.k)) : a.total > b.total ? -1 : 1));
        const keys = ranked.slice((q.page - 1) * q.pageSize, q.page * q.pageSize).map((x) => x.k);
        return { data, keys, count: ranked.length, names: await this.labels(scope, keys) };
      }
      let ids: string[];
      let count: number;
      const page = ctx.asOf === ctx.today && portfolio === null;
      if (page) {
        const p = await this.customerPage(ctx, rates, 'total', true, q.page, q.pageSize);
        ids = p.ids;
        count = p.total;
      } else {
        const totals = await this.groupTotals(ctx, conv, portfolio);
        count = totals.length;
        ids = totals.slice((q.page - 1) * q.pageSize, q.page * q.pageSize).map((x) => x.key);
      }
      const [data, names] = await Promise.all([
        ids.length ? compute('customer', ids, false, page) : { now: [], past: [], sales: [] },
        this.labels(scope, ids),
      ]);
      return { data, keys: ids as (string | null)[], count, names };
    };

    const [data, groups] = await Promise.all([compute('none', portfolio, true), q.groupBy ? groupPart(q.groupBy) : null]);
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
    if (groups) {
      answer.groupCount = groups.count;
      answer.groups = groups.keys.map((key): KpiGroupDto => ({
        key,
        label: groups.names.get(key) ?? String(key),
        kpis: kpiValues(figures(key, groups.data, false)),
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
   * Compares the aggregate tables with a recomputation from receivable_item and allocation (one tenant, or all when
   * omitted). The customer overdue amounts are compared at each tenant's receivable_balance_state.overdue_as_of. The
   * flows are recomputed from their definition (see the KpiAggregates migration): each item and allocation moves the
   * receivables (and overdue) from an effective date on; a flow row whose values are all zero counts as absent. The
   * latest issue date of a month's flow must be at least that of the items issued in that month.
   */
  async verifyAggregates(tenantId?: string): Promise<AggregateCheckDto> {
    const where = tenantId ? 'WHERE i.tenant_id = $1' : '';
    const bWhere = tenantId ? 'WHERE b.tenant_id = $1' : '';
    const params = tenantId ? [tenantId] : [];
    const open = `CASE WHEN i.kind = 'credit_note' THEN -i.open_amount ELSE i.open_amount END`;
    const isOpen = `i.open_amount <> 0 AND i.status <> 'written_off'`;
    // One event: key of the item, effective date, amounts (sales and count of the issue, receivables, overdue).
    const ev = (from: string, at: string, sales: string, n: string, recv: string, ovd: string, cond = 'true') =>
      `SELECT x.tenant_id, x.customer_id, x.le, x.currency, ${at} AS at, (${sales})::numeric AS sales, ${n} AS n,
              (${recv})::numeric AS recv, (${ovd})::numeric AS ovd FROM ${from} x WHERE ${cond}`;
    const opened = `x.k * CASE WHEN x.so THEN x.amount ELSE x.open_amount END`;
    const closed = `x.k * (x.open_amount - x.amount)`;
    const kso = `CASE WHEN x.so THEN x.k ELSE 0 END`;
    // The item's columns the flows use, read from receivable_item itself in each branch (a CTE of all the items would
    // be written to disk), and joined with the allocations by the table's index.
    const itemColumns = `i.id, i.tenant_id, i.customer_id, coalesce(i.legal_entity_id, '${NIL}'::uuid) AS le, i.currency,
        i.issue_date AS issue, i.due_date + 1 AS due1, i.status <> 'written_off' AS live, CASE WHEN i.kind = 'credit_note' THEN -1 ELSE 1 END AS k,
        i.amount, i.open_amount, i.settled_outside AND i.closed_at IS NOT NULL AS so,
        CASE WHEN i.settled_outside AND i.closed_at IS NOT NULL THEN greatest(i.issue_date, i.closed_at) ELSE i.issue_date END AS e`;
    const it = `(SELECT ${itemColumns} FROM receivable_item i ${where})`;
    const differences = await this.db.dataSource.query(
      `WITH
       ob_exp AS (SELECT i.tenant_id, coalesce(i.legal_entity_id, '${NIL}'::uuid) AS le, i.currency, i.due_date, i.issue_date,
                         sum(${open}) AS amount, sum(CASE WHEN i.disputed THEN ${open} ELSE 0 END) AS disputed, count(*) AS n
                    FROM receivable_item i ${where ? `${where} AND ${isOpen}` : `WHERE ${isOpen}`} GROUP BY 1, 2, 3, 4, 5),
       ob_got AS (SELECT b.tenant_id, b.legal_entity_key AS le, b.currency, b.due_date, b.issue_date, b.open_amount AS amount,
                         b.disputed_amount AS disputed, b.item_count AS n FROM receivable_open_balance b ${bWhere}),
       cb_exp AS (SELECT i.tenant_id, i.customer_id, i.currency, sum(${open}) AS amount,
                         sum(CASE WHEN i.due_date < st.overdue_as_of THEN ${open} ELSE 0 END) AS overdue,
                         sum(CASE WHEN i.disputed THEN ${open} ELSE 0 END) AS disputed, count(*) AS n,
                         ARRAY[${OVERDUE_BUCKETS.map((b) => `sum(CASE WHEN ${inBucket('st.overdue_as_of - i.due_date', b)} THEN ${open} ELSE 0 END)`).join(', ')}]::numeric[] AS buckets
                    FROM receivable_item i LEFT JOIN receivable_balance_state st ON st.tenant_id = i.tenant_id
                    ${where ? `${where} AND ${isOpen}` : `WHERE ${isOpen}`} GROUP BY 1, 2, 3),
       cb_got AS (SELECT b.tenant_id, b.customer_id, b.currency, b.open_amount AS amount, b.overdue_amount AS overdue,
                         b.disputed_amount AS disputed, b.item_count AS n,
                         ARRAY[${OVERDUE_BUCKETS.map((x) => `b.${x.column}`).join(', ')}]::numeric[] AS buckets
                    FROM receivable_customer_balance b ${bWhere}),
       pa AS (SELECT ${itemColumns}, s.side, a.amount AS paid, a.date AS paid_on
                FROM allocation a CROSS JOIN LATERAL (VALUES (a.invoice_id, 1), (a.credit_note_id, -1)) s(item_id, side)
                JOIN receivable_item i ON i.id = s.item_id AND i.tenant_id = a.tenant_id
               WHERE i.status <> 'written_off' ${tenantId ? 'AND a.tenant_id = $1' : ''}),
       ev AS (${ev(it, 'x.issue', 'x.k * x.amount', '1', `CASE WHEN x.live THEN ${opened} ELSE 0 END`, '0')}
              UNION ALL ${ev(it, 'greatest(x.issue, x.due1)', '0', '0', '0', opened, 'x.live')}
              UNION ALL ${ev(it, 'x.e', '0', '0', closed, '0', 'x.live AND x.so')}
              UNION ALL ${ev(it, 'greatest(x.e, x.due1)', '0', '0', '0', closed, 'x.live AND x.so')}
              UNION ALL ${ev('pa', 'x.issue', '0', '0', `(x.side - ${kso}) * x.paid`, '0')}
              UNION ALL ${ev('pa', 'greatest(x.issue, x.due1)', '0', '0', '0', `(x.side - ${kso}) * x.paid`)}
              UNION ALL ${ev('pa', 'greatest(x.issue, x.paid_on)', '0', '0', '-x.side * x.paid', '0')}
              UNION ALL ${ev('pa', 'greatest(x.issue, x.paid_on, x.due1)', '0', '0', '0', '-x.side * x.paid')}
              UNION ALL ${ev('pa', 'x.e', '0', '0', `${kso} * x.paid`, '0')}
              UNION ALL ${ev('pa', 'greatest(x.e, x.due1)', '0', '0', '0', `${kso} * x.paid`)}),
       mf_exp AS (SELECT e.tenant_id, e.le, e.currency, date_trunc('month', e.at)::date AS month, sum(e.sales) AS sales,
                         sum(e.n) AS n, sum(e.recv) AS recv, sum(e.ovd) AS ovd, max(e.at) FILTER (WHERE e.n = 1) AS last_issue
                    FROM ev e GROUP BY 1, 2, 3, 4
                  HAVING sum(e.sales) <> 0 OR sum(e.n) <> 0 OR sum(e.recv) <> 0 OR sum(e.ovd) <> 0),
       mf_got AS (SELECT b.tenant_id, b.legal_entity_key AS le, b.currency, b.month, b.sales, b.item_count AS n, b.receivables AS recv,
                         b.overdue AS ovd, b.last_issue_date AS last_issue
                    FROM receivable_monthly_flow b
                   WHERE ${tenantId ? 'b.tenant_id = $1 AND ' : ''}(b.sales <> 0 OR b.item_count <> 0 OR b.receivables <> 0 OR b.overdue <> 0)),
       cf_exp AS (SELECT e.tenant_id, e.customer_id, e.le, e.currency, date_trunc('month', e.at)::date AS month, sum(e.sales) AS sales,
                         sum(e.recv) AS recv
                    FROM ev e GROUP BY 1, 2, 3, 4, 5 HAVING sum(e.sales) <> 0 OR sum(e.recv) <> 0),
       cf_got AS (SELECT b.tenant_id, b.customer_id, b.legal_entity_key AS le, b.currency, b.month, b.sales, b.receivables AS recv
                    FROM receivable_customer_flow b WHERE ${tenantId ? 'b.tenant_id = $1 AND ' : ''}(b.sales <> 0 OR b.receivables <> 0))
       SELECT 'open_balance' AS "table", concat_ws('/', coalesce(e.tenant_id, g.tenant_id), coalesce(e.le, g.le), coalesce(e.currency, g.currency),
                coalesce(e.due_date, g.due_date), coalesce(e.issue_date, g.issue_date)) AS key,
              concat_ws(' ', g.amount, g.disputed, g.n) AS stored, concat_ws(' ', e.amount, e.disputed, e.n) AS expected
         FROM ob_exp e FULL JOIN ob_got g USING (tenant_id, le, currency, due_date, issue_date)
        WHERE (e.amount, e.disputed, e.n) IS DISTINCT FROM (g.amount, g.disputed, g.n)
       UNION ALL
       SELECT 'customer_balance', concat_ws('/', tenant_id, customer_id, currency),
              concat_ws(' ', g.amount, g.overdue, g.disputed, g.n, g.buckets), concat_ws(' ', e.amount, e.overdue, e.disputed, e.n, e.buckets)
         FROM cb_exp e FULL JOIN cb_got g USING (tenant_id, customer_id, currency)
        WHERE (e.amount, e.overdue, e.disputed, e.n) IS DISTINCT FROM (g.amount, g.overdue, g.disputed, g.n)
           OR (e.buckets <> g.buckets)
       UNION ALL
       SELECT 'monthly_flow', concat_ws('/', tenant_id, le, currency, month),
              concat_ws(' ', g.sales, g.n, g.recv, g.ovd, g.last_issue), concat_ws(' ', e.sales, e.n, e.recv, e.ovd, e.last_issue)
         FROM mf_exp e FULL JOIN mf_got g USING (tenant_id, le, currency, month)
        WHERE (e.sales, e.n, e.recv, e.ovd) IS DISTINCT FROM (g.sales, g.n, g.recv, g.ovd)
           OR (e.last_issue IS NOT NULL AND (g.last_issue IS NULL OR g.last_issue < e.last_issue))
       UNION ALL
       SELECT 'customer_flow', concat_ws('/', tenant_id, customer_id, le, currency, month),
              concat_ws(' ', g.sales, g.recv), concat_ws(' ', e.sales, e.recv)
         FROM cf_exp e FULL JOIN cf_got g USING (tenant_id, customer_id, le, currency, month)
        WHERE (e.sales, e.recv) IS DISTINCT FROM (g.sales, g.recv)
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
