import { Module } from '@nestjs/common';
import { ReceivablesModule } from '@encours/receivables';
import { RiskAlertsService } from './alerts/risk-alerts.service.js';
import { ExposureService } from './exposure/exposure.service.js';
import { ScoringSettingsService } from './settings/scoring-settings.service.js';

/** What every part of scoring shares: settings, exposure, alerts. */
@Module({
  imports: [ReceivablesModule],
  providers: [ScoringSettingsService, ExposureService, RiskAlertsService],
  exports: [ReceivablesModule, ScoringSettingsService, ExposureService, RiskAlertsService],
})
export class ScoringCoreModule {}
