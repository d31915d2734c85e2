import { Injectable, Logger } from '@nestjs/common';
import { isUuid, TenantToday } from '@encours/api-core';
import {
  computeScore,
  explainScore,
  roundDiv,
  SCORE_GRADES,
  subtractMonths,
  type CalendarDate,
  type LatenessSums,
  type ScoreGrade,
  type ScoreInput,
  type ScoreResult,
} from '@encours/domain';
import { minorOf, TimelineService, type TimelineEntry } from '@encours/receivables';
import { DataSource, type EntityManager } from 'typeorm';
import { RiskAlertsService, type NewRiskAlert } from '../alerts/risk-alerts.service.js';
import { ExposureService } from '../exposure/exposure.service.js';
import { ScoringSettingsService } from '../settings/scoring-settings.service.js';
import { ScoreSignals } from './score-signals.js';

/** What a refresh did. */
export interface RefreshSummary {
  /** The tenant's day the scores and history rows are for. */
  day: CalendarDate;
  /** Customers scored. */
  customers: number;
  /** Customers per grade among those scored. */
  byGrade: Record<ScoreGrade, number>;
  /** Customers whose grade changed from their previous score. */
  gradeChanges: number;
  /** Grade-change alerts raised (falls to D or E). */
  alerts: number;
}

/** Rows written per statement (the factors make each row about 1 KB of JSON). */
const BATCH = 2000;
/** Months of settled invoices, ratings and legal events looked at. */
const RECENT_MONTHS = 6;
const HISTORY_MONTHS = 12;
const RATING_MONTHS = 18;
const LEGAL_EVENT_MONTHS = 24;
/**
 * Safety margin of the change detection: a change committed by a transaction that started just
 * before a computation (invisible to it) still has `updated_at` within this margin of `computed_at`.
 */
const CHANGE_MARGIN = `interval '2 minutes'`;

interface CustomerRow {
  id: string;
  name: string;
  currency: string;
  grade: ScoreGrade | null;
  score: number | null;
}
/** Per customer and currency: settled invoices (lateness sums and counts) and open invoices. */
interface InvoiceRow {
  customer_id: string;
  currency: string;
  invoices: number;
  wd_recent: string;
  amount_recent: string;
  wd_prior: string;
  amount_prior: string;
  settled: number;
  late: number;
  open: string;
  disputed: string;
  overdue: string;
  overdue_wd: string;
}
interface Scored {
  customer: CustomerRow;
  result: ScoreResult;
}

/** A numeric(20,3) sum as an exact bigint of thousandths of its currency unit. */
function milli(value: string): bigint {
  const neg = value.startsWith('-');
  const [int, frac = ''] = (neg ? value.slice(1) : value).split('.');
  const m = BigInt(int + frac.padEnd(3, '0').slice(0, 3));
  return neg ? -m : m;
}

/** Thousandths converted at `rate` (a decimal string: 1 from = rate to), rounded half away from zero. */
function convertMilli(m: bigint, rate: string | null): bigint | null {
  if (rate === null) return null;
  const [int, frac = ''] = rate.split('.');
  return roundDiv(m * BigInt(int + frac), 10n ** BigInt(frac.length));
}

const emptyLateness = (): LatenessSums => ({ weightedDays: 0n, amount: 0n });

/**
 * Computes, stores and explains customers' behavioural scores and grades (model and factors:
 * `computeScore` in @encours/domain, scoring/score.ts).
 *
 * Set-based: a handful of aggregate queries read the inputs of every customer of the tenant (or
 * of the ids given) at once — settled invoices with their settlement date (the last allocation
 * of an invoice fully paid), open invoices, valid credit limits with the exposure, external
 * ratings and legal events, and the signals other modules register (broken promises) — then the
 * scores are computed in JS and written with one multi-row upsert per batch, with their history
 * rows, grade-change alerts and timeline entries.
 *
 * Amounts: each customer's sums are expressed in its currency, items in other currencies
 * converted exactly (bigint thousandths) at the latest exchange rate on or before today (direct
 * pair); items in a currency without such a rate are left out of its factors.
 *
 * `computed_at` is the database time of the computing transaction (comparable with the inputs'
 * `updated_at`, for the incremental refresh); the history is per tenant day (TenantToday).
 */
@Injectable()
export class ScoreService {
  private readonly logger = new Logger('Scoring');

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: TenantToday,
    private readonly settings: ScoringSettingsService,
    private readonly exposure: ExposureService,
    private readonly alerts: RiskAlertsService,
    private readonly timeline: TimelineService,
  ) {}

  /**
   * Recomputes the scores of these customers (every customer of the tenant when null) inside the
   * caller's transaction: current score, the day's history row, grade-change alerts.
   */
  async refresh(m: EntityManager, tenantId: string, customerIds: string[] | null): Promise<void> {
    await this.compute(m, tenantId, customerIds);
  }

  /** `refresh`, returning what it did. Ids of customers of another tenant, or not uuids, are ignored. */
  async compute(m: EntityManager, tenantId: string, customerIds: string[] | null): Promise<RefreshSummary> {
    if (!isUuid(tenantId)) throw new Error(`ScoreService: tenantId must be a uuid, got "${tenantId}"`);
    const ids = customerIds === null ? null : [...new Set(customerIds.filter(isUuid))];
    const day = await this.clock.forTenant(m, tenantId);
    const summary: RefreshSummary = {
      day,
      customers: 0,
      byGrade: Object.fromEntries(SCORE_GRADES.map((g) => [g, 0])) as Record<ScoreGrade, number>,
      gradeChanges: 0,
      alerts: 0,
    };
    if (ids !== null && !ids.length) return summary;

    const customers: CustomerRow[] = await m.query(
      `SELECT c.id, c.name::text AS name, c.currency::text AS currency, s.grade::text AS grade, s.score
         FROM customer c
         LEFT JOIN customer_score s ON s.tenant_id = c.tenant_id AND s.customer_id = c.id
        WHERE c.tenant_id = $1 AND ($2::uuid[] IS NULL OR c.id = ANY ($2::uuid[]))
        ORDER BY c.id`,
      [tenantId, ids],
    );
    if (!customers.length) return summary;
    const inputs = await this.measure(m, tenantId, ids, day, customers);
    const { weights } = await this.settings.effective(m, tenantId);
    const scored: Scored[] = customers.map((c) => ({ customer: c, result: computeScore(inputs.get(c.id)!, weights) }));

    const written = await this.writeScores(m, tenantId, scored);
    const kept = scored.filter((s) => written.has(s.customer.id));
    await this.writeHistory(m, tenantId, day, kept);
    const changes = await this.gradeChanges(m, tenantId, day, kept);

    summary.customers = kept.length;
    for (const s of kept) summary.byGrade[s.result.grade] += 1;
    summary.gradeChanges = changes.changed;
    summary.alerts = changes.alerts;
    return summary;
  }

  /**
   * Recomputes, in its own transaction, the customers whose inputs changed since their score was
   * computed (and those never scored): what the 5-minute job does for each tenant.
   */
  async refreshChanged(tenantId: string): Promise<RefreshSummary> {
    const ids = await this.changedCustomers(this.dataSource.manager, tenantId);
    return this.dataSource.transaction((m) => this.compute(m, tenantId, ids));
  }

  /**
   * The customers whose inputs changed after their score was computed (or never scored): items
   * (allocations move their open amount and `updated_at`), external ratings, credit limits, open
   * orders, and the registered signals' own change queries.
   */
  async changedCustomers(m: EntityManager, tenantId: string): Promise<string[]> {
    const signalParts = ScoreSignals.all()
      .filter((s) => s.changedSql)
      .map((s) => `UNION ALL SELECT sc.customer_id, sc.changed_at FROM (${s.changedSql}) AS sc(customer_id, changed_at)`)
      .join('\n');
    const rows: Array<{ id: string }> = await m.query(
      `WITH changed AS (
         SELECT customer_id, max(updated_at) AS at FROM receivable_item
          WHERE tenant_id = $1 AND updated_at > $2::timestamptz GROUP BY 1
         UNION ALL SELECT customer_id, max(updated_at) FROM external_rating
          WHERE tenant_id = $1 AND updated_at > $2::timestamptz GROUP BY 1
         UNION ALL SELECT customer_id, max(updated_at) FROM credit_limit
          WHERE tenant_id = $1 AND updated_at > $2::timestamptz GROUP BY 1
         UNION ALL SELECT customer_id, max(updated_at) FROM open_order
          WHERE tenant_id = $1 AND updated_at > $2::timestamptz GROUP BY 1
         ${signalParts}
       ), latest AS (SELECT customer_id, max(at) AS at FROM changed GROUP BY 1)
       SELECT c.id
         FROM customer c
         LEFT JOIN customer_score s ON s.tenant_id = c.tenant_id AND s.customer_id = c.id
         LEFT JOIN latest l ON l.customer_id = c.id
        WHERE c.tenant_id = $1 AND (s.customer_id IS NULL OR l.at > s.computed_at - ${CHANGE_MARGIN})
        ORDER BY c.id`,
      [tenantId, await this.since(m, tenantId)],
    );
    return rows.map((r) => r.id);
  }

  /** Oldest `computed_at` of the tenant's scores less the margin (ISO), or the epoch when none. */
  private async since(m: EntityManager, tenantId: string): Promise<string> {
    const [row]: Array<{ at: string | null }> = await m.query(
      `SELECT (min(computed_at) - ${CHANGE_MARGIN})::text AS at FROM customer_score WHERE tenant_id = $1`,
      [tenantId],
    );
    return row?.at ?? '1970-01-01T00:00:00Z';
  }

  // ------------------------------------------------------------------------------------------------
  // Inputs

  private async measure(
    m: EntityManager,
    tenantId: string,
    ids: string[] | null,
    day: CalendarDate,
    customers: CustomerRow[],
  ): Promise<Map<string, ScoreInput>> {
    const from6 = subtractMonths(day, RECENT_MONTHS);
    const from12 = subtractMonths(day, HISTORY_MONTHS);
    const inputs = new Map<string, ScoreInput>();
    const currencyOf = new Map<string, string>();
    for (const c of customers) {
      currencyOf.set(c.id, c.currency.trim());
      inputs.set(c.id, {
        settledRecent: emptyLateness(),
        settledPrior: emptyLateness(),
        overdueOpen: emptyLateness(),
        settledCount12m: 0,
        settledLateCount12m: 0,
        hasInvoices: false,
        brokenPromises: null,
        openAmount: 0n,
        disputedAmount: 0n,
        overdueAmount: 0n,
        limit: null,
        external: null,
        legalEvent: null,
      });
    }

    // One scan of the invoices. Settled = fully paid through allocations in the last 12 months, on
    // `closed_at`: AllocationService stamps it with the date of the allocation that brought the open
    // amount to 0. Closed by a snapshot (settled outside the ledger) or written off: left out.
    const rows: InvoiceRow[] = await m.query(
      `SELECT customer_id, currency::text AS currency, count(*)::int AS invoices,
              coalesce(sum(amount * days_late) FILTER (WHERE settled AND closed_at > $4::date), 0)::text AS wd_recent,
              coalesce(sum(amount) FILTER (WHERE settled AND closed_at > $4::date), 0)::text AS amount_recent,
              coalesce(sum(amount * days_late) FILTER (WHERE settled AND closed_at <= $4::date), 0)::text AS wd_prior,
              coalesce(sum(amount) FILTER (WHERE settled AND closed_at <= $4::date), 0)::text AS amount_prior,
              count(*) FILTER (WHERE settled)::int AS settled, count(*) FILTER (WHERE settled AND days_late > 0)::int AS late,
              coalesce(sum(open_amount) FILTER (WHERE is_open), 0)::text AS open,
              coalesce(sum(open_amount) FILTER (WHERE is_open AND disputed), 0)::text AS disputed,
              coalesce(sum(open_amount) FILTER (WHERE is_open AND due_date < $3::date), 0)::text AS overdue,
              coalesce(sum(open_amount * ($3::date - due_date)) FILTER (WHERE is_open AND due_date < $3::date), 0)::text AS overdue_wd
         FROM (SELECT customer_id, currency, amount, open_amount, disputed, due_date, closed_at,
                      status = 'paid' AND NOT settled_outside AND closed_at > $5::date AND closed_at <= $3::date AS settled,
                      greatest(0, closed_at - due_date) AS days_late,
                      status IN ('open', 'partially_paid') AND open_amount > 0 AS is_open
                 FROM receivable_item
                WHERE tenant_id = $1 AND kind = 'invoice' AND ($2::uuid[] IS NULL OR customer_id = ANY ($2::uuid[]))) i
        GROUP BY 1, 2`,
      [tenantId, ids, day, from6, from12],
    );

    const rates = await this.rates(m, tenantId, day, rows, currencyOf);
    const conv = (customerId: string, currency: string, value: string): bigint | null => {
      const target = currencyOf.get(customerId)!;
      const cur = currency.trim();
      return cur === target ? milli(value) : convertMilli(milli(value), rates.get(`${cur}>${target}`) ?? null);
    };
    for (const r of rows) {
      const input = inputs.get(r.customer_id);
      if (!input) continue;
      input.hasInvoices ||= r.invoices > 0;
      input.settledCount12m += r.settled;
      input.settledLateCount12m += r.late;
      const sums = [r.wd_recent, r.amount_recent, r.wd_prior, r.amount_prior, r.open, r.disputed, r.overdue, r.overdue_wd].map(
        (v) => conv(r.customer_id, r.currency, v),
      );
      if (sums.some((v) => v === null)) continue; // no exchange rate: left out (the counts above need none)
      const [wdRecent, amountRecent, wdPrior, amountPrior, open, disputed, overdue, overdueWd] = sums as bigint[];
      input.settledRecent.weightedDays += wdRecent;
      input.settledRecent.amount += amountRecent;
      input.settledPrior.weightedDays += wdPrior;
      input.settledPrior.amount += amountPrior;
      input.openAmount += open;
      input.disputedAmount += disputed;
      input.overdueAmount += overdue;
      input.overdueOpen.weightedDays += overdueWd;
      input.overdueOpen.amount += overdue;
    }
    await this.measureLimits(m, tenantId, ids, day, inputs);
    await this.measureRatings(m, tenantId, ids, day, inputs);
    await this.measureSignals(m, tenantId, ids, from12, inputs);
    return inputs;
  }

  /** Valid active limits (validity covering today) and the exposure in their currency. */
  private async measureLimits(
    m: EntityManager,
    tenantId: string,
    ids: string[] | null,
    day: CalendarDate,
    inputs: Map<string, ScoreInput>,
  ): Promise<void> {
    const limits: Array<{ customer_id: string; amount: string; currency: string }> = await m.query(
      `SELECT customer_id, amount::text AS amount, currency::text AS currency
         FROM credit_limit
        WHERE tenant_id = $1 AND status = 'active' AND valid_from <= $3::date AND (valid_to IS NULL OR valid_to >= $3::date)
          AND ($2::uuid[] IS NULL OR customer_id = ANY ($2::uuid[]))`,
      [tenantId, ids, day],
    );
    const wanted = limits.filter((l) => inputs.has(l.customer_id));
    if (!wanted.length) return;
    const exposures = await this.exposure.compute(
      m,
      tenantId,
      day,
      wanted.map((l) => ({ id: l.customer_id, currency: l.currency.trim() })),
    );
    for (const l of wanted) {
      const e = exposures.get(l.customer_id);
      if (!e) continue;
      const currency = l.currency.trim();
      inputs.get(l.customer_id)!.limit = {
        exposure: minorOf(e.total, currency),
        limit: minorOf(l.amount, currency),
        currency,
      };
    }
  }

  /**
   * The latest rating with a score within 18 months, and the collective proceeding in force: a
   * rating with a legal event dated within 24 months that no later rating of the same provider
   * without a legal event has cleared (the latest such event when there are several).
   */
  private async measureRatings(
    m: EntityManager,
    tenantId: string,
    ids: string[] | null,
    day: CalendarDate,
    inputs: Map<string, ScoreInput>,
  ): Promise<void> {
    const ratings: Array<{ customer_id: string; provider: string; rated_on: string; score: number; scale_max: number }> =
      await m.query(
        `SELECT DISTINCT ON (customer_id) customer_id, provider::text AS provider, rated_on::text AS rated_on,
                score::float8 AS score, scale_max::float8 AS scale_max
           FROM external_rating
          WHERE tenant_id = $1 AND score IS NOT NULL AND scale_max > 0 AND rated_on >= $4::date AND rated_on <= $3::date
            AND ($2::uuid[] IS NULL OR customer_id = ANY ($2::uuid[]))
          ORDER BY customer_id, rated_on DESC, created_at DESC`,
        [tenantId, ids, day, subtractMonths(day, RATING_MONTHS)],
      );
    for (const r of ratings) {
      const input = inputs.get(r.customer_id);
      if (input) input.external = { score: r.score, scaleMax: r.scale_max, provider: r.provider, ratedOn: r.rated_on };
    }
    const events: Array<{ customer_id: string; provider: string; legal_event: string; date: string }> = await m.query(
      `SELECT DISTINCT ON (r.customer_id) r.customer_id, r.provider::text AS provider, r.legal_event::text AS legal_event,
              coalesce(r.legal_event_date, r.rated_on)::text AS date
         FROM external_rating r
        WHERE r.tenant_id = $1 AND r.legal_event IS NOT NULL AND r.rated_on <= $3::date
          AND coalesce(r.legal_event_date, r.rated_on) >= $4::date
          AND ($2::uuid[] IS NULL OR r.customer_id = ANY ($2::uuid[]))
          AND NOT EXISTS (SELECT 1 FROM external_rating l
                           WHERE l.tenant_id = r.tenant_id AND l.customer_id = r.customer_id AND l.provider = r.provider
                             AND l.rated_on > r.rated_on AND l.rated_on <= $3::date AND l.legal_event IS NULL)
        ORDER BY r.customer_id, coalesce(r.legal_event_date, r.rated_on) DESC, r.rated_on DESC`,
      [tenantId, ids, day, subtractMonths(day, LEGAL_EVENT_MONTHS)],
    );
    for (const e of events) {
      const input = inputs.get(e.customer_id);
      if (input) input.legalEvent = { event: e.legal_event, date: e.date, provider: e.provider };
    }
  }

  /** Registered signals (broken promises): a customer without a row counts 0; no signal: factor unavailable. */
  private async measureSignals(
    m: EntityManager,
    tenantId: string,
    ids: string[] | null,
    since: CalendarDate,
    inputs: Map<string, ScoreInput>,
  ): Promise<void> {
    const signal = ScoreSignals.get('brokenPromises');
    if (!signal) return;
    for (const input of inputs.values()) input.brokenPromises = 0;
    const rows: Array<{ customer_id: string; value: number }> = await m.query(
      `SELECT s.customer_id, s.value::float8 AS value FROM (${signal.sql}) AS s(customer_id, value)
        WHERE $3::uuid[] IS NULL OR s.customer_id = ANY ($3::uuid[])`,
      [tenantId, since, ids],
    );
    for (const r of rows) {
      const input = inputs.get(r.customer_id);
      if (input) input.brokenPromises = Math.max(0, Math.round(r.value));
    }
  }

  /** Latest rate on or before `day` of each (item currency → customer currency) pair the rows need. */
  private async rates(
    m: EntityManager,
    tenantId: string,
    day: CalendarDate,
    rows: Array<{ customer_id: string; currency: string }>,
    currencyOf: Map<string, string>,
  ): Promise<Map<string, string>> {
    const pairs = new Set<string>();
    for (const r of rows) {
      const target = currencyOf.get(r.customer_id);
      if (target && r.currency.trim() !== target) pairs.add(`${r.currency.trim()}>${target}`);
    }
    if (!pairs.size) return new Map();
    const list = [...pairs].map((p) => p.split('>'));
    const found: Array<{ pair: string; rate: string }> = await m.query(
      `SELECT p.f || '>' || p.t AS pair, r.rate::text AS rate
         FROM unnest($2::text[], $3::text[]) AS p(f, t)
         CROSS JOIN LATERAL (SELECT rate FROM exchange_rate
                              WHERE tenant_id = $1 AND from_currency = p.f AND to_currency = p.t AND date <= $4::date
                              ORDER BY date DESC LIMIT 1) r`,
      [tenantId, list.map((p) => p[0]), list.map((p) => p[1]), day],
    );
    return new Map(found.map((f) => [f.pair, f.rate]));
  }

  // ------------------------------------------------------------------------------------------------
  // Writes

  /**
   * One upsert per batch, in customer order. A row computed by a transaction that started after
   * this one (a refresh after a legal event, say) is not overwritten with older inputs.
   * Returns the customers written.
   */
  private async writeScores(m: EntityManager, tenantId: string, scored: Scored[]): Promise<Set<string>> {
    const written = new Set<string>();
    for (let i = 0; i < scored.length; i += BATCH) {
      const rows = scored.slice(i, i + BATCH).map((s) => ({
        customer_id: s.customer.id,
        score: s.result.score,
        grade: s.result.grade,
        factors: s.result.factors,
        forced_by: s.result.forcedBy,
      }));
      const out: Array<{ customer_id: string }> = await m.query(
        `INSERT INTO customer_score (tenant_id, customer_id, score, grade, factors, forced_by, computed_at)
         SELECT $1, r.customer_id, r.score, r.grade, r.factors, r.forced_by, now()
           FROM jsonb_to_recordset($2::jsonb) AS r(customer_id uuid, score int, grade text, factors jsonb, forced_by text)
          ORDER BY r.customer_id
         ON CONFLICT (tenant_id, customer_id) DO UPDATE
            SET score = EXCLUDED.score, grade = EXCLUDED.grade, factors = EXCLUDED.factors, forced_by = EXCLUDED.forced_by,
                computed_at = EXCLUDED.computed_at, updated_at = now()
          WHERE customer_score.computed_at <= EXCLUDED.computed_at
         RETURNING customer_id`,
        [tenantId, JSON.stringify(rows)],
      );
      for (const o of out) written.add(o.customer_id);
    }
    return written;
  }

  /**
   * One history row per customer and day, only when the score or the grade differs from the
   * customer's previous row (an earlier day): the day's row is written (rewritten when a later
   * computation of the day changes the score or the grade again); when a computation of the same
   * day comes back to the previous row's values, the day's row is removed.
   */
  private async writeHistory(m: EntityManager, tenantId: string, day: CalendarDate, scored: Scored[]): Promise<void> {
    if (!scored.length) return;
    const previous: Array<{
      customer_id: string;
      score: number | null;
      grade: string | null;
      today_score: number | null;
      today_grade: string | null;
    }> = await m.query(
      `SELECT c.id AS customer_id, p.score, p.grade::text AS grade, t.score AS today_score, t.grade::text AS today_grade
         FROM unnest($2::uuid[]) AS c(id)
         LEFT JOIN customer_score_history t ON t.tenant_id = $1 AND t.customer_id = c.id AND t.day = $3::date
         LEFT JOIN LATERAL (SELECT h.score, h.grade FROM customer_score_history h
                             WHERE h.tenant_id = $1 AND h.customer_id = c.id AND h.day < $3::date
                             ORDER BY h.day DESC LIMIT 1) p ON true`,
      [tenantId, scored.map((s) => s.customer.id), day],
    );
    const prev = new Map(previous.map((p) => [p.customer_id, p]));
    const upserts: Scored[] = [];
    const removals: string[] = [];
    for (const s of scored) {
      const p = prev.get(s.customer.id);
      const { score, grade } = s.result;
      const hasToday = p?.today_score != null;
      if (p && p.score === score && p.grade === grade) {
        if (hasToday) removals.push(s.customer.id);
      } else if (!hasToday || p!.today_score !== score || p!.today_grade !== grade) upserts.push(s);
    }
    for (let i = 0; i < upserts.length; i += BATCH) {
      const rows = upserts.slice(i, i + BATCH).map((s) => ({
        customer_id: s.customer.id,
        score: s.result.score,
        grade: s.result.grade,
        factors: s.result.factors,
        forced_by: s.result.forcedBy,
      }));
      await m.query(
        `INSERT INTO customer_score_history (tenant_id, customer_id, day, score, grade, factors, forced_by)
         SELECT $1, r.customer_id, $3::date, r.score, r.grade, r.factors, r.forced_by
           FROM jsonb_to_recordset($2::jsonb) AS r(customer_id uuid, score int, grade text, factors jsonb, forced_by text)
          ORDER BY r.customer_id
         ON CONFLICT (tenant_id, customer_id, day) DO UPDATE
            SET score = EXCLUDED.score, grade = EXCLUDED.grade, factors = EXCLUDED.factors, forced_by = EXCLUDED.forced_by,
                updated_at = now()`,
        [tenantId, JSON.stringify(rows), day],
      );
    }
    if (removals.length)
      await m.query(
        `DELETE FROM customer_score_history WHERE tenant_id = $1 AND day = $3::date AND customer_id = ANY ($2::uuid[])`,
        [tenantId, removals, day],
      );
  }

  /**
   * A grade that changed from the customer's previous score goes on its timeline
   * (`scoring.grade_changed`); one that fell to D or E from a better grade also raises a risk
   * alert. Both are deduplicated per customer, day and grade.
   */
  private async gradeChanges(
    m: EntityManager,
    tenantId: string,
    day: CalendarDate,
    scored: Scored[],
  ): Promise<{ changed: number; alerts: number }> {
    const entries: TimelineEntry[] = [];
    const alerts: NewRiskAlert[] = [];
    const now = this.clock.now();
    for (const { customer: c, result: r } of scored) {
      if (c.grade === null || c.grade === r.grade) continue;
      const dedupeKey = `${c.id}:${day}:${r.grade}`;
      const explanation = explainScore(r);
      const data = {
        previousGrade: c.grade,
        grade: r.grade,
        previousScore: c.score,
        score: r.score,
        forcedBy: r.forcedBy,
        day,
        factors: r.factors.filter((f) => f.available && f.impact > 0).slice(0, 3),
      };
      entries.push({
        customerId: c.id,
        type: 'scoring.grade_changed',
        occurredAt: now,
        title: `Risk grade ${c.grade} → ${r.grade} (score ${r.score}/100)`,
        body: explanation,
        data,
        source: 'scoring',
        authorId: null,
        related: { kind: 'customer_score', id: c.id, label: `Score of ${day}` },
        dedupeKey,
      });
      const fell = SCORE_GRADES.indexOf(r.grade) > SCORE_GRADES.indexOf(c.grade);
      if (fell && (r.grade === 'D' || r.grade === 'E'))
        alerts.push({
          type: 'grade_change',
          customerId: c.id,
          severity: r.grade === 'E' ? 'critical' : 'warning',
          message: `${c.name}: risk grade fell from ${c.grade} to ${r.grade}. ${explanation}`.slice(0, 500),
          data: { customerId: c.id, customerName: c.name, ...data },
          dedupeKey,
        });
    }
    if (entries.length) await this.timeline.recordMany(m, tenantId, entries);
    const raised = await this.alerts.raise(m, tenantId, alerts);
    if (alerts.length) this.logger.log({ tenantId, day, falls: alerts.length }, 'Risk grades fell to D or E');
    return { changed: entries.length, alerts: raised.size };
  }
}
