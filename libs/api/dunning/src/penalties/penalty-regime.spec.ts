import { describe, expect, it } from '@jest/globals';
import { penaltyRegimeFor, yearsBefore } from './penalty-regime.js';

describe('penaltyRegimeFor', () => {
  it.each([
    ['FR', null, 'fr', 'country'],
    ['re', null, 'fr', 'country'],
    ['DE', null, 'eu', 'country'],
    ['GR', null, 'eu', 'country'],
    ['CH', null, 'none', 'country'],
    ['GB', null, 'none', 'country'],
    ['US', 'eu', 'eu', 'customer'],
    ['FR', 'none', 'none', 'customer'],
    [null, null, 'none', 'country'],
  ] as const)('%s with setting %s → %s (%s)', (country, explicit, regime, source) => {
    expect(penaltyRegimeFor(country, explicit)).toEqual({ regime, source });
  });
});

describe('yearsBefore', () => {
  it('moves back whole years, 29 February to 28 February', () => {
    expect(yearsBefore('2026-11-25', 5)).toBe('2021-11-25');
    expect(yearsBefore('2028-02-29', 5)).toBe('2023-02-28');
    expect(yearsBefore('2029-02-28', 5)).toBe('2024-02-28');
  });
});
