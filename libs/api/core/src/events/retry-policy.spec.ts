import { describe, expect, it } from '@jest/globals';
import { MAX_ATTEMPTS, nextRetryDelay } from './retry-policy.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('nextRetryDelay', () => {
  it.each([
    [1, 1 * MIN],
    [2, 5 * MIN],
    [3, 30 * MIN],
    [4, 2 * HOUR],
    [5, 6 * HOUR],
    [6, 12 * HOUR],
    [7, 24 * HOUR],
  ])('after failed attempt %i waits %i ms', (attempt, delay) => {
    expect(nextRetryDelay(attempt)).toBe(delay);
  });

  it('gives up after the 8th attempt', () => {
    expect(MAX_ATTEMPTS).toBe(8);
    expect(nextRetryDelay(8)).toBeNull();
    expect(nextRetryDelay(9)).toBeNull();
  });

  it('spans about 45 hours from first failure to giving up', () => {
    const total = [1, 2, 3, 4, 5, 6, 7].reduce((sum, a) => sum + (nextRetryDelay(a) ?? 0), 0);
    expect(total).toBe(44 * HOUR + 36 * MIN);
  });

  it('moves the delay by at most ±10 % with jitter, deterministically for a given random source', () => {
    expect(nextRetryDelay(1, () => 0)).toBe(54_000);
    expect(nextRetryDelay(1, () => 0.5)).toBe(60_000);
    expect(nextRetryDelay(1, () => 0.999999)).toBe(Math.round(60_000 * (1 + 0.1 * (2 * 0.999999 - 1))));
    expect(nextRetryDelay(7, () => 0.25)).toBe(24 * HOUR * 0.95);
    expect(nextRetryDelay(8, () => 0.5)).toBeNull();
  });

  it('refuses an attempt number that is not a positive integer', () => {
    expect(() => nextRetryDelay(0)).toThrow(/positive integer/);
    expect(() => nextRetryDelay(1.5)).toThrow(/positive integer/);
  });
});
