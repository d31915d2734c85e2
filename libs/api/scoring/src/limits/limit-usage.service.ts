import { Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { AppConfig, DomainEvents, JobsService, TenantToday, type JobOutcome, type JobRun } from '@encours/api-core';
import {
  addDays,
  formatUsage,
  levelSeverity,
  normaliseLevels,
  reviewReminders,
  usageChange,
  usageHundredths,
} from '@encours/domain';
import { minorOf, money, TimelineService } from '@encours/receivables';
import { DataSource, type EntityManager } from 'typeorm';
import { RiskAlertsService, type NewRiskAlert } from '../alerts/risk-alerts.service.js';
import { ExposureService } from '../exposure/exposure.service.js';
import { ScoringSettingsService } from '../settings/scoring-settings.service.js';

export const THRESHOLD_EVENT = 'credit_limit.threshold_crossed';
export const LIMIT_USAGE_JOB = 'scoring.limit-usage';
export const LIMIT_REVIEW_JOB = 'scoring.limit-review';

export interface UsageEvaluation {
  /** Customers looked at (with a limit, or with a stored level to lower). */
  evaluated: number;
  /** Alerts raised (one per level newly crossed). */
  alerts: number;
  /** Customers whose stored level went down (no alert). */
  lowered: number;
}

interface Crossing {
  customerId: string;
  level: number;
  usage: string;
  exposure: string;
  limit: string;
  currency: string;
}

/**
 * Usage of credit limits and the alerts it raises: exposure (open receivables + open orders)
 * against the active, valid limit; one alert per alert level newly crossed upwards, a fall lowers
 * the stored level silently so a later crossing alerts again. Also the review reminders of limits
 * due for review or about to expire. Both run set-based for a whole tenant (a job every 10 minutes
 * and a daily one) and for a few customers after a limit change or an open-orders import.
 */
@Injectable()
export class LimitUsageService {
  private readonly logger = new Logger('LimitUsage');

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: TenantToday,
    private readonly config: AppConfig,
    private readonly jobs: JobsService,
    private readonly settings: ScoringSettingsService,
    private readonly exposures: ExposureService,
    private readonly alerts: RiskAlertsService,
    private readonly events: DomainEvents,
    private readonly timeline: TimelineService,
  ) {}

  /**
   * Re-evaluates the usage of these customers (every customer with a limit or a stored level when
   * null), inside the caller's transaction. Evaluations of one tenant are serialised (transaction
   * advisory lock), so two of them never alert the same crossing twice.
   */
  async evaluateUsage(m: EntityManager, tenantId: string, customerIds: string[] | null): Promise<UsageEvaluation> {
    const out: UsageEvaluation = { evaluated: 0, alerts: 0, lowered: 0 };
    if (customerIds && !customerIds.length) return out;
    await m.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`credit-limit-usage:${tenantId}`]);
    const today = await this.clock.forTenant(m, tenantId);
    const levels = normaliseLevels((await this.settings.effective(m, tenantId)).alertLevels);

    const candidates: string[] = (
      await m.query(
        `SELECT customer_id FROM credit_limit
          WHERE tenant_id = $1 AND status = 'active' AND ($2::uuid[] IS NULL OR customer_id = ANY($2::uuid[]))
         UNION
         SELECT customer_id FROM credit_limit_usage
          WHERE tenant_id = $1 AND ($2::uuid[] IS NULL OR customer_id = ANY($2::uuid[]))`,
        [tenantId, customerIds],
      )
    ).map((r: { customer_id: string }) => r.customer_id);
    out.evaluated = candidates.length;
    if (!candidates.length) return out;

    const limits = new Map<string, { amount: string; currency: string }>(
      (
        await m.query(
          `SELECT customer_id, amount::text AS amount, currency::text AS currency FROM credit_limit
            WHERE tenant_id = $1 AND status = 'active' AND customer_id = ANY($2::uuid[])
              AND valid_from <= $3::date AND (valid_to IS NULL OR valid_to >= $3::date)`,
          [tenantId, candidates, today],
        )
      ).map((r: { customer_id: string; amount: string; currency: string }) => [
        r.customer_id,
        { amount: r.amount, currency: r.currency.trim() },
      ]),
    );
    const stored = new Map<string, number>(
      (
        await m.query(
          `SELECT customer_id, level FROM credit_limit_usage WHERE tenant_id = $1 AND customer_id = ANY($2::uuid[])`,
          [tenantId, candidates],
        )
      ).map((r: { customer_id: string; level: number }) => [r.customer_id, r.level]),
    );
    const exposures = await this.exposures.compute(
      m,
      tenantId,
      today,
      [...limits.entries()].map(([id, l]) => ({ id, currency: l.currency })),
    );

    const writes: Array<{ customer_id: string; level: number; usage_percent: string | null; exposure: string | null }> = [];
    const crossings: Crossing[] = [];
    for (const id of candidates) {
      const limit = limits.get(id);
      const e = exposures.get(id);
      const before = stored.get(id);
      if (!limit || !e) {
        // No valid limit (none, expired, not yet started): nothing to use; lower a stored level.
        if (before !== undefined) {
          writes.push({ customer_id: id, level: 0, usage_percent: null, exposure: null });
          if (before > 0) out.lowered++;
        }
        continue;
      }
      const hundredths = usageHundredths(minorOf(e.total, limit.currency), minorOf(limit.amount, limit.currency));
      const change = usageChange(levels, before ?? 0, hundredths);
      const usage = formatUsage(hundredths);
      writes.push({ customer_id: id, level: change.level, usage_percent: usage, exposure: e.total });
      if (change.lowered) out.lowered++;
      for (const level of change.crossed)
        crossings.push({
          customerId: id,
          level,
          usage,
          exposure: e.total,
          limit: money(limit.amount, limit.currency)!,
          currency: limit.currency,
        });
    }
    out.alerts = await this.alertCrossings(m, tenantId, crossings);
    await this.store(m, tenantId, writes);
    return out;
  }

  /**
   * One alert, event and timeline entry per crossing. The dedupe key carries the crossing's
   * sequence number (how many times this customer crossed this level before), so a crossing
   * after a fall alerts again while the same crossing seen twice does not.
   */
  private async alertCrossings(m: EntityManager, tenantId: string, crossings: Crossing[]): Promise<number> {
    if (!crossings.length) return 0;
    const ids = [...new Set(crossings.map((c) => c.customerId))];
    const previous = new Map<string, number>(
      (
        await m.query(
          `SELECT customer_id, data->>'level' AS level, count(*)::int AS n FROM risk_alert
            WHERE tenant_id = $1 AND type = 'limit_threshold' AND customer_id = ANY($2::uuid[])
            GROUP BY 1, 2`,
          [tenantId, ids],
        )
      ).map((r: { customer_id: string; level: string; n: number }) => [`${r.customer_id}:${r.level}`, r.n]),
    );
    const customers = new Map<string, { ref: string; name: string }>(
      (
        await m.query(`SELECT id, external_ref, name FROM customer WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [
          tenantId,
          ids,
        ])
      ).map((r: { id: string; external_ref: string; name: string }) => [r.id, { ref: r.external_ref, name: r.name }]),
    );
    const alerts: Array<NewRiskAlert & { crossing: Crossing }> = crossings.map((c) => {
      const who = customers.get(c.customerId) ?? { ref: '', name: '' };
      const seq = (previous.get(`${c.customerId}:${c.level}`) ?? 0) + 1;
      return {
        type: 'limit_threshold',
        customerId: c.customerId,
        severity: levelSeverity(c.level),
        message: `${who.name} (${who.ref}): exposure ${c.exposure} ${c.currency} is ${c.usage}% of the credit limit of ${c.limit} ${c.currency}, over the ${c.level}% level`,
        data: {
          level: c.level,
          usagePercent: c.usage,
          exposure: c.exposure,
          limit: c.limit,
          currency: c.currency,
          customerRef: who.ref,
          customerName: who.name,
          crossing: seq,
        },
        dedupeKey: `${c.customerId}:${c.level}:${seq}`,
        crossing: c,
      };
    });
    const created = await this.alerts.raise(m, tenantId, alerts);
    const fresh = alerts.filter((a) => created.has(a.dedupeKey));
    if (!fresh.length) return 0;
    await this.events.publishMany(
      m,
      tenantId,
      fresh.map((a) => {
        const who = customers.get(a.crossing.customerId);
        return {
          type: THRESHOLD_EVENT,
          payload: {
            customerId: a.crossing.customerId,
            customerRef: who?.ref ?? null,
            customerName: who?.name ?? null,
            level: a.crossing.level,
            usagePercent: a.crossing.usage,
            exposure: a.crossing.exposure,
            limit: a.crossing.limit,
            currency: a.crossing.currency,
          },
          dedupeKey: a.dedupeKey,
        };
      }),
    );
    // One timeline entry per customer and evaluation: the highest level it crossed.
    const top = new Map<string, (typeof fresh)[number]>();
    const crossedBy = new Map<string, number[]>();
    for (const a of fresh) {
      const id = a.crossing.customerId;
      crossedBy.set(id, [...(crossedBy.get(id) ?? []), a.crossing.level]);
      if (!top.has(id) || top.get(id)!.crossing.level < a.crossing.level) top.set(id, a);
    }
    await this.timeline.recordMany(
      m,
      tenantId,
      [...top.values()].map((a) => ({
        customerId: a.crossing.customerId,
        type: 'scoring.limit_threshold',
        title: `Exposure at ${a.crossing.usage}% of the credit limit (over ${a.crossing.level}%)`,
        amount: a.crossing.exposure,
        currency: a.crossing.currency,
        data: { ...a.data, levels: crossedBy.get(a.crossing.customerId) },
        source: 'scoring',
        authorId: null,
        dedupeKey: a.dedupeKey,
      })),
    );
    return fresh.length;
  }

  /** Writes the usage rows in one statement; rows whose values did not change are left alone. */
  private async store(
    m: EntityManager,
    tenantId: string,
    rows: Array<{ customer_id: string; level: number; usage_percent: string | null; exposure: string | null }>,
  ): Promise<void> {
    for (let i = 0; i < rows.length; i += 10_000) {
      await m.query(
        `INSERT INTO credit_limit_usage AS u (tenant_id, customer_id, level, usage_percent, exposure, evaluated_at)
         SELECT $1, r.customer_id, r.level, r.usage_percent, r.exposure, $3
           FROM jsonb_to_recordset($2::jsonb) AS r(customer_id uuid, level int, usage_percent numeric, exposure numeric)
         ON CONFLICT (tenant_id, customer_id) DO UPDATE
            SET level = EXCLUDED.level, usage_percent = EXCLUDED.usage_percent, exposure = EXCLUDED.exposure,
                evaluated_at = EXCLUDED.evaluated_at, updated_at = now()
          WHERE (u.level, u.usage_percent, u.exposure) IS DISTINCT FROM (EXCLUDED.level, EXCLUDED.usage_percent, EXCLUDED.exposure)`,
        [tenantId, JSON.stringify(rows.slice(i, i + 10_000)), this.clock.now()],
      );
    }
  }

  /**
   * Reminders for active limits whose review date or end of validity falls within the tenant's
   * `reviewReminderDays` (or is past): one `limit_review` alert per limit, kind and date.
   */
  async reviewReminders(m: EntityManager, tenantId: string): Promise<{ limits: number; reminders: number }> {
    const today = await this.clock.forTenant(m, tenantId);
    const { reviewReminderDays } = await this.settings.effective(m, tenantId);
    const horizon = addDays(today, Math.max(0, reviewReminderDays));
    const rows: Array<{
      id: string;
      customer_id: string;
      amount: string;
      currency: string;
      review_on: string | null;
      valid_to: string | null;
      external_ref: string;
      name: string;
    }> = await m.query(
      `SELECT l.id, l.customer_id, l.amount::text AS amount, l.currency::text AS currency, l.review_on::text AS review_on,
              l.valid_to::text AS valid_to, c.external_ref, c.name
         FROM credit_limit l JOIN customer c ON c.id = l.customer_id AND c.tenant_id = l.tenant_id
        WHERE l.tenant_id = $1 AND l.status = 'active'
          AND ((l.review_on IS NOT NULL AND l.review_on <= $2::date) OR (l.valid_to IS NOT NULL AND l.valid_to <= $2::date))`,
      [tenantId, horizon],
    );
    const alerts: NewRiskAlert[] = [];
    for (const r of rows) {
      const currency = r.currency.trim();
      const amount = money(r.amount, currency);
      for (const rem of reviewReminders({ reviewOn: r.review_on, validTo: r.valid_to }, today, reviewReminderDays)) {
        const what =
          rem.kind === 'review'
            ? rem.due
              ? `was due for review on ${rem.date}`
              : `is due for review on ${rem.date}`
            : rem.date < today
              ? `expired on ${rem.date}`
              : `expires on ${rem.date}`;
        alerts.push({
          type: 'limit_review',
          customerId: r.customer_id,
          severity: rem.due ? 'warning' : 'info',
          message: `${r.name} (${r.external_ref}): the credit limit of ${amount} ${currency} ${what}`,
          data: {
            limitId: r.id,
            kind: rem.kind,
            date: rem.date,
            amount,
            currency,
            customerRef: r.external_ref,
            customerName: r.name,
          },
          dedupeKey: `${r.id}:${rem.kind}:${rem.date}`,
        });
      }
    }
    const created = await this.alerts.raise(m, tenantId, alerts);
    return { limits: rows.length, reminders: created.size };
  }

  /** Runs the usage evaluation of one tenant through the job lock (recorded in the job history). */
  runUsage(tenantId: string, trigger: JobRun['trigger'] = 'manual'): Promise<JobOutcome> {
    return this.jobs.runExclusive(
      LIMIT_USAGE_JOB,
      async () => ({ ...(await this.dataSource.transaction((m) => this.evaluateUsage(m, tenantId, null))) }),
      { tenantId, trigger },
    );
  }

  /** Runs the review reminders of one tenant through the job lock. */
  runReviews(tenantId: string, trigger: JobRun['trigger'] = 'manual'): Promise<JobOutcome> {
    return this.jobs.runExclusive(
      LIMIT_REVIEW_JOB,
      async () => ({ ...(await this.dataSource.transaction((m) => this.reviewReminders(m, tenantId))) }),
      { tenantId, trigger },
    );
  }

  /**
   * Every 10 minutes: invoices, payments and orders change exposures without telling this module,
   * so every tenant with limits is re-evaluated.
   */
  @Cron('*/10 * * * *', { name: LIMIT_USAGE_JOB })
  async onUsageSchedule(): Promise<void> {
    if (!this.config.jobsEnabled) return;
    const tenants: Array<{ tenant_id: string }> = await this.dataSource.query(
      `SELECT DISTINCT tenant_id FROM credit_limit WHERE status = 'active'
       UNION SELECT DISTINCT tenant_id FROM credit_limit_usage WHERE level > 0`,
    );
    for (const t of tenants) {
      const o = await this.runUsage(t.tenant_id, 'schedule');
      if (o.status === 'failed') this.logger.error({ tenantId: t.tenant_id, error: o.error }, 'Limit usage evaluation failed');
    }
  }

  /** Every day at 06:15 (Paris): review and expiry reminders. */
  @Cron('15 6 * * *', { name: LIMIT_REVIEW_JOB, timeZone: 'Europe/Paris' })
  async onReviewSchedule(): Promise<void> {
    if (!this.config.jobsEnabled) return;
    const tenants: Array<{ tenant_id: string }> = await this.dataSource.query(
      `SELECT DISTINCT tenant_id FROM credit_limit WHERE status = 'active' AND (review_on IS NOT NULL OR valid_to IS NOT NULL)`,
    );
    for (const t of tenants) {
      const o = await this.runReviews(t.tenant_id, 'schedule');
      if (o.status === 'failed') this.logger.error({ tenantId: t.tenant_id, error: o.error }, 'Limit review reminders failed');
    }
  }
}
