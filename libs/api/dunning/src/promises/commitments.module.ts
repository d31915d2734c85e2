import { Module } from '@nestjs/common';
import { registerEventType } from '@encours/api-core';
import { ReceivablesModule } from '@encours/receivables';
import { PaymentPlanController } from '../plans/payment-plan.controller.js';
import { PaymentPlanService } from '../plans/payment-plan.service.js';
import { DunningConfigModule } from '../config/dunning-config.module.js';
import { CommitmentTracker } from './commitment-tracker.service.js';
import { CommitmentsController } from './commitments.controller.js';
import { PromiseController } from './promise.controller.js';
import { PromiseService } from './promise.service.js';
import { registerScoreSignals } from './score-signals.js';

registerEventType('promise.kept', 'A promise to pay was kept: the payments reached the promised amount in time');
registerEventType('payment_plan.completed', 'Every instalment of a payment plan was paid');
registerScoreSignals();

/** Promises to pay and payment plans, and the tracker that decides whether they are kept. */
@Module({
  imports: [ReceivablesModule, DunningConfigModule],
  controllers: [PromiseController, PaymentPlanController, CommitmentsController],
  providers: [CommitmentTracker, PromiseService, PaymentPlanService],
  exports: [CommitmentTracker],
})
export class CommitmentsModule {}
