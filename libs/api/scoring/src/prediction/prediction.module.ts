import { Module } from '@nestjs/common';
import { SalesController } from '../sales/sales.controller.js';
import { SalesService } from '../sales/sales.service.js';
import { ScoringCoreModule } from '../scoring-core.module.js';
import { PredictionController } from './prediction.controller.js';
import { PredictionJobs } from './prediction.jobs.js';
import { PredictionReadService } from './prediction-read.service.js';
import { PredictionService } from './prediction.service.js';

/** Payment-date predictions (training, scheduled retraining, per-invoice predictions) and the sales views. */
@Module({
  imports: [ScoringCoreModule],
  controllers: [PredictionController, SalesController],
  providers: [PredictionService, PredictionReadService, PredictionJobs, SalesService],
  exports: [PredictionService, PredictionJobs],
})
export class PredictionModule {}
