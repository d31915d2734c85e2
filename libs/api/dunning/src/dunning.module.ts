import { Module } from '@nestjs/common';
import { ReceivablesModule } from '@encours/receivables';
import { DocumentsController } from './archive/documents.controller.js';
import { DunningConfigModule } from './config/dunning-config.module.js';
import { MailerService } from './delivery/mailer.service.js';
import { SmsService } from './delivery/sms.service.js';
import { CommitmentsModule } from './promises/commitments.module.js';
import { DeliveryService } from './run/delivery.service.js';
import { ProducerPool } from './run/producer-pool.js';
import { DunningRunController } from './run/dunning-run.controller.js';
import { DunningRunService } from './run/dunning-run.service.js';
import { RunPlannerService } from './run/run-planner.service.js';
import { WorklistController } from './worklist/worklist.controller.js';
import { WorklistService } from './worklist/worklist.service.js';

/**
 * Dunning: scenarios and templates, the daily run and its deliveries (email, SMS, letters),
 * the collectors' worklist, late-payment penalties, formal notices, promises and payment plans.
 */
@Module({
  imports: [ReceivablesModule, DunningConfigModule, CommitmentsModule],
  controllers: [DunningRunController, WorklistController, DocumentsController],
  providers: [MailerService, SmsService, ProducerPool, RunPlannerService, DeliveryService, DunningRunService, WorklistService],
  exports: [DunningConfigModule, DunningRunService],
})
export class DunningModule {}
