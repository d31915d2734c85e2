import { Injectable, type OnModuleInit } from '@nestjs/common';
import {
  ConflictError,
  containsPattern,
  DomainEvents,
  isUuid,
  NotFoundError,
  orderFrom,
  RequestContext,
  TenantDb,
  TenantToday,
  toPage,
  ValidationFailed,
  type FieldError,
  type Page,
} from '@encours/api-core';
import {
  amountProblem,
  CURRENCY_DIGITS,
  decideCreditCheck,
  fromMinor,
  today as todayOf,
  toMinor,
  type Minor,
} from '@encours/domain';
import { convertMinor, money, portfolioOwner, TimelineService } from '@encours/receivables';
import type { EntityManager } from 'typeorm';
import { ExposureService, type PgConnection } from '../exposure/exposure.service.js';
import type { CreditCheckRules } from '../settings/scoring-settings.entity.js';
import { ScoringSettingsService } from '../settings/scoring-settings.service.js';
import { CreditCheck, type CheckReason, type Decision } from './credit-check.entity.js';
import type {
  CreateCreditCheckDto,
  CreditCheckDto,
  CreditCheckQuery,
  CreditCheckResultDto,
  ReleaseCreditCheckDto,
} from './credit-check.dto.js';

/** How long a tenant's time zone and credit-check rules are reused (a PUT of the settings shows after at most this). */
export const CREDIT_CHECK_SETTINGS_TTL_MS = 2_000;
/** A legal event counts when the provider's latest rating within this many months carries it. */
export const LEGAL_EVENT_MONTHS = 24;
const MAX_INTEGER_DIGITS = 17;

/** What one statement reads about the customer for a check. */
interface CustomerRow {
  id: string;
  external_ref: string;
  name: string;
  salesperson_id: string | null;
  blocked: boolean;
  customer_currency: string;
  limit_amount: string | null;
  limit_currency: string | null;
  grade: string | null;
  score: number | null;
  legal_event: string | null;
  legal_event_date: string | null;
  legal_provider: string | null;
  rate: string | null;
}

/** A logged check joined with its customer. */
interface CheckRow {
  id: string;
  customer_id: string;
  external_ref: string;
  name: string;
  order_ref: string | null;
  amount: string;
  currency: string;
  decision: Decision;
  reasons: CheckReason[];
  exposure: string;
  credit_limit: string | null;
  available: string | null;
  limit_currency: string;
  order_amount: string | null;
  exposure_after: string | null;
  available_after: string | null;
  grade: string | null;
  score: number | null;
  requested_by_kind: 'user' | 'api_key';
  requested_by_id: string | null;
  created_at: Date;
  released_at: Date | null;
  released_by_id: string | null;
  release_comment: string | null;
}

const CHECK_COLUMNS = `k.id, k.customer_id, c.external_ref::text AS external_ref, c.name::text AS name, k.order_ref::text AS order_ref,
  k.amount::text AS amount, k.currency::text AS currency, k.decision::text AS decision, k.reasons, k.exposure::text AS exposure,
  k.credit_limit::text AS credit_limit, k.available::text AS available, k.limit_currency::text AS limit_currency,
  k.order_amount::text AS order_amount, k.exposure_after::text AS exposure_after, k.available_after::text AS available_after,
  k.grade::text AS grade, k.score, k.requested_by_kind::text AS requested_by_kind, k.requested_by_id, k.created_at, k.released_at,
  k.released_by_id, k.release_comment::text AS release_comment`;

const SORTABLE: Record<string, string> = { checkedAt: 'k.created_at', amount: 'k.amount' };

/** `k.amount` rounded to its currency's digits, as text (numeric(20,3) would show 3 decimals). */
function amountSql(): string {
  const byDigits = new Map<number, string[]>();
  for (const [code, digits] of Object.entries(CURRENCY_DIGITS))
    if (digits !== 2) byDigits.set(digits, [...(byDigits.get(digits) ?? []), `'${code}'`]);
  const cases = [...byDigits].map(([digits, codes]) => `WHEN k.currency IN (${codes.join(', ')}) THEN ${digits}`).join(' ');
  return `round(k.amount, CASE ${cases} ELSE 2 END)::text`;
}
const LABEL = `coalesce('Order ' || k.order_ref, 'Credit check')`;

/**
 * The timeline entries of credit checks, derived from credit_check (no copy in customer_event):
 * a held check (review or block) when it was made, and its release.
 */
export const CREDIT_CHECK_TIMELINE_SOURCES = [
  {
    name: 'scoring.credit_checks',
    sql: `SELECT 'credit_check:' || k.id, 'scoring.credit_check', k.created_at,
                 coalesce('Order ' || k.order_ref, 'An order') || ' of ' || ${amountSql()} || ' ' || k.currency
                   || CASE k.decision WHEN 'block' THEN ' blocked' ELSE ' held for review' END || ' by the credit check',
                 (SELECT string_agg(CASE r->>'outcome' WHEN 'block' THEN 'Block: ' ELSE 'Review: ' END || (r->>'message'), E'\n')
                    FROM jsonb_array_elements(k.reasons) r),
                 k.amount::text, k.currency::text, 'scoring', u.id, u.name::text, 'credit_check', k.id::text, ${LABEL},
                 jsonb_build_object('creditCheckId', k.id, 'decision', k.decision, 'orderRef', k.order_ref,
                                    'reasons', (SELECT coalesce(jsonb_agg(r->'code'), '[]'::jsonb) FROM jsonb_array_elements(k.reasons) r))
            FROM credit_check k
            LEFT JOIN app_user u ON k.requested_by_kind = 'user' AND u.id = k.requested_by_id AND u.tenant_id = k.tenant_id
           WHERE k.tenant_id = $1 AND k.customer_id = $2 AND k.decision <> 'accept'`,
  },
  {
    name: 'scoring.credit_check_releases',
    sql: `SELECT 'credit_check_released:' || k.id, 'scoring.credit_check_released', k.released_at,
                 coalesce('Order ' || k.order_ref, 'An order') || ' of ' || ${amountSql()} || ' ' || k.currency
                   || ' released after the credit check (' || k.decision || ')',
                 k.release_comment::text, k.amount::text, k.currency::text, 'scoring', u.id, u.name::text, 'credit_check',
                 k.id::text, ${LABEL}, jsonb_build_object('creditCheckId', k.id, 'decision', k.decision, 'orderRef', k.order_ref)
            FROM credit_check k
            LEFT JOIN app_user u ON u.id = k.released_by_id AND u.tenant_id = k.tenant_id
           WHERE k.tenant_id = $1 AND k.customer_id = $2 AND k.released_at IS NOT NULL`,
  },
];

function toDto(r: CheckRow): CreditCheckDto {
  const cur = r.currency.trim();
  const lc = r.limit_currency.trim();
  return {
    id: r.id,
    decision: r.decision,
    // Checks logged before the figures were kept have no `data`: left out, not invented.
    reasons: r.reasons.map((x) => ({
      code: x.code,
      outcome: x.outcome,
      message: x.message,
      ...(x.data ? { data: x.data } : {}),
    })),
    customer: { id: r.customer_id, externalRef: r.external_ref, name: r.name },
    orderRef: r.order_ref,
    amount: money(r.amount, cur)!,
    currency: cur,
    exposure: money(r.exposure, lc)!,
    limit: money(r.credit_limit, lc),
    available: money(r.available, lc),
    limitCurrency: lc,
    orderAmount: money(r.order_amount, lc),
    exposureAfter: money(r.exposure_after, lc),
    availableAfter: money(r.available_after, lc),
    grade: r.grade?.trim() || null,
    score: r.score,
    requestedByKind: r.requested_by_kind,
    requestedById: r.requested_by_id,
    checkedAt: new Date(r.created_at).toISOString(),
    released: r.released_at !== null,
    releasedAt: r.released_at ? new Date(r.released_at).toISOString() : null,
    releasedById: r.released_by_id,
    releaseComment: r.release_comment,
  };
}

/**
 * The customer, its valid limit, score, the latest legal event per provider within
 * LEGAL_EVENT_MONTHS and the order's exchange rate to the limit currency, in one statement.
 * $1 tenant, $2 today, $3 order currency, $4 customer id or external reference.
 */
function customerSql(byId: boolean): string {
  return `SELECT c.id, c.external_ref::text AS external_ref, c.name::text AS name, c.salesperson_id, c.blocked,
              c.currency::text AS customer_currency, l.amount::text AS limit_amount, l.currency::text AS limit_currency,
              s.grade::text AS grade, s.score, le.legal_event::text AS legal_event, le.event_date::text AS legal_event_date,
              le.provider::text AS legal_provider, fx.rate::text AS rate
         FROM customer c
         LEFT JOIN credit_limit l
           ON l.tenant_id = c.tenant_id AND l.customer_id = c.id AND l.status = 'active'
          AND l.valid_from <= $2::date AND (l.valid_to IS NULL OR l.valid_to >= $2::date)
         LEFT JOIN customer_score s ON s.tenant_id = c.tenant_id AND s.customer_id = c.id
         LEFT JOIN LATERAL (
           SELECT x.legal_event, coalesce(x.legal_event_date, x.rated_on) AS event_date, x.provider
             FROM (SELECT DISTINCT ON (e.provider) e.provider, e.legal_event, e.legal_event_date, e.rated_on
                     FROM external_rating e
                    WHERE e.tenant_id = c.tenant_id AND e.customer_id = c.id
                      AND e.rated_on <= $2::date AND e.rated_on > ($2::date - interval '${LEGAL_EVENT_MONTHS} months')
                    ORDER BY e.provider, e.rated_on DESC) x
            WHERE x.legal_event IS NOT NULL
            ORDER BY 2 DESC, 3
            LIMIT 1) le ON true
         LEFT JOIN LATERAL (
           SELECT r.rate FROM exchange_rate r
            WHERE r.tenant_id = c.tenant_id AND r.from_currency = $3 AND r.to_currency = coalesce(l.currency, c.currency)
              AND r.date <= $2::date AND $3 <> coalesce(l.currency, c.currency)::text
            ORDER BY r.date DESC
            LIMIT 1) fx ON true
        WHERE c.tenant_id = $1 AND ${byId ? 'c.id = $4::uuid' : 'c.external_ref = $4'}`;
}

/**
 * The log row. Committed without waiting for the WAL flush (`synchronous_commit` off for this one transaction, set
 * inside the statement so it costs no round trip): the answer does not wait for the disk, whose flush can take tens of
 * milliseconds while a checkpoint writes. The row is written and visible before the answer; only a crash of the
 * database server itself within the WAL writer's delay (about 0.6 s) could lose the last rows, never part of one, and
 * the database stays consistent. Every other write of the platform keeps synchronous commits.
 */
const INSERT_SQL = `INSERT INTO credit_check (tenant_id, customer_id, order_ref, amount, currency, decision, reasons, exposure,
                          credit_limit, available, limit_currency, grade, requested_by_kind, requested_by_id, created_at, updated_at,
                          order_amount, exposure_after, available_after, score)
SELECT $1::uuid, $2::uuid, $3::varchar, $4::numeric, $5::char(3), $6::varchar, $7::jsonb, $8::numeric, $9::numeric, $10::numeric,
       $11::char(3), $12::char(1), $13::varchar, $14::uuid, $15::timestamptz, $15::timestamptz,
       $16::numeric, $17::numeric, $18::numeric, $19::smallint
  FROM (SELECT set_config('synchronous_commit', 'off', true)) async_commit
RETURNING id`;

function requester(): { kind: 'user' | 'api_key'; id: string | null } {
  const p = RequestContext.principal();
  if (p?.kind === 'apiKey') return { kind: 'api_key', id: p.apiKeyId };
  return { kind: 'user', id: p?.kind === 'user' ? p.userId : null };
}

function userId(): string | null {
  const p = RequestContext.principal();
  return p?.kind === 'user' ? p.userId : null;
}

/**
 * The credit check for order entry: reads what it needs in few round trips (one statement for the
 * customer, its valid limit, score, legal event and the order's exchange rate; one for the
 * exposure; one insert), decides with the pure rule `decideCreditCheck` and logs every check.
 * Reviewed and blocked checks show on the customer's timeline (derived from the log); a credit
 * manager may release them.
 */
@Injectable()
export class CreditCheckService implements OnModuleInit {
  private readonly contexts = new Map<string, { until: number; timeZone: string; rules: CreditCheckRules }>();

  constructor(
    private readonly db: TenantDb,
    private readonly clock: TenantToday,
    private readonly settings: ScoringSettingsService,
    private readonly exposures: ExposureService,
    private readonly timeline: TimelineService,
    private readonly events: DomainEvents,
  ) {}

  onModuleInit(): void {
    for (const source of CREDIT_CHECK_TIMELINE_SOURCES) this.timeline.registerSource(source);
  }

  /** The tenant's time zone and rules, reused for CREDIT_CHECK_SETTINGS_TTL_MS (settings change rarely). */
  private async context(m: EntityManager, tenantId: string): Promise<{ timeZone: string; rules: CreditCheckRules }> {
    const now = performance.now();
    const hit = this.contexts.get(tenantId);
    if (hit && hit.until > now) return hit;
    const [t]: Array<{ timezone: string }> = await m.query(`SELECT timezone FROM tenant WHERE id = $1`, [tenantId]);
    const effective = await this.settings.effective(m, tenantId);
    const ctx = {
      until: now + CREDIT_CHECK_SETTINGS_TTL_MS,
      timeZone: t?.timezone ?? 'Europe/Paris',
      rules: effective.creditCheckRules,
    };
    if (this.contexts.size > 10_000) this.contexts.clear();
    this.contexts.set(tenantId, ctx);
    return ctx;
  }

  async check(dto: CreateCreditCheckDto): Promise<CreditCheckResultDto> {
    const tenantId = this.db.tenantId;
    const currency = dto.currency;
    // 1. The request alone.
    const errors: FieldError[] = [];
    const byId = dto.customerId !== undefined && dto.customerId !== null && dto.customerId !== '';
    const byRef = dto.customerRef !== undefined && dto.customerRef !== null && dto.customerRef !== '';
    if (byId === byRef)
      errors.push({
        field: byId ? 'customerRef' : 'customerId',
        message: byId
          ? 'give customerId or customerRef, not both'
          : 'customerId or customerRef is required (the Encours id or the ERP reference of the customer)',
        code: 'customer',
      });
    let amount: Minor = 0n;
    const problem = amountProblem(dto.amount, currency);
    if (problem) errors.push({ field: 'amount', message: `amount ${problem}`, code: 'amount' });
    else {
      amount = toMinor(dto.amount, currency);
      if (amount <= 0n) errors.push({ field: 'amount', message: 'amount must be greater than 0', code: 'positive' });
      else if (fromMinor(amount, currency).split('.')[0].length > MAX_INTEGER_DIGITS)
        errors.push({
          field: 'amount',
          message: `amount must have at most ${MAX_INTEGER_DIGITS} integer digits`,
          code: 'tooLarge',
        });
    }
    if (errors.length) throw new ValidationFailed(errors);
    const customerField = byId ? 'customerId' : 'customerRef';
    const customerKey = (byId ? dto.customerId : dto.customerRef)!;
    const unknown = () =>
      new ValidationFailed([
        {
          field: customerField,
          message: `no such customer: ${customerField} "${customerKey}" is not a customer of this tenant`,
          code: 'unknownCustomer',
        },
      ]);
    if (byId && !isUuid(customerKey)) throw unknown();

    // One pooled connection for the whole check: one checkout, and named statements keep their plans on it.
    const qr = this.db.dataSource.createQueryRunner();
    try {
      const conn = (await qr.connect()) as PgConnection;
      const m = qr.manager;
      const ctx = await this.context(m, tenantId);
      const today = todayOf(ctx.timeZone, this.clock.now());

      // 2. The customer and what the rules need, in one statement.
      const {
        rows: [c],
      } = await conn.query<CustomerRow>({
        name: byId ? 'credit_check.customer_by_id' : 'credit_check.customer_by_ref',
        text: customerSql(byId),
        values: [tenantId, today, currency, customerKey],
      });
      const owner = portfolioOwner();
      if (!c || (owner && c.salesperson_id !== owner)) throw unknown();
      const target = (c.limit_currency ?? c.customer_currency).trim();

      // 3. The order in the limit currency, and the exposure in it.
      let orderMinor: Minor;
      if (currency === target) orderMinor = amount;
      else if (c.rate === null)
        throw new ValidationFailed([
          {
            field: 'currency',
            message: `no exchange rate from ${currency} to ${target} (the ${c.limit_currency ? 'limit' : 'customer'} currency) on or before ${today}: add one, or check the order in ${target}`,
            code: 'noRate',
          },
        ]);
      else orderMinor = convertMinor(amount, currency, target, c.rate);
      const exposure = await this.exposures.of(m, tenantId, today, c.id, target);
      const exposureMinor = toMinor(exposure.total, target);
      const limitMinor = c.limit_amount === null ? null : toMinor(money(c.limit_amount, target)!, target);
      const grade = c.grade?.trim() || null;

      // 4. The decision.
      const result = decideCreditCheck(
        {
          currency: target,
          orderAmount: fromMinor(orderMinor, target),
          exposure: exposure.total,
          limit: limitMinor === null ? null : fromMinor(limitMinor, target),
          overdue: exposure.overdue,
          maxDaysLate: exposure.maxDaysLate,
          blocked: c.blocked,
          grade,
          legalEvent:
            c.legal_event && c.legal_provider
              ? { type: c.legal_event, date: c.legal_event_date, provider: c.legal_provider }
              : null,
        },
        ctx.rules,
      );

      // 5. The log: one INSERT (held checks reach the customer's timeline through CREDIT_CHECK_TIMELINE_SOURCES).
      const who = requester();
      const checkedAt = this.clock.now();
      const available = limitMinor === null ? null : limitMinor - exposureMinor;
      const after = exposureMinor + orderMinor;
      const availableAfter = limitMinor === null ? null : fromMinor(limitMinor - after, target);
      const amountText = fromMinor(amount, currency);
      const {
        rows: [{ id }],
      } = await conn.query<{ id: string }>({
        name: 'credit_check.insert',
        text: INSERT_SQL,
        values: [
          tenantId,
          c.id,
          dto.orderRef || null,
          amountText,
          currency,
          result.decision,
          JSON.stringify(result.reasons),
          exposure.total,
          limitMinor === null ? null : fromMinor(limitMinor, target),
          available === null ? null : fromMinor(available, target),
          target,
          grade,
          who.kind,
          who.id,
          checkedAt,
          fromMinor(orderMinor, target),
          fromMinor(after, target),
          availableAfter,
          c.score,
        ],
      });

      return {
        id,
        decision: result.decision,
        reasons: result.reasons,
        customer: { id: c.id, externalRef: c.external_ref, name: c.name },
        orderRef: dto.orderRef || null,
        amount: amountText,
        currency,
        orderAmount: fromMinor(orderMinor, target),
        exposure: exposure.total,
        exposureAfter: fromMinor(after, target),
        limit: limitMinor === null ? null : fromMinor(limitMinor, target),
        available: available === null ? null : fromMinor(available, target),
        availableAfter,
        limitCurrency: target,
        grade,
        score: c.score,
        requestedByKind: who.kind,
        requestedById: who.id,
        checkedAt: checkedAt.toISOString(),
        released: false,
        releasedAt: null,
        releasedById: null,
        releaseComment: null,
      };
    } finally {
      await qr.release();
    }
  }

  /** The log, newest first (sales: their own customers). */
  async list(q: CreditCheckQuery): Promise<Page<CreditCheckDto>> {
    const params: unknown[] = [this.db.tenantId];
    const where: string[] = ['k.tenant_id = $1'];
    const p = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const owner = portfolioOwner();
    if (owner) where.push(`c.salesperson_id = ${p(owner)}`);
    if (q.decision?.length) where.push(`k.decision = ANY (${p(q.decision)}::text[])`);
    if (q.released === true) where.push('k.released_at IS NOT NULL');
    if (q.released === false) where.push('k.released_at IS NULL');
    if (q.customerId) where.push(`k.customer_id = ${p(q.customerId)}::uuid`);
    const tz = `(SELECT timezone FROM tenant WHERE id = $1)`;
    if (q.from) where.push(`k.created_at >= (${p(q.from)}::date::timestamp AT TIME ZONE ${tz})`);
    if (q.to) where.push(`k.created_at < ((${p(q.to)}::date + 1)::timestamp AT TIME ZONE ${tz})`);
    if (q.q) {
      const pat = p(containsPattern(q.q));
      where.push(`(c.name ILIKE ${pat} OR c.external_ref ILIKE ${pat} OR k.order_ref ILIKE ${pat})`);
    }
    if (q.from && q.to && q.from > q.to)
      throw new ValidationFailed([{ field: 'from', message: `from (${q.from}) must not be after to (${q.to})`, code: 'range' }]);
    const [field, dir] = Object.entries(orderFrom(q.sort, Object.keys(SORTABLE), { checkedAt: 'DESC' }))[0];
    const from = `FROM credit_check k JOIN customer c ON c.id = k.customer_id AND c.tenant_id = k.tenant_id WHERE ${where.join(' AND ')}`;
    const m = this.db.dataSource.manager;
    const [{ total }]: Array<{ total: number }> = await m.query(`SELECT count(*)::int AS total ${from}`, params);
    const rows: CheckRow[] = await m.query(
      `SELECT ${CHECK_COLUMNS} ${from} ORDER BY ${SORTABLE[field]} ${dir}, k.id DESC LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`,
      params,
    );
    return toPage(rows.map(toDto), total, q);
  }

  async get(id: string): Promise<CreditCheckDto> {
    return toDto(await this.row(this.db.dataSource.manager, id, false));
  }

  private async row(m: EntityManager, id: string, lock: boolean): Promise<CheckRow> {
    if (!isUuid(id)) throw new NotFoundError('CreditCheck', id);
    const params: unknown[] = [this.db.tenantId, id];
    const owner = portfolioOwner();
    if (owner) params.push(owner);
    const [row]: CheckRow[] = await m.query(
      `SELECT ${CHECK_COLUMNS}
         FROM credit_check k JOIN customer c ON c.id = k.customer_id AND c.tenant_id = k.tenant_id
        WHERE k.tenant_id = $1 AND k.id = $2${owner ? ' AND c.salesperson_id = $3' : ''}${lock ? ' FOR UPDATE OF k' : ''}`,
      params,
    );
    if (!row) throw new NotFoundError('CreditCheck', id);
    return row;
  }

  /**
   * A credit manager lets a reviewed or blocked order through: recorded on the check and the
   * customer's timeline, and published as `credit_check.released` so the ERP can release the order.
   */
  async release(id: string, dto: ReleaseCreditCheckDto): Promise<CreditCheckDto> {
    return this.db.transaction(async (tx) => {
      const row = await this.row(tx.manager, id, true);
      if (row.decision === 'accept')
        throw new ConflictError('credit-check-accepted', 'This check accepted the order: there is nothing to release');
      if (row.released_at)
        throw new ConflictError(
          'credit-check-already-released',
          `This check was already released on ${new Date(row.released_at).toISOString()}`,
        );
      const check = await tx.repo(CreditCheck).get(id);
      const now = this.clock.now();
      check.releasedAt = now;
      check.releasedById = userId();
      check.releaseComment = dto.comment?.trim() || null;
      await tx.repo(CreditCheck).save(check);
      const released = toDto({
        ...row,
        released_at: now,
        released_by_id: check.releasedById,
        release_comment: check.releaseComment,
      });
      await this.events.publish(
        tx.manager,
        tx.tenantId,
        'credit_check.released',
        {
          creditCheckId: row.id,
          customerId: row.customer_id,
          customerRef: row.external_ref,
          orderRef: row.order_ref,
          amount: released.amount,
          currency: released.currency,
          decision: row.decision,
          reasons: row.reasons.map((r) => r.code),
          releasedAt: released.releasedAt,
          releasedById: released.releasedById,
          comment: released.releaseComment,
        },
        { occurredAt: now, dedupeKey: row.id },
      );
      return released;
    });
  }
}
