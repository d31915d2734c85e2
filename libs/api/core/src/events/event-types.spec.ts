import { describe, expect, it } from '@jest/globals';
import { EVENT_TYPES, isKnownEventType, registerEventType } from './event-types.js';
import { webhookUrlProblem } from './webhooks.dto.js';

describe('event catalogue', () => {
  it('lists the platform events with a description each', () => {
    for (const type of [
      'customer.created',
      'invoice.created',
      'invoice.overdue',
      'payment.received',
      'import.completed',
      'credit_limit.threshold_crossed',
      'promise.broken',
      'payment_plan.breached',
    ]) {
      expect(isKnownEventType(type)).toBe(true);
      expect(EVENT_TYPES[type].length).toBeGreaterThan(10);
    }
    expect(isKnownEventType('ping')).toBe(false);
    expect(isKnownEventType('toString')).toBe(false);
  });

  it('lets a module register its events, once, with a dotted lower-case name', () => {
    registerEventType('dispute.opened', 'A dispute was opened on an invoice');
    expect(isKnownEventType('dispute.opened')).toBe(true);
    expect(() => registerEventType('dispute.opened', 'A dispute was opened on an invoice')).not.toThrow();
    expect(() => registerEventType('dispute.opened', 'Something else')).toThrow(/already registered/);
    expect(() => registerEventType('Dispute.Opened', 'x')).toThrow(/resource.happened/);
    expect(() => registerEventType('dispute', 'x')).toThrow(/resource.happened/);
  });
});

describe('webhookUrlProblem', () => {
  it.each([
    ['https://erp.example.fr/hooks/encours', null],
    ['https://10.0.0.5:8443/hook', null],
    ['http://localhost:4000/hook', null],
    ['http://127.0.0.1:4000/hook', null],
    ['http://erp.example.fr/hook', /https/],
    ['http://localhost.example.fr/hook', /https/],
    ['ftp://erp.example.fr/hook', /https/],
    ['not a url', /absolute URL/],
  ])('%s', (url, problem) => {
    const p = webhookUrlProblem(url);
    if (problem === null) expect(p).toBeNull();
    else expect(p).toMatch(problem);
  });
});
