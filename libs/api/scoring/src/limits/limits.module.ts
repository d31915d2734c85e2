import { Module } from '@nestjs/common';
import { registerEventType } from '@encours/api-core';
import { RiskAlertInboxService } from '../alerts/risk-alert-inbox.service.js';
import { RiskAlertsController } from '../alerts/risk-alerts.controller.js';
import { OpenOrdersController } from '../orders/orders.controller.js';
import { OpenOrdersService } from '../orders/orders.service.js';
import { RatingProviderRegistry } from '../ratings/rating-provider.js';
import { RatingsController } from '../ratings/ratings.controller.js';
import { LEGAL_EVENT_TYPE, RatingsService } from '../ratings/ratings.service.js';
import { ScoringCoreModule } from '../scoring-core.module.js';
import { ScoreModule } from '../score/score.module.js';
import { LimitUsageService } from './limit-usage.service.js';
import { CreditLimitsController } from './limits.controller.js';
import { CreditLimitsService } from './limits.service.js';

registerEventType(
  LEGAL_EVENT_TYPE,
  'A collective proceeding (safeguard, receivership, liquidation) of a customer became known (published once per customer, provider and proceeding)',
);

/** External ratings and legal events, credit limits with approval, open orders, usage alerts and reminders. */
@Module({
  imports: [ScoringCoreModule, ScoreModule],
  controllers: [RatingsController, CreditLimitsController, OpenOrdersController, RiskAlertsController],
  providers: [
    RatingProviderRegistry,
    RatingsService,
    CreditLimitsService,
    LimitUsageService,
    OpenOrdersService,
    RiskAlertInboxService,
  ],
  exports: [RatingProviderRegistry, RatingsService, CreditLimitsService, LimitUsageService, OpenOrdersService],
})
export class LimitsModule {}
