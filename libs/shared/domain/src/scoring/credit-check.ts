import { fromMinor, toMinor } from '../money.js';

/**
 * The credit check for order entry: may this order be taken for this customer? Pure rule: the
 * caller gathers the figures (in one currency) and the tenant's rules; the answer is accept,
 * review (a credit manager looks at it) or block, with every reason that fired.
 */

export type CreditDecision = 'accept' | 'review' | 'block';
/** What a rule does when it fires: nothing, ask for a review, or block the order. */
export type CreditRuleOutcome = 'off' | 'review' | 'block';

export const CREDIT_CHECK_REASON_CODES = [
  'account_blocked',
  'legal_event',
  'over_limit',
  'no_limit',
  'overdue_days',
  'overdue_amount',
  'grade_e',
  'grade_d',
] as const;
export type CreditCheckReasonCode = (typeof CREDIT_CHECK_REASON_CODES)[number];

/** A tenant's credit-check rules (same shape as the scoring settings' `creditCheckRules`). */
export interface CreditCheckRuleSet {
  /** The order would take exposure above the limit. */
  overLimit: CreditRuleOutcome;
  /** The customer has no valid credit limit. */
  noLimit: CreditRuleOutcome;
  /** Some open invoice is more than `overdueDays` days past due. */
  overdueDays: number;
  overdueDaysOutcome: CreditRuleOutcome;
  /** The overdue amount exceeds `overdueAmount` (in the check's currency; null: rule off). */
  overdueAmount: string | null;
  overdueAmountOutcome: CreditRuleOutcome;
  /** The account is blocked (by the dunning "account block" step). */
  accountBlocked: CreditRuleOutcome;
  gradeE: CreditRuleOutcome;
  gradeD: CreditRuleOutcome;
  /** A collective proceeding (safeguard, receivership, liquidation) is known. */
  legalEvent: CreditRuleOutcome;
}

export interface CreditCheckInput {
  /** Currency of every amount below: the limit's, else the customer's. */
  currency: string;
  /** The order, converted to `currency` (> 0). */
  orderAmount: string;
  /** Exposure before the order: open receivables + open orders. */
  exposure: string;
  /** The valid credit limit, null when the customer has none. */
  limit: string | null;
  /** Open invoices past due. */
  overdue: string;
  /** Days past due of the oldest overdue open invoice (0 when none). */
  maxDaysLate: number;
  /** The account is blocked by dunning. */
  blocked: boolean;
  /** Risk grade A..E, null when not scored yet. */
  grade: string | null;
  /** The collective proceeding known from a provider, if any. */
  legalEvent: { type: string; date: string | null; provider: string } | null;
}

/**
 * The figures that made a rule fire, per reason code: exact decimal strings in `currency` (the
 * check's currency, i.e. the limit's), whole numbers for days. Clients word the reason from them
 * in their own language; `message` stays the English sentence for logs.
 */
export interface CreditCheckReasonData {
  over_limit: { currency: string; exposureAfter: string; limit: string; excess: string };
  no_limit: Record<string, never>;
  overdue_days: { days: number; threshold: number };
  overdue_amount: { currency: string; overdue: string; threshold: string };
  /** `since`: the date of the proceeding (YYYY-MM-DD), null when the provider gave none. */
  legal_event: { provider: string; event: string; since: string | null };
  account_blocked: Record<string, never>;
  grade_e: { grade: 'E' };
  grade_d: { grade: 'D' };
}

export type CreditCheckReason = {
  [C in CreditCheckReasonCode]: {
    code: C;
    outcome: 'review' | 'block';
    /** English, for integrators' logs. */
    message: string;
    data: CreditCheckReasonData[C];
  };
}[CreditCheckReasonCode];

export interface CreditCheckResult {
  decision: CreditDecision;
  /** The rules that fired, in the order of CREDIT_CHECK_REASON_CODES; empty on accept. */
  reasons: CreditCheckReason[];
}

const LEGAL_EVENT_NAMES: Record<string, string> = {
  safeguard: 'safeguard proceedings (sauvegarde)',
  receivership: 'receivership (redressement judiciaire)',
  liquidation: 'liquidation (liquidation judiciaire)',
};

/** Compares two non-negative or negative decimal strings exactly (any number of decimals). */
export function compareDecimal(a: string, b: string): number {
  const parse = (s: string) => {
    const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(s.trim());
    if (!m) throw new Error(`Not a decimal amount: ${s}`);
    return { neg: !!m[1], int: m[2], frac: m[3] ?? '' };
  };
  const x = parse(a);
  const y = parse(b);
  const scale = Math.max(x.frac.length, y.frac.length);
  const big = (p: { neg: boolean; int: string; frac: string }) => {
    const v = BigInt(p.int + p.frac.padEnd(scale, '0'));
    return p.neg ? -v : v;
  };
  const d = big(x) - big(y);
  return d === 0n ? 0 : d > 0n ? 1 : -1;
}

/**
 * A tenant's threshold with the currency's decimals ("2000" → "2000.00" in EUR). The threshold is
 * one figure for every currency, so it may carry more decimals than this one has (1000.5 for a
 * JPY check): then it is kept as written, still exact.
 */
function inCurrency(amount: string, currency: string): string {
  try {
    return fromMinor(toMinor(amount, currency), currency);
  } catch {
    return amount.trim();
  }
}

/**
 * Decides a credit check. Each rule whose outcome is not `off` and whose condition holds gives a
 * reason; the decision is the worst outcome among them (block > review), accept when none fired.
 * - account_blocked: the account is blocked;
 * - legal_event: a collective proceeding is known;
 * - over_limit: exposure + order > limit (a limit of 0 blocks every order);
 * - no_limit: no valid limit;
 * - overdue_days: the oldest overdue invoice is more than `overdueDays` days late;
 * - overdue_amount: overdue > `overdueAmount`;
 * - grade_e, grade_d: the customer's grade.
 */
export function decideCreditCheck(input: CreditCheckInput, rules: CreditCheckRuleSet): CreditCheckResult {
  const cur = input.currency;
  const reasons: CreditCheckReason[] = [];
  const fire = <C extends CreditCheckReasonCode>(
    code: C,
    outcome: CreditRuleOutcome,
    message: string,
    data: CreditCheckReasonData[C],
  ) => {
    if (outcome === 'review' || outcome === 'block') reasons.push({ code, outcome, message, data } as CreditCheckReason);
  };
  const show = (minor: bigint) => `${fromMinor(minor, cur)} ${cur}`;

  if (input.blocked) fire('account_blocked', rules.accountBlocked, 'The account is blocked by dunning', {});
  if (input.legalEvent) {
    const e = input.legalEvent;
    fire(
      'legal_event',
      rules.legalEvent,
      `Collective proceeding reported by ${e.provider}: ${LEGAL_EVENT_NAMES[e.type] ?? e.type}${e.date ? ` since ${e.date}` : ''}`,
      { provider: e.provider, event: e.type, since: e.date },
    );
  }
  const order = toMinor(input.orderAmount, cur);
  const exposure = toMinor(input.exposure, cur);
  const after = exposure + order;
  if (input.limit !== null) {
    const limit = toMinor(input.limit, cur);
    if (after > limit)
      fire(
        'over_limit',
        rules.overLimit,
        `The order would take exposure to ${show(after)}, above the credit limit of ${show(limit)} by ${show(after - limit)}`,
        {
          currency: cur,
          exposureAfter: fromMinor(after, cur),
          limit: fromMinor(limit, cur),
          excess: fromMinor(after - limit, cur),
        },
      );
  } else fire('no_limit', rules.noLimit, 'The customer has no valid credit limit', {});
  if (input.maxDaysLate > rules.overdueDays)
    fire(
      'overdue_days',
      rules.overdueDaysOutcome,
      `An invoice is ${input.maxDaysLate} days past due (more than ${rules.overdueDays} days)`,
      { days: input.maxDaysLate, threshold: rules.overdueDays },
    );
  if (
    rules.overdueAmount !== null &&
    rules.overdueAmount !== undefined &&
    compareDecimal(input.overdue, rules.overdueAmount) > 0
  ) {
    const overdue = toMinor(input.overdue, cur);
    fire(
      'overdue_amount',
      rules.overdueAmountOutcome,
      `Overdue invoices total ${show(overdue)}, more than ${rules.overdueAmount} ${cur}`,
      { currency: cur, overdue: fromMinor(overdue, cur), threshold: inCurrency(rules.overdueAmount, cur) },
    );
  }
  if (input.grade === 'E') fire('grade_e', rules.gradeE, 'The risk grade is E', { grade: 'E' });
  if (input.grade === 'D') fire('grade_d', rules.gradeD, 'The risk grade is D', { grade: 'D' });

  const decision: CreditDecision = reasons.some((r) => r.outcome === 'block') ? 'block' : reasons.length ? 'review' : 'accept';
  return { decision, reasons };
}
