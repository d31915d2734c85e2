const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Waits after the 1st, 2nd, ... 7th failed attempt; the 8th failure is final. */
export const RETRY_DELAYS_MS = [1 * MINUTE, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR] as const;

/** A delivery is given up (status `failed`) after this many attempts: the first one and 7 retries. */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** Largest share of the delay the jitter may add or remove (±10 %). */
export const JITTER_RATIO = 0.1;

/**
 * How long to wait before the next attempt once `attempt` attempts have failed (1-based), in
 * milliseconds; `null` when the delivery should be given up. With `random` (a function returning
 * [0, 1), e.g. Math.random) the delay moves by up to ±10 % so that retries of many deliveries
 * that failed together do not all come back in the same second; without it, it is exact.
 */
export function nextRetryDelay(attempt: number, random?: () => number): number | null {
  if (!Number.isInteger(attempt) || attempt < 1) throw new Error(`attempt must be a positive integer, got ${attempt}`);
  if (attempt >= MAX_ATTEMPTS) return null;
  const base = RETRY_DELAYS_MS[attempt - 1];
  if (!random) return base;
  return Math.round(base * (1 + JITTER_RATIO * (2 * random() - 1)));
}
