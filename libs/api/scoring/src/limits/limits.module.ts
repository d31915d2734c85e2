import { Module } from '@nestjs/common';
import { ScoringCoreModule } from '../scoring-core.module.js';
import { ScoreModule } from '../score/score.module.js';

/** External ratings and legal events, credit limits with approval, open orders, usage alerts and reminders. */
@Module({
  imports: [ScoringCoreModule, ScoreModule],
})
export class LimitsModule {}
