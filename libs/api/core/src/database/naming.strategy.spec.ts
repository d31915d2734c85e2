import { describe, expect, it } from '@jest/globals';
import { snakeCase } from './naming.strategy.js';

describe('snakeCase', () => {
  it.each([
    ['LegalEntity', 'legal_entity'],
    ['vatNumber', 'vat_number'],
    ['tenantId', 'tenant_id'],
    ['APIKey', 'api_key'],
    ['openAmount2', 'open_amount2'],
  ])('%s → %s', (a, b) => expect(snakeCase(a)).toBe(b));
});
