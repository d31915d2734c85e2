/**
 * Pure rules of credit limits: usage of a limit and the alert levels it crosses, whether an
 * increase waits for a credit manager, when a limit is due for review, and how an external
 * rating on a provider's scale reads on 0-100. No I/O; amounts in bigint minor units.
 */
import { addDays, type CalendarDate } from '../calendar-date.js';
import type { Minor } from '../money.js';

/** Largest usage stored (numeric(9,2)): a tiny limit against a large exposure reads as this. */
export const MAX_USAGE_HUNDREDTHS = 999_999_999n;

/**
 * Usage of a limit in hundredths of a percent (12345n = 123.45 %), rounded half up; capped at
 * MAX_USAGE_HUNDREDTHS. A zero limit with a positive exposure is fully used beyond any level
 * (the cap); with nothing owed it is 0. A negative exposure (credit notes exceed invoices) is 0.
 */
export function usageHundredths(exposure: Minor, limit: Minor): bigint {
  if (limit < 0n) throw new Error('A credit limit cannot be negative');
  if (exposure <= 0n) return 0n;
  if (limit === 0n) return MAX_USAGE_HUNDREDTHS;
  const u = (exposure * 10_000n * 2n + limit) / (2n * limit);
  return u > MAX_USAGE_HUNDREDTHS ? MAX_USAGE_HUNDREDTHS : u;
}

/** Hundredths of a percent as the decimal string stored and shown: 12345n → "123.45". */
export function formatUsage(hundredths: bigint): string {
  const neg = hundredths < 0n;
  const abs = (neg ? -hundredths : hundredths).toString().padStart(3, '0');
  return `${neg ? '-' : ''}${abs.slice(0, -2)}.${abs.slice(-2)}`;
}

/** The alert levels of a tenant, cleaned: positive integers, unique, ascending. */
export function normaliseLevels(levels: readonly number[]): number[] {
  return [...new Set(levels.filter((l) => Number.isInteger(l) && l > 0))].sort((a, b) => a - b);
}

/** The highest alert level (percent) at or under the usage; 0 when under every level. */
export function usageLevel(levels: readonly number[], hundredths: bigint): number {
  let level = 0;
  for (const l of normaliseLevels(levels)) if (BigInt(l) * 100n <= hundredths) level = l;
  return level;
}

export interface UsageChange {
  /** The level to store now. */
  level: number;
  /** Levels crossed upwards since the stored one (one alert each), ascending. */
  crossed: number[];
  /** True when the usage fell under the stored level (stored level lowered, no alert). */
  lowered: boolean;
}

/**
 * What a new usage means against the level stored at the last evaluation: a rise alerts once
 * for each level newly crossed (50 → 100 crosses 80 and 100); staying alerts nothing; a fall
 * lowers the stored level silently, so crossing it again later alerts again.
 */
export function usageChange(levels: readonly number[], storedLevel: number, hundredths: bigint | null): UsageChange {
  const level = hundredths === null ? 0 : usageLevel(levels, hundredths);
  if (level > storedLevel) {
    return { level, crossed: normaliseLevels(levels).filter((l) => l > storedLevel && l <= level), lowered: false };
  }
  return { level, crossed: [], lowered: level < storedLevel };
}

/** Severity of the alert for a crossed level: critical from 100 % (the limit is reached). */
export function levelSeverity(level: number): 'warning' | 'critical' {
  return level >= 100 ? 'critical' : 'warning';
}

export type ApprovalDecision =
  /** The new limit is not higher than the current one: applies at once. */
  | 'decrease'
  /** An increase of at most the threshold: applies at once. */
  | 'within_threshold'
  /** Requested by a credit manager, an admin or a provider / insurer feed: applies at once. */
  | 'trusted_requester'
  /** An increase above the threshold (or no threshold set): waits for a credit manager. */
  | 'needs_approval';

export interface ApprovalInput {
  /** Amount of the customer's current active limit in the new limit's currency; null when none (counts as 0). */
  current: Minor | null;
  /** The amount asked for, in the same currency. */
  requested: Minor;
  /**
   * The tenant's approval threshold converted to that currency; null when the tenant set none
   * or it could not be converted (then every increase waits).
   */
  threshold: Minor | null;
  /** The requester may set limits directly (admin, credit_manager, an API key of a feed). */
  trusted: boolean;
}

/** Increase = requested − current (0 when no active limit); above the threshold it waits for approval. */
export function approvalDecision(input: ApprovalInput): { decision: ApprovalDecision; increase: Minor } {
  const increase = input.requested - (input.current ?? 0n);
  if (increase <= 0n) return { decision: 'decrease', increase };
  if (input.trusted) return { decision: 'trusted_requester', increase };
  if (input.threshold !== null && increase <= input.threshold) return { decision: 'within_threshold', increase };
  return { decision: 'needs_approval', increase };
}

/** True when the limit applies on `day`: from validFrom to validTo inclusive (no end: open-ended). */
export function limitValidOn(limit: { validFrom: CalendarDate; validTo: CalendarDate | null }, day: CalendarDate): boolean {
  return limit.validFrom <= day && (limit.validTo === null || day <= limit.validTo);
}

export interface ReviewReminder {
  kind: 'review' | 'expiry';
  date: CalendarDate;
  /** The date is today or already past. */
  due: boolean;
}

/**
 * Reminders a limit deserves on `today`: its review date and its end of validity, each when it
 * falls within `days` days ahead (or is already past).
 */
export function reviewReminders(
  limit: { reviewOn: CalendarDate | null; validTo: CalendarDate | null },
  today: CalendarDate,
  days: number,
): ReviewReminder[] {
  const horizon = addDays(today, Math.max(0, days));
  const out: ReviewReminder[] = [];
  if (limit.reviewOn && limit.reviewOn <= horizon)
    out.push({ kind: 'review', date: limit.reviewOn, due: limit.reviewOn <= today });
  if (limit.validTo && limit.validTo <= horizon) out.push({ kind: 'expiry', date: limit.validTo, due: limit.validTo <= today });
  return out;
}

/**
 * A provider's score on its own scale (0-20 Altares, 0-10 Ellisphere, 0-100 Creditsafe...) as
 * points on 0-100 (higher = safer), rounded to 2 decimals; null when it cannot be read.
 */
export function normaliseRating(score: string | number | null, scaleMax: string | number | null): number | null {
  if (score === null || scaleMax === null) return null;
  const s = Number(score);
  const max = Number(scaleMax);
  if (!Number.isFinite(s) || !Number.isFinite(max) || max <= 0 || s < 0 || s > max) return null;
  return Math.round((s / max) * 10_000) / 100;
}
