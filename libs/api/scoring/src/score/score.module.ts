import { Module } from '@nestjs/common';
import { ScoringCoreModule } from '../scoring-core.module.js';
import { ScoringSettingsController } from '../settings/scoring-settings.controller.js';
import { ScoreReadService } from './score-read.service.js';
import { ScoreController } from './score.controller.js';
import { ScoringJobs } from './score.jobs.js';
import { ScoreService } from './score.service.js';

/** Behavioural scores and grades, their factors and history; scoring settings. */
@Module({
  imports: [ScoringCoreModule],
  controllers: [ScoreController, ScoringSettingsController],
  providers: [ScoreService, ScoreReadService, ScoringJobs],
  exports: [ScoreService, ScoringJobs],
})
export class ScoreModule {}
