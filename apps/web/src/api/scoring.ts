/**
 * Risk (scoring, credit limits, credit checks, alerts, payment predictions, sales views): names
 * for the generated types, the enumerations the screens offer, and who may do what (the API
 * enforces the same rules).
 */
import type { components, Role } from './types';

type S = components['schemas'];

export type CustomerScore = S['CustomerScoreDto'];
export type ScoreFactor = S['ScoreFactorDto'];
export type FactorKey = ScoreFactor['key'];
export type Grade = CustomerScore['grade'];
export type ScoreHistoryPoint = S['ScoreHistoryPointDto'];
export type ScoredCustomer = S['ScoredCustomerDto'];
export type GradeDistribution = S['GradeDistributionDto'];
export type GradeBucket = S['GradeBucketDto'];

export type ScoringSettings = S['ScoringSettingsDto'];
export type ScoringSettingsInput = S['UpdateScoringSettingsDto'];
export type ScoreWeights = S['ScoreWeightsDto'];
export type CreditCheckRules = S['CreditCheckRulesDto'];
export type RuleOutcome = CreditCheckRules['overLimit'];

export type CreditLimit = S['CreditLimitDto'];
export type CreditLimitRequest = S['CreditLimitRequestDto'];
export type CreditLimitInput = S['CreateCreditLimitDto'];
export type LimitSource = CreditLimit['source'];
export type LimitStatus = CreditLimit['status'];
export type CreditLimitUsage = S['CreditLimitUsageDto'];

/**
 * The exposure a credit limit is measured against (receivables + open orders, in the limit's
 * currency). Written out here: the spec names it `ExposureDto` like the customer 360's exposure,
 * and the generated schema keeps only that one (see the report to the API team).
 */
export type LimitExposure = S['LimitExposureDto'];
export type CurrentCreditLimit = S['CurrentCreditLimitDto'];

export type ExternalRating = S['ExternalRatingDto'];
export type LegalEvent = NonNullable<ExternalRating['legalEvent']>;
export type OpenOrder = S['OpenOrderDto'];

export type RiskAlert = S['RiskAlertDto'];
export type AlertType = RiskAlert['type'];
export type AlertSeverity = RiskAlert['severity'];
export type UnreadCount = S['UnreadCountDto'];

export type CreditCheck = S['CreditCheckDto'];
export type CreditCheckResult = S['CreditCheckResultDto'];
export type CreditCheckInput = S['CreateCreditCheckDto'];
export type CreditCheckReason = S['CreditCheckReasonDto'];
export type Decision = CreditCheck['decision'];
export type ReasonCode = CreditCheckReason['code'];

export type OpenInvoicePrediction = S['OpenInvoicePredictionDto'];
export type PredictionBasis = NonNullable<OpenInvoicePrediction['basis']>;

export type GoodPayer = S['GoodPayerDto'];
export type RiskBadge = S['RiskBadgeDto'];
export type CashCollected = S['CashCollectedDto'];
export type SalespersonCash = S['SalespersonCashDto'];

export const GRADES: readonly Grade[] = ['A', 'B', 'C', 'D', 'E'];
/** Lowest score of each grade (the API's rule, for the bands of the history chart). */
export const GRADE_FLOORS: Readonly<Record<Grade, number>> = { A: 80, B: 65, C: 50, D: 35, E: 0 };
export const WEIGHT_KEYS: readonly (keyof ScoreWeights)[] = [
  'daysLate',
  'lateTrend',
  'lateShare',
  'brokenPromises',
  'disputes',
  'overdueRatio',
  'limitUsage',
  'externalScore',
];
/** The credit-check rules that only take an outcome; the two threshold rules are apart. */
export const OUTCOME_RULES = ['overLimit', 'noLimit', 'accountBlocked', 'legalEvent', 'gradeE', 'gradeD'] as const;
export const RULE_OUTCOMES: readonly RuleOutcome[] = ['off', 'review', 'block'];
export const LIMIT_SOURCES: readonly LimitSource[] = ['internal', 'insurer', 'provider'];
export const DECISIONS: readonly Decision[] = ['accept', 'review', 'block'];
export const ALERT_TYPES: readonly AlertType[] = [
  'limit_threshold',
  'limit_review',
  'legal_event',
  'grade_change',
  'limit_approval',
];

/** The risk page (grades, limits, alerts, legal events). */
export const RISK_ROLES: readonly Role[] = ['admin', 'credit_manager', 'collector', 'viewer'];
/** The sales page (good payers, cash collected per salesperson). */
export const SALES_ROLES: readonly Role[] = ['admin', 'credit_manager', 'sales', 'viewer'];
/** The credit-check log (sales see their own customers' checks). */
export const CREDIT_CHECK_ROLES: readonly Role[] = ['admin', 'credit_manager', 'collector', 'sales', 'viewer'];
/** Run a credit check by hand (order entry). */
export const CREDIT_CHECK_RUNNERS: readonly Role[] = ['admin', 'credit_manager', 'collector', 'sales'];
/** Approve or reject a limit, release a check, change the scoring settings. */
export const RISK_DECIDERS: readonly Role[] = ['admin', 'credit_manager'];
/** Set or ask for a customer's credit limit (above the threshold a collector's or a salesperson's request waits). */
export const LIMIT_WRITERS: readonly Role[] = ['admin', 'credit_manager', 'collector', 'sales'];
