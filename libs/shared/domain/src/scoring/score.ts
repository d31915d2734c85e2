/**
 * The behavioural score of a customer: 0-100 and a grade A-E, explained by its factors.
 *
 * Pure: the caller (ScoreService) measures the inputs set-based in SQL, in exact amounts (bigint,
 * one currency and one unit per customer: only their ratios matter, except the limit's, in minor
 * units of its currency), and this module turns them into factor points, a weighted score, a
 * grade and an explanation.
 *
 * Factors, each worth 0 (worst) to 100 (best) points; a factor whose input does not exist is
 * `available: false` and left out, the weights being renormalised over the factors present:
 *
 * | factor         | measured value                                          | points                                   |
 * | -------------- | ------------------------------------------------------- | ---------------------------------------- |
 * | daysLate       | amount-weighted average days late (ADL) of the invoices | 0 days → 100, linear to 0 at 60 days     |
 * |                | settled in the last 6 months + the overdue open ones     |                                          |
 * |                | (their days late so far, weighted by their open amount)  |                                          |
 * | lateTrend      | ADL of the last 6 months − ADL of months 7-12 (settled) | 50 + 2.5 × days of improvement, 0..100   |
 * | lateShare      | % of the invoices settled in 12 months after due date   | 100 × (1 − share)                        |
 * | brokenPromises | broken promises to pay in the last 12 months            | 0 → 100, 1 → 60, 2 → 30, ≥ 3 → 0         |
 * | disputes       | % of the open invoice amount that is disputed           | 100 × (1 − min(1, 2 × share))            |
 * | overdueRatio   | % of the open invoice amount that is past due           | 100 × (1 − ratio)                        |
 * | limitUsage     | exposure / valid credit limit, %                        | ≤ 50 % → 100, linear to 0 at 120 %       |
 * | externalScore  | latest provider score (18 months) as % of its scale     | the same percentage                      |
 *
 * A stable trend is neutral (50 points) whatever the lateness: the trend only says where the
 * customer is heading, `daysLate` says where it is.
 *
 * Score = round(Σ weightᵢ × pointsᵢ / Σ weightᵢ) over the available factors; none available (or
 * all their weights 0): score 50, grade C. Grades: A ≥ 80, B ≥ 65, C ≥ 50, D ≥ 35, E < 35.
 * A collective proceeding (safeguard, receivership, liquidation) forces grade E and caps the
 * score at 20 (`forcedBy: 'legal_event'`, a `legalEvent` entry first in the factor list).
 */
import type { CalendarDate } from '../calendar-date.js';
import { fromMinor, type Minor } from '../money.js';

export const SCORE_FACTOR_KEYS = [
  'daysLate',
  'lateTrend',
  'lateShare',
  'brokenPromises',
  'disputes',
  'overdueRatio',
  'limitUsage',
  'externalScore',
] as const;
export type ScoreFactorKey = (typeof SCORE_FACTOR_KEYS)[number];
/** Weight of each factor: any non-negative numbers (normalised over the factors present). */
export type ScoreFactorWeights = Record<ScoreFactorKey, number>;

export const SCORE_GRADES = ['A', 'B', 'C', 'D', 'E'] as const;
export type ScoreGrade = (typeof SCORE_GRADES)[number];

/** Lowest score of each grade (E is below D's). */
export const GRADE_FLOORS: Readonly<Record<Exclude<ScoreGrade, 'E'>, number>> = Object.freeze({ A: 80, B: 65, C: 50, D: 35 });
/** Days late at which the daysLate factor is worth 0 points. */
export const DAYS_LATE_ZERO = 60;
/** Points of the trend per day of improvement (or worsening) around 50. */
export const TREND_POINTS_PER_DAY = 2.5;
/** Limit usage (%) up to which the factor is worth 100 points, and at which it is worth 0. */
export const LIMIT_USAGE_FULL = 50;
export const LIMIT_USAGE_ZERO = 120;
/** Score cap when a collective proceeding forces grade E. */
export const LEGAL_EVENT_SCORE_CAP = 20;
/** Score of a customer without any available factor (grade C). */
export const NEUTRAL_SCORE = 50;

/** Σ amount × days late and Σ amount, in minor units of one currency (exact). */
export interface LatenessSums {
  weightedDays: bigint;
  amount: Minor;
}

export const NO_LATENESS: LatenessSums = Object.freeze({ weightedDays: 0n, amount: 0n });

/** What the score is computed from, for one customer, amounts in one currency. */
export interface ScoreInput {
  /** Invoices settled in the last 6 months (by settlement date): lateness weighted by amount. */
  settledRecent: LatenessSums;
  /** Invoices settled in months 7 to 12 before today. */
  settledPrior: LatenessSums;
  /** Open invoices past due: days late so far, weighted by their open amount. */
  overdueOpen: LatenessSums;
  /** Invoices settled in the last 12 months, and how many of them after their due date. */
  settledCount12m: number;
  settledLateCount12m: number;
  /** Whether the customer has any invoice at all (the promises factor needs a relationship). */
  hasInvoices: boolean;
  /** Broken promises to pay in the last 12 months; null when no source of promises is known. */
  brokenPromises: number | null;
  /** Open invoice amount, and the disputed and the past-due parts of it. */
  openAmount: Minor;
  disputedAmount: Minor;
  overdueAmount: Minor;
  /** Exposure against the valid credit limit (both in the limit's currency); null without a valid limit. */
  limit: { exposure: Minor; limit: Minor; currency: string } | null;
  /** Latest external rating with a score (within 18 months); null when none. */
  external: { score: number; scaleMax: number; provider: string; ratedOn: CalendarDate } | null;
  /** A collective proceeding in force; null when none. */
  legalEvent: { event: string; date: CalendarDate; provider: string } | null;
}

export type ScoreFactorDetail = Record<string, string | number | null>;

/** One factor of a score, as stored and explained. */
export interface ScoreFactor {
  /** A factor key, or `legalEvent` for the collective proceeding that forced grade E. */
  key: ScoreFactorKey | 'legalEvent';
  /** The measured input: days (daysLate, lateTrend), percent (lateShare, disputes, overdueRatio, limitUsage, externalScore), count (brokenPromises). */
  value: number | null;
  /** 0 (worst) to 100 (best); null when not available. */
  points: number | null;
  /** Normalised weight among the factors present (0-1). */
  weight: number;
  /** Points of the final score it brings: weight × points. */
  contribution: number;
  /** Points it costs against a perfect score: weight × (100 − points); for `legalEvent`, the points taken by the cap. */
  impact: number;
  /** False when the input is unknown (no history, no limit...): the factor is left out. */
  available: boolean;
  /** What the value was measured from (provider, dates, amounts...). */
  detail?: ScoreFactorDetail;
}

export interface ScoreResult {
  score: number;
  grade: ScoreGrade;
  /** `legal_event` when a collective proceeding forced grade E, else null. */
  forcedBy: 'legal_event' | null;
  /** Forcing entry first, then the available factors by impact (largest first), then the unavailable ones. */
  factors: ScoreFactor[];
}

const clamp = (x: number, lo = 0, hi = 100) => Math.min(hi, Math.max(lo, x));
const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f + 0; // + 0 turns -0 into 0
};

/** a / b as a JS number with 6 significant decimals, exact inputs (b > 0). */
function ratio(a: bigint, b: bigint): number {
  return Number((a * 1_000_000n) / b) / 1_000_000;
}

/** Amount-weighted average days late; null without any amount. */
export function averageDaysLate(s: LatenessSums): number | null {
  return s.amount > 0n ? ratio(s.weightedDays, s.amount) : null;
}

export function gradeOf(score: number): ScoreGrade {
  if (score >= GRADE_FLOORS.A) return 'A';
  if (score >= GRADE_FLOORS.B) return 'B';
  if (score >= GRADE_FLOORS.C) return 'C';
  if (score >= GRADE_FLOORS.D) return 'D';
  return 'E';
}

export function daysLatePoints(days: number): number {
  return clamp(100 * (1 - days / DAYS_LATE_ZERO));
}

/** `change` = ADL of the last 6 months − ADL of months 7-12 (positive: paying later than before). */
export function lateTrendPoints(change: number): number {
  return clamp(50 - TREND_POINTS_PER_DAY * change);
}

/** `share` of the invoices paid late, 0..1. */
export function lateSharePoints(share: number): number {
  return clamp(100 * (1 - share));
}

export function brokenPromisesPoints(count: number): number {
  if (count <= 0) return 100;
  if (count === 1) return 60;
  if (count === 2) return 30;
  return 0;
}

/** `share` of the open amount disputed, 0..1. */
export function disputesPoints(share: number): number {
  return clamp(100 * (1 - Math.min(1, 2 * share)));
}

/** `ratio` of the open amount past due, 0..1. */
export function overdueRatioPoints(ratio: number): number {
  return clamp(100 * (1 - Math.min(1, ratio)));
}

/** `usage` in percent of the limit. */
export function limitUsagePoints(usage: number): number {
  if (usage <= LIMIT_USAGE_FULL) return 100;
  return clamp((100 * (LIMIT_USAGE_ZERO - usage)) / (LIMIT_USAGE_ZERO - LIMIT_USAGE_FULL));
}

export function externalScorePoints(score: number, scaleMax: number): number {
  return scaleMax > 0 ? clamp((100 * score) / scaleMax) : 0;
}

interface Measured {
  key: ScoreFactorKey;
  value: number | null;
  points: number | null;
  detail?: ScoreFactorDetail;
}

/** The measured value and points of each factor (null points: not available). */
export function measureFactors(input: ScoreInput): Measured[] {
  const out: Measured[] = [];
  const add = (key: ScoreFactorKey, value: number | null, points: number | null, detail?: ScoreFactorDetail) =>
    out.push({ key, value, points, ...(detail ? { detail } : {}) });

  const combined: LatenessSums = {
    weightedDays: input.settledRecent.weightedDays + input.overdueOpen.weightedDays,
    amount: input.settledRecent.amount + input.overdueOpen.amount,
  };
  const adl = averageDaysLate(combined);
  add('daysLate', adl === null ? null : round(adl, 1), adl === null ? null : daysLatePoints(adl));

  const recent = averageDaysLate(input.settledRecent);
  const prior = averageDaysLate(input.settledPrior);
  if (recent !== null && prior !== null) {
    const change = recent - prior;
    add('lateTrend', round(change, 1), lateTrendPoints(change), {
      recentDaysLate: round(recent, 1),
      priorDaysLate: round(prior, 1),
    });
  } else add('lateTrend', null, null);

  if (input.settledCount12m > 0) {
    const share = input.settledLateCount12m / input.settledCount12m;
    add('lateShare', round(100 * share, 1), lateSharePoints(share), {
      settled: input.settledCount12m,
      late: input.settledLateCount12m,
    });
  } else add('lateShare', null, null);

  if (input.hasInvoices && input.brokenPromises !== null)
    add('brokenPromises', input.brokenPromises, brokenPromisesPoints(input.brokenPromises));
  else add('brokenPromises', null, null);

  if (input.openAmount > 0n) {
    const disputed = ratio(input.disputedAmount, input.openAmount);
    add('disputes', round(100 * disputed, 1), disputesPoints(disputed));
    const overdue = ratio(input.overdueAmount, input.openAmount);
    add('overdueRatio', round(100 * overdue, 1), overdueRatioPoints(overdue));
  } else {
    add('disputes', null, null);
    add('overdueRatio', null, null);
  }

  if (input.limit) {
    const { exposure, limit, currency } = input.limit;
    const usage = exposure <= 0n ? 0 : limit <= 0n ? Infinity : 100 * ratio(exposure, limit);
    add('limitUsage', Number.isFinite(usage) ? round(usage, 1) : null, limitUsagePoints(usage), {
      exposure: fromMinor(exposure, currency),
      limit: fromMinor(limit, currency),
      currency,
    });
  } else add('limitUsage', null, null);

  if (input.external) {
    const { score, scaleMax, provider, ratedOn } = input.external;
    const points = externalScorePoints(score, scaleMax);
    add('externalScore', round(points, 1), points, { provider, ratedOn, score, scaleMax });
  } else add('externalScore', null, null);
  return out;
}

/** Factor points, weights renormalised over the available factors, the score, the grade, the forcing. */
export function computeScore(input: ScoreInput, weights: ScoreFactorWeights): ScoreResult {
  const measured = measureFactors(input);
  const used = measured.filter((f) => f.points !== null);
  const total = used.reduce((s, f) => s + Math.max(0, weights[f.key] ?? 0), 0);
  let exact = NEUTRAL_SCORE;
  if (total > 0) exact = used.reduce((s, f) => s + Math.max(0, weights[f.key] ?? 0) * f.points!, 0) / total;
  const uncapped = Math.round(exact);
  const factors: ScoreFactor[] = measured.map((f) => {
    const w = total > 0 && f.points !== null ? Math.max(0, weights[f.key] ?? 0) / total : 0;
    return {
      key: f.key,
      value: f.value,
      points: f.points === null ? null : round(f.points, 1),
      weight: round(w, 4),
      contribution: f.points === null ? 0 : round(w * f.points, 2),
      impact: f.points === null ? 0 : round(w * (100 - f.points), 2),
      available: f.points !== null,
      ...(f.detail ? { detail: f.detail } : {}),
    };
  });
  factors.sort(
    (a, b) =>
      Number(b.available) - Number(a.available) ||
      b.impact - a.impact ||
      SCORE_FACTOR_KEYS.indexOf(a.key as ScoreFactorKey) - SCORE_FACTOR_KEYS.indexOf(b.key as ScoreFactorKey),
  );
  if (input.legalEvent) {
    const score = Math.min(uncapped, LEGAL_EVENT_SCORE_CAP);
    const { event, date, provider } = input.legalEvent;
    factors.unshift({
      key: 'legalEvent',
      value: null,
      points: 0,
      weight: 0,
      contribution: 0,
      impact: uncapped - score,
      available: true,
      detail: { event, date, provider },
    });
    return { score, grade: 'E', forcedBy: 'legal_event', factors };
  }
  return { score: uncapped, grade: gradeOf(uncapped), forcedBy: null, factors };
}

const LABELS: Record<ScoreFactor['key'], string> = {
  daysLate: 'days late',
  lateTrend: 'trend of days late',
  lateShare: 'invoices paid late',
  brokenPromises: 'broken promises',
  disputes: 'disputed amount',
  overdueRatio: 'overdue amount',
  limitUsage: 'credit limit used',
  externalScore: 'external rating',
  legalEvent: 'collective proceeding',
};

function shown(f: ScoreFactor): string {
  switch (f.key) {
    case 'daysLate':
      return `${f.value} days on average`;
    case 'lateTrend':
      return `${f.value! > 0 ? '+' : ''}${f.value} days vs the 6 months before`;
    case 'brokenPromises':
      return `${f.value} in 12 months`;
    case 'externalScore':
      return `${f.detail?.score}/${f.detail?.scaleMax} from ${f.detail?.provider}`;
    default:
      return `${f.value} %`;
  }
}

/**
 * An English sentence for logs, alerts and webhooks (the web app renders its own from the
 * factors): the grade, what forced it, and the factors that cost the most points.
 */
export function explainScore(result: Pick<ScoreResult, 'score' | 'grade' | 'forcedBy' | 'factors'>): string {
  const head = `Grade ${result.grade} (${result.score}/100)`;
  const available = result.factors.filter((f) => f.available && f.key !== 'legalEvent');
  const costly = available.filter((f) => f.impact >= 0.5).slice(0, 3);
  const parts = costly.map((f) => `${LABELS[f.key]} ${shown(f)} (−${f.impact.toFixed(1)} points)`);
  const factorsText = !available.length
    ? 'no payment history, credit limit or external rating is known yet: neutral score'
    : parts.length
      ? `main factors: ${parts.join('; ')}`
      : 'no factor costs points';
  if (result.forcedBy === 'legal_event') {
    const ev = result.factors.find((f) => f.key === 'legalEvent')?.detail;
    return `${head}, forced by a collective proceeding (${ev?.event} on ${ev?.date}, reported by ${ev?.provider}); ${factorsText}.`;
  }
  return `${head}: ${factorsText}.`;
}
