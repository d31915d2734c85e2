import type { StepAction } from '../scenarios/scenario.entities.js';

export interface DefaultStep {
  offsetDays: number;
  action: StepAction;
  templateCode: string | null;
  automatic: boolean;
  name: { fr: string; en: string };
}

/** Name of the scenario every tenant starts with (its default scenario). */
export const DEFAULT_SCENARIO_NAME = 'Standard';

/**
 * The steps of the shipped "Standard" scenario, relative to the due date: a preventive email five
 * days before it, two emails (the second, firm, claims the penalties), an SMS, a call, a letter,
 * then the formal notice and the legal escalation, which a credit manager validates first.
 */
export const DEFAULT_SCENARIO_STEPS: readonly DefaultStep[] = [
  {
    offsetDays: -5,
    action: 'email',
    templateCode: 'preventive_email',
    automatic: true,
    name: { fr: 'Rappel avant échéance', en: 'Reminder before the due date' },
  },
  {
    offsetDays: 5,
    action: 'email',
    templateCode: 'reminder_1_email',
    automatic: true,
    name: { fr: 'Relance 1 – courtoise', en: 'Reminder 1 – courteous' },
  },
  {
    offsetDays: 15,
    action: 'email',
    templateCode: 'reminder_2_email',
    automatic: true,
    name: { fr: 'Relance 2 – ferme, avec pénalités', en: 'Reminder 2 – firm, with penalties' },
  },
  {
    offsetDays: 20,
    action: 'sms',
    templateCode: 'reminder_sms',
    automatic: true,
    name: { fr: 'Relance SMS', en: 'SMS reminder' },
  },
  {
    offsetDays: 25,
    action: 'call',
    templateCode: 'call_script',
    automatic: true,
    name: { fr: 'Appel de relance', en: 'Collection call' },
  },
  {
    offsetDays: 35,
    action: 'letter',
    templateCode: 'reminder_3_letter',
    automatic: true,
    name: { fr: 'Relance 3 – lettre', en: 'Reminder 3 – letter' },
  },
  {
    offsetDays: 45,
    action: 'formal_notice',
    templateCode: 'formal_notice',
    automatic: false,
    name: { fr: 'Mise en demeure', en: 'Formal notice' },
  },
  {
    offsetDays: 60,
    action: 'legal_escalation',
    templateCode: null,
    automatic: false,
    name: { fr: 'Passage au contentieux', en: 'Legal escalation' },
  },
];
