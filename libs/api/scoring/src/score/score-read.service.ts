import { Injectable } from '@nestjs/common';
import { containsPattern, TenantDb, TenantToday, toPage, ValidationFailed, type Page, type TenantTx } from '@encours/api-core';
import { explainScore, fromMinor, SCORE_GRADES, type ScoreFactor, type ScoreGrade } from '@encours/domain';
import { assertInPortfolio, convertMinor, Customer, minorOf, portfolioOwner } from '@encours/receivables';
import type {
  CustomerScoreDto,
  GradeDistributionDto,
  ScoredCustomerDto,
  ScoreFactorDto,
  ScoreHistoryPointDto,
  ScoreHistoryQuery,
  ScoreListQuery,
} from './score.dto.js';
import { ScoreService } from './score.service.js';

interface ScoreRow {
  score: number;
  grade: ScoreGrade;
  forced_by: string | null;
  computed_at: Date;
  factors: ScoreFactor[];
}

/** Forcing entry first, then available factors by impact (largest first), then the unavailable ones. */
export function sortFactors(factors: ScoreFactor[]): ScoreFactor[] {
  return [...factors].sort(
    (a, b) =>
      Number(b.key === 'legalEvent') - Number(a.key === 'legalEvent') ||
      Number(b.available) - Number(a.available) ||
      b.impact - a.impact,
  );
}

function factorDto(f: ScoreFactor): ScoreFactorDto {
  return {
    key: f.key,
    value: f.value,
    points: f.points,
    weight: f.weight,
    contribution: f.contribution,
    impact: f.impact,
    available: f.available,
    detail: f.detail ?? null,
  };
}

function topFactors(factors: ScoreFactor[] | null): string[] {
  if (!factors) return [];
  return sortFactors(factors)
    .filter((f) => f.available && (f.key === 'legalEvent' || f.impact > 0))
    .slice(0, 3)
    .map((f) => f.key);
}

const ORDER: Record<string, string> = {
  score: 's.score ASC NULLS LAST',
  '-score': 's.score DESC NULLS LAST',
  name: 'c.name ASC',
  '-name': 'c.name DESC',
};

/** What the scoring routes read: one customer's score and history, the list, the grade distribution. */
@Injectable()
export class ScoreReadService {
  constructor(
    private readonly db: TenantDb,
    private readonly clock: TenantToday,
    private readonly scores: ScoreService,
  ) {}

  /** The customer, if the caller may see it (sales: their portfolio); 404 otherwise. */
  private async customer(tx: TenantTx, id: string): Promise<Customer> {
    const customer = await tx.repo(Customer).get(id);
    assertInPortfolio(customer);
    return customer;
  }

  private async row(tx: TenantTx, customerId: string): Promise<ScoreRow | undefined> {
    const [row]: ScoreRow[] = await tx.manager.query(
      `SELECT score, grade::text AS grade, forced_by, computed_at, factors FROM customer_score WHERE tenant_id = $1 AND customer_id = $2`,
      [tx.tenantId, customerId],
    );
    return row;
  }

  /** The stored score; computed (and stored) first when the customer was never scored. */
  async current(customerId: string): Promise<CustomerScoreDto> {
    return this.db.transaction(async (tx) => {
      const customer = await this.customer(tx, customerId);
      let row = await this.row(tx, customer.id);
      if (!row) {
        await this.scores.refresh(tx.manager, tx.tenantId, [customer.id]);
        row = await this.row(tx, customer.id);
      }
      if (!row) throw new Error(`Customer ${customer.id} could not be scored`);
      const factors = sortFactors(row.factors);
      return {
        customerId: customer.id,
        customerName: customer.name,
        score: row.score,
        grade: row.grade,
        forcedBy: row.forced_by,
        computedAt: new Date(row.computed_at).toISOString(),
        explanation: explainScore({
          score: row.score,
          grade: row.grade,
          forcedBy: row.forced_by === 'legal_event' ? 'legal_event' : null,
          factors,
        }),
        factors: factors.map(factorDto),
      };
    });
  }

  async history(customerId: string, q: ScoreHistoryQuery): Promise<ScoreHistoryPointDto[]> {
    if (q.from && q.to && q.from > q.to)
      throw new ValidationFailed([{ field: 'from', message: `from (${q.from}) must not be after to (${q.to})`, code: 'range' }]);
    return this.db.transaction(async (tx) => {
      const customer = await this.customer(tx, customerId);
      return tx.manager.query(
        `SELECT day::text AS day, score, grade::text AS grade FROM customer_score_history
          WHERE tenant_id = $1 AND customer_id = $2 AND ($3::date IS NULL OR day >= $3::date) AND ($4::date IS NULL OR day <= $4::date)
          ORDER BY day`,
        [tx.tenantId, customer.id, q.from ?? null, q.to ?? null],
      );
    });
  }

  async list(q: ScoreListQuery): Promise<Page<ScoredCustomerDto>> {
    const params: unknown[] = [this.db.tenantId];
    let where = 'c.tenant_id = $1';
    if (q.grade?.length) {
      params.push(q.grade);
      where += ` AND s.grade = ANY ($${params.length}::text[])`;
    }
    if (q.q) {
      params.push(containsPattern(q.q));
      where += ` AND (c.name ILIKE $${params.length} OR c.external_ref ILIKE $${params.length})`;
    }
    const owner = portfolioOwner();
    if (owner) {
      params.push(owner);
      where += ` AND c.salesperson_id = $${params.length}`;
    }
    const from = `FROM customer c LEFT JOIN customer_score s ON s.tenant_id = c.tenant_id AND s.customer_id = c.id WHERE ${where}`;
    const [{ total }]: Array<{ total: number }> = await this.db.dataSource.query(`SELECT count(*)::int AS total ${from}`, params);
    const rows: Array<{
      id: string;
      name: string;
      external_ref: string;
      score: number | null;
      grade: ScoreGrade | null;
      forced_by: string | null;
      computed_at: Date | null;
      factors: ScoreFactor[] | null;
    }> = await this.db.dataSource.query(
      `SELECT c.id, c.name::text AS name, c.external_ref::text AS external_ref, s.score, s.grade::text AS grade,
              s.forced_by::text AS forced_by, s.computed_at, s.factors
         ${from}
        ORDER BY ${ORDER[q.sort ?? 'score'] ?? ORDER.score}, c.name, c.id
        LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`,
      params,
    );
    return toPage(
      rows.map((r) => ({
        customerId: r.id,
        customerName: r.name,
        externalRef: r.external_ref,
        score: r.score,
        grade: r.grade,
        forcedBy: r.forced_by,
        computedAt: r.computed_at ? new Date(r.computed_at).toISOString() : null,
        topFactors: topFactors(r.factors),
      })),
      total,
      q,
    );
  }

  /**
   * Customers and their open receivables per grade (and not scored yet), amounts converted to the
   * tenant currency at the latest rate on or before today (items without a rate left out, listed).
   */
  async distribution(): Promise<GradeDistributionDto> {
    const tenantId = this.db.tenantId;
    const m = this.db.dataSource.manager;
    const [tenant]: Array<{ currency: string }> = await m.query(
      `SELECT default_currency::text AS currency FROM tenant WHERE id = $1`,
      [tenantId],
    );
    const target = tenant.currency.trim();
    const asOf = await this.clock.forTenant(m, tenantId);
    const owner = portfolioOwner();
    const params: unknown[] = owner ? [tenantId, owner] : [tenantId];
    const mine = owner ? ' AND c.salesperson_id = $2' : '';
    const counts: Array<{ grade: ScoreGrade | null; n: number }> = await m.query(
      `SELECT s.grade::text AS grade, count(*)::int AS n
         FROM customer c LEFT JOIN customer_score s ON s.tenant_id = c.tenant_id AND s.customer_id = c.id
        WHERE c.tenant_id = $1${mine} GROUP BY 1`,
      params,
    );
    const amounts: Array<{ grade: ScoreGrade | null; currency: string; amount: string }> = await m.query(
      `SELECT s.grade::text AS grade, i.currency::text AS currency,
              sum(CASE WHEN i.kind = 'invoice' THEN i.open_amount ELSE -i.open_amount END)::text AS amount
         FROM receivable_item i
         JOIN customer c ON c.tenant_id = i.tenant_id AND c.id = i.customer_id
         LEFT JOIN customer_score s ON s.tenant_id = i.tenant_id AND s.customer_id = i.customer_id
        WHERE i.tenant_id = $1 AND i.status IN ('open', 'partially_paid')${mine}
        GROUP BY 1, 2`,
      params,
    );
    const foreign = [...new Set(amounts.map((a) => a.currency.trim()).filter((c) => c !== target))];
    const rates = new Map<string, string>();
    if (foreign.length) {
      const found: Array<{ f: string; rate: string }> = await m.query(
        `SELECT p.f, r.rate::text AS rate
           FROM unnest($2::text[]) AS p(f)
           CROSS JOIN LATERAL (SELECT rate FROM exchange_rate
                                WHERE tenant_id = $1 AND from_currency = p.f AND to_currency = $3 AND date <= $4::date
                                ORDER BY date DESC LIMIT 1) r`,
        [tenantId, foreign, target, asOf],
      );
      for (const f of found) rates.set(f.f.trim(), f.rate);
    }
    const missing = new Set<string>();
    const sums = new Map<string, bigint>();
    for (const a of amounts) {
      const cur = a.currency.trim();
      const rate = cur === target ? '1' : (rates.get(cur) ?? null);
      if (rate === null) {
        missing.add(cur);
        continue;
      }
      const key = a.grade ?? '';
      sums.set(key, (sums.get(key) ?? 0n) + convertMinor(minorOf(a.amount, cur), cur, target, rate));
    }
    const n = new Map(counts.map((c) => [c.grade ?? '', c.n]));
    return {
      currency: target,
      asOf,
      grades: SCORE_GRADES.map((grade) => ({
        grade,
        customers: n.get(grade) ?? 0,
        openReceivables: fromMinor(sums.get(grade) ?? 0n, target),
      })),
      unscored: { customers: n.get('') ?? 0, openReceivables: fromMinor(sums.get('') ?? 0n, target) },
      missingRates: [...missing].sort(),
    };
  }
}
