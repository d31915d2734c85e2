import { Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { AppConfig, JobsService, type JobOutcome, type JobRun } from '@encours/api-core';
import { PredictionService } from './prediction.service.js';

/** One lock per tenant for every pass that writes predictions: a training and a refresh never overlap. */
export const PREDICTION_JOB = 'scoring.predictions';

/**
 * The schedule of payment predictions: nightly, every tenant's model is trained again and every open invoice
 * predicted; every 15 minutes, new invoices and the customers with new settlements are predicted. Each pass goes
 * through `JobsService.runExclusive` (advisory lock per tenant, job_run history). Off when JOBS_ENABLED=false
 * (tests call PredictionService directly).
 */
@Injectable()
export class PredictionJobs {
  private readonly logger = new Logger('PredictionJobs');

  constructor(
    private readonly jobs: JobsService,
    private readonly predictions: PredictionService,
    private readonly config: AppConfig,
  ) {}

  @Cron('30 2 * * *', { name: 'scoring.predictions.nightly', timeZone: 'Europe/Paris' })
  async nightly(): Promise<void> {
    if (!this.config.jobsEnabled) return;
    for (const tenantId of await this.predictions.tenantIds()) await this.trainNow(tenantId, 'schedule');
  }

  @Cron('*/15 * * * *', { name: 'scoring.predictions.refresh' })
  async frequent(): Promise<void> {
    if (!this.config.jobsEnabled) return;
    for (const tenantId of await this.predictions.tenantIds()) {
      const outcome = await this.jobs.runExclusive(
        PREDICTION_JOB,
        async () => ({ ...(await this.predictions.refresh(tenantId)) }),
        { tenantId, trigger: 'schedule' },
      );
      if (outcome.status === 'failed') this.logger.error({ tenantId, error: outcome.error }, 'Prediction refresh failed');
    }
  }

  /** Trains and predicts now for one tenant (nightly, or asked by a user), under the tenant's lock. */
  async trainNow(
    tenantId: string,
    trigger: JobRun['trigger'],
  ): Promise<JobOutcome & { result?: Awaited<ReturnType<PredictionService['trainAndPredict']>> }> {
    let result: Awaited<ReturnType<PredictionService['trainAndPredict']>> | undefined;
    const outcome = await this.jobs.runExclusive(
      PREDICTION_JOB,
      async () => {
        result = await this.predictions.trainAndPredict(tenantId);
        return { trainingCount: result.model.trainingCount, ...result.predictions };
      },
      { tenantId, trigger },
    );
    if (outcome.status === 'failed') this.logger.error({ tenantId, error: outcome.error }, 'Prediction training failed');
    return { ...outcome, result };
  }
}
