import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  DEFAULT_CREDIT_CHECK_RULES,
  DEFAULT_SCORE_WEIGHTS,
  type CreditCheckRules,
  type ScoreWeights,
} from './scoring-settings.entity.js';

/** A tenant's scoring settings, defaults filled in (the row exists only once a user saved them). */
export interface EffectiveScoringSettings {
  weights: ScoreWeights;
  alertLevels: number[];
  approvalThreshold: string | null;
  reviewReminderDays: number;
  creditCheckRules: CreditCheckRules;
  /** True while nothing was saved (every value is the default). */
  defaults: boolean;
}

export const DEFAULT_ALERT_LEVELS = [50, 80, 100];

/** Reads a tenant's settings; the settings controller writes them. */
@Injectable()
export class ScoringSettingsService {
  async effective(m: EntityManager, tenantId: string): Promise<EffectiveScoringSettings> {
    const [row]: Array<{
      weights: Partial<ScoreWeights>;
      alert_levels: number[];
      approval_threshold: string | null;
      review_reminder_days: number;
      credit_check_rules: Partial<CreditCheckRules>;
    }> = await m.query(
      `SELECT weights, alert_levels, approval_threshold::text AS approval_threshold, review_reminder_days, credit_check_rules
         FROM scoring_settings WHERE tenant_id = $1`,
      [tenantId],
    );
    if (!row)
      return {
        weights: { ...DEFAULT_SCORE_WEIGHTS },
        alertLevels: [...DEFAULT_ALERT_LEVELS],
        approvalThreshold: null,
        reviewReminderDays: 30,
        creditCheckRules: { ...DEFAULT_CREDIT_CHECK_RULES },
        defaults: true,
      };
    return {
      weights: { ...DEFAULT_SCORE_WEIGHTS, ...row.weights },
      alertLevels: [...row.alert_levels].sort((a, b) => a - b),
      approvalThreshold: row.approval_threshold,
      reviewReminderDays: row.review_reminder_days,
      creditCheckRules: { ...DEFAULT_CREDIT_CHECK_RULES, ...row.credit_check_rules },
      defaults: false,
    };
  }
}
