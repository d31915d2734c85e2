import { Module } from '@nestjs/common';
import { ReceivablesModule } from '@encours/receivables';
import { MergeContextBuilder } from '../merge/merge-context.builder.js';
import { PenaltyController } from '../penalties/penalty.controller.js';
import { PenaltyService } from '../penalties/penalty.service.js';
import { ReferenceRateService } from '../penalties/reference-rate.service.js';
import { ScenarioController } from '../scenarios/scenario.controller.js';
import { ScenarioResolver } from '../scenarios/scenario-resolver.service.js';
import { ScenarioService } from '../scenarios/scenario.service.js';
import { TemplateController } from '../scenarios/template.controller.js';
import { TemplateService } from '../scenarios/template.service.js';
import { DunningSettingsController } from '../settings/dunning-settings.controller.js';
import { DunningSettingsService } from '../settings/dunning-settings.service.js';
import { DunningSetupService } from '../settings/dunning-setup.service.js';
import { CustomerDunningController } from '../state/customer-dunning.controller.js';
import { CustomerDunningService } from '../state/customer-dunning.service.js';

/** Settings, scenarios, templates, reference rates and penalties, customers' dunning settings. */
@Module({
  imports: [ReceivablesModule],
  controllers: [DunningSettingsController, ScenarioController, TemplateController, PenaltyController, CustomerDunningController],
  providers: [
    DunningSetupService,
    DunningSettingsService,
    ReferenceRateService,
    PenaltyService,
    ScenarioResolver,
    ScenarioService,
    TemplateService,
    MergeContextBuilder,
    CustomerDunningService,
  ],
  exports: [
    DunningSetupService,
    DunningSettingsService,
    ReferenceRateService,
    PenaltyService,
    ScenarioResolver,
    MergeContextBuilder,
  ],
})
export class DunningConfigModule {}
