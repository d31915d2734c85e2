import { Module } from '@nestjs/common';
import { ScoringCoreModule } from '../scoring-core.module.js';

/** Payment-date predictions (training, scheduled retraining, per-invoice predictions) and the sales views. */
@Module({
  imports: [ScoringCoreModule],
})
export class PredictionModule {}
