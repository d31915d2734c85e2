import { Module } from '@nestjs/common';
import { CreditChecksModule } from './checks/credit-checks.module.js';
import { LimitsModule } from './limits/limits.module.js';
import { PredictionModule } from './prediction/prediction.module.js';
import { ScoreModule } from './score/score.module.js';
import { ScoringCoreModule } from './scoring-core.module.js';

/**
 * Scoring: behavioural risk grades explained by their factors, external ratings and legal events,
 * credit limits with approval and usage alerts, open orders, the credit check for order entry,
 * and payment-date predictions.
 */
@Module({
  imports: [ScoringCoreModule, ScoreModule, LimitsModule, CreditChecksModule, PredictionModule],
  exports: [ScoringCoreModule, ScoreModule, LimitsModule, CreditChecksModule, PredictionModule],
})
export class ScoringModule {}
