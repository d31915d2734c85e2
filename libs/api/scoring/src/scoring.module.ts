import { Module } from '@nestjs/common';
import { ScoringCoreModule } from './scoring-core.module.js';

/**
 * Scoring: behavioural risk grades explained by their factors, external ratings and legal events,
 * credit limits with approval and usage alerts, open orders, the credit check for order entry,
 * and payment-date predictions.
 */
@Module({
  imports: [ScoringCoreModule],
  exports: [ScoringCoreModule],
})
export class ScoringModule {}
