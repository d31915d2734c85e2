import { Module } from '@nestjs/common';
import { ScoringCoreModule } from '../scoring-core.module.js';

/** The credit check for order entry, its log and releases. */
@Module({
  imports: [ScoringCoreModule],
})
export class CreditChecksModule {}
