/**
 * Back-test of the payment-date model on a static split: learn from invoices settled before `cutoff`,
 * predict the settlement of invoices issued on or after it. Pure: rows are parsed by the caller.
 * Hyper-parameters are chosen on a validation split carved from the training period only.
 */
import { addDays, type CalendarDate, daysBetween } from '../calendar-date.js';
import {
  DEFAULT_PREDICTION_PARAMS,
  isPredictedLate,
  predictPayment,
  type PredictionHyperParameters,
  type SettledInvoiceObservation,
  trainPaymentModel,
} from './prediction.js';

export interface PredictionEvaluation {
  cutoff: CalendarDate;
  trainCount: number;
  testCount: number;
  /** Mean absolute error of the predicted settlement date, in days. */
  mae: { model: number; dueDate: number; customerMean: number; customerMedian: number };
  /** Share of test invoices correctly classified late / on time. */
  accuracy: { model: number; customerMajority: number };
  params: PredictionHyperParameters;
  validation: ValidationResult | null;
}

export interface ValidationResult {
  cutoff: CalendarDate;
  trainCount: number;
  testCount: number;
  mae: number;
  accuracy: number;
}

const isLate = (r: SettledInvoiceObservation) => r.settledDate > r.dueDate;
const dts = (r: SettledInvoiceObservation) => daysBetween(r.issueDate, r.settledDate);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function scoreModel(
  train: readonly SettledInvoiceObservation[],
  test: readonly SettledInvoiceObservation[],
  cutoff: CalendarDate,
  params: PredictionHyperParameters,
): { mae: number; accuracy: number } {
  const model = trainPaymentModel(train, { asOf: cutoff, params });
  let err = 0;
  let ok = 0;
  for (const r of test) {
    const p = predictPayment(model, r);
    err += Math.abs(daysBetween(r.settledDate, p.predictedDate));
    if (isPredictedLate(p) === isLate(r)) ok += 1;
  }
  const n = test.length || 1;
  return { mae: err / n, accuracy: ok / n };
}

export const PARAM_GRID = {
  halfLifeInvoices: [3, 5, 8, 12, 1e6],
  customerShrinkage: [0, 0.5, 1, 2, 4],
};

/**
 * Validation inside the training period: learn from invoices settled before `cutoff - 182 days`,
 * validate on those issued in [cutoff - 182, cutoff - 61 days) and settled before `cutoff` (the late
 * window is left out so that slow payers of the last weeks are not missing). Lowest MAE wins,
 * then accuracy, then grid order.
 */
export function selectPredictionParams(
  rows: readonly SettledInvoiceObservation[],
  cutoff: CalendarDate,
  grid = PARAM_GRID,
): { params: PredictionHyperParameters; validation: ValidationResult | null } {
  const inner = addDays(cutoff, -182);
  const end = addDays(cutoff, -61);
  const known = rows.filter((r) => r.settledDate < cutoff);
  const train = known.filter((r) => r.settledDate < inner);
  const test = known.filter((r) => r.issueDate >= inner && r.issueDate < end);
  if (train.length === 0 || test.length === 0) return { params: DEFAULT_PREDICTION_PARAMS, validation: null };
  let best: { params: PredictionHyperParameters; mae: number; accuracy: number } | null = null;
  for (const halfLifeInvoices of grid.halfLifeInvoices) {
    for (const customerShrinkage of grid.customerShrinkage) {
      const params = { ...DEFAULT_PREDICTION_PARAMS, halfLifeInvoices, customerShrinkage };
      const s = scoreModel(train, test, inner, params);
      const eps = 1e-9;
      if (best === null || s.mae < best.mae - eps || (Math.abs(s.mae - best.mae) <= eps && s.accuracy > best.accuracy + eps))
        best = { params, ...s };
    }
  }
  const chosen = best ?? { params: DEFAULT_PREDICTION_PARAMS, mae: NaN, accuracy: NaN };
  return {
    params: chosen.params,
    validation: {
      cutoff: inner,
      trainCount: train.length,
      testCount: test.length,
      mae: chosen.mae,
      accuracy: chosen.accuracy,
    },
  };
}

/**
 * `rows` are settled invoices (history). Training: settled before `cutoff`. Test: issued on or after it.
 * Invoices issued before and settled after the cut-off are in neither.
 */
export function evaluatePrediction(
  rows: readonly SettledInvoiceObservation[],
  cutoff: CalendarDate,
  options: { params?: PredictionHyperParameters } = {},
): PredictionEvaluation {
  const train = rows.filter((r) => r.settledDate < cutoff);
  const test = rows.filter((r) => r.issueDate >= cutoff);
  const selection = options.params ? { params: options.params, validation: null } : selectPredictionParams(train, cutoff);
  const model = scoreModel(train, test, cutoff, selection.params);

  // Baselines, from the customer's training invoices (global value when it has none).
  const byCustomer = new Map<string, SettledInvoiceObservation[]>();
  for (const r of train) byCustomer.set(r.customerId, [...(byCustomer.get(r.customerId) ?? []), r]);
  const all = train.map(dts);
  const globalMean = all.length ? all.reduce((s, x) => s + x, 0) / all.length : 0;
  const globalMedian = all.length ? median(all) : 0;
  const globalLate = train.filter(isLate).length * 2 > train.length;

  let due = 0;
  let meanErr = 0;
  let medianErr = 0;
  let majorityOk = 0;
  for (const r of test) {
    const hist = byCustomer.get(r.customerId) ?? [];
    const days = hist.map(dts);
    const m = days.length ? days.reduce((s, x) => s + x, 0) / days.length : globalMean;
    const md = days.length ? median(days) : globalMedian;
    const late = hist.length ? hist.filter(isLate).length * 2 > hist.length : globalLate;
    const actual = dts(r);
    due += Math.abs(daysBetween(r.settledDate, r.dueDate));
    // A date prediction is in whole days: the mean / median are rounded (half up).
    meanErr += Math.abs(Math.round(m) - actual);
    medianErr += Math.abs(Math.round(md) - actual);
    if (late === isLate(r)) majorityOk += 1;
  }
  const n = test.length || 1;
  return {
    cutoff,
    trainCount: train.length,
    testCount: test.length,
    mae: { model: model.mae, dueDate: due / n, customerMean: meanErr / n, customerMedian: medianErr / n },
    accuracy: { model: model.accuracy, customerMajority: majorityOk / n },
    params: selection.params,
    validation: selection.validation,
  };
}
