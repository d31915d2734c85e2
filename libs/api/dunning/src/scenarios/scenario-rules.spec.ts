import { describe, expect, it } from '@jest/globals';
import { checkSteps, type StepInput, type TemplateRef } from './scenario-rules.js';

const templates: TemplateRef[] = [
  { code: 'reminder_1_email', language: 'fr', channel: 'email' },
  { code: 'reminder_1_email', language: 'en', channel: 'email' },
  { code: 'reminder_sms', language: 'fr', channel: 'sms' },
  { code: 'english_only', language: 'en', channel: 'email' },
  { code: 'formal_notice', language: 'fr', channel: 'formal_notice' },
  { code: 'call_script', language: 'fr', channel: 'call' },
];
const email = (offsetDays: number, extra: Partial<StepInput> = {}): StepInput => ({
  name: `Day ${offsetDays}`,
  offsetDays,
  action: 'email',
  templateCode: 'reminder_1_email',
  ...extra,
});
const fields = (steps: StepInput[]) => checkSteps(steps, templates, 'fr').errors.map((e) => e.field);

describe('checkSteps', () => {
  it('accepts a valid scenario and orders it by position', () => {
    const { errors, ordered } = checkSteps(
      [email(15, { position: 2 }), email(-5, { position: 1 }), { name: 'Call', offsetDays: 25, action: 'call', position: 3 }],
      templates,
      'fr',
    );
    expect(errors).toEqual([]);
    expect(ordered.map((o) => o.index)).toEqual([1, 0, 2]);
  });

  it('reports offsets out of order on the step that breaks the order', () => {
    const { errors } = checkSteps([email(10), email(5)], templates, 'fr');
    expect(errors).toEqual([{ field: 'steps[1].offsetDays', message: expect.stringContaining('offsets out of order') }]);
    expect(fields([email(10), email(10)])).toEqual(['steps[1].offsetDays']);
    expect(fields([email(5, { position: 2 }), email(10, { position: 1 })])).toEqual(['steps[0].offsetDays']);
  });

  it('reports duplicate and missing positions', () => {
    expect(fields([email(1, { position: 1 }), email(2, { position: 1 })])).toEqual(['steps[1].position']);
    expect(fields([email(1, { position: 1 }), email(2)])).toEqual(['steps[1].position']);
  });

  it('checks the action and its template', () => {
    expect(fields([{ name: 'x', offsetDays: 1, action: 'fax', templateCode: null }])).toEqual(['steps[0].action']);
    expect(fields([email(1, { templateCode: null })])).toEqual(['steps[0].templateCode']);
    expect(fields([email(1, { templateCode: 'nope' })])).toEqual(['steps[0].templateCode']);
    expect(fields([email(1, { templateCode: 'reminder_sms' })])).toEqual(['steps[0].templateCode']);
    expect(fields([email(1, { templateCode: 'english_only' })])).toEqual(['steps[0].templateCode']);
    expect(fields([{ name: 'MED', offsetDays: 45, action: 'formal_notice', templateCode: 'reminder_1_email' }])).toEqual([
      'steps[0].templateCode',
    ]);
    expect(fields([{ name: 'Legal', offsetDays: 60, action: 'legal_escalation', templateCode: 'formal_notice' }])).toEqual([
      'steps[0].templateCode',
    ]);
    expect(fields([{ name: 'Call', offsetDays: 20, action: 'call', templateCode: 'call_script' }])).toEqual([]);
    expect(fields([{ name: 'Call', offsetDays: 20, action: 'call', templateCode: 'reminder_sms' }])).toEqual([
      'steps[0].templateCode',
    ]);
  });

  it('checks the minimum amount and requires a step', () => {
    expect(fields([email(1, { minOverdueAmount: '-1' })])).toEqual(['steps[0].minOverdueAmount']);
    expect(fields([email(1, { minOverdueAmount: '150.50' })])).toEqual([]);
    expect(fields([])).toEqual(['steps']);
  });
});
