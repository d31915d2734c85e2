import { Module } from '@nestjs/common';
import { ScoringCoreModule } from '../scoring-core.module.js';
import { ScoreService } from './score.service.js';

/** Behavioural scores and grades, their factors and history; scoring settings. */
@Module({
  imports: [ScoringCoreModule],
  providers: [ScoreService],
  exports: [ScoreService],
})
export class ScoreModule {}
