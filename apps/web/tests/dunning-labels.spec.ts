import { describe, expect, it } from 'vitest';
import {
  PROMISE_CHANNELS,
  RISK_GRADES,
  STEP_ACTIONS,
  STEP_ACTORS,
  TASK_KINDS,
  TASK_OUTCOMES,
  TEMPLATE_CHANNELS,
} from '../src/api/dunning';
import { PRIORITY_THRESHOLDS } from '../src/features/dunning/priority';
import { i18n } from '../src/i18n';

/** Every value the API may send has its words in both languages (no raw key on screen). */
const LABELLED: Array<[string, readonly string[]]> = [
  ['worklist.kinds', TASK_KINDS],
  ['worklist.kindsPlural', TASK_KINDS],
  ['customer.outcomes', TASK_OUTCOMES],
  ['worklist.priorities', PRIORITY_THRESHOLDS.map(([level]) => level)],
  ['scenarios.actions', STEP_ACTIONS],
  ['scenarios.actors', STEP_ACTORS],
  ['templates.channels', TEMPLATE_CHANNELS],
  ['promise.channels', PROMISE_CHANNELS],
  ['promise.statuses', ['pending', 'kept', 'broken', 'cancelled']],
  ['plan.statuses', ['active', 'breached', 'completed', 'cancelled']],
  ['plan.instalmentStatuses', ['pending', 'paid', 'missed']],
  ['documents.kinds', ['email', 'sms', 'letter', 'formal_notice', 'attachment']],
  ['documents.printStatuses', ['to_print', 'printed']],
  ['runs.triggers', ['schedule', 'manual']],
  ['runs.statuses', ['running', 'succeeded', 'failed', 'skipped']],
  [
    'runs.skipped',
    ['waiting', 'nothing_due', 'below_minimum', 'completed', 'paused_promise', 'paused_payment_plan', 'paused_hold'].concat([
      'paused_excluded',
      'paused_legal_collection',
      'paused_dispute',
      'paused_validation',
    ]),
  ],
  ['customerDunning.states', ['active', 'paused', 'hold', 'excluded', 'legal_collection']],
  ['customerDunning.sources', ['explicit', 'rule', 'default']],
  ['penalties.regimes', ['fr', 'eu', 'none']],
  ['penalties.basis', ['fr', 'eu']],
  [
    'timeline',
    ['email_sent', 'sms_sent', 'letter', 'formal_notice', 'awaiting_validation', 'approved', 'rejected', 'email', 'sms', 'call']
      .concat(['account_block', 'legal_escalation', 'hold', 'hold_lifted', 'excluded', 'included', 'task_done'])
      .map((what) => `dunning_${what}`),
  ],
];

describe('dunning vocabulary', () => {
  it.each(['fr', 'en'] as const)('has a label for every value in %s', (locale) => {
    const missing = LABELLED.flatMap(([prefix, values]) =>
      values.map((v) => `${prefix}.${v}`).filter((key) => !i18n.global.te(key, locale)),
    );
    expect(missing).toEqual([]);
    expect(RISK_GRADES).toEqual(['A', 'B', 'C', 'D', 'E']);
  });
});
