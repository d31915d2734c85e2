import { describe, expect, it } from '@jest/globals';
import type { ValidationError } from '@nestjs/common';
import { flattenValidationErrors } from './validation.js';

describe('flattenValidationErrors', () => {
  it('gives nested and array field paths', () => {
    const errors = [
      { property: 'email', constraints: { isEmail: 'email must be an email' }, children: [] },
      {
        property: 'contacts',
        children: [
          { property: '0', children: [{ property: 'phone', constraints: { isString: 'phone must be a string' }, children: [] }] },
        ],
      },
      { property: 'extra', constraints: { whitelistValidation: 'property extra should not exist' }, children: [] },
    ] as ValidationError[];
    expect(flattenValidationErrors(errors)).toEqual([
      { field: 'email', message: 'email must be an email', code: 'isEmail' },
      { field: 'contacts[0].phone', message: 'phone must be a string', code: 'isString' },
      { field: 'extra', message: 'extra is not an accepted field', code: 'whitelistValidation' },
    ]);
  });
});
