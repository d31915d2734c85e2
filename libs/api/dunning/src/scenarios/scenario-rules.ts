import type { FieldError } from '@encours/api-core';
import { STEP_ACTIONS, type StepAction } from './scenario.entities.js';

/** The template channel a step's action sends through (`call`: the notes of the call task). */
export const TEMPLATE_CHANNEL_OF_ACTION: Record<StepAction, 'email' | 'sms' | 'letter' | 'formal_notice' | 'call' | null> = {
  email: 'email',
  sms: 'sms',
  letter: 'letter',
  formal_notice: 'formal_notice',
  call: 'call',
  legal_escalation: null,
  account_block: null,
};

/** Actions that send a message: they need a template. */
export const ACTIONS_NEEDING_TEMPLATE: readonly StepAction[] = ['email', 'sms', 'letter', 'formal_notice'];

export const RISK_GRADES = ['A', 'B', 'C', 'D', 'E'] as const;

export interface StepInput {
  position?: number;
  name: string;
  offsetDays: number;
  action: string;
  templateCode?: string | null;
  minOverdueAmount?: string;
  actor?: 'collector' | 'salesperson';
  automatic?: boolean;
}

export interface TemplateRef {
  code: string;
  language: string;
  channel: string;
}

const DECIMAL = /^\d{1,17}(\.\d{1,3})?$/;

/**
 * Checks the steps of a scenario, reporting each problem with the path of the step in the
 * request (`steps[2].offsetDays`): unique positions; offsets strictly increasing in the order
 * of the positions (or of the list when no position is given); a known action; a template for
 * the actions that send a message, of the action's channel and written at least in the
 * tenant's default language; a non-negative minimum amount. Returns the steps in their order
 * (with the index they had in the request).
 */
export function checkSteps(
  steps: readonly StepInput[],
  templates: readonly TemplateRef[],
  defaultLanguage: string,
): { errors: FieldError[]; ordered: Array<{ index: number; step: StepInput }> } {
  const errors: FieldError[] = [];
  const at = (i: number, field: string) => `steps[${i}].${field}`;
  if (steps.length === 0) errors.push({ field: 'steps', message: 'A scenario needs at least one step' });

  const seen = new Map<number, number>();
  steps.forEach((s, i) => {
    if (s.position === undefined) return;
    const first = seen.get(s.position);
    if (first !== undefined)
      errors.push({ field: at(i, 'position'), message: `Position ${s.position} is already used by steps[${first}]` });
    else seen.set(s.position, i);
  });
  const someWithout = steps.some((s) => s.position === undefined);
  const someWith = steps.some((s) => s.position !== undefined);
  if (someWith && someWithout) {
    steps.forEach((s, i) => {
      if (s.position === undefined)
        errors.push({ field: at(i, 'position'), message: 'Give a position to every step, or to none' });
    });
  }
  const ordered = steps.map((step, index) => ({ index, step }));
  if (someWith && !someWithout) ordered.sort((a, b) => a.step.position! - b.step.position! || a.index - b.index);
  for (let k = 1; k < ordered.length; k++) {
    const prev = ordered[k - 1];
    const cur = ordered[k];
    if (cur.step.offsetDays <= prev.step.offsetDays) {
      errors.push({
        field: at(cur.index, 'offsetDays'),
        message: `offsets out of order: step "${cur.step.name}" (day ${cur.step.offsetDays}) must come strictly after day ${prev.step.offsetDays} of the step before it`,
      });
    }
  }

  steps.forEach((s, i) => {
    if (!(STEP_ACTIONS as readonly string[]).includes(s.action)) {
      errors.push({ field: at(i, 'action'), message: `action must be one of: ${STEP_ACTIONS.join(', ')}` });
      return;
    }
    const action = s.action as StepAction;
    const channel = TEMPLATE_CHANNEL_OF_ACTION[action];
    const code = s.templateCode?.trim() || null;
    if (!code) {
      if (ACTIONS_NEEDING_TEMPLATE.includes(action))
        errors.push({ field: at(i, 'templateCode'), message: `A ${action} step needs a template` });
    } else if (channel === null) {
      errors.push({ field: at(i, 'templateCode'), message: `A ${action} step sends nothing: leave templateCode empty` });
    } else {
      const variants = templates.filter((t) => t.code === code);
      if (!variants.length) {
        errors.push({ field: at(i, 'templateCode'), message: `Unknown template "${code}"` });
      } else if (!variants.some((t) => t.channel === channel)) {
        errors.push({
          field: at(i, 'templateCode'),
          message: `Template "${code}" is a ${variants[0].channel} template: a ${action} step needs a ${channel} template`,
        });
      } else if (!variants.some((t) => t.channel === channel && t.language === defaultLanguage)) {
        errors.push({
          field: at(i, 'templateCode'),
          message: `Template "${code}" has no version in ${defaultLanguage}, the default language of the tenant`,
        });
      }
    }
    if (s.minOverdueAmount !== undefined && !DECIMAL.test(s.minOverdueAmount))
      errors.push({
        field: at(i, 'minOverdueAmount'),
        message: 'minOverdueAmount must be a decimal amount of 0 or more, such as 150.00',
      });
  });
  return { errors, ordered };
}
