import { Injectable } from '@nestjs/common';
import { isUuid, NotFoundError, TenantDb, toPage, ValidationFailed, type Page, type PageQuery } from '@encours/api-core';
import { assertInPortfolio, money, portfolioSql } from '@encours/receivables';
import type {
  InvoicePredictionDto,
  OpenInvoicePredictionDto,
  PredictionModelDto,
  PredictionMetricsDto,
  PredictionQuery,
} from './prediction.dto.js';

interface PredictionRow {
  invoice_id: string;
  number: string;
  customer_id: string;
  customer_name: string;
  issue_date: string;
  due_date: string;
  open_amount: string;
  currency: string;
  predicted_date: string;
  predicted_days_late: number;
  late_probability: string;
  basis: InvoicePredictionDto['basis'];
  model_id: string | null;
  computed_at: Date;
}

const PREDICTION_COLUMNS = `i.id::text AS invoice_id, i.number, i.customer_id::text AS customer_id, c.name AS customer_name,
  i.issue_date::text AS issue_date, i.due_date::text AS due_date, i.open_amount::text AS open_amount,
  trim(i.currency) AS currency, p.predicted_date::text AS predicted_date, p.predicted_days_late,
  p.late_probability::text AS late_probability, p.basis, p.model_id::text AS model_id, p.computed_at`;
const OPEN = `i.kind = 'invoice' AND i.status IN ('open', 'partially_paid') AND i.open_amount > 0`;

function toDto(r: PredictionRow): InvoicePredictionDto {
  return {
    invoiceId: r.invoice_id,
    number: r.number,
    customerId: r.customer_id,
    customerName: r.customer_name,
    issueDate: r.issue_date,
    dueDate: r.due_date,
    openAmount: money(r.open_amount, r.currency)!,
    currency: r.currency,
    predictedDate: r.predicted_date,
    predictedDaysLate: r.predicted_days_late,
    lateProbability: Number(r.late_probability),
    basis: r.basis,
    modelId: r.model_id,
    computedAt: r.computed_at.toISOString(),
  };
}

/** Reads of the predictions (invoice, customer, cash planning) and of the latest model, for the API. */
@Injectable()
export class PredictionReadService {
  constructor(private readonly db: TenantDb) {}

  private query<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.db.dataSource.query(sql, params);
  }

  async forInvoice(id: string): Promise<InvoicePredictionDto> {
    const t = this.db.tenantId;
    const [item] = isUuid(id)
      ? await this.query<{ id: string; kind: string; customer_id: string; salesperson_id: string | null }>(
          `SELECT i.id, i.kind, i.customer_id, c.salesperson_id FROM receivable_item i JOIN customer c ON c.id = i.customer_id
            WHERE i.tenant_id = $1 AND i.id = $2`,
          [t, id],
        )
      : [];
    if (!item || item.kind !== 'invoice') throw new NotFoundError('Invoice', id);
    assertInPortfolio({ id: item.customer_id, salespersonId: item.salesperson_id });
    const [row] = await this.query<PredictionRow>(
      `SELECT ${PREDICTION_COLUMNS}
         FROM invoice_prediction p
         JOIN receivable_item i ON i.id = p.item_id AND i.tenant_id = p.tenant_id
         JOIN customer c ON c.id = i.customer_id
        WHERE p.tenant_id = $1 AND p.item_id = $2 AND ${OPEN}`,
      [t, id],
    );
    if (!row) throw new NotFoundError(`Prediction of invoice ${id} (not open, or not predicted yet)`);
    return toDto(row);
  }

  async forCustomer(customerId: string, q: PageQuery): Promise<Page<OpenInvoicePredictionDto>> {
    const t = this.db.tenantId;
    const [customer] = isUuid(customerId)
      ? await this.query<{ id: string; salespersonId: string | null }>(
          `SELECT id, salesperson_id AS "salespersonId" FROM customer WHERE tenant_id = $1 AND id = $2`,
          [t, customerId],
        )
      : [];
    if (!customer) throw new NotFoundError('Customer', customerId);
    assertInPortfolio(customer);
    const rows = await this.query<
      Omit<PredictionRow, 'predicted_date' | 'predicted_days_late' | 'late_probability' | 'basis' | 'computed_at'> & {
        predicted_date: string | null;
        predicted_days_late: number | null;
        late_probability: string | null;
        basis: OpenInvoicePredictionDto['basis'];
        computed_at: Date | null;
        total: number;
      }
    >(
      `SELECT i.id::text AS invoice_id, i.number, i.issue_date::text AS issue_date, i.due_date::text AS due_date,
              i.open_amount::text AS open_amount, trim(i.currency) AS currency, p.predicted_date::text AS predicted_date,
              p.predicted_days_late, p.late_probability::text AS late_probability, p.basis, p.computed_at,
              count(*) OVER ()::int AS total
         FROM receivable_item i
         LEFT JOIN invoice_prediction p ON p.tenant_id = i.tenant_id AND p.item_id = i.id
        WHERE i.tenant_id = $1 AND i.customer_id = $2 AND ${OPEN}
        ORDER BY p.predicted_date NULLS LAST, i.due_date, i.number, i.id
        LIMIT $3 OFFSET $4`,
      [t, customer.id, q.pageSize, (q.page - 1) * q.pageSize],
    );
    const total = rows[0]?.total ?? (await this.countOpen(customer.id));
    return toPage(
      rows.map((r) => ({
        invoiceId: r.invoice_id,
        number: r.number,
        issueDate: r.issue_date,
        dueDate: r.due_date,
        openAmount: money(r.open_amount, r.currency)!,
        currency: r.currency,
        predictedDate: r.predicted_date,
        predictedDaysLate: r.predicted_days_late,
        lateProbability: r.late_probability === null ? null : Number(r.late_probability),
        basis: r.basis,
        computedAt: r.computed_at?.toISOString() ?? null,
      })),
      total,
      q,
    );
  }

  private async countOpen(customerId: string): Promise<number> {
    const [{ n }] = await this.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM receivable_item i WHERE i.tenant_id = $1 AND i.customer_id = $2 AND ${OPEN}`,
      [this.db.tenantId, customerId],
    );
    return n;
  }

  /** Open invoices by predicted payment date (cash planning). */
  async list(q: PredictionQuery): Promise<Page<InvoicePredictionDto>> {
    if (q.from && q.to && q.from > q.to)
      throw new ValidationFailed([{ field: 'from', message: `from (${q.from}) must not be after to (${q.to})` }]);
    const params: unknown[] = [this.db.tenantId];
    let filter = '';
    const add = (sql: string, value: unknown) => {
      params.push(value);
      filter += ` AND ${sql.replace('?', `$${params.length}`)}`;
    };
    if (q.from) add('p.predicted_date >= ?::date', q.from);
    if (q.to) add('p.predicted_date <= ?::date', q.to);
    if (q.lateProbabilityMin !== undefined) add('p.late_probability >= ?::numeric', String(q.lateProbabilityMin));
    if (q.customerId) add('p.customer_id = ?::uuid', q.customerId);
    if (q.currency) add('i.currency = ?', q.currency);
    const portfolio = portfolioSql('p.customer_id', params.length + 1);
    params.push(...portfolio.params);
    const base = `FROM invoice_prediction p
         JOIN receivable_item i ON i.id = p.item_id AND i.tenant_id = p.tenant_id
         JOIN customer c ON c.id = i.customer_id
        WHERE p.tenant_id = $1 AND ${OPEN} ${filter}${portfolio.sql}`;
    const [{ total }] = await this.query<{ total: number }>(`SELECT count(*)::int AS total ${base}`, params);
    const rows = await this.query<PredictionRow>(
      `SELECT ${PREDICTION_COLUMNS} ${base}
        ORDER BY p.predicted_date, i.due_date, i.number, i.id
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, q.pageSize, (q.page - 1) * q.pageSize],
    );
    return toPage(rows.map(toDto), total, q);
  }

  async latestModel(): Promise<PredictionModelDto> {
    const t = this.db.tenantId;
    // The summary is read from the stored JSON in SQL: the customer levels (large) never leave the database.
    const [row] = await this.query<{
      id: string;
      trained_at: Date;
      training_count: number;
      metrics: PredictionMetricsDto;
      hyper: Record<string, number>;
      coefficients: Record<string, number>;
      global_level: number;
      residual_sd: number;
      segments: number;
      customers: number;
    }>(
      `SELECT id::text AS id, trained_at, training_count, metrics, params #> '{model,params}' AS hyper,
              params #> '{model,coefficients}' AS coefficients, (params #>> '{model,globalLevel}')::float8 AS global_level,
              (params #>> '{model,residualSd}')::float8 AS residual_sd,
              (SELECT count(*)::int FROM jsonb_object_keys(params #> '{model,segmentLevels}')) AS segments,
              (SELECT count(*)::int FROM jsonb_object_keys(params #> '{model,customerLevels}')) AS customers
         FROM prediction_model WHERE tenant_id = $1 ORDER BY trained_at DESC, created_at DESC LIMIT 1`,
      [t],
    );
    if (!row) throw new NotFoundError('Prediction model (none trained yet: POST /api/v1/scoring/prediction-model/train)');
    const [{ n }] = await this.query<{ n: number }>(`SELECT count(*)::int AS n FROM invoice_prediction WHERE tenant_id = $1`, [
      t,
    ]);
    const r2 = (x: number | undefined) => Math.round((x ?? 0) * 100) / 100;
    return {
      id: row.id,
      trainedAt: row.trained_at.toISOString(),
      trainingCount: row.training_count,
      metrics: row.metrics,
      model: {
        halfLifeInvoices: row.hyper.halfLifeInvoices,
        customerShrinkage: row.hyper.customerShrinkage,
        segmentShrinkage: row.hyper.segmentShrinkage,
        disputedDays: r2(row.coefficients.disputed),
        logAmountDays: r2(row.coefficients.logAmount),
        globalLevelDays: r2(row.global_level),
        residualSdDays: r2(row.residual_sd),
        segments: row.segments,
        customers: row.customers,
      },
      predictedInvoices: n,
    };
  }
}
