import { describe, expect, it } from '@jest/globals';
import { gsmSeptets, isGsm7, smsSize, toGsm7 } from './sms.js';

describe('SMS encoding', () => {
  it('keeps the GSM alphabet and transliterates the rest', () => {
    expect(isGsm7('Relance: échéance dépassée à régler')).toBe(true);
    expect(toGsm7('Merci, ça coûte 40\u00a0€ – cœur « île »')).toBe('Merci, ca coute 40 € - coeur " ile "');
    expect(isGsm7(toGsm7('Société Générale ôÊ→'))).toBe(true);
  });
  it('counts extension characters twice', () => {
    expect(gsmSeptets('40 €')).toBe(5);
    expect(gsmSeptets('[x]')).toBe(5);
  });
  it('counts segments', () => {
    expect(smsSize('a'.repeat(160))).toEqual({ encoding: 'gsm7', units: 160, segments: 1 });
    expect(smsSize('a'.repeat(161)).segments).toBe(2);
    expect(smsSize('a'.repeat(459)).segments).toBe(3);
    expect(smsSize('a'.repeat(460)).segments).toBe(4);
    expect(smsSize('ê'.repeat(70))).toEqual({ encoding: 'ucs2', units: 70, segments: 1 });
    expect(smsSize('ê'.repeat(71)).segments).toBe(2);
  });
});
