import { Module } from '@nestjs/common';
import { registerEventType } from '@encours/api-core';
import { ScoringCoreModule } from '../scoring-core.module.js';
import { CreditCheckController } from './credit-check.controller.js';
import { CreditCheckService } from './credit-check.service.js';

registerEventType(
  'credit_check.released',
  'A credit manager released an order that the credit check held (review or block): the ERP may release it',
);

/** The credit check for order entry, its log and releases. */
@Module({
  imports: [ScoringCoreModule],
  controllers: [CreditCheckController],
  providers: [CreditCheckService],
  exports: [CreditCheckService],
})
export class CreditChecksModule {}
