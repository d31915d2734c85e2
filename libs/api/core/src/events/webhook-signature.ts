import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Header carrying the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'X-Encours-Signature';

/** Default window within which a receiver accepts a signed timestamp (5 minutes). */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

/** A new signing secret: `whsec_` followed by 32 random bytes in base64url. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/**
 * The `v1` signature of a delivery: hex HMAC-SHA256 keyed by the whole secret (`whsec_...`, as
 * UTF-8) over `${timestamp}.${body}`, where body is the exact raw request body.
 */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The value of the `X-Encours-Signature` header for a body sent at `timestamp` (unix seconds). */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${signPayload(secret, timestamp, body)}`;
}

/**
 * What a receiver does: parse `t=...,v1=...`, refuse a timestamp further than `toleranceSeconds`
 * from `now` (replays), and compare the HMAC in constant time. Several `v1` entries are accepted
 * (any one matching is enough). Returns false rather than throwing on any malformed input.
 */
export function verifySignature(
  secret: string,
  header: string | null | undefined,
  body: string,
  toleranceSeconds = DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
  now: Date = new Date(),
): boolean {
  if (!header) return false;
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) candidates.push(value.toLowerCase());
  }
  if (timestamp === undefined || !candidates.length) return false;
  if (Math.abs(Math.floor(now.getTime() / 1000) - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(signPayload(secret, timestamp, body), 'hex');
  return candidates.some((c) => timingSafeEqual(Buffer.from(c, 'hex'), expected));
}
