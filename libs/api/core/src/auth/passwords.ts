import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

/** Argon2id (algorithm 2 of @node-rs/argon2), OWASP parameters: 19 MiB, t=2, p=1. */
const ARGON2ID = 2;
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(plain: string): Promise<string> {
  return hash(plain, OPTIONS);
}

export async function verifyPassword(hashed: string, plain: string): Promise<boolean> {
  try {
    return await verify(hashed, plain);
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
