import { Injectable } from '@nestjs/common';
import {
  ConflictError,
  containsPattern,
  isUuid,
  NotFoundError,
  RequestContext,
  TenantDb,
  TenantToday,
  toPage,
  ValidationFailed,
  type FieldError,
  type Page,
  type TenantTx,
} from '@encours/api-core';
import {
  amountProblem,
  approvalDecision,
  formatUsage,
  fromMinor,
  limitValidOn,
  normaliseLevels,
  toMinor,
  usageHundredths,
  usageLevel,
  type CalendarDate,
  type Minor,
} from '@encours/domain';
import { assertInPortfolio, convertMinor, Customer, minorOf, money, portfolioSql, TimelineService } from '@encours/receivables';
import type { EntityManager } from 'typeorm';
import { RiskAlertsService } from '../alerts/risk-alerts.service.js';
import { ExposureService } from '../exposure/exposure.service.js';
import { ScoringSettingsService } from '../settings/scoring-settings.service.js';
import type { LimitSource, LimitStatus } from './credit-limit.entity.js';
import { currentUserId } from './bulk-input.js';
import { LimitUsageService } from './limit-usage.service.js';
import type {
  CreateCreditLimitDto,
  CreditLimitDto,
  CreditLimitQuery,
  CreditLimitRequestDto,
  CreditLimitUsageDto,
  CreditLimitUsageQuery,
  CurrentCreditLimitDto,
  DecideCreditLimitDto,
} from './limits.dto.js';

interface LimitRow {
  current_amount: string | null;
  current_currency: string | null;
  id: string;
  customer_id: string;
  customer_ref: string;
  customer_name: string;
  amount: string;
  currency: string;
  source: LimitSource;
  valid_from: string;
  valid_to: string | null;
  review_on: string | null;
  status: LimitStatus;
  comment: string | null;
  requested_by_id: string | null;
  requested_by_name: string | null;
  decided_by_id: string | null;
  decided_at: Date | null;
  decision_comment: string | null;
  created_at: Date;
}

const LIMIT_COLUMNS = `l.id, l.customer_id, c.external_ref AS customer_ref, c.name AS customer_name, l.amount::text AS amount,
  l.currency::text AS currency, l.source, l.valid_from::text AS valid_from, l.valid_to::text AS valid_to,
  l.review_on::text AS review_on, l.status, l.comment, l.requested_by_id, u.name AS requested_by_name, l.decided_by_id,
  l.decided_at, l.decision_comment, l.created_at, a.amount::text AS current_amount, a.currency::text AS current_currency`;
const LIMIT_FROM = `FROM credit_limit l JOIN customer c ON c.id = l.customer_id AND c.tenant_id = l.tenant_id
  LEFT JOIN app_user u ON u.id = l.requested_by_id AND u.tenant_id = l.tenant_id
  LEFT JOIN credit_limit a ON a.tenant_id = l.tenant_id AND a.customer_id = l.customer_id AND a.status = 'active'`;

function toDto(r: LimitRow): CreditLimitDto {
  const currency = r.currency.trim();
  return {
    id: r.id,
    customerId: r.customer_id,
    customerRef: r.customer_ref,
    customerName: r.customer_name,
    amount: money(r.amount, currency)!,
    currency,
    currentAmount: r.current_currency ? money(r.current_amount, r.current_currency.trim()) : null,
    currentCurrency: r.current_currency?.trim() ?? null,
    source: r.source,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    reviewOn: r.review_on,
    status: r.status,
    comment: r.comment,
    requestedById: r.requested_by_id,
    requestedByName: r.requested_by_name,
    decidedById: r.decided_by_id,
    decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
    decisionComment: r.decision_comment,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

/** Requests from these apply at once (an API key is an insurer or provider feed, trusted the same way). */
function trustedRequester(): boolean {
  const p = RequestContext.principal();
  if (!p) return true;
  if (p.kind === 'user') return p.role === 'admin' || p.role === 'credit_manager';
  return true;
}

/**
 * Credit limits: requested by anyone who works the customer, applied at once when it is a
 * decrease, an increase within the tenant's approval threshold, or set by a credit manager / admin
 * / API feed; otherwise pending until a credit manager approves or rejects it. One active limit
 * per customer (partial unique index): superseding and activating happen in one transaction under
 * a lock on the customer row, so concurrent requests queue instead of failing.
 */
@Injectable()
export class CreditLimitsService {
  constructor(
    private readonly db: TenantDb,
    private readonly clock: TenantToday,
    private readonly settings: ScoringSettingsService,
    private readonly exposures: ExposureService,
    private readonly alerts: RiskAlertsService,
    private readonly timeline: TimelineService,
    private readonly usage: LimitUsageService,
  ) {}

  private async customer(tx: TenantTx, id: string): Promise<Customer> {
    const customer = await tx.repo(Customer).get(id);
    assertInPortfolio(customer);
    return customer;
  }

  /** Serialises every limit change of one customer (FOR NO KEY UPDATE: invoices may still reference it). */
  private async lockCustomer(m: EntityManager, tenantId: string, customerId: string): Promise<void> {
    await m.query(`SELECT id FROM customer WHERE tenant_id = $1 AND id = $2 FOR NO KEY UPDATE`, [tenantId, customerId]);
  }

  /** The latest rate from → to on or before `day` (the inverse of to → from when only that one is known). */
  private async rate(m: EntityManager, tenantId: string, from: string, to: string, day: CalendarDate): Promise<string | null> {
    if (from === to) return '1';
    const [r]: Array<{ rate: string; inverse: boolean }> = await m.query(
      `SELECT rate::text AS rate, inverse FROM (
         (SELECT rate, date, false AS inverse FROM exchange_rate
           WHERE tenant_id = $1 AND from_currency = $2 AND to_currency = $3 AND date <= $4::date ORDER BY date DESC LIMIT 1)
         UNION ALL
         (SELECT rate, date, true AS inverse FROM exchange_rate
           WHERE tenant_id = $1 AND from_currency = $3 AND to_currency = $2 AND date <= $4::date ORDER BY date DESC LIMIT 1)
       ) x ORDER BY inverse, date DESC LIMIT 1`,
      [tenantId, from, to, day],
    );
    if (!r) return null;
    if (!r.inverse) return r.rate;
    // 1 / rate with 12 significant decimals, exactly enough for convertMinor.
    const [{ inv }] = await m.query(`SELECT round(1 / $1::numeric, 12)::text AS inv`, [r.rate]);
    return inv as string;
  }

  private async convert(
    m: EntityManager,
    tenantId: string,
    amount: Minor,
    from: string,
    to: string,
    day: CalendarDate,
  ): Promise<Minor | null> {
    const rate = await this.rate(m, tenantId, from, to, day);
    return rate === null ? null : convertMinor(amount, from, to, rate);
  }

  async create(customerId: string, dto: CreateCreditLimitDto): Promise<CreditLimitRequestDto> {
    return this.db.transaction(async (tx) => {
      const { manager: m, tenantId } = tx;
      const customer = await this.customer(tx, customerId);
      const today = await this.clock.forTenant(m, tenantId);
      const errors: FieldError[] = [];
      const problem = amountProblem(dto.amount, dto.currency);
      if (problem) errors.push({ field: 'amount', message: `amount ${problem}` });
      const validFrom = dto.validFrom ?? today;
      const validTo = dto.validTo ?? null;
      if (validTo && validTo < validFrom)
        errors.push({ field: 'validTo', message: `validTo must be on or after validFrom (${validFrom})` });
      else if (validTo && validTo < today)
        errors.push({ field: 'validTo', message: `validTo must not be in the past (today is ${today})` });
      if (errors.length) throw new ValidationFailed(errors);
      const currency = dto.currency;
      const requested = toMinor(dto.amount, currency);

      await this.lockCustomer(m, tenantId, customer.id);
      const [current]: Array<{ id: string; amount: string; currency: string }> = await m.query(
        `SELECT id, amount::text AS amount, currency::text AS currency FROM credit_limit
          WHERE tenant_id = $1 AND customer_id = $2 AND status = 'active' FOR UPDATE`,
        [tenantId, customer.id],
      );
      const currentAmount = current
        ? await this.convert(
            m,
            tenantId,
            minorOf(current.amount, current.currency.trim()),
            current.currency.trim(),
            currency,
            today,
          )
        : null;
      const settings = await this.settings.effective(m, tenantId);
      const [{ default_currency }] = await m.query(
        `SELECT default_currency::text AS default_currency FROM tenant WHERE id = $1`,
        [tenantId],
      );
      const tenantCurrency = String(default_currency).trim();
      const threshold =
        settings.approvalThreshold === null
          ? null
          : await this.convert(m, tenantId, minorOf(settings.approvalThreshold, tenantCurrency), tenantCurrency, currency, today);
      const { decision, increase } = approvalDecision({
        current: currentAmount,
        requested,
        threshold,
        trusted: trustedRequester(),
      });
      const pending = decision === 'needs_approval';
      if (!pending) await this.supersede(m, tenantId, customer.id);
      const userId = currentUserId();
      const [{ id }]: Array<{ id: string }> = await m.query(
        `INSERT INTO credit_limit (tenant_id, customer_id, amount, currency, source, valid_from, valid_to, review_on, status, comment,
                                   requested_by_id, decided_by_id, decided_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
        [
          tenantId,
          customer.id,
          fromMinor(requested, currency),
          currency,
          dto.source,
          validFrom,
          validTo,
          dto.reviewOn ?? null,
          pending ? 'pending' : 'active',
          dto.comment ?? null,
          userId,
          null,
          null,
        ],
      );
      const shown = fromMinor(requested, currency);
      const increaseShown = fromMinor(increase, currency);
      const thresholdShown = threshold === null ? null : fromMinor(threshold, currency);
      if (pending) {
        await this.alerts.raise(m, tenantId, [
          {
            type: 'limit_approval',
            customerId: customer.id,
            severity: 'warning',
            message: `${customer.name} (${customer.externalRef}): a credit limit of ${shown} ${currency} (+${increaseShown}) waits for approval`,
            data: {
              limitId: id,
              amount: shown,
              currency,
              increase: increaseShown,
              threshold: thresholdShown,
              source: dto.source,
              customerRef: customer.externalRef,
              customerName: customer.name,
            },
            dedupeKey: id,
          },
        ]);
      }
      await this.timeline.record(m, tenantId, {
        customerId: customer.id,
        type: pending ? 'scoring.limit_requested' : 'scoring.limit_set',
        title: pending
          ? `Credit limit of ${shown} ${currency} requested (${dto.source}): waits for approval`
          : `Credit limit set to ${shown} ${currency} (${dto.source})`,
        body: dto.comment ?? null,
        amount: shown,
        currency,
        data: { limitId: id, source: dto.source, validFrom, validTo, reviewOn: dto.reviewOn ?? null, decision },
        source: 'scoring',
        authorId: userId,
        related: { kind: 'credit_limit', id, label: `Credit limit ${shown} ${currency}` },
        dedupeKey: id,
      });
      if (!pending) await this.usage.evaluateUsage(m, tenantId, [customer.id]);
      return { ...(await this.one(m, tenantId, id)), decision, increase: increaseShown, threshold: thresholdShown };
    });
  }

  /**
   * A new limit takes effect: the active one is superseded, and so are requests still pending for the
   * customer (they asked to move from a limit that no longer applies); their approval alerts are closed.
   */
  private async supersede(m: EntityManager, tenantId: string, customerId: string, keepId: string | null = null): Promise<void> {
    const [rows] = await m.query(
      `UPDATE credit_limit SET status = 'superseded', updated_at = now()
        WHERE tenant_id = $1 AND customer_id = $2 AND status IN ('active', 'pending') AND id IS DISTINCT FROM $3
        RETURNING id, status`,
      [tenantId, customerId, keepId],
    );
    const ids = (rows as Array<{ id: string }>).map((r) => r.id);
    if (ids.length)
      await m.query(
        `UPDATE risk_alert SET read_at = now(), updated_at = now()
          WHERE tenant_id = $1 AND type = 'limit_approval' AND dedupe_key = ANY ($2::text[]) AND read_at IS NULL`,
        [tenantId, ids],
      );
  }

  async approve(id: string, dto: DecideCreditLimitDto): Promise<CreditLimitDto> {
    return this.decide(id, 'active', dto);
  }

  async reject(id: string, dto: DecideCreditLimitDto): Promise<CreditLimitDto> {
    return this.decide(id, 'rejected', dto);
  }

  private async decide(id: string, to: 'active' | 'rejected', dto: DecideCreditLimitDto): Promise<CreditLimitDto> {
    return this.db.transaction(async (tx) => {
      const { manager: m, tenantId } = tx;
      const found = await this.one(m, tenantId, id);
      await this.lockCustomer(m, tenantId, found.customerId);
      const [row]: Array<{ status: LimitStatus; valid_to: string | null }> = await m.query(
        `SELECT status, valid_to::text AS valid_to FROM credit_limit WHERE tenant_id = $1 AND id = $2 FOR UPDATE`,
        [tenantId, id],
      );
      if (row.status !== 'pending')
        throw new ConflictError(
          'limit-not-pending',
          `This credit limit is ${row.status}: only a pending request can be approved or rejected`,
        );
      const today = await this.clock.forTenant(m, tenantId);
      if (to === 'active' && row.valid_to && row.valid_to < today)
        throw new ConflictError('limit-expired', `This request ended on ${row.valid_to}: reject it, or ask for a new limit`);
      const userId = currentUserId();
      if (to === 'active') await this.supersede(m, tenantId, found.customerId, id);
      await m.query(
        `UPDATE credit_limit SET status = $3, decided_by_id = $4, decided_at = $5, decision_comment = $6, updated_at = now()
          WHERE tenant_id = $1 AND id = $2`,
        [tenantId, id, to, userId, this.clock.now(), dto.comment ?? null],
      );
      // The approval alert is dealt with.
      await m.query(
        `UPDATE risk_alert SET read_at = $3, read_by_id = $4, updated_at = now()
          WHERE tenant_id = $1 AND type = 'limit_approval' AND dedupe_key = $2 AND read_at IS NULL`,
        [tenantId, id, this.clock.now(), userId],
      );
      const approved = to === 'active';
      await this.timeline.record(m, tenantId, {
        customerId: found.customerId,
        type: approved ? 'scoring.limit_approved' : 'scoring.limit_rejected',
        title: `Credit limit of ${found.amount} ${found.currency} ${approved ? 'approved' : 'rejected'}`,
        body: dto.comment ?? null,
        amount: found.amount,
        currency: found.currency,
        data: { limitId: id, source: found.source },
        source: 'scoring',
        authorId: userId,
        related: { kind: 'credit_limit', id, label: `Credit limit ${found.amount} ${found.currency}` },
        dedupeKey: id,
      });
      if (approved) await this.usage.evaluateUsage(m, tenantId, [found.customerId]);
      return this.one(m, tenantId, id);
    });
  }

  private async one(m: EntityManager, tenantId: string, id: string): Promise<CreditLimitDto> {
    if (!isUuid(id)) throw new NotFoundError('Credit limit', id);
    const p = portfolioSql('l.customer_id', 3);
    const [row]: LimitRow[] = await m.query(
      `SELECT ${LIMIT_COLUMNS} ${LIMIT_FROM} WHERE l.tenant_id = $1 AND l.id = $2${p.sql}`,
      [tenantId, id, ...p.params],
    );
    if (!row) throw new NotFoundError('Credit limit', id);
    return toDto(row);
  }

  async history(customerId: string, q: CreditLimitQuery): Promise<Page<CreditLimitDto>> {
    return this.db.transaction(async (tx) => {
      await this.customer(tx, customerId);
      return this.page(tx, { ...q, customerId } as CreditLimitQuery);
    });
  }

  async list(q: CreditLimitQuery): Promise<Page<CreditLimitDto>> {
    return this.db.transaction((tx) => this.page(tx, q));
  }

  private async page(tx: TenantTx, q: CreditLimitQuery): Promise<Page<CreditLimitDto>> {
    const params: unknown[] = [tx.tenantId];
    const where = ['l.tenant_id = $1'];
    const add = (sql: (i: number) => string, v: unknown) => {
      params.push(v);
      where.push(sql(params.length));
    };
    if (q.customerId) add((i) => `l.customer_id = $${i}`, q.customerId);
    if (q.status) add((i) => `l.status = $${i}`, q.status);
    if (q.source) add((i) => `l.source = $${i}`, q.source);
    if (q.q) add((i) => `(c.name ILIKE $${i} OR c.external_ref ILIKE $${i})`, containsPattern(q.q));
    const p = portfolioSql('l.customer_id', params.length + 1);
    params.push(...p.params);
    const cond = `WHERE ${where.join(' AND ')}${p.sql}`;
    const [{ total }] = await tx.manager.query(
      `SELECT count(*)::int AS total FROM credit_limit l JOIN customer c ON c.id = l.customer_id AND c.tenant_id = l.tenant_id ${cond}`,
      params,
    );
    const rows: LimitRow[] = await tx.manager.query(
      `SELECT ${LIMIT_COLUMNS} ${LIMIT_FROM} ${cond}
        ORDER BY l.created_at DESC, l.id LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, q.pageSize, (q.page - 1) * q.pageSize],
    );
    return toPage(rows.map(toDto), total, q);
  }

  /** The active limit, the exposure against it and what is left, computed now. */
  async current(customerId: string): Promise<CurrentCreditLimitDto> {
    return this.db.transaction(async (tx) => {
      const { manager: m, tenantId } = tx;
      const customer = await this.customer(tx, customerId);
      const today = await this.clock.forTenant(m, tenantId);
      const [active]: LimitRow[] = await m.query(
        `SELECT ${LIMIT_COLUMNS} ${LIMIT_FROM} WHERE l.tenant_id = $1 AND l.customer_id = $2 AND l.status = 'active'`,
        [tenantId, customer.id],
      );
      const limit = active ? toDto(active) : null;
      const e = await this.exposures.of(m, tenantId, today, customer.id, limit?.currency ?? null);
      const levels = normaliseLevels((await this.settings.effective(m, tenantId)).alertLevels);
      const [{ pending }] = await m.query(
        `SELECT count(*)::int AS pending FROM credit_limit WHERE tenant_id = $1 AND customer_id = $2 AND status = 'pending'`,
        [tenantId, customer.id],
      );
      const valid = !!limit && limitValidOn(limit, today);
      let available: string | null = null;
      let usagePercent: string | null = null;
      let level = 0;
      if (limit && valid) {
        const lim = toMinor(limit.amount, limit.currency);
        const exp = toMinor(e.total, e.currency);
        const h = usageHundredths(exp, lim);
        available = fromMinor(lim - exp, limit.currency);
        usagePercent = formatUsage(h);
        level = usageLevel(levels, h);
      }
      return {
        customerId: customer.id,
        limit,
        valid,
        exposure: {
          currency: e.currency,
          receivables: e.receivables,
          orders: e.orders,
          total: e.total,
          overdue: e.overdue,
          maxDaysLate: e.maxDaysLate,
          missingRates: e.missingRates,
        },
        available,
        usagePercent,
        level,
        alertLevels: levels,
        pendingRequests: pending,
      };
    });
  }

  /** Customers by usage of their active limit, highest first (as stored by the last evaluation). */
  async usageList(q: CreditLimitUsageQuery): Promise<Page<CreditLimitUsageDto>> {
    return this.db.transaction(async (tx) => {
      const params: unknown[] = [tx.tenantId, q.minUsage ?? 0];
      const where = ['u.tenant_id = $1', 'u.usage_percent IS NOT NULL', 'u.usage_percent >= $2'];
      if (q.minLevel !== undefined) {
        params.push(q.minLevel);
        where.push(`u.level >= $${params.length}`);
      }
      if (q.q) {
        params.push(containsPattern(q.q));
        where.push(`(c.name ILIKE $${params.length} OR c.external_ref ILIKE $${params.length})`);
      }
      const p = portfolioSql('u.customer_id', params.length + 1);
      params.push(...p.params);
      const from = `FROM credit_limit_usage u
        JOIN customer c ON c.id = u.customer_id AND c.tenant_id = u.tenant_id
        JOIN credit_limit l ON l.tenant_id = u.tenant_id AND l.customer_id = u.customer_id AND l.status = 'active'
       WHERE ${where.join(' AND ')}${p.sql}`;
      const [{ total }] = await tx.manager.query(`SELECT count(*)::int AS total ${from}`, params);
      const rows: Array<{
        customer_id: string;
        external_ref: string;
        name: string;
        limit_id: string;
        amount: string;
        currency: string;
        exposure: string;
        usage_percent: string;
        level: number;
        valid_to: string | null;
        review_on: string | null;
        evaluated_at: Date;
      }> = await tx.manager.query(
        `SELECT u.customer_id, c.external_ref, c.name, l.id AS limit_id, l.amount::text AS amount, l.currency::text AS currency,
                coalesce(u.exposure, 0)::text AS exposure, u.usage_percent::text AS usage_percent, u.level,
                l.valid_to::text AS valid_to, l.review_on::text AS review_on, u.evaluated_at
           ${from}
          ORDER BY u.usage_percent DESC, c.name, u.customer_id
          LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, q.pageSize, (q.page - 1) * q.pageSize],
      );
      return toPage(
        rows.map((r) => {
          const cur = r.currency.trim();
          const lim = minorOf(r.amount, cur);
          const exp = minorOf(r.exposure, cur);
          return {
            customerId: r.customer_id,
            customerRef: r.external_ref,
            customerName: r.name,
            limitId: r.limit_id,
            limit: fromMinor(lim, cur),
            currency: cur,
            exposure: fromMinor(exp, cur),
            available: fromMinor(lim - exp, cur),
            usagePercent: r.usage_percent,
            level: r.level,
            validTo: r.valid_to,
            reviewOn: r.review_on,
            evaluatedAt: new Date(r.evaluated_at).toISOString(),
          };
        }),
        total,
        q,
      );
    });
  }
}
