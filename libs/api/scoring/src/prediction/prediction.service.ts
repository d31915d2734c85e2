import { Injectable, Logger } from '@nestjs/common';
import { TenantToday } from '@encours/api-core';
import {
  DEFAULT_PREDICTION_PARAMS,
  evaluatePrediction,
  parsePaymentModel,
  predictOpenInvoice,
  refreshCustomerLevels,
  serializePaymentModel,
  trainPaymentModel,
  type CalendarDate,
  type PaymentModel,
  type SettledInvoiceObservation,
} from '@encours/domain';
import { DataSource, type EntityManager } from 'typeorm';

/** Settled invoices learnt from: those settled in the last HISTORY_DAYS, at most HISTORY_PER_CUSTOMER per customer. */
export const HISTORY_DAYS = 730;
/** With the recency half-life of 8 invoices, the 60th invoice back weighs 0.5 %: older ones change nothing. */
export const HISTORY_PER_CUSTOMER = 60;
/** A hold-out is measured from this many settled invoices on (fewer: metrics are null). */
export const MIN_HOLD_OUT_HISTORY = 10;
/** Share of the latest settlements held out to measure the model. */
export const HOLD_OUT_SHARE = 0.2;
/** Models kept per tenant (the latest ones; older rows are deleted at each training). */
export const MODELS_KEPT = 30;
/**
 * A new settlement is noticed by its allocation's `created_at` after the model's cursor, taken this long before
 * the training's snapshot so that allocations committed late by long transactions (imports) are not missed.
 */
const CURSOR_MARGIN = '1 hour';
const BATCH = 5000;

/** Hold-out figures of a training (`evaluatePrediction` with the tenant's data, as `npm run eval:prediction`). */
export interface PredictionMetrics {
  /** Learn from invoices settled before the cut-off, test on those issued on or after it (≈ the latest 20 %). */
  cutoff: CalendarDate | null;
  trainCount: number;
  testCount: number;
  /** Mean absolute error of the predicted settlement date in days: the model and three baselines. */
  maeDays: { model: number; dueDate: number; customerMean: number; customerMedian: number } | null;
  /** Share of test invoices correctly classified late / on time: the model and the customer-majority baseline. */
  lateAccuracy: { model: number; customerMajority: number } | null;
  /** Share of the settled invoices learnt from that were paid after their due date. */
  lateShare: number | null;
}

export interface TrainedModel {
  id: string;
  trainedAt: Date;
  trainingCount: number;
  metrics: PredictionMetrics;
}

export interface PredictionCounts {
  /** Open invoices predicted. */
  predicted: number;
  /**
   * Predictions inserted or changed. A prediction whose date, days late, probability and basis are unchanged is
   * left as it is (its computedAt and modelId are those of the run that set these values): most rows of a nightly
   * run, and a third of the cost of rewriting them.
   */
  written: number;
  /** Prediction rows removed because their invoice is no longer open. */
  deleted: number;
  /** Customers whose level was learnt again from settlements newer than the model. */
  refreshedCustomers: number;
}

/** What is stored in prediction_model.params: enough to predict without training again. */
interface StoredParams {
  version: 1;
  model: Record<string, unknown>;
  /** Allocations created after this instant (database time) are settlements the model has not seen. */
  settlementCursor: string;
  history: { days: number; perCustomer: number; segment: string };
}

interface HistoryRow {
  customer_id: string;
  segment: string;
  issue_date: string;
  due_date: string;
  amount: string;
  disputed: boolean;
  settled_date: string;
}

interface OpenRow {
  id: string;
  customer_id: string;
  segment: string;
  issue_date: string;
  due_date: string;
  amount: string;
  disputed: boolean;
}

/** The customer's segment for the model: its segment, else its country (`country:FR`). */
const SEGMENT_SQL = `coalesce(nullif(c.segment, ''), 'country:' || c.country)`;
const OPEN_ITEM_SQL = `i.kind = 'invoice' AND i.status IN ('open', 'partially_paid') AND i.open_amount > 0`;

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Payment-date predictions of a tenant's open invoices, learnt from its own settled invoices (model:
 * libs/shared/domain/src/scoring/prediction.ts).
 * - `train`: reads the settled history (paid invoices, settlement date = their last allocation's date), measures
 *   the model on a time-based hold-out, fits it on everything and stores it (prediction_model).
 * - `predict`: writes invoice_prediction for the open invoices (streamed by a cursor; bulk upserts that skip the
 *   unchanged predictions) and deletes the rows of invoices no longer open. Customers with settlements newer than
 *   the model get their level learnt again first (`refreshCustomerLevels`), so a payment shows in their other
 *   invoices' predictions before the next training.
 * - `refresh`: the 15-minute pass: invoices created or changed since the model, and the customers with new
 *   settlements.
 * With no settled invoice at all, every open invoice is predicted on its due date (late probability 0.5, 1 once
 * past due), basis `due_date`; a few settled invoices give tenant-wide (`global`) and segment levels.
 */
@Injectable()
export class PredictionService {
  private readonly logger = new Logger('Predictions');

  constructor(
    private readonly dataSource: DataSource,
    private readonly today: TenantToday,
  ) {}

  /** Learns the model from the tenant's settled invoices and stores it (no prediction written). */
  train(tenantId: string): Promise<TrainedModel> {
    return this.dataSource.transaction('REPEATABLE READ', (m) => this.trainIn(m, tenantId));
  }

  /** Predicts the open invoices of these customers (every customer: null) with the latest model. */
  predict(tenantId: string, customerIds: string[] | null): Promise<PredictionCounts> {
    return this.dataSource.transaction((m) => this.predictIn(m, tenantId, { customerIds }));
  }

  /** Trains, then predicts every open invoice with the new model, in one transaction (the nightly job). */
  trainAndPredict(tenantId: string): Promise<{ model: TrainedModel; predictions: PredictionCounts }> {
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      const model = await this.trainIn(m, tenantId);
      const predictions = await this.predictIn(m, tenantId, { customerIds: null });
      return { model, predictions };
    });
  }

  /**
   * The frequent pass, cheap on a large ledger (no join of every open invoice with its prediction): predicts the
   * open invoices created or changed since the model's cursor (new invoices, new amounts or due dates, disputes...)
   * and those of the customers with settlements newer than the model; deletes the predictions of the invoices
   * changed since the cursor that are no longer open (the nightly run deletes every stale row). Trains and
   * predicts everything if the tenant never was trained.
   */
  refresh(tenantId: string): Promise<PredictionCounts> {
    return this.dataSource.transaction((m) => this.predictIn(m, tenantId, { customerIds: null, onlyChanged: true }));
  }

  // ---------------------------------------------------------------------------------------------------------------

  private async history(m: EntityManager, tenantId: string, asOf: CalendarDate, customerIds: string[] | null) {
    const rows: HistoryRow[] = await m.query(
      `WITH settled AS (
         SELECT a.invoice_id, max(a.date) AS settled_date
           FROM allocation a
          WHERE a.tenant_id = $1 AND ($4::uuid[] IS NULL OR a.invoice_id IN (
                  SELECT id FROM receivable_item WHERE tenant_id = $1 AND customer_id = ANY ($4::uuid[])))
          GROUP BY a.invoice_id
       ), ranked AS (
         SELECT i.id, i.customer_id, ${SEGMENT_SQL} AS segment, i.issue_date, i.due_date, i.amount, i.disputed, s.settled_date,
                row_number() OVER (PARTITION BY i.customer_id ORDER BY s.settled_date DESC, i.issue_date DESC, i.id DESC) AS rn
           FROM receivable_item i
           JOIN settled s ON s.invoice_id = i.id
           JOIN customer c ON c.id = i.customer_id AND c.tenant_id = i.tenant_id
          WHERE i.tenant_id = $1 AND i.kind = 'invoice' AND i.status = 'paid' AND NOT i.settled_outside
            AND s.settled_date <= $2::date AND s.settled_date > $2::date - $3::int
            AND ($4::uuid[] IS NULL OR i.customer_id = ANY ($4::uuid[]))
       )
       SELECT customer_id::text AS customer_id, segment, issue_date::text AS issue_date, due_date::text AS due_date,
              amount::text AS amount, disputed, settled_date::text AS settled_date
         FROM ranked WHERE rn <= $5
        ORDER BY settled_date, customer_id, issue_date, id`,
      [tenantId, asOf, HISTORY_DAYS, customerIds, HISTORY_PER_CUSTOMER],
    );
    // One string per customer / segment (the history can be large).
    const names = new Map<string, string>();
    const intern = (s: string) => names.get(s) ?? (names.set(s, s), s);
    return rows.map((r): SettledInvoiceObservation => ({
      customerId: intern(r.customer_id),
      segment: intern(r.segment),
      issueDate: r.issue_date,
      dueDate: r.due_date,
      amount: r.amount,
      disputed: r.disputed,
      settledDate: r.settled_date,
    }));
  }

  private async trainIn(m: EntityManager, tenantId: string): Promise<TrainedModel> {
    const started = Date.now();
    const asOf = await this.today.forTenant(m, tenantId);
    const trainedAt = this.today.now();
    const [{ cursor }]: Array<{ cursor: string }> = await m.query(`SELECT (now() - $1::interval)::text AS cursor`, [
      CURSOR_MARGIN,
    ]);
    const rows = await this.history(m, tenantId, asOf, null);
    const metrics = this.holdOut(rows);
    const model = trainPaymentModel(rows, { params: DEFAULT_PREDICTION_PARAMS });
    const params: StoredParams = {
      version: 1,
      model: serializePaymentModel(model),
      settlementCursor: cursor,
      history: { days: HISTORY_DAYS, perCustomer: HISTORY_PER_CUSTOMER, segment: 'customer segment, else country:<country>' },
    };
    const [saved]: Array<{ id: string }> = await m.query(
      `INSERT INTO prediction_model (tenant_id, trained_at, training_count, params, metrics) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [tenantId, trainedAt, model.trainCount, params, metrics],
    );
    await m.query(
      `DELETE FROM prediction_model WHERE tenant_id = $1 AND id NOT IN (
         SELECT id FROM prediction_model WHERE tenant_id = $1 ORDER BY trained_at DESC, created_at DESC LIMIT $2)`,
      [tenantId, MODELS_KEPT],
    );
    this.logger.log(
      {
        tenantId,
        trainingCount: model.trainCount,
        customers: Object.keys(model.customerLevels).length,
        ms: Date.now() - started,
      },
      'Payment model trained',
    );
    return { id: saved.id, trainedAt, trainingCount: model.trainCount, metrics };
  }

  /**
   * Time-based hold-out: the cut-off is the issue date before which ~80 % of the settled invoices were issued; the
   * model learns from the invoices settled before it and is measured on those issued on or after it (the latest
   * ~20 %), as `npm run eval:prediction` does. Nothing settled after the cut-off is learnt from.
   */
  private holdOut(rows: SettledInvoiceObservation[]): PredictionMetrics {
    const late = rows.filter((r) => r.settledDate > r.dueDate).length;
    const lateShare = rows.length ? round(late / rows.length, 4) : null;
    const none: PredictionMetrics = {
      cutoff: null,
      trainCount: rows.length,
      testCount: 0,
      maeDays: null,
      lateAccuracy: null,
      lateShare,
    };
    if (rows.length < MIN_HOLD_OUT_HISTORY) return none;
    const issued = rows.map((r) => r.issueDate).sort();
    const cutoff = issued[Math.min(issued.length - 1, Math.floor(issued.length * (1 - HOLD_OUT_SHARE)))];
    const e = evaluatePrediction(rows, cutoff, { params: DEFAULT_PREDICTION_PARAMS });
    if (e.testCount === 0 || e.trainCount === 0) return { ...none, cutoff, trainCount: e.trainCount, testCount: e.testCount };
    return {
      cutoff,
      trainCount: e.trainCount,
      testCount: e.testCount,
      maeDays: {
        model: round(e.mae.model, 2),
        dueDate: round(e.mae.dueDate, 2),
        customerMean: round(e.mae.customerMean, 2),
        customerMedian: round(e.mae.customerMedian, 2),
      },
      lateAccuracy: { model: round(e.accuracy.model, 4), customerMajority: round(e.accuracy.customerMajority, 4) },
      lateShare,
    };
  }

  private async latestModel(
    m: EntityManager,
    tenantId: string,
  ): Promise<{ id: string; model: PaymentModel; cursor: string } | null> {
    const [row]: Array<{ id: string; params: StoredParams }> = await m.query(
      `SELECT id, params FROM prediction_model WHERE tenant_id = $1 ORDER BY trained_at DESC, created_at DESC LIMIT 1`,
      [tenantId],
    );
    if (!row) return null;
    return { id: row.id, model: parsePaymentModel(row.params.model), cursor: row.params.settlementCursor };
  }

  private async predictIn(
    m: EntityManager,
    tenantId: string,
    options: { customerIds: string[] | null; onlyChanged?: boolean },
  ): Promise<PredictionCounts> {
    const started = Date.now();
    const scope = options.customerIds;
    if (scope && scope.length === 0) return { predicted: 0, written: 0, deleted: 0, refreshedCustomers: 0 };
    let latest = await this.latestModel(m, tenantId);
    let onlyChanged = options.onlyChanged ?? false;
    if (!latest) {
      onlyChanged = false;
      await this.trainIn(m, tenantId);
      latest = await this.latestModel(m, tenantId);
      if (!latest) throw new Error('The payment model was not stored');
    }
    const asOf = await this.today.forTenant(m, tenantId);
    const now = this.today.now();

    // Customers with settlements the model has not seen: their level is learnt again from their history.
    const changed: Array<{ customer_id: string }> = await m.query(
      `SELECT DISTINCT i.customer_id::text AS customer_id
         FROM allocation a JOIN receivable_item i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id
        WHERE a.tenant_id = $1 AND a.created_at > $2::timestamptz AND i.status = 'paid' AND NOT i.settled_outside
          AND ($3::uuid[] IS NULL OR i.customer_id = ANY ($3::uuid[]))`,
      [tenantId, latest.cursor, scope],
    );
    const changedIds = changed.map((c) => c.customer_id);
    let model = latest.model;
    if (changedIds.length) model = refreshCustomerLevels(model, await this.history(m, tenantId, asOf, changedIds));

    const deleted = onlyChanged
      ? await this.deleteClosedSince(m, tenantId, latest.cursor)
      : await this.deleteClosed(m, tenantId, scope);
    const filter = onlyChanged ? `AND (i.updated_at > $3::timestamptz OR i.customer_id = ANY ($4::uuid[]))` : '';
    const params: unknown[] = [tenantId, scope];
    if (onlyChanged) params.push(latest.cursor, changedIds);
    await m.query(
      `DECLARE open_invoices NO SCROLL CURSOR FOR
       SELECT i.id::text AS id, i.customer_id::text AS customer_id, ${SEGMENT_SQL} AS segment,
              i.issue_date::text AS issue_date, i.due_date::text AS due_date, i.amount::text AS amount, i.disputed
         FROM receivable_item i JOIN customer c ON c.id = i.customer_id AND c.tenant_id = i.tenant_id
        WHERE i.tenant_id = $1 AND ${OPEN_ITEM_SQL} AND ($2::uuid[] IS NULL OR i.customer_id = ANY ($2::uuid[])) ${filter}`,
      params,
    );
    let predicted = 0;
    let written = 0;
    for (;;) {
      const batch: OpenRow[] = await m.query(`FETCH ${BATCH} FROM open_invoices`);
      if (!batch.length) break;
      written += await this.write(m, tenantId, latest.id, now, asOf, model, batch);
      predicted += batch.length;
    }
    // (On an error the transaction is rolled back, which closes the cursor.)
    await m.query(`CLOSE open_invoices`);
    this.logger.log(
      { tenantId, predicted, written, deleted, refreshedCustomers: changedIds.length, ms: Date.now() - started },
      'Payment predictions written',
    );
    return { predicted, written, deleted, refreshedCustomers: changedIds.length };
  }

  private async write(
    m: EntityManager,
    tenantId: string,
    modelId: string,
    now: Date,
    asOf: CalendarDate,
    model: PaymentModel,
    rows: OpenRow[],
  ): Promise<number> {
    const cols = {
      item: [] as string[],
      customer: [] as string[],
      date: [] as string[],
      days: [] as number[],
      probability: [] as string[],
      basis: [] as string[],
    };
    for (const r of rows) {
      const p = predictOpenInvoice(
        model,
        {
          customerId: r.customer_id,
          segment: r.segment,
          issueDate: r.issue_date,
          dueDate: r.due_date,
          amount: r.amount,
          disputed: r.disputed,
        },
        asOf,
      );
      cols.item.push(r.id);
      cols.customer.push(r.customer_id);
      cols.date.push(p.predictedDate);
      cols.days.push(p.daysFromDue);
      cols.probability.push(p.probabilityLate.toFixed(4));
      cols.basis.push(p.basis);
    }
    const written: unknown[] = await m.query(
      `INSERT INTO invoice_prediction
              (tenant_id, item_id, customer_id, predicted_date, predicted_days_late, late_probability, model_id, basis, computed_at)
       SELECT $1, u.item_id, u.customer_id, u.predicted_date, u.days, u.probability, $2, u.basis, $3
         FROM unnest($4::uuid[], $5::uuid[], $6::date[], $7::int[], $8::numeric[], $9::text[])
              AS u(item_id, customer_id, predicted_date, days, probability, basis)
       ON CONFLICT (tenant_id, item_id) DO UPDATE
          SET customer_id = EXCLUDED.customer_id, predicted_date = EXCLUDED.predicted_date,
              predicted_days_late = EXCLUDED.predicted_days_late, late_probability = EXCLUDED.late_probability,
              model_id = EXCLUDED.model_id, basis = EXCLUDED.basis, computed_at = EXCLUDED.computed_at, updated_at = now()
        WHERE (invoice_prediction.customer_id, invoice_prediction.predicted_date, invoice_prediction.predicted_days_late,
               invoice_prediction.late_probability, invoice_prediction.basis)
              IS DISTINCT FROM (EXCLUDED.customer_id, EXCLUDED.predicted_date, EXCLUDED.predicted_days_late,
                                EXCLUDED.late_probability, EXCLUDED.basis)
       RETURNING 1`,
      [tenantId, modelId, now, cols.item, cols.customer, cols.date, cols.days, cols.probability, cols.basis],
    );
    return written.length;
  }

  /** Removes the predictions of invoices no longer open (paid, written off, closed outside, deleted). */
  private async deleteClosed(m: EntityManager, tenantId: string, scope: string[] | null): Promise<number> {
    const [, count]: [unknown[], number] = await m.query(
      `DELETE FROM invoice_prediction p
        WHERE p.tenant_id = $1 AND ($2::uuid[] IS NULL OR p.customer_id = ANY ($2::uuid[]))
          AND NOT EXISTS (SELECT 1 FROM receivable_item i WHERE i.tenant_id = $1 AND i.id = p.item_id AND ${OPEN_ITEM_SQL})`,
      [tenantId, scope],
    );
    return count;
  }

  /** The same, for the invoices changed since `cursor` only (the frequent pass). */
  private async deleteClosedSince(m: EntityManager, tenantId: string, cursor: string): Promise<number> {
    const [, count]: [unknown[], number] = await m.query(
      `DELETE FROM invoice_prediction p USING receivable_item i
        WHERE p.tenant_id = $1 AND i.tenant_id = $1 AND i.id = p.item_id AND i.updated_at > $2::timestamptz
          AND NOT (${OPEN_ITEM_SQL})`,
      [tenantId, cursor],
    );
    return count;
  }

  /** Tenants to run the scheduled passes for. */
  async tenantIds(): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(`SELECT id FROM tenant ORDER BY created_at`);
    return rows.map((r) => r.id);
  }
}
