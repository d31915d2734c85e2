/**
 * Payment-date prediction, learnt from the tenant's own settled invoices.
 *
 * Model (days-to-settle = settledDate - issueDate):
 *   daysToSettle ≈ customerLevel + β_disputed·disputed + β_electronic·electronic + β_amount·ln(amount)
 * - β is fitted once for the tenant by a within-customer (fixed-effects) least-squares regression: each
 *   customer's invoices are centred on the customer's own means, so β measures how the SAME customer pays
 *   a disputed / electronic / larger invoice, not which customers tend to dispute.
 * - customerLevel is the recency-weighted mean of the customer's residuals (days-to-settle minus the β part),
 *   weights halving every `halfLifeInvoices` invoices counted back from the most recently settled one, then
 *   shrunk toward its segment's level (empirical Bayes: `customerShrinkage` pseudo-invoices at the segment
 *   level against the effective number of weighted invoices); segment levels are themselves shrunk toward
 *   the tenant's global level (`segmentShrinkage` pseudo-invoices). Unknown customer → its segment → global.
 * - Late probability: P(daysToSettle > payment term) with a logistic residual of the tenant's residual
 *   spread, widened for customers with little history. Late when the probability is ≥ 0.5.
 *
 * Leakage: with `asOf`, only invoices settled strictly before it are learnt from.
 * Pure and deterministic: no I/O, no clock, no randomness; ties broken by input order.
 */
import { addDays, type CalendarDate, daysBetween } from '../calendar-date.js';

export interface SettledInvoiceObservation {
  customerId: string;
  /** Segment used as the shrinkage target (country, sector, size band...). */
  segment?: string;
  issueDate: CalendarDate;
  dueDate: CalendarDate;
  /** Decimal string, invoice currency. */
  amount: string;
  disputed: boolean;
  /** Delivery channel of the invoice, e.g. 'electronic' | 'paper'. */
  channel?: string;
  settledDate: CalendarDate;
}

export type OpenInvoiceFeatures = Omit<SettledInvoiceObservation, 'settledDate'>;

export interface PaymentPrediction {
  predictedDate: CalendarDate;
  /** Predicted days from issue to settlement (whole days). */
  daysToSettle: number;
  /** Predicted days after the due date (0 when predicted on time or early). */
  daysLate: number;
  /** Probability of settling after the due date, 0..1. */
  probabilityLate: number;
}

export interface PredictionHyperParameters {
  /** Recency weighting: weight halves every N invoices back from the customer's latest settlement. */
  halfLifeInvoices: number;
  /** Pseudo-invoices at the segment level added to a customer's (effective) count. */
  customerShrinkage: number;
  /** Pseudo-invoices at the global level added to a segment's count. */
  segmentShrinkage: number;
  /** Ridge penalty (sum-of-squares units) on the dispute / channel / amount coefficients. */
  ridge: number;
}

/**
 * Defaults from the validation split carved from the TRAINING period of the reference data set (learn from
 * invoices settled before 2012-12-31, validate on those issued 2012-12-31..2013-05-01 and settled before the
 * 2013-07-01 cut-off; `selectPredictionParams`, which `evaluatePrediction` re-runs): half-life 8 invoices.
 * Validation prefers no customer shrinkage there (MAE 4.18 days vs 4.21 at 0.5) because every customer of
 * that data set has at least 8 settled invoices; the default keeps 0.5 pseudo-invoice so that a customer
 * with one or two invoices is pulled toward its segment.
 */
export const DEFAULT_PREDICTION_PARAMS: PredictionHyperParameters = {
  halfLifeInvoices: 8,
  customerShrinkage: 0.5,
  segmentShrinkage: 5,
  ridge: 1,
};

export interface CustomerLevel {
  segment: string | null;
  /** Shrunk recency-weighted residual level, in days. */
  level: number;
  /** Effective number of invoices after recency weighting (Kish). */
  effectiveCount: number;
  invoiceCount: number;
}

/** Plain data (serialisable): can be stored and applied later. */
export interface PaymentModel {
  params: PredictionHyperParameters;
  asOf: CalendarDate | null;
  trainCount: number;
  coefficients: { disputed: number; electronic: number; logAmount: number };
  globalLevel: number;
  segmentLevels: Record<string, number>;
  customerLevels: Record<string, CustomerLevel>;
  /** Standard deviation of the residuals around the customer levels, in days. */
  residualSd: number;
}

const FEATURES = 3;

function features(inv: OpenInvoiceFeatures): number[] {
  const amount = Number.parseFloat(inv.amount);
  return [
    inv.disputed ? 1 : 0,
    (inv.channel ?? '').toLowerCase() === 'electronic' ? 1 : 0,
    Math.log(Number.isFinite(amount) && amount > 1 ? amount : 1),
  ];
}

/** Solves A x = b (A small, symmetric positive definite with the ridge) by Gaussian elimination. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    if (Math.abs(m[col][col]) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r][col] / m[col][col];
      for (let c = col; c <= n; c++) m[r][c] -= f * m[col][c];
    }
  }
  return m.map((row, i) => (Math.abs(row[i]) < 1e-12 ? 0 : row[n] / row[i]));
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

export function trainPaymentModel(
  invoices: readonly SettledInvoiceObservation[],
  options: { asOf?: CalendarDate; params?: Partial<PredictionHyperParameters> } = {},
): PaymentModel {
  const params = { ...DEFAULT_PREDICTION_PARAMS, ...options.params };
  const asOf = options.asOf ?? null;
  const train = invoices
    .map((inv, index) => ({ inv, index }))
    .filter(({ inv }) => asOf === null || inv.settledDate < asOf)
    .map(({ inv, index }) => ({
      index,
      customerId: inv.customerId,
      segment: inv.segment ?? null,
      settledDate: inv.settledDate,
      issueDate: inv.issueDate,
      x: features(inv),
      y: daysBetween(inv.issueDate, inv.settledDate),
    }));
  type Row = (typeof train)[number];

  const byCustomer = new Map<string, Row[]>();
  for (const r of train) {
    const list = byCustomer.get(r.customerId);
    if (list) list.push(r);
    else byCustomer.set(r.customerId, [r]);
  }
  const customers = [...byCustomer.keys()].sort();

  // 1. Within-customer regression for the invoice-level effects.
  const xtx = Array.from({ length: FEATURES }, (_, i) =>
    Array.from({ length: FEATURES }, (_, j) => (i === j ? params.ridge : 0)),
  );
  const xty = new Array<number>(FEATURES).fill(0);
  for (const id of customers) {
    const rows = byCustomer.get(id) ?? [];
    const mx = Array.from({ length: FEATURES }, (_, j) => mean(rows.map((r) => r.x[j])));
    const my = mean(rows.map((r) => r.y));
    for (const r of rows) {
      const dx = r.x.map((v, j) => v - mx[j]);
      for (let i = 0; i < FEATURES; i++) {
        xty[i] += dx[i] * (r.y - my);
        for (let j = 0; j < FEATURES; j++) xtx[i][j] += dx[i] * dx[j];
      }
    }
  }
  const beta = solve(xtx, xty);
  const residual = (r: Row) => r.y - r.x.reduce((s, v, j) => s + v * beta[j], 0);

  // 2. Global and segment levels (means of residuals), segments shrunk toward global.
  const globalLevel = train.length > 0 ? mean(train.map(residual)) : 0;
  const segmentSums = new Map<string, { sum: number; n: number }>();
  for (const r of train) {
    if (r.segment === null) continue;
    const s = segmentSums.get(r.segment) ?? { sum: 0, n: 0 };
    s.sum += residual(r);
    s.n += 1;
    segmentSums.set(r.segment, s);
  }
  const segmentLevels: Record<string, number> = {};
  for (const seg of [...segmentSums.keys()].sort()) {
    const s = segmentSums.get(seg) ?? { sum: 0, n: 0 };
    segmentLevels[seg] = (s.sum + params.segmentShrinkage * globalLevel) / (s.n + params.segmentShrinkage);
  }

  // 3. Recency-weighted customer levels, shrunk toward the segment.
  const customerLevels: Record<string, CustomerLevel> = {};
  let sq = 0;
  for (const id of customers) {
    const rows = [...(byCustomer.get(id) ?? [])].sort(
      (a, b) => a.settledDate.localeCompare(b.settledDate) || a.issueDate.localeCompare(b.issueDate) || a.index - b.index,
    );
    const n = rows.length;
    const w = rows.map((_, i) => Math.pow(0.5, (n - 1 - i) / params.halfLifeInvoices));
    const sw = w.reduce((s, v) => s + v, 0);
    const sw2 = w.reduce((s, v) => s + v * v, 0);
    const own = rows.reduce((s, r, i) => s + w[i] * residual(r), 0) / sw;
    const effectiveCount = (sw * sw) / sw2;
    // The customer's segment: the one of its latest invoice carrying one.
    const segment = [...rows].reverse().find((r) => r.segment !== null)?.segment ?? null;
    const prior = segment !== null && segment in segmentLevels ? segmentLevels[segment] : globalLevel;
    const level = (effectiveCount * own + params.customerShrinkage * prior) / (effectiveCount + params.customerShrinkage);
    customerLevels[id] = { segment, level, effectiveCount, invoiceCount: n };
    for (const r of rows) sq += (residual(r) - level) ** 2;
  }
  const residualSd = train.length > 1 ? Math.sqrt(sq / (train.length - 1)) : 10;

  return {
    params,
    asOf,
    trainCount: train.length,
    coefficients: { disputed: beta[0], electronic: beta[1], logAmount: beta[2] },
    globalLevel,
    segmentLevels,
    customerLevels,
    residualSd: Math.max(residualSd, 0.5),
  };
}

export function predictPayment(model: PaymentModel, invoice: OpenInvoiceFeatures): PaymentPrediction {
  const x = features(invoice);
  const { disputed, electronic, logAmount } = model.coefficients;
  const customer = Object.hasOwn(model.customerLevels, invoice.customerId) ? model.customerLevels[invoice.customerId] : undefined;
  const segment = invoice.segment ?? customer?.segment ?? null;
  const level =
    customer?.level ??
    (segment !== null && Object.hasOwn(model.segmentLevels, segment) ? model.segmentLevels[segment] : model.globalLevel);
  const expected = Math.max(0, level + disputed * x[0] + electronic * x[1] + logAmount * x[2]);
  const daysToSettle = Math.round(expected);
  const predictedDate = addDays(invoice.issueDate, daysToSettle);
  const term = daysBetween(invoice.issueDate, invoice.dueDate);

  // Logistic residual with the tenant's spread, widened when the customer's level is uncertain.
  const nEff = customer?.effectiveCount ?? 0;
  const sd = model.residualSd * Math.sqrt(1 + 1 / Math.max(nEff, 1));
  const scale = (sd * Math.sqrt(3)) / Math.PI;
  // Late means settled at least one day after the due date: continuity correction of half a day.
  const z = (expected - (term + 0.5)) / scale;
  const probabilityLate = 1 / (1 + Math.exp(-z));

  return {
    predictedDate,
    daysToSettle,
    daysLate: Math.max(0, daysBetween(invoice.dueDate, predictedDate)),
    probabilityLate: Math.round(probabilityLate * 1e6) / 1e6,
  };
}

export function isPredictedLate(p: PaymentPrediction): boolean {
  return p.probabilityLate >= 0.5;
}
