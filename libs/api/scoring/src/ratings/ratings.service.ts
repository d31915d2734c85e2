import { Injectable, Logger } from '@nestjs/common';
import {
  DomainEvents,
  containsPattern,
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
import { normaliseRating, type CalendarDate } from '@encours/domain';
import { assertInPortfolio, Customer, money, portfolioSql, TimelineService } from '@encours/receivables';
import type { EntityManager } from 'typeorm';
import { RiskAlertsService, type NewRiskAlert } from '../alerts/risk-alerts.service.js';
import {
  currentUserId,
  customerKeyOf,
  lookupCustomers,
  RowChecker,
  rowErrors,
  rowsRejected,
  type CustomerKey,
  type RawRow,
} from '../limits/bulk-input.js';
import { ScoreService } from '../score/score.service.js';
import { LEGAL_EVENTS, type LegalEvent, type RatingSource } from './external-rating.entity.js';
import { RatingProviderRegistry, type RatedCustomer } from './rating-provider.js';
import type {
  CreateExternalRatingDto,
  ExternalRatingDto,
  ExternalRatingQuery,
  RatingImportQuery,
  RatingImportResultDto,
  RatingRefreshResultDto,
} from './ratings.dto.js';

export const LEGAL_EVENT_TYPE = 'customer.legal_event';

const LEGAL_EVENT_LABELS: Record<LegalEvent, string> = {
  safeguard: 'safeguard (sauvegarde)',
  receivership: 'receivership (redressement judiciaire)',
  liquidation: 'liquidation (liquidation judiciaire)',
};

/** A rating row that passed the field checks. */
interface ParsedRating {
  row: number;
  key: CustomerKey;
  provider: string;
  ratedOn: string;
  score: string | null;
  scaleMax: string | null;
  recommendedLimit: string | null;
  currency: string | null;
  legalEvent: LegalEvent | null;
  legalEventDate: string | null;
  comment: string | null;
}

/** The field rules of one rating (manual entry, imported row, provider answer). */
export function checkRatingRow(
  raw: RawRow,
  row: number,
  today: CalendarDate,
): { value?: ParsedRating; key?: CustomerKey; errors: FieldError[] } {
  const c = new RowChecker(raw, row);
  const key = customerKeyOf(c, ['customerId', 'customerRef', 'siren']);
  const provider = c.text('provider', 60, true)?.toLowerCase();
  const ratedOn = c.date('ratedOn', true);
  if (ratedOn && ratedOn > today) c.fail('ratedOn', `ratedOn must not be in the future (today is ${today})`);
  const score = c.decimal('score', 2, 6);
  const scaleMax = c.decimal('scaleMax', 2, 6);
  if (scaleMax !== undefined && Number(scaleMax) <= 0) c.fail('scaleMax', 'scaleMax must be greater than 0');
  if (score !== undefined && scaleMax === undefined && !c.errors.some((e) => e.field === 'scaleMax'))
    c.fail('scaleMax', "scaleMax (the top of the provider's scale, e.g. 20) is required with a score");
  if (score !== undefined && scaleMax !== undefined && Number(score) > Number(scaleMax))
    c.fail('score', `score ${score} is above scaleMax ${scaleMax}`);
  const currency = c.currency('currency');
  const recommendedLimit = c.amount('recommendedLimit', currency);
  if (recommendedLimit !== undefined && currency === undefined && !c.errors.some((e) => e.field === 'currency'))
    c.fail('currency', 'currency is required with recommendedLimit');
  const legalEvent = c.oneOf('legalEvent', LEGAL_EVENTS);
  const legalEventDate = c.date('legalEventDate');
  if (legalEventDate && legalEvent === undefined && !c.errors.some((e) => e.field === 'legalEvent'))
    c.fail('legalEventDate', 'legalEventDate needs a legalEvent');
  const comment = c.text('comment', 500);
  if (
    score === undefined &&
    recommendedLimit === undefined &&
    legalEvent === undefined &&
    !c.errors.some((e) => ['score', 'scaleMax', 'recommendedLimit', 'currency', 'legalEvent'].includes(e.field))
  )
    c.fail('score', 'a rating needs a score, a recommendedLimit or a legalEvent');
  if (c.errors.length) return { key, errors: c.errors };
  return {
    value: {
      row,
      key: key!,
      provider: provider!,
      ratedOn: ratedOn!,
      score: score ?? null,
      scaleMax: scaleMax ?? null,
      recommendedLimit: recommendedLimit ?? null,
      currency: currency ?? null,
      legalEvent: legalEvent ?? null,
      legalEventDate: legalEventDate ?? null,
      comment: comment ?? null,
    },
    errors: [],
  };
}

interface IngestOptions {
  source: RatingSource;
  partial: boolean;
  dryRun: boolean;
}

type ValidRating = ParsedRating & { customerId: string };

interface IngestResult extends RatingImportResultDto {
  /** The rows kept (written, or unchanged). */
  valid: ValidRating[];
}

class DryRunDone extends Error {
  constructor(readonly result: IngestResult) {
    super('dry run');
  }
}

interface RatingRow {
  id: string;
  customer_id: string;
  customer_ref: string;
  customer_name: string;
  provider: string;
  rated_on: string;
  score: string | null;
  scale_max: string | null;
  recommended_limit: string | null;
  currency: string | null;
  legal_event: LegalEvent | null;
  legal_event_date: string | null;
  source: RatingSource;
  comment: string | null;
  created_by_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const RATING_COLUMNS = `r.id, r.customer_id, c.external_ref AS customer_ref, c.name AS customer_name, r.provider,
  r.rated_on::text AS rated_on, trim_scale(r.score)::text AS score, trim_scale(r.scale_max)::text AS scale_max,
  r.recommended_limit::text AS recommended_limit, r.currency::text AS currency, r.legal_event,
  r.legal_event_date::text AS legal_event_date, r.source, r.comment, r.created_by_id, r.created_at, r.updated_at`;

function toDto(r: RatingRow): ExternalRatingDto {
  const cur = r.currency?.trim() ?? null;
  return {
    id: r.id,
    customerId: r.customer_id,
    customerRef: r.customer_ref,
    customerName: r.customer_name,
    provider: r.provider,
    ratedOn: r.rated_on,
    score: r.score,
    scaleMax: r.scale_max,
    normalisedScore: normaliseRating(r.score, r.scale_max),
    recommendedLimit: cur ? money(r.recommended_limit, cur) : r.recommended_limit,
    currency: cur,
    legalEvent: r.legal_event,
    legalEventDate: r.legal_event_date,
    source: r.source,
    comment: r.comment,
    createdById: r.created_by_id,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

/**
 * External ratings: entered by hand, imported (JSON, CSV, XLSX) or fetched from a registered
 * provider connector; upserted by (customer, provider, ratedOn). A collective proceeding not
 * known before raises a critical alert, a timeline entry and a `customer.legal_event` event, and
 * the customer's score is recomputed at once (grade E).
 */
@Injectable()
export class RatingsService {
  private readonly logger = new Logger('Ratings');

  constructor(
    private readonly db: TenantDb,
    private readonly clock: TenantToday,
    private readonly alerts: RiskAlertsService,
    private readonly timeline: TimelineService,
    private readonly events: DomainEvents,
    private readonly scores: ScoreService,
    private readonly registry: RatingProviderRegistry,
  ) {}

  /** One rating typed in (users) or pushed one by one (API key): upserted, 201 either way. */
  async create(dto: CreateExternalRatingDto): Promise<ExternalRatingDto> {
    const source: RatingSource = RequestContext.principal()?.kind === 'apiKey' ? 'api' : 'manual';
    return this.db.transaction(async (tx) => {
      const out = await this.ingest(tx, [dto as unknown as RawRow], { source, partial: false, dryRun: false }, true);
      const r = out.valid[0];
      const [found]: Array<{ id: string }> = await tx.manager.query(
        `SELECT id FROM external_rating WHERE tenant_id = $1 AND customer_id = $2 AND provider = $3 AND rated_on = $4`,
        [tx.tenantId, r.customerId, r.provider, r.ratedOn],
      );
      return this.one(tx, found.id);
    });
  }

  /** A batch (JSON array or file rows): all or nothing unless partial; dryRun writes nothing. */
  async import(rows: RawRow[], q: RatingImportQuery): Promise<RatingImportResultDto> {
    const source: RatingSource = RequestContext.principal()?.kind === 'apiKey' ? 'api' : 'file';
    const out = await this.run((tx) => this.ingest(tx, rows, { source, partial: q.partial, dryRun: q.dryRun }));
    return strip(out);
  }

  /** Runs a registered provider over every customer of the tenant (batches of 500), keeping its valid answers. */
  async refresh(providerName: string): Promise<RatingRefreshResultDto> {
    const name = providerName.trim().toLowerCase();
    const provider = this.registry.get(name);
    if (!provider) {
      const known = this.registry.names();
      throw new ValidationFailed([
        {
          field: 'provider',
          message: `no rating provider named ${JSON.stringify(name)} is registered on this instance (registered: ${known.length ? known.join(', ') : 'none'})`,
        },
      ]);
    }
    const tenantId = this.db.tenantId;
    const today = await this.clock.today(tenantId);
    const customers: RatedCustomer[] = (
      await this.db.dataSource.query(
        `SELECT id, siren, vat_number, name, country::text AS country FROM customer WHERE tenant_id = $1 ORDER BY id`,
        [tenantId],
      )
    ).map((c: { id: string; siren: string | null; vat_number: string | null; name: string; country: string }) => ({
      id: c.id,
      siren: c.siren,
      vatNumber: c.vat_number,
      name: c.name,
      country: c.country.trim(),
    }));
    const known = new Set(customers.map((c) => c.id));
    const rows: RawRow[] = [];
    for (let i = 0; i < customers.length; i += 500) {
      const answers = await provider.fetch(customers.slice(i, i + 500), { tenantId, today });
      for (const a of answers) {
        // A connector may only rate the customers it was given.
        if (!known.has(a.customerId)) continue;
        rows.push({ ...a, provider: provider.name });
      }
    }
    if (!rows.length)
      return {
        provider: provider.name,
        customers: customers.length,
        dryRun: false,
        counts: { received: 0, created: 0, updated: 0, unchanged: 0, failed: 0 },
        newLegalEvents: 0,
        errors: [],
      };
    const out = await this.run((tx) => this.ingest(tx, rows, { source: 'provider', partial: true, dryRun: false }));
    this.logger.log({ tenantId, provider: provider.name, ...out.counts }, 'Ratings refreshed');
    return { provider: provider.name, customers: customers.length, ...strip(out) };
  }

  async listForCustomer(customerId: string, q: ExternalRatingQuery): Promise<Page<ExternalRatingDto>> {
    return this.db.transaction(async (tx) => {
      const customer = await tx.repo(Customer).get(customerId);
      assertInPortfolio(customer);
      return this.page(tx, { ...q, customerId } as ExternalRatingQuery);
    });
  }

  async list(q: ExternalRatingQuery): Promise<Page<ExternalRatingDto>> {
    return this.db.transaction((tx) => this.page(tx, q));
  }

  private async page(tx: TenantTx, q: ExternalRatingQuery): Promise<Page<ExternalRatingDto>> {
    const params: unknown[] = [tx.tenantId];
    const where: string[] = ['r.tenant_id = $1'];
    const add = (sql: (i: number) => string, value: unknown) => {
      params.push(value);
      where.push(sql(params.length));
    };
    if (q.customerId) add((i) => `r.customer_id = $${i}`, q.customerId);
    if (q.provider) add((i) => `r.provider = $${i}`, q.provider.trim().toLowerCase());
    if (q.source) add((i) => `r.source = $${i}`, q.source);
    if (q.from) add((i) => `r.rated_on >= $${i}::date`, q.from);
    if (q.legalEvent === true) where.push('r.legal_event IS NOT NULL');
    if (q.legalEvent === false) where.push('r.legal_event IS NULL');
    if (q.q) add((i) => `(c.name ILIKE $${i} OR c.external_ref ILIKE $${i})`, containsPattern(q.q));
    const portfolio = portfolioSql('r.customer_id', params.length + 1);
    params.push(...portfolio.params);
    const from = `FROM external_rating r JOIN customer c ON c.id = r.customer_id AND c.tenant_id = r.tenant_id
                 WHERE ${where.join(' AND ')}${portfolio.sql}`;
    const [{ total }] = await tx.manager.query(`SELECT count(*)::int AS total ${from}`, params);
    const rows: RatingRow[] = await tx.manager.query(
      `SELECT ${RATING_COLUMNS} ${from}
        ORDER BY r.rated_on DESC, r.created_at DESC, r.id
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, q.pageSize, (q.page - 1) * q.pageSize],
    );
    return toPage(rows.map(toDto), total, q);
  }

  private async one(tx: TenantTx, id: string): Promise<ExternalRatingDto> {
    const [row]: RatingRow[] = await tx.manager.query(
      `SELECT ${RATING_COLUMNS} FROM external_rating r JOIN customer c ON c.id = r.customer_id AND c.tenant_id = r.tenant_id
        WHERE r.tenant_id = $1 AND r.id = $2`,
      [tx.tenantId, id],
    );
    if (!row) throw new NotFoundError('External rating', id);
    return toDto(row);
  }

  /** Runs an ingestion in one transaction; a dry run is rolled back and answered with what it would do. */
  private async run(fn: (tx: TenantTx) => Promise<IngestResult>): Promise<IngestResult> {
    try {
      return await this.db.transaction(async (tx) => {
        const out = await fn(tx);
        if (out.dryRun) throw new DryRunDone(out);
        return out;
      });
    } catch (e) {
      if (e instanceof DryRunDone) return e.result;
      throw e;
    }
  }

  /**
   * Checks the rows, resolves their customers, upserts the valid ones by (customer, provider,
   * ratedOn) and acts on the legal events not seen before. `single`: one manual entry, whose
   * field errors are a 400 (no row numbers).
   */
  private async ingest(tx: TenantTx, raw: RawRow[], options: IngestOptions, single = false): Promise<IngestResult> {
    const { manager: m, tenantId } = tx;
    const today = await this.clock.forTenant(m, tenantId);
    const errors: FieldError[] = [];
    const parsed: ParsedRating[] = [];
    const invalidKeys: Array<{ row: number; key: CustomerKey }> = [];
    raw.forEach((r, i) => {
      const { value, key, errors: e } = checkRatingRow(r, i + 1, today);
      if (value) parsed.push(value);
      else if (key) invalidKeys.push({ row: i + 1, key });
      errors.push(...e);
    });
    const lookup = await lookupCustomers(m, tenantId, [...parsed.map((p) => p.key), ...invalidKeys.map((k) => k.key)]);
    // A row with field errors also learns whether its customer exists.
    for (const k of invalidKeys) {
      const found = lookup.resolve(k.key);
      if (!('id' in found)) errors.push({ row: k.row, field: found.field, message: found.message });
    }
    const valid: ValidRating[] = [];
    const seen = new Map<string, number>();
    for (const p of parsed) {
      const found = lookup.resolve(p.key);
      if (!('id' in found)) {
        errors.push({ row: p.row, field: found.field, message: found.message });
        continue;
      }
      const key = `${found.id}|${p.provider}|${p.ratedOn}`;
      const first = seen.get(key);
      if (first !== undefined) {
        errors.push({
          row: p.row,
          field: 'ratedOn',
          message: `row ${first} already rates this customer by ${p.provider} on ${p.ratedOn}`,
        });
        continue;
      }
      seen.set(key, p.row);
      valid.push({ ...p, customerId: found.id });
    }
    errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
    const failedRows = new Set(errors.map((e) => e.row)).size;
    if (single && errors.length) throw new ValidationFailed(errors.map(({ field, message }) => ({ field, message })));
    if (errors.length && !options.partial && !options.dryRun) throw rowsRejected(errors, raw.length);

    const counts = { received: raw.length, created: 0, updated: 0, unchanged: 0, failed: failedRows };
    const toWrite = errors.length && !options.partial ? [] : valid;
    const written = await this.upsert(m, tenantId, toWrite, options.source, currentUserId());
    for (const w of written) counts[w.created ? 'created' : 'updated']++;
    counts.unchanged = toWrite.length - written.length;
    if (errors.length && !options.partial) counts.failed = failedRows; // dry run of a batch that would be rejected

    let newLegalEvents = 0;
    if (!options.dryRun) {
      newLegalEvents = await this.onLegalEvents(m, tenantId, toWrite);
      const changed = [...new Set(written.map((w) => w.customerId))];
      if (changed.length) await this.scores.refresh(m, tenantId, changed);
    } else {
      newLegalEvents = await this.countNewLegalEvents(m, tenantId, toWrite);
    }
    return { dryRun: options.dryRun, counts, newLegalEvents, errors: rowErrors(errors), valid: toWrite };
  }

  /** Multi-row upsert; rows whose values did not change are left alone (and not returned). */
  private async upsert(
    m: EntityManager,
    tenantId: string,
    rows: ValidRating[],
    source: RatingSource,
    userId: string | null,
  ): Promise<Array<{ id: string; customerId: string; created: boolean }>> {
    const out: Array<{ id: string; customerId: string; created: boolean }> = [];
    for (let i = 0; i < rows.length; i += 5000) {
      const batch = rows.slice(i, i + 5000);
      const returned: Array<{ id: string; customer_id: string; created: boolean }> = await m.query(
        `INSERT INTO external_rating AS e (tenant_id, customer_id, provider, rated_on, score, scale_max, recommended_limit, currency,
                                           legal_event, legal_event_date, source, comment, created_by_id)
         SELECT $1, r.customer_id, r.provider, r.rated_on, r.score, r.scale_max, r.recommended_limit, r.currency,
                r.legal_event, r.legal_event_date, $3, r.comment, $4
           FROM jsonb_to_recordset($2::jsonb) AS r(customer_id uuid, provider text, rated_on date, score numeric,
                scale_max numeric, recommended_limit numeric, currency text, legal_event text, legal_event_date date, comment text)
         ON CONFLICT (tenant_id, customer_id, provider, rated_on) DO UPDATE
            SET score = EXCLUDED.score, scale_max = EXCLUDED.scale_max, recommended_limit = EXCLUDED.recommended_limit,
                currency = EXCLUDED.currency, legal_event = EXCLUDED.legal_event, legal_event_date = EXCLUDED.legal_event_date,
                comment = EXCLUDED.comment, source = EXCLUDED.source, updated_at = now()
          WHERE (e.score, e.scale_max, e.recommended_limit, e.currency, e.legal_event, e.legal_event_date, e.comment)
                IS DISTINCT FROM
                (EXCLUDED.score, EXCLUDED.scale_max, EXCLUDED.recommended_limit, EXCLUDED.currency, EXCLUDED.legal_event,
                 EXCLUDED.legal_event_date, EXCLUDED.comment)
         RETURNING e.id, e.customer_id, (e.xmax = 0) AS created`,
        [
          tenantId,
          JSON.stringify(
            batch.map((r) => ({
              customer_id: r.customerId,
              provider: r.provider,
              rated_on: r.ratedOn,
              score: r.score,
              scale_max: r.scaleMax,
              recommended_limit: r.recommendedLimit,
              currency: r.currency,
              legal_event: r.legalEvent,
              legal_event_date: r.legalEventDate,
              comment: r.comment,
            })),
          ),
          source,
          userId,
        ],
      );
      for (const r of returned) out.push({ id: r.id, customerId: r.customer_id, created: r.created });
    }
    return out;
  }

  private legalAlerts(rows: ValidRating[], names: Map<string, { ref: string; name: string }>) {
    const alerts: Array<NewRiskAlert & { rating: ParsedRating & { customerId: string } }> = [];
    const keys = new Set<string>();
    for (const r of rows) {
      if (!r.legalEvent) continue;
      const dedupeKey = `${r.customerId}:${r.provider}:${r.legalEvent}`;
      if (keys.has(dedupeKey)) continue;
      keys.add(dedupeKey);
      const who = names.get(r.customerId);
      alerts.push({
        type: 'legal_event',
        customerId: r.customerId,
        severity: 'critical',
        message: `${who?.name ?? 'Customer'} (${who?.ref ?? r.customerId}): ${LEGAL_EVENT_LABELS[r.legalEvent]} reported by ${r.provider}${r.legalEventDate ? ` on ${r.legalEventDate}` : ''}`,
        data: {
          legalEvent: r.legalEvent,
          legalEventDate: r.legalEventDate,
          provider: r.provider,
          ratedOn: r.ratedOn,
          customerRef: who?.ref ?? null,
          customerName: who?.name ?? null,
        },
        dedupeKey,
        rating: r,
      });
    }
    return alerts;
  }

  private async customerNames(
    m: EntityManager,
    tenantId: string,
    ids: string[],
  ): Promise<Map<string, { ref: string; name: string }>> {
    if (!ids.length) return new Map();
    const rows: Array<{ id: string; external_ref: string; name: string }> = await m.query(
      `SELECT id, external_ref, name FROM customer WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
      [tenantId, ids],
    );
    return new Map(rows.map((r) => [r.id, { ref: r.external_ref, name: r.name }]));
  }

  /**
   * A (customer, provider, proceeding) not known before: critical alert, timeline entry and
   * `customer.legal_event`, all keyed by that triple so a replay or a later rating repeating the
   * same proceeding raises nothing. Returns how many were new.
   */
  private async onLegalEvents(m: EntityManager, tenantId: string, rows: ValidRating[]): Promise<number> {
    const withEvent = rows.filter((r) => r.legalEvent);
    if (!withEvent.length) return 0;
    const names = await this.customerNames(m, tenantId, [...new Set(withEvent.map((r) => r.customerId))]);
    const alerts = this.legalAlerts(withEvent, names);
    const created = await this.alerts.raise(m, tenantId, alerts);
    const fresh = alerts.filter((a) => created.has(a.dedupeKey));
    if (!fresh.length) return 0;
    await this.timeline.recordMany(
      m,
      tenantId,
      fresh.map((a) => ({
        customerId: a.rating.customerId,
        type: 'scoring.legal_event',
        title: `Collective proceeding: ${LEGAL_EVENT_LABELS[a.rating.legalEvent!]} (${a.rating.provider})`,
        body: a.rating.comment,
        data: a.data,
        source: 'scoring',
        authorId: currentUserId(),
        dedupeKey: a.dedupeKey,
      })),
    );
    await this.events.publishMany(
      m,
      tenantId,
      fresh.map((a) => ({
        type: LEGAL_EVENT_TYPE,
        payload: {
          customerId: a.rating.customerId,
          customerRef: names.get(a.rating.customerId)?.ref ?? null,
          customerName: names.get(a.rating.customerId)?.name ?? null,
          legalEvent: a.rating.legalEvent,
          legalEventDate: a.rating.legalEventDate,
          provider: a.rating.provider,
          ratedOn: a.rating.ratedOn,
        },
        dedupeKey: a.dedupeKey,
      })),
    );
    return fresh.length;
  }

  /** Dry run: how many legal events would be new (their alert does not exist yet). */
  private async countNewLegalEvents(m: EntityManager, tenantId: string, rows: ValidRating[]): Promise<number> {
    const keys = [...new Set(rows.filter((r) => r.legalEvent).map((r) => `${r.customerId}:${r.provider}:${r.legalEvent}`))];
    if (!keys.length) return 0;
    const [{ known }] = await m.query(
      `SELECT count(*)::int AS known FROM risk_alert WHERE tenant_id = $1 AND type = 'legal_event' AND dedupe_key = ANY($2::text[])`,
      [tenantId, keys],
    );
    return keys.length - known;
  }
}

function strip(out: IngestResult): RatingImportResultDto {
  return { dryRun: out.dryRun, counts: out.counts, newLegalEvents: out.newLegalEvents, errors: out.errors };
}
