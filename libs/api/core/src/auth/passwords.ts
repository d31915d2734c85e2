import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';

/** argon2id with the library's defaults (64 MiB, t=3, p=4). */
export function hashPassword(plain: string): Promise<string> {
  return argon2.hash(plain, { type: argon2.argon2id });
}

export async function verifyPassword(hash: string, plain: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, plain);
  } catch {
    return false;
  }
}

/** A readable one-time password: 4 groups of 4 characters without look-alikes. */
export function generatePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(16);
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i && i % 4 === 0) s += '-';
    s += alphabet[bytes[i] % alphabet.length];
  }
  return s;
}

/** Password rules: at least 10 characters, not only letters or only digits. */
export function passwordProblems(plain: string): string | null {
  if (plain.length < 10) return 'must be at least 10 characters long';
  if (plain.length > 200) return 'must be at most 200 characters long';
  if (/^[a-zA-Z]+$/.test(plain) || /^\d+$/.test(plain)) return 'must mix letters with digits or symbols';
  return null;
}
