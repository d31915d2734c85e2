import { describe, expect, it } from '@jest/globals';
import { generatePassword, hashPassword, passwordProblems, verifyPassword } from './passwords.js';

describe('passwords', () => {
  it('hashes with argon2id and verifies', async () => {
    const hash = await hashPassword('Correct-horse-7');
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(hash, 'Correct-horse-7')).toBe(true);
    expect(await verifyPassword(hash, 'correct-horse-7')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false);
  });
  it('generates readable one-time passwords that pass the rules', () => {
    const p = generatePassword();
    expect(p).toMatch(/^[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}$/);
    expect(passwordProblems(p)).toBeNull();
  });
  it.each([
    ['short1', /at least 10/],
    ['onlyletterspassword', /mix letters/],
    ['12345678901', /mix letters/],
  ])('refuses %s', (p, re) => expect(passwordProblems(p)).toMatch(re));
});
