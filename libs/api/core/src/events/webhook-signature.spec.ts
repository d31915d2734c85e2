import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { generateWebhookSecret, signatureHeader, signPayload, verifySignature } from './webhook-signature.js';

const secret = 'whsec_test-secret';
const body = '{"id":"9a7e3c1b-2d4f-4e6a-8b0c-1d2e3f4a5b6c","type":"invoice.overdue","data":{"number":"F-2026-0042"}}';
const ts = 1_795_600_000;
const at = (seconds: number) => new Date(seconds * 1000);

describe('signPayload', () => {
  it('is the hex HMAC-SHA256 of "<timestamp>.<body>" keyed by the whole secret', () => {
    const expected = createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
    expect(signPayload(secret, ts, body)).toBe(expected);
    expect(signPayload(secret, ts, body)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('matches a worked example', () => {
    // echo -n '1700000000.{}' | openssl dgst -sha256 -hmac 'whsec_abc'
    const hex = 'bad9ac117e973d721c232d46744158d75e3f1b44e36771e13d01b9e6a580bc72';
    expect(signPayload('whsec_abc', 1_700_000_000, '{}')).toBe(hex);
    expect(signatureHeader('whsec_abc', 1_700_000_000, '{}')).toBe(`t=1700000000,v1=${hex}`);
  });
});

describe('verifySignature', () => {
  const header = signatureHeader(secret, ts, body);

  it('accepts a fresh, untouched delivery', () => {
    expect(verifySignature(secret, header, body, 300, at(ts))).toBe(true);
    expect(verifySignature(secret, header, body, 300, at(ts + 300))).toBe(true);
    expect(verifySignature(secret, header, body, 300, at(ts - 300))).toBe(true);
  });

  it('refuses a timestamp outside the tolerance (replay)', () => {
    expect(verifySignature(secret, header, body, 300, at(ts + 301))).toBe(false);
    expect(verifySignature(secret, header, body, 300, at(ts - 301))).toBe(false);
    expect(verifySignature(secret, header, body, 60, at(ts + 61))).toBe(false);
  });

  it('refuses a tampered body, timestamp, signature or the wrong secret', () => {
    expect(verifySignature(secret, header, body.replace('0042', '0043'), 300, at(ts))).toBe(false);
    expect(verifySignature(secret, header.replace(`t=${ts}`, `t=${ts + 1}`), body, 300, at(ts))).toBe(false);
    const sig = signPayload(secret, ts, body);
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`;
    expect(verifySignature(secret, `t=${ts},v1=${flipped}`, body, 300, at(ts))).toBe(false);
    expect(verifySignature('whsec_other', header, body, 300, at(ts))).toBe(false);
  });

  it('accepts any matching v1 among several (secret rotation) and ignores unknown schemes', () => {
    const other = signPayload('whsec_old', ts, body);
    expect(verifySignature(secret, `t=${ts},v1=${other},v1=${signPayload(secret, ts, body)},v0=abc`, body, 300, at(ts))).toBe(
      true,
    );
  });

  it('returns false on malformed headers instead of throwing', () => {
    for (const h of [
      undefined,
      null,
      '',
      'garbage',
      `t=${ts}`,
      `v1=${signPayload(secret, ts, body)}`,
      `t=abc,v1=${signPayload(secret, ts, body)}`,
      `t=${ts},v1=zz`,
    ]) {
      expect(verifySignature(secret, h, body, 300, at(ts))).toBe(false);
    }
  });
});

describe('generateWebhookSecret', () => {
  it('is whsec_ and 32 random bytes in base64url', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a.slice(6), 'base64url')).toHaveLength(32);
    expect(generateWebhookSecret()).not.toBe(a);
  });
});
